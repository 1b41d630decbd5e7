import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { GraphQLThrottlerGuard, rateLimitOptions } from './graphql/rate-limit';
import { PostgresThrottlerStorage } from './graphql/rate-limit-storage';
import type { Pool } from 'pg';
import { PG_POOL } from './database/database.module';
import { GraphQLPassThroughFilter } from './graphql/graphql-exception.filter';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { CqrsModule } from '@nestjs/cqrs';
import { DatabaseModule } from './database/database.module';
import { ExportsModule } from './exports/exports.module';
import { HealthResolver } from './health/health.resolver';
import { CommandSideModule } from './command-side/command-side.module';
import { ProjectionsModule } from './projections/projections.module';
import { CooperationMutationsResolver } from './cooperations/cooperation-mutations.resolver';
import { OrganisationMutationsResolver } from './organisations/organisation-mutations.resolver';
import { OrganisationQueriesResolver, OrganisationSummaryResolver, UserAccountOrganisationResolver } from './organisations/organisation-queries.resolver';
import {
  CooperationQueriesResolver,
  FundingResolver,
  FundingRequestResolver,
  CooperationListItemResolver,
  SupportResolver,
  HistoryActorResolver,
  HistoryEntryResolver,
  MemberResolver,
} from './cooperations/cooperation-queries.resolver';
import { CooperationQueryService } from './cooperations/cooperation-query.service';
import { DashboardResolver } from './dashboards/dashboard.resolver';
import { formatGraphQLError } from './graphql/error-mapper';
import { buildRequestContext } from './graphql/request-context';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';
import { CooperationEventNotificationResolver, SubscriptionsResolver } from './subscriptions/subscriptions.resolver';
import { subscriptionOptions } from './subscriptions/subscription-context';
import { AuthModule } from './auth/auth.module';
import { AuthResolver } from './auth/auth.resolver';
import { AuthService } from './auth/auth.service';
import { graphqlArmor } from './graphql/armor';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { READ_MODEL_CACHE, type ReadModelCache } from './graphql/read-model-cache';
import { readModelResponseCache, stringifyResult } from './graphql/response-cache';
import { OrganisationDirectory } from './graphql/loaders';
import { inputGuard } from './graphql/input-guard';
import { SCHEMA_OPTIONS } from './graphql/scalars';

type HeaderCarrier = { headers?: Record<string, unknown>; ip?: unknown };

export interface AppOptions {
  databaseUrl: string;
}

/** Every resolver of the API (also used to print the schema without starting the app). */
export const API_RESOLVERS = [
  HealthResolver,
  CooperationMutationsResolver,
  OrganisationMutationsResolver,
  OrganisationQueriesResolver,
  OrganisationSummaryResolver,
  UserAccountOrganisationResolver,
  CooperationQueriesResolver,
  MemberResolver,
  FundingResolver,
  FundingRequestResolver,
  CooperationListItemResolver,
  SupportResolver,
  HistoryActorResolver,
  HistoryEntryResolver,
  CooperationEventNotificationResolver,
  DashboardResolver,
  SubscriptionsResolver,
  AuthResolver,
];

@Module({})
export class AppModule {
  static forRoot(options: AppOptions): DynamicModule {
    const production = process.env.NODE_ENV === 'production';
    const armor = graphqlArmor(production);
    return {
      module: AppModule,
      imports: [
        DatabaseModule.forUrl(options.databaseUrl),
        CqrsModule.forRoot(),
        CommandSideModule,
        ProjectionsModule,
        SubscriptionsModule,
        ExportsModule,
        AuthModule,
        // Counters in PostgreSQL: the limits hold across API instances.
        ThrottlerModule.forRootAsync({
          inject: [PG_POOL],
          useFactory: (pool: Pool) => ({
            ...rateLimitOptions(),
            storage: new PostgresThrottlerStorage(pool, 1000, (error) => console.error(`[rate-limit] sweep failed: ${(error as Error).message}`)),
          }),
        }),
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [AuthModule],
          inject: [AuthService, READ_MODEL_CACHE, PG_POOL],
          useFactory: (auth: AuthService, readModels: ReadModelCache, pool: Pool): ApolloDriverConfig => {
            const organisations = new OrganisationDirectory(pool, readModels);
            return {
              ...armor,
              // Every answer depends on the caller: no HTTP cache hints, and no per-field
              // cache-control hook (it instrumented every resolved field: ~5% of a query's CPU).
              // Read-model answers are kept per caller until the projections move (response-cache.ts).
              plugins: [
                ...(armor.plugins ?? []),
                ApolloServerPluginCacheControlDisabled(),
                readModelResponseCache(readModels),
                inputGuard(),
              ],
              buildSchemaOptions: SCHEMA_OPTIONS,
              stringifyResult,
              path: '/graphql',
              autoSchemaFile: true,
              sortSchema: true,
              introspection: !production,
              includeStacktraceInErrorResponses: false,
              formatError: formatGraphQLError,
              // graphql-ws holds documents to the same limits (Apollo's plugins and rules do not reach it).
              subscriptions: subscriptionOptions((headers) => auth.authenticate(headers), '/graphql', {
                parseOptions: armor.parseOptions,
                validationRules: armor.validationRules,
                production,
              }),
              // Who is asking: a bearer access token or API token (invalid ones are refused with
              // UNAUTHENTICATED); no header is an anonymous caller. With Fastify, Nest passes the
              // request itself; with Express, `{ req }`.
              context: async (arg: { req?: HeaderCarrier } & HeaderCarrier) => {
                const req = arg?.req ?? arg;
                const context = buildRequestContext(
                  req?.headers,
                  await auth.authenticate(req?.headers),
                  typeof req?.ip === 'string' ? req.ip : null,
                );
                return { ...context, organisations };
              },
            };
          },
        }),
      ],
      providers: [
        ...API_RESOLVERS,
        CooperationQueryService,
        { provide: APP_FILTER, useClass: GraphQLPassThroughFilter },
        { provide: APP_GUARD, useClass: GraphQLThrottlerGuard },
      ],
    };
  }
}
