import { evaluateFact, hasEssMajority } from './cooperation.playbook';
import type { CooperationState } from './cooperation.state';
import { stageIndex } from './cooperation.types';

/**
 * The state invariants of the issue, as a checker returning the broken ones (empty when the state
 * is sound). The property tests run it after every accepted command; projections may use it too.
 */
export const cooperationInvariantViolations = (state: CooperationState): string[] => {
  if (state.status === 'NONE') return [];
  const v: string[] = [];
  const at = (stage: Parameters<typeof stageIndex>[0]) => stageIndex(state.stage) >= stageIndex(stage);
  const ids = state.members.map((m) => m.organisationId);
  if (new Set(ids).size !== ids.length) v.push('DUPLICATE_MEMBER');
  if (state.kind === 'GME' && at('FEASIBILITY') && !evaluateFact(state, 'MANDATAIRE_DESIGNATED')) v.push('MANDATAIRE_REQUIRED');
  if (state.mandataireId !== null && !ids.includes(state.mandataireId)) v.push('MANDATAIRE_NOT_MEMBER');
  if (state.kind === 'JVS' && at('OPERATION') && !hasEssMajority(state, 'FINAL')) v.push('JVS_ESS_MAJORITY_REQUIRED');
  if (state.kind === 'PTCE' && at('LAUNCH') && !evaluateFact(state, 'TERRITORY_DEFINED')) v.push('PTCE_TERRITORY_REQUIRED');
  if (state.kind === 'PTCE' && at('LAUNCH') && !evaluateFact(state, 'LOCAL_AUTHORITY_MEMBER')) v.push('PTCE_LOCAL_AUTHORITY_REQUIRED');
  if (state.kind === 'ESSAIMAGE' && state.members.filter((m) => m.role === 'PARENT').length !== 1) v.push('ESSAIMAGE_PARENT_REQUIRED');
  if (state.kind === 'GES' && at('FEASIBILITY') && !evaluateFact(state, 'SIAE_MEMBER')) v.push('GES_SIAE_REQUIRED');
  if (state.kind === 'GME' && at('OPERATION') && state.marketOutcome?.outcome !== 'AWARDED') v.push('MARKET_AWARDED_REQUIRED');
  if (state.marketOutcome?.outcome === 'LOST' && !(state.status === 'CLOSED' && state.closure?.outcome === 'TENDER_LOST'))
    v.push('LOST_TENDER_NOT_CLOSED');
  if (state.status === 'CLOSED' && state.closure === null) v.push('CLOSED_WITHOUT_OUTCOME');
  if (state.status === 'ABANDONED' && state.abandonment === null) v.push('ABANDONED_WITHOUT_REASON');
  for (let i = 1; i < state.stageHistory.length; i++) {
    const step = stageIndex(state.stageHistory[i].stage) - stageIndex(state.stageHistory[i - 1].stage);
    if (Math.abs(step) !== 1) v.push('STAGE_SKIPPED');
    if (Date.parse(state.stageHistory[i].enteredAt) < Date.parse(state.stageHistory[i - 1].enteredAt)) v.push('STAGE_HISTORY_UNORDERED');
  }
  for (const f of state.fundings) if (f.disbursed > f.amount) v.push('DISBURSED_MORE_THAN_GRANTED');
  return v;
};
