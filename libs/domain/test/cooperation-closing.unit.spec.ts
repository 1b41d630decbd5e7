import { COOPERATION_KINDS, DomainErrorCode, STAGES, closeOutcomeRefusal, closeOutcomesAt } from '../src';

describe('closeOutcomesAt: the outcomes CloseCooperation accepts, by kind and stage', () => {
  it('offers nothing before OPERATION, whatever the kind (abandon instead)', () => {
    for (const kind of COOPERATION_KINDS) for (const stage of ['DECISION', 'FEASIBILITY', 'LAUNCH'] as const) expect(closeOutcomesAt(kind, stage)).toEqual([]);
  });

  it('from OPERATION: the contract ended or the structure dissolved (not for a GME, which has none); « menée à terme » from CAPITALISATION only; never « marché perdu »', () => {
    expect(closeOutcomesAt('GIE', 'OPERATION')).toEqual(['CONTRACT_ENDED', 'DISSOLVED']);
    expect(closeOutcomesAt('GIE', 'CAPITALISATION')).toEqual(['COMPLETED', 'CONTRACT_ENDED', 'DISSOLVED']);
    expect(closeOutcomesAt('GME', 'OPERATION')).toEqual(['CONTRACT_ENDED']);
    expect(closeOutcomesAt('GME', 'CAPITALISATION')).toEqual(['COMPLETED', 'CONTRACT_ENDED']);
    for (const kind of COOPERATION_KINDS) for (const stage of STAGES) expect(closeOutcomesAt(kind, stage)).not.toContain('TENDER_LOST');
  });

  it('gives the decider’s refusal: code and details', () => {
    expect(closeOutcomeRefusal('GME', 'OPERATION', 'DISSOLVED')).toEqual({ code: DomainErrorCode.CLOSE_OUTCOME_NOT_APPLICABLE, details: { outcome: 'DISSOLVED', kind: 'GME' } });
    expect(closeOutcomeRefusal('GIE', 'OPERATION', 'COMPLETED')?.code).toBe(DomainErrorCode.INVALID_TRANSITION);
    expect(closeOutcomeRefusal('GIE', 'LAUNCH', 'CONTRACT_ENDED')?.details).toEqual({ outcome: 'CONTRACT_ENDED', stage: 'LAUNCH', reason: 'before OPERATION, abandon instead' });
    expect(closeOutcomeRefusal('GIE', 'CAPITALISATION', 'COMPLETED')).toBeNull();
  });
});
