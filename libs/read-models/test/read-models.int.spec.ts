import {
  cooperationSummary,
  funderPortfolio,
  listCooperations,
  regionalStatistics,
} from '@maillage/read-models';
import { Harness, add, advance, deliver, o, propose } from './harness';

/**
 * A realistic run through the deciders, the PostgreSQL event store and the projections (small
 * batches, so rows are loaded and folded across batches), then exact figures from the queries.
 *
 * Île-de-France (11): GME A advances on 2025-03-01; GIE B advances, is reopened and advances again;
 * JVS C is abandoned for lack of start-up funding; GME E loses its tender (closed). Pays de la
 * Loire (52): GES D, never counted in region 11.
 */
describe('read models against a real database', () => {
  let h: Harness;
  const F1 = o('conseil-regional-idf', 'FUNDER');
  const petitPlus = o('le-petit-plus', 'EA');

  beforeAll(async () => {
    h = await Harness.create('rm_read_models');
    await h.registerOrganisation({ ...petitPlus, name: 'Le Petit Plus', regionCode: '11', departementCode: '93' }, '2024-12-01');

    // A: GME, Seine-Saint-Denis
    await h.run('gme-a', '2025-01-10', propose({ cooperationId: 'gme-a', kind: 'GME', name: 'Collecte de cartons', objectives: ['ECONOMIC_DEVELOPMENT'], territory: { regionCode: '11', departementCodes: ['93'] }, sectors: ['WASTE_RECYCLING'], leadOrganisation: petitPlus }));
    await h.run('gme-a', '2025-01-10', add(o('regie-1', 'REGIE')));
    await h.run('gme-a', '2025-01-10', { type: 'DesignateMandataire', data: { organisationId: petitPlus.id } });
    await h.run('gme-a', '2025-01-12', deliver('NOTE_DE_SYNTHESE'));
    await h.run('gme-a', '2025-01-15', { type: 'GrantFunding', data: { fundingId: 'fund-a', funder: F1, programme: 'Appel à projets coopérations', amount: 30000, period: { start: '2025-01-01', end: '2025-12-31' } } });
    await h.run('gme-a', '2025-02-01', { type: 'RecordDisbursement', data: { fundingId: 'fund-a', amount: 10000, disbursedOn: '2025-02-01' } });
    await h.run('gme-a', '2025-03-01', advance);
    await h.run('gme-a', '2025-04-01', { type: 'RecordDisbursement', data: { fundingId: 'fund-a', amount: 5000, disbursedOn: '2025-04-01' } });
    await h.run('gme-a', '2025-04-10', { type: 'DefineIndicator', data: { criterionId: 'crit-a', code: 'C1', label: 'Emploi d’insertion', indicators: [{ indicatorId: 'ind-a-people', code: 'C1-I1', standard: 'PEOPLE_IN_INSERTION', target: 14 }, { indicatorId: 'ind-a-fte', code: 'C1-I2', standard: 'INSERTION_FTE', target: 5 }] } });
    await h.run('gme-a', '2025-04-10', { type: 'RecordMeasurement', data: { indicatorId: 'ind-a-people', period: { start: '2025-01-01', end: '2025-03-31' }, value: 11 } });
    // A correction of the same period replaces the first value.
    await h.run('gme-a', '2025-04-11', { type: 'RecordMeasurement', data: { indicatorId: 'ind-a-people', period: { start: '2025-01-01', end: '2025-03-31' }, value: 12 } });
    await h.run('gme-a', '2025-04-10', { type: 'RecordMeasurement', data: { indicatorId: 'ind-a-fte', period: { start: '2025-01-01', end: '2025-03-31' }, value: 4.5 } });

    // B: GIE, Hauts-de-Seine, reopened once
    await h.run('gie-b', '2025-01-20', propose({ cooperationId: 'gie-b', kind: 'GIE', name: 'La Table de Cana', objectives: ['POOLING'], territory: { regionCode: '11', departementCodes: ['92'] }, sectors: ['CATERING'], leadOrganisation: o('cana-event', 'EI') }));
    await h.run('gie-b', '2025-01-20', add(o('cockt-elles', 'EI')));
    await h.run('gie-b', '2025-01-25', deliver('NOTE_DE_SYNTHESE'));
    await h.run('gie-b', '2025-02-10', advance);
    await h.run('gie-b', '2025-02-20', { type: 'ReopenStage', data: { reason: 'Les conseils d’administration demandent une nouvelle étude' } });
    await h.run('gie-b', '2025-03-10', advance);
    await h.run('gie-b', '2025-03-15', { type: 'WaiveGateItem', data: { itemId: 'draft-constitutive-contract', justification: 'Contrat type du réseau repris tel quel' } });
    await h.run('gie-b', '2025-03-20', { type: 'GrantFunding', data: { fundingId: 'fund-b', funder: F1, programme: 'Appel à projets coopérations', amount: 20000, period: { start: '2025-03-01', end: null } } });

    // C: JVS abandoned
    await h.run('jvs-c', '2025-02-01', propose({ cooperationId: 'jvs-c', kind: 'JVS', name: 'Acces Inclusive Tech', objectives: ['SOCIAL_IMPACT'], territory: { regionCode: '11', departementCodes: ['93'] }, sectors: ['DIGITAL_SERVICES'], leadOrganisation: o('ares', 'ASSOCIATION') }));
    await h.run('jvs-c', '2025-02-15', { type: 'AbandonCooperation', data: { reason: 'COST' } });

    // E: GME whose tender is lost (closed TENDER_LOST)
    await h.run('gme-e', '2025-01-05', propose({ cooperationId: 'gme-e', kind: 'GME', name: 'Espaces verts du parc', objectives: ['ECONOMIC_DEVELOPMENT'], territory: { regionCode: '11', departementCodes: ['93'] }, sectors: ['GREEN_SPACES'], leadOrganisation: o('hep', 'EI') }));
    await h.run('gme-e', '2025-01-05', add(o('confluences', 'ACI')));
    await h.run('gme-e', '2025-01-05', { type: 'DesignateMandataire', data: { organisationId: 'hep' } });
    await h.run('gme-e', '2025-01-06', deliver('NOTE_DE_SYNTHESE'));
    await h.run('gme-e', '2025-01-20', advance);
    await h.run('gme-e', '2025-01-25', { type: 'RecordMarket', data: { buyerName: 'Ville', cpvCode: '77310000', amountExclVat: 170000, durationMonths: 12, procedures: ['RESERVED_SIAE'] } });
    await h.run('gme-e', '2025-02-05', { type: 'RecordMarketOutcome', data: { outcome: 'LOST' } });

    // D: another region
    await h.run('ges-d', '2025-01-05', propose({ cooperationId: 'ges-d', kind: 'GES', name: 'Initiative Emploi', objectives: ['POOLING'], territory: { regionCode: '52', departementCodes: ['49'] }, sectors: ['CLEANING'], leadOrganisation: o('capelia', 'AI') }));

    // The platform learnt everything on the day it happened, except A's advance, recorded on 2025-03-10.
    await h.pool.query(`update event_store.events set recorded_at = occurred_at`);
    await h.pool.query(
      `update event_store.events set recorded_at = '2025-03-10T12:00:00Z' where stream_id = 'cooperation-gme-a' and type = 'CooperationStageAdvanced'`,
    );
    await h.project();
  });
  afterAll(() => h.close());

  it('projects organisations', async () => {
    const { rows } = await h.pool.query(`select id, name, kind, ess, region_code, departement_code, network_ids from organisation`);
    expect(rows).toEqual([{ id: 'le-petit-plus', name: 'Le Petit Plus', kind: 'EA', ess: true, region_code: '11', departement_code: '93', network_ids: [] }]);
  });

  it('summarises a reopened cooperation with its stage visits, waiver and gate in French', async () => {
    const b = await cooperationSummary(h.pool, 'gie-b');
    expect(b).toMatchObject({ kind: 'GIE', stage: 'FEASIBILITY', status: 'ACTIVE', regionCode: '11', departementCodes: ['92'], funderIds: ['conseil-regional-idf'], gateSatisfied: false, version: 9 });
    expect(b!.members.map((m) => [m.organisationId, m.roleLabel])).toEqual([['cana-event', 'Membre'], ['cockt-elles', 'Membre']]);
    expect(b!.stageHistory.map((v) => [v.visit, v.stage, v.enteredVia, v.exitedVia, v.daysSpent])).toEqual([
      [1, 'DECISION', 'PROPOSED', 'ADVANCED', 21],
      [2, 'FEASIBILITY', 'ADVANCED', 'REOPENED', 10],
      [3, 'DECISION', 'REOPENED', 'ADVANCED', 18],
      [4, 'FEASIBILITY', 'ADVANCED', null, null],
    ]);
    expect(b!.waivers).toEqual([
      expect.objectContaining({ itemId: 'draft-constitutive-contract', stageLabel: 'Faisabilité', itemLabel: 'Projet de contrat constitutif du GIE', justification: 'Contrat type du réseau repris tel quel' }),
    ]);
    const gate = b!.gate as { stageLabel: string; items: { id: string; status: string }[]; missing: string[] };
    expect(gate.stageLabel).toBe('Valider la faisabilité');
    expect(gate.items.map((i) => [i.id, i.status])).toEqual([['go-decision', 'MISSING'], ['draft-constitutive-contract', 'WAIVED']]);
    const { rows } = await h.pool.query(`select stage, item_label from cooperation_waiver where cooperation_id = 'gie-b'`);
    expect(rows).toEqual([{ stage: 'FEASIBILITY', item_label: 'Projet de contrat constitutif du GIE' }]);
  });

  it('records abandonment, tender loss and the GME market', async () => {
    expect(await cooperationSummary(h.pool, 'jvs-c')).toMatchObject({ status: 'ABANDONED', abandonReason: 'COST', abandonedAt: '2025-02-15T09:00:00.000Z' });
    expect(await cooperationSummary(h.pool, 'gme-e')).toMatchObject({ status: 'CLOSED', closeOutcome: 'TENDER_LOST', stage: 'FEASIBILITY', mandataireId: 'hep' });
    const market = await h.pool.query(`select cpv_code, amount_excl_vat, outcome, mandataire_id, procedures from cooperation_market where cooperation_id = 'gme-e'`);
    expect(market.rows).toEqual([{ cpv_code: '77310000', amount_excl_vat: '170000.00', outcome: 'LOST', mandataire_id: 'hep', procedures: ['RESERVED_SIAE'] }]);
    const intervals = await h.pool.query(`select seq, stage, status, valid_to from cooperation_stage_interval where cooperation_id = 'gme-e' order by seq`);
    expect(intervals.rows.map((r): unknown[] => [r.seq, r.stage, r.status, r.valid_to?.toISOString() ?? null])).toEqual([
      [1, 'DECISION', 'ACTIVE', '2025-01-20T09:00:00.000Z'],
      [2, 'FEASIBILITY', 'ACTIVE', '2025-02-05T09:00:00.000Z'],
      [3, 'FEASIBILITY', 'CLOSED', null],
    ]);
    expect(await cooperationSummary(h.pool, 'nope')).toBeNull();
  });

  it('counts by kind and stage as of a date (occurred time): the 2025-03-01 advance counts from that day', async () => {
    const feb28 = await regionalStatistics(h.pool, { region: '11', asOf: '2025-02-28' });
    expect(feb28.byKindStage).toEqual([{ kind: 'GIE', stage: 'DECISION', count: 1 }, { kind: 'GME', stage: 'DECISION', count: 1 }]);
    expect(feb28.byStatus).toEqual([{ status: 'ABANDONED', count: 1 }, { status: 'ACTIVE', count: 2 }, { status: 'CLOSED', count: 1 }]);
    const mar1 = await regionalStatistics(h.pool, { region: '11', asOf: '2025-03-01' });
    expect(mar1.byKindStage).toEqual([{ kind: 'GIE', stage: 'DECISION', count: 1 }, { kind: 'GME', stage: 'FEASIBILITY', count: 1 }]);
    const now = await regionalStatistics(h.pool, { region: '11' });
    expect(now.byKindStage).toEqual([{ kind: 'GIE', stage: 'FEASIBILITY', count: 1 }, { kind: 'GME', stage: 'FEASIBILITY', count: 1 }]);
    expect(now.byDepartement).toEqual([{ departement: '92', count: 1 }, { departement: '93', count: 1 }]);
    expect(now.bySector).toEqual([{ sector: 'CATERING', count: 1 }, { sector: 'WASTE_RECYCLING', count: 1 }]);
    // Before anything happened.
    expect((await regionalStatistics(h.pool, { region: '11', asOf: '2025-01-04' })).byStatus).toEqual([]);
    // Pays de la Loire is separate.
    expect((await regionalStatistics(h.pool, { region: '52' })).byKindStage).toEqual([{ kind: 'GES', stage: 'DECISION', count: 1 }]);
  });

  it('answers "what we knew then" from recorded time: A’s advance was recorded on 2025-03-10', async () => {
    const knownThen = await regionalStatistics(h.pool, { region: '11', asOf: '2025-03-05', knownAt: '2025-03-05' });
    expect(knownThen.byKindStage).toEqual([{ kind: 'GIE', stage: 'DECISION', count: 1 }, { kind: 'GME', stage: 'DECISION', count: 1 }]);
    const knownNow = await regionalStatistics(h.pool, { region: '11', asOf: '2025-03-05' });
    expect(knownNow.byKindStage).toEqual([{ kind: 'GIE', stage: 'DECISION', count: 1 }, { kind: 'GME', stage: 'FEASIBILITY', count: 1 }]);
    const knownLater = await regionalStatistics(h.pool, { region: '11', asOf: '2025-03-05', knownAt: '2025-03-10T12:00:00Z' });
    expect(knownLater.byKindStage).toEqual(knownNow.byKindStage);
  });

  it('computes conversion, median days per stage and abandonment reasons as of a date', async () => {
    const now = await regionalStatistics(h.pool, { region: '11' });
    expect(now.conversion.slice(0, 2)).toEqual([
      { stage: 'DECISION', next: 'FEASIBILITY', entered: 4, reachedNext: 3, rate: 0.75 },
      { stage: 'FEASIBILITY', next: 'LAUNCH', entered: 3, reachedNext: 0, rate: 0 },
    ]);
    expect(now.conversion[2]).toEqual({ stage: 'LAUNCH', next: 'OPERATION', entered: 0, reachedNext: 0, rate: null });
    // DECISION visits: A 50 d, B 21 d and 18 d, C 14 d, E 15 d; FEASIBILITY: B 10 d, E 16 d.
    expect(now.medianDaysPerStage).toEqual([{ stage: 'DECISION', visits: 5, medianDays: 18 }, { stage: 'FEASIBILITY', visits: 2, medianDays: 13 }]);
    expect(now.abandonmentReasons).toEqual([{ reason: 'COST', label: "Manque de financement de l'amorçage", count: 1 }]);

    const feb28 = await regionalStatistics(h.pool, { region: '11', asOf: '2025-02-28' });
    expect(feb28.conversion[0]).toEqual({ stage: 'DECISION', next: 'FEASIBILITY', entered: 4, reachedNext: 2, rate: 0.5 });
    expect(feb28.medianDaysPerStage).toEqual([{ stage: 'DECISION', visits: 3, medianDays: 15 }, { stage: 'FEASIBILITY', visits: 2, medianDays: 13 }]);
    expect((await regionalStatistics(h.pool, { region: '11', asOf: '2025-02-14' })).abandonmentReasons).toEqual([]);
  });

  it('finds stalled cooperations as of a date', async () => {
    expect((await regionalStatistics(h.pool, { region: '11', asOf: '2025-02-28', stalledDays: 20 })).stalled).toEqual({ days: 20, count: 1, cooperationIds: ['gme-a'] });
    expect((await regionalStatistics(h.pool, { region: '11', asOf: '2025-03-20', stalledDays: 30 })).stalled.count).toBe(0);
    expect((await regionalStatistics(h.pool, { region: '11', stalledDays: 90 })).stalled.cooperationIds).toEqual(['gie-b', 'gme-a']);
  });

  it('totals funding and insertion indicators as of a date', async () => {
    expect((await regionalStatistics(h.pool, { region: '11' })).funding).toEqual({ fundings: 2, funders: 1, cooperations: 2, granted: 50000, disbursed: 15000 });
    expect((await regionalStatistics(h.pool, { region: '11', asOf: '2025-03-01' })).funding).toEqual({ fundings: 1, funders: 1, cooperations: 1, granted: 30000, disbursed: 10000 });
    expect((await regionalStatistics(h.pool, { region: '11' })).insertion).toEqual([
      { standard: 'INSERTION_FTE', label: expect.any(String), year: 2025, total: 4.5, cooperations: 1 },
      { standard: 'PEOPLE_IN_INSERTION', label: expect.any(String), year: 2025, total: 12, cooperations: 1 },
    ]);
    expect((await regionalStatistics(h.pool, { region: '11', asOf: '2025-04-09' })).insertion).toEqual([]);
    const { rows } = await h.pool.query(`select amount, disbursed, ended_on from cooperation_funding where funding_id = 'fund-a'`);
    expect(rows).toEqual([{ amount: '30000.00', disbursed: '15000.00', ended_on: null }]);
  });

  it('gives a funder its portfolio as of a date', async () => {
    const march = await funderPortfolio(h.pool, { funderId: 'conseil-regional-idf', asOf: '2025-03-31' });
    expect(march.totals).toEqual({ cooperations: 2, fundings: 2, granted: 50000, disbursed: 10000 });
    expect(march.cooperations.map((c) => [c.id, c.stage, c.status, c.waivers, c.fundings[0].disbursed])).toEqual([
      ['gme-a', 'FEASIBILITY', 'ACTIVE', 0, 10000],
      ['gie-b', 'FEASIBILITY', 'ACTIVE', 1, 0],
    ]);
    const january = await funderPortfolio(h.pool, { funderId: 'conseil-regional-idf', asOf: '2025-01-31' });
    expect(january.cooperations.map((c) => [c.id, c.stage])).toEqual([['gme-a', 'DECISION']]);
    expect(january.totals).toEqual({ cooperations: 1, fundings: 1, granted: 30000, disbursed: 0 });
  });

  it('lists cooperations with filters and keyset pagination', async () => {
    const page1 = await listCooperations(h.pool, { region: '11' }, { first: 2 });
    expect(page1.items.map((c) => c.id)).toEqual(['jvs-c', 'gie-b']);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = await listCooperations(h.pool, { region: '11' }, { first: 2, after: page1.pageInfo.endCursor });
    expect(page2.items.map((c) => c.id)).toEqual(['gme-a', 'gme-e']);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    expect((await listCooperations(h.pool, { region: '11', stage: 'FEASIBILITY', status: 'ACTIVE' })).items.map((c) => c.id)).toEqual(['gie-b', 'gme-a']);
    expect((await listCooperations(h.pool, { funderId: 'conseil-regional-idf' })).items.map((c) => c.id)).toEqual(['gie-b', 'gme-a']);
    expect((await listCooperations(h.pool, { departement: '93', kind: 'GME' })).items.map((c) => c.id)).toEqual(['gme-a', 'gme-e']);
    expect((await listCooperations(h.pool, { stalledForDays: 30 })).items.map((c) => c.id)).toEqual(['gie-b', 'gme-a', 'ges-d']);
    expect((await listCooperations(h.pool, {}, { first: 1000 })).items).toHaveLength(5);
    await expect(listCooperations(h.pool, {}, { after: 'garbage' })).rejects.toThrow('Invalid cursor');
  });
});
