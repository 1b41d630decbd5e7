import { buildDemoPlan, type DemoPlanOptions } from './build-plan';
import type { DemoStep } from './plan';
import { DemoStepRejected } from './simulate';

export interface SeedDemoOptions extends DemoPlanOptions {
  /** Called after each command: (done, total). */
  onProgress?: (done: number, total: number) => void;
  /** Cooperations written in parallel (each one's commands stay in order). Default 4. */
  concurrency?: number;
}

export interface SeedDemoResult {
  organisations: number;
  /** Cooperation streams (a renewal writes two). */
  cooperations: number;
  /** Commands sent to the bus. */
  commands: number;
  /** Commands answered from an earlier run (idempotency key already used): nothing appended. */
  replayed: number;
}

/** What the command side answers for one step (only whether it was answered from an earlier run). */
export interface DemoStepOutcome {
  replayed?: boolean;
}

/**
 * Writes the demo through the command handlers: `execute` sends one step as its command (the API's
 * `executeDemoStep` puts it on the CQRS bus; this library knows no application). Organisations
 * first, then the cooperations. Every command carries an idempotency key derived from its place in
 * the plan, so a second run appends nothing. Stops at the first rejected command.
 */
export async function seedDemo(
  execute: (step: DemoStep) => Promise<DemoStepOutcome>,
  options: SeedDemoOptions,
): Promise<SeedDemoResult> {
  const plan = buildDemoPlan(options);
  const total = plan.organisationSteps.length + plan.cooperations.reduce((a, c) => a + c.steps.length, 0);
  let done = 0;
  let replayed = 0;
  let index = 0;
  const run = async (step: DemoStep) => {
    const at = index++;
    try {
      const result = await execute(step);
      if (result.replayed) replayed++;
    } catch (error) {
      throw new DemoStepRejected(step, at, error);
    }
    done++;
    options.onProgress?.(done, total);
  };
  options.onProgress?.(0, total);
  // Networks are registered before their members, so organisations go one by one.
  for (const step of plan.organisationSteps) await run(step);
  const queue = [...plan.cooperations];
  const workers = Array.from({ length: Math.max(1, options.concurrency ?? 4) }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      for (const step of next.steps) await run(step);
    }
  });
  await Promise.all(workers);
  const streams = new Set(plan.cooperations.flatMap((c) => Object.keys(c.expected)));
  return { organisations: plan.organisations.length, cooperations: streams.size, commands: total, replayed };
}
