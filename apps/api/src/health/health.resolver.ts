import { Field, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { Inject } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../database/database.module';

@ObjectType({ description: 'Liveness of the API and its database.' })
export class Health {
  @Field({ description: '"ok" when the database answers, "degraded" otherwise.' })
  status!: string;

  @Field({ nullable: true, description: 'PostgreSQL server version, when reachable.' })
  databaseVersion?: string;
}

@Resolver(() => Health)
export class HealthResolver {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Query(() => Health, { description: 'Whether the API and its database are up.' })
  async health(): Promise<Health> {
    try {
      const { rows } = await this.pool.query<{ v: string }>("select current_setting('server_version') as v");
      return { status: 'ok', databaseVersion: rows[0].v };
    } catch {
      return { status: 'degraded' };
    }
  }
}
