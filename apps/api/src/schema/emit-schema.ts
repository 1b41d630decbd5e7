import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { buildApiSchema, printApiSchema, SCHEMA_FILE } from './schema-printer';

/** Build step: writes docs/schema.graphql from the code-first types. */
buildApiSchema()
  .then((schema) => writeFileSync(SCHEMA_FILE, printApiSchema(schema)))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
