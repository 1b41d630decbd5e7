import { TWO_MEMBERS_KINDS, activeWaiver, evaluateFact, hasEssMajority, shareholdingSummary } from './cooperation.playbook';
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
  if (TWO_MEMBERS_KINDS.includes(state.kind) && at('FEASIBILITY') && state.members.length < 2) v.push('TWO_MEMBERS_REQUIRED');
  if (state.kind === 'JVS' && at('OPERATION')) {
    // The ESS majority may be waived (seed 001, Brise de Terre at 50/50); the 100 % never.
    const shares = shareholdingSummary(state, 'FINAL');
    if (!shares.defined || shares.total !== 100) v.push('SHARES_NOT_100');
    else if (!activeWaiver(state, 'LAUNCH', 'final-shares-ess-majority') && !hasEssMajority(state, 'FINAL')) v.push('JVS_ESS_MAJORITY_REQUIRED');
  }
  if (state.kind === 'PTCE' && at('LAUNCH') && !evaluateFact(state, 'TERRITORY_DEFINED')) v.push('PTCE_TERRITORY_REQUIRED');
  if (state.kind === 'PTCE' && at('LAUNCH') && !evaluateFact(state, 'LOCAL_AUTHORITY_MEMBER') && !activeWaiver(state, 'FEASIBILITY', 'local-authority-involved'))
    v.push('PTCE_LOCAL_AUTHORITY_REQUIRED');
  if (state.kind === 'PTCE' && at('LAUNCH') && !evaluateFact(state, 'ESS_ENTERPRISE_MEMBER')) v.push('PTCE_ESS_ENTERPRISE_REQUIRED');
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
