import { demoId } from './ids';
import type { CooperationCommand, CooperationKind, OrganisationCommand, OrganisationKind, OrganisationRef, Stage } from '@maillage/domain';

/** Who the demo commands are attributed to (the event store's actor). */
export interface DemoActor {
  userId: string;
  organisationId: string | null;
  role: string;
}

/** Cooperation command data as the API takes it: organisations named by `{ id }` only. */
type WithRefs<D> = {
  [K in keyof D]: D[K] extends OrganisationRef ? { id: string } : D[K] extends OrganisationRef | undefined ? { id: string } | undefined : D[K];
};
export type InputData<T extends CooperationCommand['type']> = WithRefs<Extract<CooperationCommand, { type: T }>['data']>;
export type CooperationInput = { [T in CooperationCommand['type']]: { type: T; data: InputData<T> } }[CooperationCommand['type']];

export type DemoStep =
  | { aggregate: 'organisation'; aggregateId: string; command: OrganisationCommand; occurredAt: string; idempotencyKey: string; actor: DemoActor }
  | { aggregate: 'cooperation'; aggregateId: string; command: CooperationInput; occurredAt: string; idempotencyKey: string; actor: DemoActor };

export interface DemoOrganisation {
  slug: string;
  id: string;
  name: string;
  kind: OrganisationKind;
  ess?: boolean;
  regionCode: string;
  departementCode: string;
  siret: string | null;
  networkSlugs: string[];
  /** Invented for the demo (name, SIRET); false for the organisations of the sources and public bodies. */
  synthetic: boolean;
  /** When it was registered on the platform (ISO date-time). */
  registeredAt: string;
}

/** What the plan expects of a cooperation at the end, checked by the tests. */
export interface DemoExpectation {
  stage: Stage;
  status: 'ACTIVE' | 'CLOSED' | 'ABANDONED';
}

/** One unit of work: the commands of one cooperation (and of its successor, for a renewal), in order. */
export interface DemoCooperation {
  slug: string;
  id: string;
  kind: CooperationKind;
  name: string;
  regionCode: string;
  /** From the sources (seeds) rather than generated. */
  real: boolean;
  steps: DemoStep[];
  /** Expected end state of each cooperation stream written by the steps, by cooperation id. */
  expected: Record<string, DemoExpectation>;
}

export interface DemoPlan {
  seed: number;
  now: string;
  organisations: DemoOrganisation[];
  organisationSteps: DemoStep[];
  cooperations: DemoCooperation[];
}

export const DEMO_USER_ID = 'demo-data-seed';

/** 'YYYY-MM-DD' at 09:00 UTC, or an ISO date-time as is. */
export const at = (date: string): string => (date.length === 10 ? `${date}T09:00:00.000Z` : date);

/** Builds the ordered commands of one cooperation with deterministic ids and idempotency keys. */
export class CooperationScript {
  readonly steps: DemoStep[] = [];
  readonly expected: Record<string, DemoExpectation> = {};

  constructor(
    readonly slug: string,
    readonly id: string,
    private readonly actorOrganisationId: string,
  ) {}

  /** A deterministic sub-id (deliverable, funding, indicator...) scoped to this cooperation. */
  sub(name: string): string {
    return demoId(`${this.slug}:${name}`);
  }

  run<T extends CooperationCommand['type']>(date: string, type: T, data: InputData<T>, aggregateId: string = this.id): this {
    this.steps.push({
      aggregate: 'cooperation',
      aggregateId,
      command: { type, data } as CooperationInput,
      occurredAt: at(date),
      // The key names the cooperation and the step: a second run replays every command.
      idempotencyKey: `demo-data:${aggregateId}:${this.steps.length}`,
      actor: { userId: DEMO_USER_ID, organisationId: this.actorOrganisationId, role: 'MEMBER' },
    });
    return this;
  }

  expect(id: string, stage: Stage, status: DemoExpectation['status']): this {
    this.expected[id] = { stage, status };
    return this;
  }

  /** Date of the last step (ISO date-time), for assertions. */
  get lastAt(): string | null {
    return this.steps.length ? this.steps[this.steps.length - 1].occurredAt : null;
  }
}
