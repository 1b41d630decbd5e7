import { existsSync } from 'node:fs';
import path from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { INestApplicationContext } from '@nestjs/common';

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
export function printApiSchema(app: INestApplicationContext): string {
  const { schema } = app.get(GraphQLSchemaHost);
  return HEADER + printSchema(lexicographicSortSchema(schema)) + '\n';
}
