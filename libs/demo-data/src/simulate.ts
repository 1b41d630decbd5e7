import {
  decideCooperation,
  decideOrganisation,
  decideRenewal,
  evolveCooperation,
  evolveOrganisation,
  initialCooperationState,
  initialOrganisationState,
  toOrganisationRef,
  type CooperationCommand,
  type CooperationState,
  type DecideContext,
  type OrganisationState,
} from '@maillage/domain';
import type { DemoPlan, DemoStep } from './plan';

const ORGANISATION_FIELDS = ['leadOrganisation', 'parentOrganisation', 'organisation', 'funder'] as const;

export class DemoStepRejected extends Error {
  constructor(
    readonly step: DemoStep,
    readonly index: number,
    override readonly cause: unknown,
  ) {
    const code = (cause as { code?: string }).code ?? (cause as Error).message;
    super(`demo step ${index} (${step.command.type} on ${step.aggregate} ${step.aggregateId}, ${step.occurredAt}) rejected: ${code}`);
    this.name = 'DemoStepRejected';
  }
}

export interface SimulationResult {
  organisations: Map<string, OrganisationState>;
  cooperations: Map<string, CooperationState>;
  commands: number;
  events: number;
}

/**
 * Runs the plan through the pure domain (no database): what the command handlers would decide,
 * with organisations looked up as the handlers do. Throws DemoStepRejected on the first rejection.
 */
export const simulateDemoPlan = (plan: DemoPlan): SimulationResult => {
  const organisations = new Map<string, OrganisationState>();
  const cooperations = new Map<string, CooperationState>();
  let commands = 0;
  let events = 0;
  const ctx = (step: DemoStep): DecideContext => ({
    now: plan.now,
    occurredAt: step.occurredAt,
    newId: () => {
      throw new Error(`demo commands must carry their ids (${step.command.type})`);
    },
  });
  const steps = [...plan.organisationSteps, ...plan.cooperations.flatMap((c) => c.steps)];
  steps.forEach((step, index) => {
    commands++;
    try {
      if (step.aggregate === 'organisation') {
        let state = organisations.get(step.aggregateId) ?? initialOrganisationState();
        const produced = decideOrganisation(step.command, state, ctx(step));
        for (const e of produced) state = evolveOrganisation(state, e);
        organisations.set(step.aggregateId, state);
        events += produced.length;
        return;
      }
      const data = { ...(step.command.data as Record<string, unknown>) };
      for (const field of ORGANISATION_FIELDS) {
        const value = data[field] as { id: string } | undefined;
        if (!value) continue;
        const ref = toOrganisationRef(organisations.get(value.id) ?? initialOrganisationState());
        if (!ref) throw Object.assign(new Error(`unknown organisation ${value.id}`), { code: 'NOT_FOUND' });
        data[field] = ref;
      }
      const command = { type: step.command.type, data } as CooperationCommand;
      const state = cooperations.get(step.aggregateId) ?? initialCooperationState();
      if (command.type === 'RenewCooperation') {
        const decision = decideRenewal(command, state, ctx(step));
        cooperations.set(step.aggregateId, decision.predecessor.events.reduce(evolveCooperation, state));
        const successorId = command.data.successorId;
        cooperations.set(successorId, decision.successor.events.reduce(evolveCooperation, initialCooperationState()));
        events += decision.predecessor.events.length + decision.successor.events.length;
        return;
      }
      const produced = decideCooperation(command, state, ctx(step));
      cooperations.set(step.aggregateId, produced.reduce(evolveCooperation, state));
      events += produced.length;
    } catch (error) {
      throw new DemoStepRejected(step, index, error);
    }
  });
  return { organisations, cooperations, commands, events };
};
