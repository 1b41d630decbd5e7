import { Pool } from 'pg';
import type { RecordedEvent } from '@maillage/event-store';
import { cooperationActivityProjection, migrateReadModels } from '@maillage/read-models';
import { createTestDatabase, type TestDatabase } from '@maillage/testing';
import { recordedEvent } from './recorded-events';

jest.setTimeout(60_000);

const ev = recordedEvent;

/**
 * Live, the activity projection takes a cooperation's contribution out of the regional figures
 * and puts it back (two statements over all its funding, disbursement and measurement rows) only
 * when the batch has an event that can change those rows; a deliverable alone does not.
 */
describe('read models: regional activity figures are recomputed only for cooperations whose sources moved', () => {
  let db: TestDatabase;
  let pool: Pool;
  beforeAll(async () => {
    db = await createTestDatabase('rm_activity_scope');
    await migrateReadModels(db.url);
    pool = new Pool({ connectionString: db.url, max: 2 });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  /** Applies a live batch in a transaction; returns the statements that wrote the regional figures. */
  async function apply(events: RecordedEvent[]): Promise<string[]> {
    const client = await pool.connect();
    const statements: string[] = [];
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && /regional_activity_statistic/.test(args[0])) statements.push(args[0].trim().split(/\s+/).slice(0, 3).join(' '));
      return query(...args);
    };
    try {
      await client.query('begin');
      await cooperationActivityProjection.applyBatch(events, { client, rebuilding: false, table: (name) => name });
      await client.query('commit');
    } finally {
      delete (client as unknown as { query?: unknown }).query;
      client.release();
    }
    return statements;
  }

  it('leaves the figures alone for a batch of deliverables, and recomputes them for a disbursement', async () => {
    const proposed = ev('CooperationProposed', { territory: { regionCode: '52', departementCodes: ['49'] } }, '2025-01-01T09:00:00.000Z');
    const granted = ev('CooperationFundingGranted', { fundingId: 'f1', funderOrganisationId: 'fu', programme: 'FDI', amount: 1000, period: { start: '2025-01-01', end: null } }, '2025-01-02T09:00:00.000Z');
    expect(await apply([proposed, granted])).toEqual([
      'insert into regional_activity_statistic', // out (nothing yet)
      'insert into regional_activity_statistic', // back in
      'delete from regional_activity_statistic',
    ]);
    const deliverable = ev('CooperationDeliverableRecorded', { deliverableId: 'd1', kind: 'NOTE_DE_SYNTHESE', stage: 'DECISION', documentRef: null, title: 'Note' }, '2025-01-05T09:00:00.000Z');
    expect(await apply([deliverable])).toEqual([]);
    const { rows: kept } = await pool.query(`select metric, n from regional_activity_statistic where region_code = '52' order by metric`);
    const disbursed = ev('CooperationFundingDisbursed', { fundingId: 'f1', funderOrganisationId: 'fu', amount: 250, disbursedOn: '2025-02-01' }, '2025-02-01T09:00:00.000Z');
    expect(await apply([disbursed])).toHaveLength(3);
    const { rows } = await pool.query(`select metric, n from regional_activity_statistic where region_code = '52' order by metric`);
    expect(kept).toEqual(expect.arrayContaining([{ metric: 'granted', n: '1000' }]));
    expect(rows).toEqual(expect.arrayContaining([{ metric: 'granted', n: '1000' }, { metric: 'disbursed', n: '250' }]));
  });
});
