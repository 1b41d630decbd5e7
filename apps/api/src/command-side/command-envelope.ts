import { Command } from '@nestjs/cqrs';
import type { Actor } from '@maillage/event-store';
import type { Principal } from '../authorization/access-policy';
import {
  COOPERATION_COMMAND_TYPES,
  ORGANISATION_COMMAND_TYPES,
  type CooperationCommand,
  type OrganisationCommand,
} from '@maillage/domain';

/** What every command carries besides its domain payload. */
export interface CommandMeta {
  /** The stream version the caller last saw; a mismatch fails with the current version. */
  expectedVersion?: number;
  /** A retry with the same key returns the first result and appends nothing, even after a restart. */
  idempotencyKey?: string;
  /** When the fact happened in reality (ISO 8601); defaults to now. */
  occurredAt?: string;
  /** Who runs it: the handler checks the access policy against the state it loaded. */
  caller: Principal;
  /** Recorded in the event metadata (ids only). */
  actor: Actor;
  correlationId?: string;
  causationId?: string;
  /**
   * Set by the executor for a command with an idempotency key (callers leave it out): what its
   * event ids derive from, the key and the request together (see eventIdSeed).
   */
  eventIdSeed?: string;
}

export interface CommandResult {
  aggregateId: string;
  streamId: string;
  /** Stream version after the command (the version to expect next time). */
  version: number;
  /** Global position of the last event written (opaque), or null when nothing was written. */
  position: string | null;
  eventTypes: string[];
  /** True when this is the stored result of an earlier call with the same idempotency key. */
  replayed: boolean;
  /** Renewal only: the new cooperation. */
  successor?: { aggregateId: string; version: number };
}

/**
 * Cooperation commands as the API sends them: organisations are named by id only
 * (`{ id }` in leadOrganisation, parentOrganisation, organisation, funder); the handler looks up
 * their kind and ESS status from the organisation streams before deciding.
 */
export type CooperationCommandInput = { type: CooperationCommand['type']; data: object };

/** Typed for `CommandBus.execute`, which then resolves to a CommandResult. */
export class CooperationCommandMessage extends Command<CommandResult> {
  constructor(
    readonly aggregateId: string,
    readonly command: CooperationCommandInput,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

/** Typed for `CommandBus.execute`, which then resolves to a CommandResult. */
export class OrganisationCommandMessage extends Command<CommandResult> {
  constructor(
    readonly aggregateId: string,
    readonly command: OrganisationCommand,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

/**
 * @nestjs/cqrs routes a command to its handler by the command's class, so each domain command gets
 * its own message class (named after it, e.g. `AdvanceStageCommand`), generated from the domain's
 * command list so the two never drift apart.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- TypeScript's mixin rule requires any[]
function messageClasses<T extends new (...args: any[]) => object>(base: T, types: readonly string[]): Record<string, T> {
  return Object.fromEntries(
    types.map((type) => {
      const cls = class extends base {};
      Object.defineProperty(cls, 'name', { value: `${type}Command` });
      return [type, cls];
    }),
  );
}

export const COOPERATION_COMMAND_CLASSES = messageClasses(CooperationCommandMessage, COOPERATION_COMMAND_TYPES);
export const ORGANISATION_COMMAND_CLASSES = messageClasses(OrganisationCommandMessage, ORGANISATION_COMMAND_TYPES);

/** Builds the bus message for a cooperation command (e.g. from a GraphQL mutation). */
export function cooperationCommand(
  cooperationId: string,
  command: CooperationCommandInput,
  meta: CommandMeta,
): CooperationCommandMessage {
  return new COOPERATION_COMMAND_CLASSES[command.type](cooperationId, command, meta);
}

export function organisationCommand(
  organisationId: string,
  command: OrganisationCommand,
  meta: CommandMeta,
): OrganisationCommandMessage {
  return new ORGANISATION_COMMAND_CLASSES[command.type](organisationId, command, meta);
}
