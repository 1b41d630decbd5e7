import { regionalStatistics } from '@maillage/read-models';
import { Harness, add, o, propose } from './harness';

/**
 * The dashboard's stalled list, longest stalled first, by the day of the latest event, then id:
 * the same order from the pre-aggregated rows (asOf after every event) and from the intervals
 * (a past asOf). The ids are chosen so that id order is not that order.
 */
describe('stalled cooperations, longest stalled first', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await Harness.create('rm_stalled_order');
    const gie = (id: string, day: string) => [
      h.run(id, day, propose({ cooperationId: id, kind: 'GIE', name: `GIE ${id}`, objectives: ['POOLING'], territory: { regionCode: '27', departementCodes: ['21'] }, sectors: ['CATERING'], leadOrganisation: o(`${id}-lead`, 'EI') })),
    ];
    await Promise.all(gie('a-latest', '2025-03-01'));
    await Promise.all(gie('b-earliest', '2025-01-10'));
    await Promise.all(gie('c-middle', '2025-02-01'));
    await Promise.all(gie('d-middle-too', '2025-02-01'));
    // a-latest acts again later: still the latest.
    await h.run('a-latest', '2025-03-15', add(o('a-partner', 'EI')));
    await h.pool.query(`update event_store.events set recorded_at = occurred_at`);
    await h.project();
  });

  afterAll(() => h.close());

  it('lists them oldest activity first, ties by id, now and as of a past date', async () => {
    const now = await regionalStatistics(h.pool, { region: '27', stalledDays: 90 });
    expect(now.stalled).toEqual({ days: 90, count: 4, cooperationIds: ['b-earliest', 'c-middle', 'd-middle-too', 'a-latest'] });
    // On 2025-03-10 a-latest's last event was on 2025-03-01 (its member came later).
    const then = await regionalStatistics(h.pool, { region: '27', asOf: '2025-03-10', stalledDays: 5 });
    expect(then.stalled).toEqual({ days: 5, count: 4, cooperationIds: ['b-earliest', 'c-middle', 'd-middle-too', 'a-latest'] });
    const mid = await regionalStatistics(h.pool, { region: '27', asOf: '2025-03-20', stalledDays: 30 });
    expect(mid.stalled).toEqual({ days: 30, count: 3, cooperationIds: ['b-earliest', 'c-middle', 'd-middle-too'] });
  });
});
