import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { decideOrganisation, evolveOrganisation, initialOrganisationState, organisationStreamName, type OrganisationCommand, type OrganisationState } from '@maillage/domain';
import { NO_STREAM, PostgresEventStore } from '@maillage/event-store';
import { ProjectionRunner, migrateProjections, rebuildProjections } from '@maillage/projections';
import { migrateReadModels, organisationsProjection } from '@maillage/read-models';
import { createTestDatabase, type TestDatabase } from '@maillage/testing';
import { OrganisationDirectory } from '../src/graphql/loaders';
import { ReadModelCache } from '../src/graphql/read-model-cache';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * An organisation's networks from the events to the directory the API answers from: recorded on
 * registration, replaced by an update (emptied too), kept by an update that does not name them, and
 * the same rows after a rebuild as the live projector wrote, on a real PostgreSQL.
 */
describe('organisation networks: projection, rebuild and directory', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let pool: Pool;
  let runner: ProjectionRunner;
  const states = new Map<string, { state: OrganisationState; version: number }>();

  beforeAll(async () => {
    db = await createTestDatabase('organisation_networks');
    store = await PostgresEventStore.open({ url: db.url });
    await migrateProjections(db.url);
    await migrateReadModels(db.url);
    pool = new Pool({ connectionString: db.url, max: 6 });
    runner = new ProjectionRunner({ pool, store, projections: [organisationsProjection], batchSize: 2, pollIntervalMs: 50, leaseTtlMs: 3000, logger: quiet });
    await runner.start();
  });

  afterAll(async () => {
    await runner?.stop();
    await store.close();
    await pool.end();
    await db.drop();
  });

  /** Decides the command on the organisation's state and appends its events (as the command side does, without the lookups). */
  const run = async (id: string, command: OrganisationCommand, occurredAt: string) => {
    const current = states.get(id) ?? { state: initialOrganisationState(), version: 0 };
    const events = decideOrganisation(command, current.state, { now: '2026-01-01T00:00:00.000Z', occurredAt });
    await store.appendToStream(
      organisationStreamName(id),
      events.map((e) => ({ eventId: randomUUID(), type: e.type, data: e.data, occurredAt: new Date(e.occurredAt) })),
      { expectedVersion: current.version === 0 ? NO_STREAM : current.version },
    );
    states.set(id, { state: events.reduce(evolveOrganisation, current.state), version: current.version + events.length });
  };
  const register = (id: string, name: string, kind: 'NETWORK' | 'ACI' | 'EI', networkIds?: string[]) =>
    run(id, { type: 'RegisterOrganisation', data: { organisationId: id, name, kind, regionCode: '84', departementCode: '69', ...(networkIds ? { networkIds } : {}) } }, '2025-01-02T09:00:00.000Z');
  const update = (id: string, data: Extract<OrganisationCommand, { type: 'UpdateOrganisation' }>['data'], day: string) => run(id, { type: 'UpdateOrganisation', data }, `${day}T09:00:00.000Z`);

  const rows = async () =>
    (await pool.query<{ id: string; network_ids: string[]; version: number }>(`select id, network_ids, version from organisation order by id`)).rows;
  const everything = async (): Promise<unknown[]> => (await pool.query<Record<string, unknown>>(`select * from organisation order by id`)).rows;
  const caughtUp = async () => runner.waitFor(await store.lastCommittedPosition(), { timeoutMs: 30_000 });
  const directory = () => new OrganisationDirectory(pool, new ReadModelCache(pool, [organisationsProjection.name]));

  it('records the networks on registration, replaces them on update, and a rebuild writes the same rows', async () => {
    await register('net-ursiea', 'URSIEA', 'NETWORK');
    await register('net-chantier', 'Chantier école', 'NETWORK');
    await register('org-a', 'Atelier A', 'ACI', ['net-ursiea', 'net-chantier']);
    await register('org-b', 'Bâtir B', 'EI');
    await register('org-c', 'Coop C', 'EI', ['net-chantier']);
    await caughtUp();
    expect(await rows()).toEqual([
      { id: 'net-chantier', network_ids: [], version: 1 },
      { id: 'net-ursiea', network_ids: [], version: 1 },
      { id: 'org-a', network_ids: ['net-ursiea', 'net-chantier'], version: 1 },
      { id: 'org-b', network_ids: [], version: 1 },
      { id: 'org-c', network_ids: ['net-chantier'], version: 1 },
    ]);
    // The directory the API reads gives them, in the order recorded.
    expect((await directory().load(['org-a', 'org-b'])).map((o) => o?.networkIds)).toEqual([['net-ursiea', 'net-chantier'], []]);

    await update('org-a', { networkIds: ['net-chantier'] }, '2025-02-01');
    await update('org-b', { networkIds: ['net-ursiea', 'net-chantier'] }, '2025-02-01');
    await update('org-c', { networkIds: [] }, '2025-02-01');
    // An update that names no networks keeps them.
    await update('org-a', { name: 'Atelier A renommé' }, '2025-02-03');
    await caughtUp();
    const live = await everything();
    expect(await rows()).toEqual([
      { id: 'net-chantier', network_ids: [], version: 1 },
      { id: 'net-ursiea', network_ids: [], version: 1 },
      { id: 'org-a', network_ids: ['net-chantier'], version: 3 },
      { id: 'org-b', network_ids: ['net-ursiea', 'net-chantier'], version: 2 },
      { id: 'org-c', network_ids: [], version: 2 },
    ]);
    expect((await directory().load(['org-a', 'org-b', 'org-c'])).map((o) => [o?.name, o?.networkIds])).toEqual([
      ['Atelier A renommé', ['net-chantier']],
      ['Bâtir B', ['net-ursiea', 'net-chantier']],
      ['Coop C', []],
    ]);

    // Rebuilt from the events (shadow table, swapped in): row for row what the live projector wrote,
    // also with each complete stream's rows written during the fold.
    await rebuildProjections({ pool, store, projections: [organisationsProjection], batchSize: 3, requestedBy: 'test', leaseTtlMs: 3000 });
    expect(await everything()).toEqual(live);
    await rebuildProjections({ pool, store, projections: [organisationsProjection], batchSize: 3, earlyWriteRows: 1, requestedBy: 'test', leaseTtlMs: 3000 });
    expect(await everything()).toEqual(live);

    // The live projector goes on from the rebuilt table.
    await update('org-c', { networkIds: ['net-ursiea'] }, '2025-03-01');
    await caughtUp();
    expect((await rows()).find((r) => r.id === 'org-c')).toEqual({ id: 'org-c', network_ids: ['net-ursiea'], version: 3 });
    expect((await directory().load(['org-c']))[0]?.networkIds).toEqual(['net-ursiea']);
  });
});
