import { addReferenceOrganisations, OrganisationRegistry } from './organisations';
import type { DemoPlan } from './plan';
import { addSourceOrganisations, buildRealCooperations } from './real-cooperations';
import { addSyntheticOrganisations, buildSyntheticCooperation } from './synthetic';

export const DEFAULT_SYNTHETIC = 300;
export const DEFAULT_SEED = 2019;

export interface DemoPlanOptions {
  /** Number of generated cooperations besides the real ones (default 300). */
  synthetic?: number;
  seed?: number;
  /** No command is dated after this (and the API refuses dates after its own clock). */
  now: Date;
}

/**
 * The whole demo as data: organisations, then the commands of each cooperation in order. Pure and
 * deterministic: the same options give the same plan (ids, dates, idempotency keys).
 */
export const buildDemoPlan = (options: DemoPlanOptions): DemoPlan => {
  const synthetic = options.synthetic ?? DEFAULT_SYNTHETIC;
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(synthetic) || synthetic < 0) throw new Error(`synthetic must be a non-negative integer, got ${synthetic}`);
  if (Number.isNaN(options.now.getTime())) throw new Error('now must be a valid date');
  const reg = new OrganisationRegistry();
  addReferenceOrganisations(reg);
  addSourceOrganisations(reg);
  const pools = addSyntheticOrganisations(reg);
  const cooperations = [
    ...buildRealCooperations(reg),
    ...Array.from({ length: synthetic }, (_, i) => buildSyntheticCooperation(reg, pools, seed, i, options.now)),
  ];
  const now = options.now.toISOString();
  const late = cooperations.flatMap((c) => c.steps).find((s) => s.occurredAt > now);
  if (late) throw new Error(`now (${now}) is before a dated fact of the demo (${late.occurredAt}); pass a later date`);
  return { seed, now, organisations: reg.all(), organisationSteps: reg.steps(), cooperations };
};
