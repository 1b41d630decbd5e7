import { existsSync } from 'node:fs';
import path from 'node:path';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { API_RESOLVERS } from '../app.module';
import { holdingEventLoop } from '../bootstrap';
import { SCHEMA_OPTIONS } from '../graphql/scalars';

/** Repository root: the nearest folder above this file (source or dist/) holding nest-cli.json. */
function repositoryRoot(from: string): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'nest-cli.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no repository root above ${from}`);
    dir = parent;
  }
  return dir;
}

export const SCHEMA_FILE = path.join(repositoryRoot(__dirname), 'docs', 'schema.graphql');

const HEADER = '# Generated from the code-first GraphQL types by `npm run build` (apps/api/src/schema). Do not edit.\n\n';

/** The public GraphQL contract as SDL, sorted so that diffs show real changes only. */
export function printApiSchema(schema: GraphQLSchema): string {
  return HEADER + printSchema(lexicographicSortSchema(schema)) + '\n';
}

/** Builds the schema from the resolvers alone: no database, no app start. */
export function buildApiSchema(): Promise<GraphQLSchema> {
  return holdingEventLoop(async () => {
    const app = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: false });
    await app.init();
    const schema = await app.get(GraphQLSchemaFactory).create(API_RESOLVERS, SCHEMA_OPTIONS);
    await app.close();
    return schema;
  });
}
