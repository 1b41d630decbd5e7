/**
 * @maillage/demo-data: the demo dataset (issue 4). The real cooperations of the sources with their
 * dates and figures, plus seeded synthetic ones, written only through the command handlers.
 */
export { seedDemo, type DemoStepOutcome, type SeedDemoOptions, type SeedDemoResult } from './seed-demo';
export { buildDemoPlan, DEFAULT_SEED, DEFAULT_SYNTHETIC, type DemoPlanOptions } from './build-plan';
export { simulateDemoPlan, DemoStepRejected, type SimulationResult } from './simulate';
export { REAL_COOPERATION_SLUGS } from './real-cooperations';
export { DEMO_REGIONS } from './organisations';
export { syntheticShape } from './synthetic';
export { cooperationIdOf, organisationIdOf, demoId, DEMO_NAMESPACE, syntheticSiren, syntheticSiret } from './ids';
export { createRandom, deriveSeed, mulberry32, type Random } from './random';
export type { DemoPlan, DemoStep, DemoCooperation, DemoOrganisation, DemoExpectation, DemoActor } from './plan';
