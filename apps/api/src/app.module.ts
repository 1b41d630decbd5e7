import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
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
import { CooperationListItemResolver, CooperationQueriesResolver, MemberResolver } from './cooperations/cooperation-queries.resolver';
import { CooperationQueryService } from './cooperations/cooperation-query.service';
import { DashboardResolver } from './dashboards/dashboard.resolver';
import { formatGraphQLError } from './graphql/error-mapper';
import { buildRequestContext } from './graphql/request-context';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';
import { SubscriptionsResolver } from './subscriptions/subscriptions.resolver';
import { subscriptionOptions } from './subscriptions/subscription-context';

type HeaderCarrier = { headers?: Record<string, unknown> };

export interface AppOptions {
  databaseUrl: string;
}

/** Every resolver of the API (also used to print the schema without starting the app). */
export const API_RESOLVERS = [
  HealthResolver,
  CooperationMutationsResolver,
  OrganisationMutationsResolver,
  CooperationQueriesResolver,
  CooperationListItemResolver,
  MemberResolver,
  DashboardResolver,
  SubscriptionsResolver,
];

@Module({})
export class AppModule {
  static forRoot(options: AppOptions): DynamicModule {
    const production = process.env.NODE_ENV === 'production';
    return {
      module: AppModule,
      imports: [
        DatabaseModule.forUrl(options.databaseUrl),
        CqrsModule.forRoot(),
        CommandSideModule,
        ProjectionsModule,
        SubscriptionsModule,
        ExportsModule,
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: '/graphql',
          autoSchemaFile: true,
          sortSchema: true,
          introspection: !production,
          includeStacktraceInErrorResponses: false,
          formatError: formatGraphQLError,
          // With Fastify, Nest passes the request itself; with Express, `{ req }`.
          subscriptions: subscriptionOptions(),
          context: (arg: { req?: HeaderCarrier } & HeaderCarrier) => buildRequestContext((arg?.req ?? arg)?.headers),
        }),
      ],
      providers: [...API_RESOLVERS, CooperationQueryService, { provide: APP_FILTER, useClass: GraphQLPassThroughFilter }],
    };
  }
}
