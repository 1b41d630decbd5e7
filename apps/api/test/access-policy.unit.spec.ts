import {
  AccessDeniedError,
  authorizeOrganisationCommand,
  canProposeCooperation,
  canReadCooperation,
  canReadFunderPortfolio,
  canReadRegionalAggregates,
  canRunCooperationCommand,
  cooperationFacts,
  listScope,
  type Caller,
  type CooperationFacts,
  type Decision,
} from '../src/authorization/access-policy';

/**
 * The authorisation matrix as a table: role x operation x relation to the data (own organisation,
 * other organisation in the same région, other région). Every cell is asserted.
 */
const COOP: CooperationFacts = {
  regionCode: '11',
  leadOrganisationId: 'lead',
  mandataireId: 'mandataire',
  memberOrganisationIds: ['lead', 'mandataire', 'member'],
  funderOrganisationIds: ['funder'],
  solicitedFunderIds: ['solicited-funder'],
};

const callers: Record<string, Caller> = {
  admin: { userId: 'u-admin', organisationId: 'operator', role: 'ADMIN', regions: [] },
  networkOwnRegion: { userId: 'u-net', organisationId: 'grafie', role: 'NETWORK', regions: ['11'] },
  networkOtherRegion: { userId: 'u-net2', organisationId: 'coorace-pdl', role: 'NETWORK', regions: ['52'] },
  funderOwn: { userId: 'u-fund', organisationId: 'funder', role: 'FUNDER', regions: [] },
  funderOther: { userId: 'u-fund2', organisationId: 'other-funder', role: 'FUNDER', regions: [] },
  /** Asked for funding by the cooperation, not answered yet. */
  funderSolicited: { userId: 'u-fund3', organisationId: 'solicited-funder', role: 'FUNDER', regions: [] },
  memberLead: { userId: 'u-lead', organisationId: 'lead', role: 'MEMBER', regions: [] },
  memberMandataire: { userId: 'u-mand', organisationId: 'mandataire', role: 'MEMBER', regions: [] },
  memberPlain: { userId: 'u-mem', organisationId: 'member', role: 'MEMBER', regions: [] },
  memberOutsider: { userId: 'u-out', organisationId: 'outsider', role: 'MEMBER', regions: [] },
};

type Cell = 'allow' | 'FORBIDDEN' | 'NOT_FOUND';
const cell = (d: Decision): Cell => (d.allowed ? 'allow' : d.reason);

/** An organisation command as its handler checks it, on the state it folded (null: no such organisation). */
const organisationCommand = (c: Caller, type: string, data: object, state: { id: string; regionCode: string; kind?: string } | null): Decision => {
  try {
    authorizeOrganisationCommand(c, { type, data }, state);
    return { allowed: true };
  } catch (error) {
    if (error instanceof AccessDeniedError) return { allowed: false, reason: error.reason };
    throw error;
  }
};
const IN_11 = { id: 'structure-11', regionCode: '11' };

// prettier-ignore
const MATRIX: [operation: string, run: (c: Caller) => Decision, expected: Record<keyof typeof callers, Cell>][] = [
  ['read cooperation', (c) => canReadCooperation(c, COOP),
    { admin: 'allow', networkOwnRegion: 'allow', networkOtherRegion: 'NOT_FOUND', funderOwn: 'allow', funderOther: 'NOT_FOUND', funderSolicited: 'allow', memberLead: 'allow', memberMandataire: 'allow', memberPlain: 'allow', memberOutsider: 'NOT_FOUND' }],
  ['record deliverable', (c) => canRunCooperationCommand(c, 'RecordDeliverable', COOP),
    { admin: 'FORBIDDEN', networkOwnRegion: 'FORBIDDEN', networkOtherRegion: 'NOT_FOUND', funderOwn: 'FORBIDDEN', funderOther: 'NOT_FOUND', funderSolicited: 'FORBIDDEN', memberLead: 'allow', memberMandataire: 'allow', memberPlain: 'allow', memberOutsider: 'NOT_FOUND' }],
  ['advance stage', (c) => canRunCooperationCommand(c, 'AdvanceStage', COOP),
    { admin: 'FORBIDDEN', networkOwnRegion: 'FORBIDDEN', networkOtherRegion: 'NOT_FOUND', funderOwn: 'FORBIDDEN', funderOther: 'NOT_FOUND', funderSolicited: 'FORBIDDEN', memberLead: 'allow', memberMandataire: 'allow', memberPlain: 'FORBIDDEN', memberOutsider: 'NOT_FOUND' }],
  ['abandon', (c) => canRunCooperationCommand(c, 'AbandonCooperation', COOP),
    { admin: 'FORBIDDEN', networkOwnRegion: 'FORBIDDEN', networkOtherRegion: 'NOT_FOUND', funderOwn: 'FORBIDDEN', funderOther: 'NOT_FOUND', funderSolicited: 'FORBIDDEN', memberLead: 'allow', memberMandataire: 'allow', memberPlain: 'FORBIDDEN', memberOutsider: 'NOT_FOUND' }],
  ['waive gate item', (c) => canRunCooperationCommand(c, 'WaiveGateItem', COOP),
    { admin: 'FORBIDDEN', networkOwnRegion: 'allow', networkOtherRegion: 'NOT_FOUND', funderOwn: 'FORBIDDEN', funderOther: 'NOT_FOUND', funderSolicited: 'FORBIDDEN', memberLead: 'allow', memberMandataire: 'allow', memberPlain: 'allow', memberOutsider: 'NOT_FOUND' }],
  ['record support', (c) => canRunCooperationCommand(c, 'RecordSupport', COOP),
    { admin: 'FORBIDDEN', networkOwnRegion: 'allow', networkOtherRegion: 'NOT_FOUND', funderOwn: 'FORBIDDEN', funderOther: 'NOT_FOUND', funderSolicited: 'FORBIDDEN', memberLead: 'allow', memberMandataire: 'allow', memberPlain: 'allow', memberOutsider: 'NOT_FOUND' }],
  // Only where it funds or was solicited: a grant no longer opens any cooperation to any funder.
  ['grant funding in own name', (c) => canRunCooperationCommand(c, 'GrantFunding', COOP, c.organisationId),
    { admin: 'FORBIDDEN', networkOwnRegion: 'FORBIDDEN', networkOtherRegion: 'NOT_FOUND', funderOwn: 'allow', funderOther: 'NOT_FOUND', funderSolicited: 'allow', memberLead: 'FORBIDDEN', memberMandataire: 'FORBIDDEN', memberPlain: 'FORBIDDEN', memberOutsider: 'NOT_FOUND' }],
  ['disburse another funder\u2019s grant', (c) => canRunCooperationCommand(c, 'RecordDisbursement', COOP, 'funder-x'),
    { admin: 'FORBIDDEN', networkOwnRegion: 'FORBIDDEN', networkOtherRegion: 'NOT_FOUND', funderOwn: 'FORBIDDEN', funderOther: 'NOT_FOUND', funderSolicited: 'FORBIDDEN', memberLead: 'FORBIDDEN', memberMandataire: 'FORBIDDEN', memberPlain: 'FORBIDDEN', memberOutsider: 'NOT_FOUND' }],
  // The lead alone hands its steering over (not the mandataire, which steers with it).
  ['hand over the lead', (c) => canRunCooperationCommand(c, 'HandOverLead', COOP),
    { admin: 'FORBIDDEN', networkOwnRegion: 'FORBIDDEN', networkOtherRegion: 'NOT_FOUND', funderOwn: 'FORBIDDEN', funderOther: 'NOT_FOUND', funderSolicited: 'FORBIDDEN', memberLead: 'allow', memberMandataire: 'FORBIDDEN', memberPlain: 'FORBIDDEN', memberOutsider: 'NOT_FOUND' }],
  ['request funding', (c) => canRunCooperationCommand(c, 'RequestFunding', COOP),
    { admin: 'FORBIDDEN', networkOwnRegion: 'FORBIDDEN', networkOtherRegion: 'NOT_FOUND', funderOwn: 'FORBIDDEN', funderOther: 'NOT_FOUND', funderSolicited: 'FORBIDDEN', memberLead: 'allow', memberMandataire: 'allow', memberPlain: 'allow', memberOutsider: 'NOT_FOUND' }],
  ['withdraw a funding request', (c) => canRunCooperationCommand(c, 'WithdrawFundingRequest', COOP),
    { admin: 'FORBIDDEN', networkOwnRegion: 'FORBIDDEN', networkOtherRegion: 'NOT_FOUND', funderOwn: 'FORBIDDEN', funderOther: 'NOT_FOUND', funderSolicited: 'FORBIDDEN', memberLead: 'allow', memberMandataire: 'allow', memberPlain: 'allow', memberOutsider: 'NOT_FOUND' }],
  ['decline the request made to "solicited-funder"', (c) => canRunCooperationCommand(c, 'DeclineFundingRequest', COOP, 'solicited-funder'),
    { admin: 'FORBIDDEN', networkOwnRegion: 'FORBIDDEN', networkOtherRegion: 'NOT_FOUND', funderOwn: 'FORBIDDEN', funderOther: 'NOT_FOUND', funderSolicited: 'allow', memberLead: 'FORBIDDEN', memberMandataire: 'FORBIDDEN', memberPlain: 'FORBIDDEN', memberOutsider: 'NOT_FOUND' }],
  ['propose, led by own organisation', (c) => canProposeCooperation(c, c.organisationId ?? ''),
    { admin: 'FORBIDDEN', networkOwnRegion: 'FORBIDDEN', networkOtherRegion: 'FORBIDDEN', funderOwn: 'FORBIDDEN', funderOther: 'FORBIDDEN', funderSolicited: 'FORBIDDEN', memberLead: 'allow', memberMandataire: 'allow', memberPlain: 'allow', memberOutsider: 'allow' }],
  ['propose, led by another organisation', (c) => canProposeCooperation(c, 'lead'),
    { admin: 'FORBIDDEN', networkOwnRegion: 'FORBIDDEN', networkOtherRegion: 'FORBIDDEN', funderOwn: 'FORBIDDEN', funderOther: 'FORBIDDEN', funderSolicited: 'FORBIDDEN', memberLead: 'allow', memberMandataire: 'FORBIDDEN', memberPlain: 'FORBIDDEN', memberOutsider: 'FORBIDDEN' }],
  ['regional dashboard of région 11', (c) => canReadRegionalAggregates(c, '11'),
    { admin: 'allow', networkOwnRegion: 'allow', networkOtherRegion: 'NOT_FOUND', funderOwn: 'allow', funderOther: 'allow', funderSolicited: 'allow', memberLead: 'allow', memberMandataire: 'allow', memberPlain: 'allow', memberOutsider: 'allow' }],
  ['portfolio of funder "funder"', (c) => canReadFunderPortfolio(c, 'funder'),
    { admin: 'allow', networkOwnRegion: 'NOT_FOUND', networkOtherRegion: 'NOT_FOUND', funderOwn: 'allow', funderOther: 'NOT_FOUND', funderSolicited: 'NOT_FOUND', memberLead: 'NOT_FOUND', memberMandataire: 'NOT_FOUND', memberPlain: 'NOT_FOUND', memberOutsider: 'NOT_FOUND' }],
  ['register an organisation in région 11', (c) => organisationCommand(c, 'RegisterOrganisation', { regionCode: '11' }, null),
    { admin: 'allow', networkOwnRegion: 'allow', networkOtherRegion: 'FORBIDDEN', funderOwn: 'FORBIDDEN', funderOther: 'FORBIDDEN', funderSolicited: 'FORBIDDEN', memberLead: 'FORBIDDEN', memberMandataire: 'FORBIDDEN', memberPlain: 'FORBIDDEN', memberOutsider: 'FORBIDDEN' }],
  // The policy looks at the organisation's région only: its own staff (members, funders) are refused like anyone else's.
  ['update an organisation of région 11 (the caller\u2019s own, for members and funders)', (c) => organisationCommand(c, 'UpdateOrganisation', { name: 'Nouveau nom' }, IN_11),
    { admin: 'allow', networkOwnRegion: 'allow', networkOtherRegion: 'FORBIDDEN', funderOwn: 'FORBIDDEN', funderOther: 'FORBIDDEN', funderSolicited: 'FORBIDDEN', memberLead: 'FORBIDDEN', memberMandataire: 'FORBIDDEN', memberPlain: 'FORBIDDEN', memberOutsider: 'FORBIDDEN' }],
  ['move an organisation of région 11 to région 52', (c) => organisationCommand(c, 'UpdateOrganisation', { regionCode: '52', departementCode: '49' }, IN_11),
    { admin: 'allow', networkOwnRegion: 'FORBIDDEN', networkOtherRegion: 'FORBIDDEN', funderOwn: 'FORBIDDEN', funderOther: 'FORBIDDEN', funderSolicited: 'FORBIDDEN', memberLead: 'FORBIDDEN', memberMandataire: 'FORBIDDEN', memberPlain: 'FORBIDDEN', memberOutsider: 'FORBIDDEN' }],
  ['move an organisation of région 52 to région 11', (c) => organisationCommand(c, 'UpdateOrganisation', { regionCode: '11', departementCode: '93' }, { id: 'structure-52', regionCode: '52' }),
    { admin: 'allow', networkOwnRegion: 'FORBIDDEN', networkOtherRegion: 'FORBIDDEN', funderOwn: 'FORBIDDEN', funderOther: 'FORBIDDEN', funderSolicited: 'FORBIDDEN', memberLead: 'FORBIDDEN', memberMandataire: 'FORBIDDEN', memberPlain: 'FORBIDDEN', memberOutsider: 'FORBIDDEN' }],
  ['update its own organisation (the network’s own entry, GRAFIE in région 11)', (c) => organisationCommand(c, 'UpdateOrganisation', { name: 'Nouveau nom' }, { id: c.organisationId ?? '', regionCode: '11' }),
    { admin: 'allow', networkOwnRegion: 'FORBIDDEN', networkOtherRegion: 'FORBIDDEN', funderOwn: 'FORBIDDEN', funderOther: 'FORBIDDEN', funderSolicited: 'FORBIDDEN', memberLead: 'FORBIDDEN', memberMandataire: 'FORBIDDEN', memberPlain: 'FORBIDDEN', memberOutsider: 'FORBIDDEN' }],
  // Funders and networks are registered and changed by operators only (a network made a région's council an EI).
  // Local authorities may be solicited for funding: a network registers one, corrects its entry, but changes no kind to or from it.
  ['register a local authority in région 11', (c) => organisationCommand(c, 'RegisterOrganisation', { regionCode: '11', kind: 'LOCAL_AUTHORITY' }, null),
    { admin: 'allow', networkOwnRegion: 'allow', networkOtherRegion: 'FORBIDDEN', funderOwn: 'FORBIDDEN', funderOther: 'FORBIDDEN', funderSolicited: 'FORBIDDEN', memberLead: 'FORBIDDEN', memberMandataire: 'FORBIDDEN', memberPlain: 'FORBIDDEN', memberOutsider: 'FORBIDDEN' }],
  ['rename a local authority of région 11', (c) => organisationCommand(c, 'UpdateOrganisation', { name: 'Nouveau nom' }, { ...IN_11, kind: 'LOCAL_AUTHORITY' }),
    { admin: 'allow', networkOwnRegion: 'allow', networkOtherRegion: 'FORBIDDEN', funderOwn: 'FORBIDDEN', funderOther: 'FORBIDDEN', funderSolicited: 'FORBIDDEN', memberLead: 'FORBIDDEN', memberMandataire: 'FORBIDDEN', memberPlain: 'FORBIDDEN', memberOutsider: 'FORBIDDEN' }],
  ['make a local authority of région 11 an insertion enterprise', (c) => organisationCommand(c, 'UpdateOrganisation', { kind: 'EI' }, { ...IN_11, kind: 'LOCAL_AUTHORITY' }),
    { admin: 'allow', networkOwnRegion: 'FORBIDDEN', networkOtherRegion: 'FORBIDDEN', funderOwn: 'FORBIDDEN', funderOther: 'FORBIDDEN', funderSolicited: 'FORBIDDEN', memberLead: 'FORBIDDEN', memberMandataire: 'FORBIDDEN', memberPlain: 'FORBIDDEN', memberOutsider: 'FORBIDDEN' }],
  ['make an association of région 11 a local authority', (c) => organisationCommand(c, 'UpdateOrganisation', { kind: 'LOCAL_AUTHORITY' }, { ...IN_11, kind: 'ASSOCIATION' }),
    { admin: 'allow', networkOwnRegion: 'FORBIDDEN', networkOtherRegion: 'FORBIDDEN', funderOwn: 'FORBIDDEN', funderOther: 'FORBIDDEN', funderSolicited: 'FORBIDDEN', memberLead: 'FORBIDDEN', memberMandataire: 'FORBIDDEN', memberPlain: 'FORBIDDEN', memberOutsider: 'FORBIDDEN' }],
  ['register a funder in région 11', (c) => organisationCommand(c, 'RegisterOrganisation', { regionCode: '11', kind: 'FUNDER' }, null),
    { admin: 'allow', networkOwnRegion: 'FORBIDDEN', networkOtherRegion: 'FORBIDDEN', funderOwn: 'FORBIDDEN', funderOther: 'FORBIDDEN', funderSolicited: 'FORBIDDEN', memberLead: 'FORBIDDEN', memberMandataire: 'FORBIDDEN', memberPlain: 'FORBIDDEN', memberOutsider: 'FORBIDDEN' }],
  ['register a network in région 11', (c) => organisationCommand(c, 'RegisterOrganisation', { regionCode: '11', kind: 'NETWORK' }, null),
    { admin: 'allow', networkOwnRegion: 'FORBIDDEN', networkOtherRegion: 'FORBIDDEN', funderOwn: 'FORBIDDEN', funderOther: 'FORBIDDEN', funderSolicited: 'FORBIDDEN', memberLead: 'FORBIDDEN', memberMandataire: 'FORBIDDEN', memberPlain: 'FORBIDDEN', memberOutsider: 'FORBIDDEN' }],
  ['rename a funder of région 11', (c) => organisationCommand(c, 'UpdateOrganisation', { name: 'Nouveau nom' }, { ...IN_11, kind: 'FUNDER' }),
    { admin: 'allow', networkOwnRegion: 'FORBIDDEN', networkOtherRegion: 'FORBIDDEN', funderOwn: 'FORBIDDEN', funderOther: 'FORBIDDEN', funderSolicited: 'FORBIDDEN', memberLead: 'FORBIDDEN', memberMandataire: 'FORBIDDEN', memberPlain: 'FORBIDDEN', memberOutsider: 'FORBIDDEN' }],
  ['make an insertion enterprise of région 11 a funder', (c) => organisationCommand(c, 'UpdateOrganisation', { kind: 'FUNDER' }, { ...IN_11, kind: 'EI' }),
    { admin: 'allow', networkOwnRegion: 'FORBIDDEN', networkOtherRegion: 'FORBIDDEN', funderOwn: 'FORBIDDEN', funderOther: 'FORBIDDEN', funderSolicited: 'FORBIDDEN', memberLead: 'FORBIDDEN', memberMandataire: 'FORBIDDEN', memberPlain: 'FORBIDDEN', memberOutsider: 'FORBIDDEN' }],
  ['make an insertion enterprise of région 11 an ACI', (c) => organisationCommand(c, 'UpdateOrganisation', { kind: 'ACI' }, { ...IN_11, kind: 'EI' }),
    { admin: 'allow', networkOwnRegion: 'allow', networkOtherRegion: 'FORBIDDEN', funderOwn: 'FORBIDDEN', funderOther: 'FORBIDDEN', funderSolicited: 'FORBIDDEN', memberLead: 'FORBIDDEN', memberMandataire: 'FORBIDDEN', memberPlain: 'FORBIDDEN', memberOutsider: 'FORBIDDEN' }],
  ['update an organisation that does not exist', (c) => organisationCommand(c, 'UpdateOrganisation', { regionCode: '11', departementCode: '93' }, null),
    { admin: 'NOT_FOUND', networkOwnRegion: 'NOT_FOUND', networkOtherRegion: 'NOT_FOUND', funderOwn: 'NOT_FOUND', funderOther: 'NOT_FOUND', funderSolicited: 'NOT_FOUND', memberLead: 'NOT_FOUND', memberMandataire: 'NOT_FOUND', memberPlain: 'NOT_FOUND', memberOutsider: 'NOT_FOUND' }],
];

describe('access policy matrix', () => {
  const cases = MATRIX.flatMap(([operation, run, expected]) =>
    Object.entries(expected).map(([who, result]) => [operation, who, result, run] as const),
  );

  it.each(cases)('%s by %s: %s', (_operation, who, expected, run) => {
    expect(cell(run(callers[who]))).toBe(expected);
  });

  it('covers every caller in every row', () => {
    for (const [, , expected] of MATRIX) expect(Object.keys(expected).sort()).toEqual(Object.keys(callers).sort());
  });

  it('restricts lists to what each role may read', () => {
    expect(listScope(callers.admin)).toEqual({ kind: 'all' });
    expect(listScope(callers.networkOwnRegion)).toEqual({ kind: 'regions', regions: ['11'] });
    expect(listScope(callers.funderOwn)).toEqual({ kind: 'funder', funderId: 'funder' });
    expect(listScope(callers.memberPlain)).toEqual({ kind: 'member', organisationId: 'member' });
  });

  it('lets a funder read while its request is open, and no longer once it was withdrawn or declined', () => {
    const state = (status: string, cooperationStatus = 'ACTIVE') => ({
      status: cooperationStatus,
      territory: { regionCode: '11' },
      leadOrganisationId: 'lead',
      mandataireId: null,
      members: [{ organisationId: 'member' }],
      fundings: [{ fundingId: 'f1', funderOrganisationId: 'funder' }],
      fundingRequests: [{ requestId: 'r1', funderOrganisationId: 'solicited-funder', status }],
    });
    const read = (status: string) => cell(canReadCooperation(callers.funderSolicited, cooperationFacts(state(status))));
    expect(cooperationFacts(state('OPEN')).solicitedFunderIds).toEqual(['solicited-funder']);
    expect(read('OPEN')).toBe('allow');
    expect(read('WITHDRAWN')).toBe('NOT_FOUND');
    expect(read('DECLINED')).toBe('NOT_FOUND');
    // Granted: it reads as a funder from then on only through its grant, which this state lacks.
    expect(read('GRANTED')).toBe('NOT_FOUND');
    // A closed or abandoned cooperation takes no grant: a request left open there opens nothing.
    expect(cell(canReadCooperation(callers.funderSolicited, cooperationFacts(state('OPEN', 'ABANDONED'))))).toBe('NOT_FOUND');
    // A state folded before requests existed has none.
    const { fundingRequests: _none, ...older } = state('OPEN');
    void _none;
    expect(cooperationFacts(older).solicitedFunderIds).toEqual([]);
    expect(cell(canReadCooperation(callers.funderOwn, cooperationFacts(older)))).toBe('allow');
  });
});
