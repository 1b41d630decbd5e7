import { Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { DATABASE_URL, PG_POOL } from '../database/database.module';
import { migrateAuth } from './auth-migrations';
import { registerAuthService } from './auth-registry';
import { AuthService } from './auth.service';

/**
 * Accounts and sign-in: provides AuthService, migrated before first use. The GraphQL module's
 * async factory imports it to authenticate each request; AuthResolver is listed with the other
 * API resolvers (API_RESOLVERS) so that the printed schema includes it (see README.md).
 */
@Module({
  providers: [
    {
      provide: AuthService,
      inject: [DATABASE_URL, PG_POOL],
      useFactory: async (url: string, pool: Pool): Promise<AuthService> => {
        await migrateAuth(url); // schema first, like the command side
        const service = await AuthService.create(pool, { databaseUrl: url }); // url: the active-user cache's LISTEN
        registerAuthService(pool, service); // authenticate(pool, headers) then uses this instance
        return service;
      },
    },
  ],
  exports: [AuthService],
})
export class AuthModule {}
