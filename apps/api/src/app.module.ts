import { Module, type DynamicModule } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { CqrsModule } from '@nestjs/cqrs';
import { DatabaseModule } from './database/database.module';
import { HealthResolver } from './health/health.resolver';
import { CommandSideModule } from './command-side/command-side.module';

export interface AppOptions {
  databaseUrl: string;
}

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
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: '/graphql',
          autoSchemaFile: true,
          sortSchema: true,
          introspection: !production,
          includeStacktraceInErrorResponses: false,
        }),
      ],
      providers: [HealthResolver],
    };
  }
}
