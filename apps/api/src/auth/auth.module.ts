import { Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { DATABASE_URL, PG_POOL } from '../database/database.module';
import { migrateAuth } from './auth-migrations';
import { registerAuthService } from './auth-registry';
import { AuthService } from './auth.service';
import { CommandSideModule } from '../command-side/command-side.module';
import { CommandExecutor } from '../command-side/command-executor';
import { organisationAggregate } from '../command-side/aggregates';

/**
 * Accounts and sign-in: provides AuthService, migrated before first use. The GraphQL module's
 * async factory imports it to authenticate each request; AuthResolver is listed with the other
 * API resolvers (API_RESOLVERS) so that the printed schema includes it (see README.md).
 */
@Module({
  imports: [CommandSideModule],
  providers: [
    {
      provide: AuthService,
      inject: [DATABASE_URL, PG_POOL, CommandExecutor],
      useFactory: async (url: string, pool: Pool, executor: CommandExecutor): Promise<AuthService> => {
        await migrateAuth(url); // schema first, like the command side
        const service = await AuthService.create(pool, {
          databaseUrl: url, // the active-user cache's LISTEN
          // Accounts belong to registered organisations: read from their streams, like commands do.
          organisationExists: async (id) => (await executor.load(organisationAggregate, id)).version > 0,
        });
        registerAuthService(pool, service); // authenticate(pool, headers) then uses this instance
        return service;
      },
    },
  ],
  exports: [AuthService],
})
export class AuthModule {}
