import { readFileSync } from 'node:fs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestDatabase, type TestDatabase } from '@maillage/testing';
import { createApp } from '../src/bootstrap';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { buildApiSchema, printApiSchema, SCHEMA_FILE } from '../src/schema/schema-printer';

describe('API over HTTP', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let url: string;

  beforeAll(async () => {
    db = await createTestDatabase('health');
    app = await createApp({ databaseUrl: db.url });
    await app.listen(0, '127.0.0.1');
    url = `${await app.getUrl()}/graphql`;
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('answers the health query from the real database', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ health { status databaseVersion } }' }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { health: { status: string; databaseVersion: string } } };
    expect(body.data.health.status).toBe('ok');
    expect(body.data.health.databaseVersion).toMatch(/^1[3-9]|^[2-9]\d/);
  });

  it('keeps docs/schema.graphql in step with the code (run `npm run build` to refresh it)', async () => {
    const served = printApiSchema(app.get(GraphQLSchemaHost).schema);
    expect(printApiSchema(await buildApiSchema())).toBe(served);
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(served);
  });
});
