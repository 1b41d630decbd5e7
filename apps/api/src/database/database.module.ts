import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';

export const PG_POOL = Symbol('PG_POOL');
export const DATABASE_URL = Symbol('DATABASE_URL');

class PoolCloser implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}
  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

/** One connection pool per process, shared by the event store and the read-model queries. */
@Global()
@Module({})
export class DatabaseModule {
  static forUrl(url: string): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATABASE_URL, useValue: url },
        {
          provide: PG_POOL,
          useFactory: () => {
            const pool = new Pool({ connectionString: url, max: Number(process.env.PG_POOL_SIZE ?? 20) });
            // An idle client's network error must not crash the process; the pool replaces it.
            pool.on('error', (error) => console.error(`[database] idle client error: ${error.message}`));
            return pool;
          },
        },
        PoolCloser,
      ],
      exports: [PG_POOL, DATABASE_URL],
    };
  }
}
