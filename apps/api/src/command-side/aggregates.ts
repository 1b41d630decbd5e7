import {
  cooperationStreamName,
  decideCooperation,
  decideOrganisation,
  evolveCooperation,
  evolveOrganisation,
  initialCooperationState,
  initialOrganisationState,
  organisationStreamName,
  type CooperationEvent,
  type CooperationState,
  type DecideContext,
  type DomainCommand,
  type DomainEvent,
  type OrganisationCommand,
  type OrganisationEvent,
  type OrganisationState,
} from '@maillage/domain';
import type { CooperationCommandInput } from './command-envelope';

/** What the executor needs to run commands of one aggregate (the emmett "decider" plus its stream). */
export interface AggregateDefinition<C extends DomainCommand, E extends DomainEvent, S> {
  name: string;
  streamName(id: string): string;
  initialState(): S;
  evolve(state: S, event: E): S;
  decide(command: C, state: S, context: DecideContext): E[];
}

export const cooperationAggregate: AggregateDefinition<CooperationCommandInput, CooperationEvent, CooperationState> = {
  name: 'cooperation',
  streamName: cooperationStreamName,
  initialState: initialCooperationState,
  evolve: evolveCooperation,
  // Organisation references were resolved by the handler before deciding (see organisation-lookup).
  decide: (command, state, context) => decideCooperation(command as Parameters<typeof decideCooperation>[0], state, context),
};

export const organisationAggregate: AggregateDefinition<OrganisationCommand, OrganisationEvent, OrganisationState> = {
  name: 'organisation',
  streamName: organisationStreamName,
  initialState: initialOrganisationState,
  evolve: evolveOrganisation,
  decide: decideOrganisation,
};
