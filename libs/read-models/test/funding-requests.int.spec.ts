import { funderPortfolio, listCooperations, type ListScope } from '@maillage/read-models';
import { Harness, add, advance, deliver, o, propose } from './harness';

/**
 * A funder reads what it funds and what it was asked to fund and has not answered yet: the list
 * scope pushed into the SQL follows the requests (open, withdrawn, declined, granted), and a
 * funder finds its pending requests with `solicitedFunderId`.
 */
describe('funding requests in the read models', () => {
  let h: Harness;
  const region = o('conseil-regional-hdf', 'FUNDER');
  const foundation = o('fondation-x', 'FUNDER');
  const scope = (funderId: string): ListScope => ({ kind: 'funder', funderId });
  const ids = async (filter: Parameters<typeof listCooperations>[1]) => (await listCooperations(h.pool, filter)).items.map((c) => c.id).sort();

  beforeAll(async () => {
    h = await Harness.create('rm_funding_requests');
    for (const id of ['ges-1', 'ges-2']) {
      await h.run(id, '2025-01-10', propose({ cooperationId: id, kind: 'GES', name: `GES ${id}`, objectives: ['ECONOMIC_DEVELOPMENT'], territory: { regionCode: '32', departementCodes: ['59'] }, leadOrganisation: o(`${id}-aci`, 'ACI') }));
      await h.run(id, '2025-01-10', add(o(`${id}-ei`, 'EI')));
    }
    await h.run('ges-1', '2025-02-01', { type: 'RequestFunding', data: { requestId: 'r1', funder: region, programme: 'AAP ESS', amount: 40000 } });
    await h.run('ges-1', '2025-02-01', { type: 'RequestFunding', data: { requestId: 'r2', funder: foundation } });
    await h.run('ges-2', '2025-02-01', { type: 'RequestFunding', data: { requestId: 'r3', funder: foundation } });
    await h.project();
  });
  afterAll(() => h.close());

  it('lets a solicited funder list what it was asked to fund, and nothing else', async () => {
    expect(await ids({ scope: scope(region.id) })).toEqual(['ges-1']);
    expect(await ids({ scope: scope(foundation.id) })).toEqual(['ges-1', 'ges-2']);
    expect(await ids({ scope: scope('someone-else') })).toEqual([]);
    expect(await ids({ solicitedFunderId: foundation.id })).toEqual(['ges-1', 'ges-2']);
    // Solicited is not funding.
    expect(await ids({ funderId: region.id })).toEqual([]);
  });

  it('follows the answers: a grant keeps the funder in, a decline or a withdrawal takes it out', async () => {
    await h.run('ges-1', '2025-03-01', { type: 'GrantFunding', data: { fundingId: 'f1', funder: region, programme: 'AAP ESS', amount: 30000, period: { start: '2025-03-01' } } });
    await h.run('ges-1', '2025-03-01', { type: 'DeclineFundingRequest', data: { requestId: 'r2', reason: 'Hors critères' } });
    await h.run('ges-2', '2025-03-01', { type: 'WithdrawFundingRequest', data: { requestId: 'r3' } });
    await h.project();
    expect(await ids({ scope: scope(region.id) })).toEqual(['ges-1']);
    expect(await ids({ funderId: region.id })).toEqual(['ges-1']);
    expect(await ids({ solicitedFunderId: region.id })).toEqual([]);
    expect(await ids({ scope: scope(foundation.id) })).toEqual([]);
    expect(await ids({ solicitedFunderId: foundation.id })).toEqual([]);
    const { rows } = await h.pool.query(`select id, funder_ids, solicited_funder_ids, state -> 'fundingRequests' as requests from cooperation_summary where id = 'ges-1'`);
    expect(rows[0].funder_ids).toEqual([region.id]);
    expect(rows[0].solicited_funder_ids).toEqual([]);
    expect(rows[0].requests.map((r: { requestId: string; status: string; fundingId: string | null }) => [r.requestId, r.status, r.fundingId])).toEqual([
      ['r1', 'GRANTED', 'f1'],
      ['r2', 'DECLINED', null],
    ]);
  });

  it('opens nothing once the cooperation is abandoned with a request left open', async () => {
    await h.run('ges-2', '2025-04-01', { type: 'RequestFunding', data: { requestId: 'r4', funder: region } });
    await h.project();
    expect(await ids({ solicitedFunderId: region.id })).toEqual(['ges-2']);
    await h.run('ges-2', '2025-05-01', { type: 'AbandonCooperation', data: { reason: 'COST' } });
    await h.project();
    expect(await ids({ solicitedFunderId: region.id })).toEqual([]);
    expect(await ids({ scope: scope(region.id) })).toEqual(['ges-1']);
  });

  it('gives the portfolio the closing outcome of a cooperation closed at the date, and none before', async () => {
    const lead = o('gme-lead', 'EI');
    await h.run('gme-f', '2025-01-05', propose({ cooperationId: 'gme-f', kind: 'GME', name: 'Espaces verts de Roubaix', objectives: ['ECONOMIC_DEVELOPMENT'], territory: { regionCode: '32', departementCodes: ['59'] }, leadOrganisation: lead }));
    await h.run('gme-f', '2025-01-05', add(o('gme-aci', 'ACI')));
    await h.run('gme-f', '2025-01-05', { type: 'DesignateMandataire', data: { organisationId: lead.id } });
    await h.run('gme-f', '2025-01-06', deliver('NOTE_DE_SYNTHESE'));
    await h.run('gme-f', '2025-01-10', { type: 'RequestFunding', data: { funder: region } });
    await h.run('gme-f', '2025-01-15', { type: 'GrantFunding', data: { fundingId: 'f-gme', funder: region, programme: 'Réponse aux marchés', amount: 5000, period: { start: '2025-01-15' } } });
    await h.run('gme-f', '2025-01-20', advance);
    await h.run('gme-f', '2025-01-25', { type: 'RecordMarket', data: { buyerName: 'Ville de Roubaix', cpvCode: '77310000', amountExclVat: 90000, durationMonths: 12, procedures: ['RESERVED_SIAE'] } });
    await h.run('gme-f', '2025-02-05', { type: 'RecordMarketOutcome', data: { outcome: 'LOST' } });
    await h.project();
    const of = async (asOf: string) => (await funderPortfolio(h.pool, { funderId: region.id, asOf })).cooperations.find((c) => c.id === 'gme-f');
    expect(await of('2025-02-01')).toMatchObject({ status: 'ACTIVE', closeOutcome: null });
    expect(await of('2025-02-10')).toMatchObject({ status: 'CLOSED', closeOutcome: 'TENDER_LOST' });
    expect((await of('2025-02-10'))?.fundings.map((f) => f.fundingId)).toEqual(['f-gme']);
  });
});

