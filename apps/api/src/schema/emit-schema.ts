import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { createApp } from '../bootstrap';
import { printApiSchema, SCHEMA_FILE } from './schema-printer';

/** Build step: writes docs/schema.graphql. Needs no database (the pool connects lazily). */
async function main(): Promise<void> {
  process.env.NODE_ENV ??= 'test';
  const app = await createApp({ databaseUrl: 'postgres://schema-only@127.0.0.1:1/none' });
  writeFileSync(SCHEMA_FILE, printApiSchema(app));
  await app.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
