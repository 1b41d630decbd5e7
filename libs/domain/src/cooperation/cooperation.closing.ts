import { DomainErrorCode, type DomainErrorDetails } from '../shared/domain-error';
import { CLOSE_OUTCOMES, KINDS_WITHOUT_STRUCTURE, stageIndex, type CloseOutcome, type CooperationKind, type Stage } from './cooperation.types';

/** Why an outcome is refused: the code and details the decider rejects CloseCooperation with. */
export interface CloseOutcomeRefusal {
  code: DomainErrorCode;
  details: DomainErrorDetails;
}

/**
 * The closing rule of CloseCooperation, by kind and stage, in one place (the decider rejects with
 * it, the console offers only the outcomes it allows): « marché perdu » is recorded as the market's
 * outcome, never as a closing; a kind without a structure of its own (GME) has nothing to dissolve;
 * « menée à terme » is reached from CAPITALISATION only, the other outcomes from OPERATION on
 * (before that, a cooperation is abandoned). null: the outcome is possible (a completion still
 * needs the CAPITALISATION gate satisfied, checked by the decider).
 */
export function closeOutcomeRefusal(kind: CooperationKind, stage: Stage, outcome: CloseOutcome): CloseOutcomeRefusal | null {
  if (outcome === 'TENDER_LOST') return { code: DomainErrorCode.INVALID_TRANSITION, details: { outcome, reason: 'record the market outcome LOST instead' } };
  // Seed 002: « Le GME n'est pas une personne morale »: there is no structure to dissolve.
  if (outcome === 'DISSOLVED' && KINDS_WITHOUT_STRUCTURE.includes(kind)) return { code: DomainErrorCode.CLOSE_OUTCOME_NOT_APPLICABLE, details: { outcome, kind } };
  if (outcome === 'COMPLETED') {
    if (stage !== 'CAPITALISATION') return { code: DomainErrorCode.INVALID_TRANSITION, details: { outcome, stage, reason: 'completion is reached from CAPITALISATION' } };
  } else if (stageIndex(stage) < stageIndex('OPERATION')) {
    return { code: DomainErrorCode.INVALID_TRANSITION, details: { outcome, stage, reason: 'before OPERATION, abandon instead' } };
  }
  return null;
}

/** The outcomes a cooperation of this kind, at this stage, may be closed with (possibly none). */
export const closeOutcomesAt = (kind: CooperationKind, stage: Stage): CloseOutcome[] => CLOSE_OUTCOMES.filter((o) => closeOutcomeRefusal(kind, stage, o) === null);
