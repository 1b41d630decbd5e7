import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestDatabase, graphqlClient, type TestDatabase } from '@maillage/testing';
import { createApp } from '../../api/src/bootstrap';
import { CONSOLE_MISSING_MESSAGE_FR } from '../../api/src/console/console-static';

jest.setTimeout(60_000);

/** Without a console build (unit tests, swc-only builds) the API still starts and says how to build it. */
describe('API without a console build', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let base: string;
  const empty = mkdtempSync(path.join(tmpdir(), 'maillage-no-console-'));
  const previous = process.env.MAILLAGE_CONSOLE_DIR;

  beforeAll(async () => {
    process.env.MAILLAGE_CONSOLE_DIR = empty;
    db = await createTestDatabase('console_missing');
    app = await createApp({ databaseUrl: db.url });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    rmSync(empty, { recursive: true, force: true });
    if (previous === undefined) delete process.env.MAILLAGE_CONSOLE_DIR;
    else process.env.MAILLAGE_CONSOLE_DIR = previous;
  });

  it('answers / and client routes with a French message, and GraphQL still works', async () => {
    for (const route of ['/', '/cooperations/abc']) {
      const response = await fetch(`${base}${route}`);
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; charset=utf-8/);
      expect(await response.text()).toBe(CONSOLE_MISSING_MESSAGE_FR);
    }
    expect(CONSOLE_MISSING_MESSAGE_FR).toContain('npm run build');
    const unknownExport = await fetch(`${base}/exports/nothing.csv`);
    expect(unknownExport.status).toBe(404);
    // health is public (anonymous callers are refused everything else but login).
    const r = await graphqlClient(`${base}/graphql`)<{ health: { status: string } }>('{ health { status } }');
    expect(r.data).toEqual({ health: { status: 'ok' } });
  });
});
