import type { DomainEvent } from '../shared/messages';
import type { OrganisationKind } from './organisation.types';

/**
 * Events of the organisation aggregate (stream `organisation-<uuid>`). Organisations are legal
 * persons: no personal data here. Contact people live in an erasable store outside the events.
 */
export interface OrganisationProfile {
  name: string;
  siret: string | null;
  kind: OrganisationKind;
  ess: boolean;
  regionCode: string;
  departementCode: string;
  /** Networks (têtes de réseau) the organisation belongs to, by organisation id. */
  networkIds: string[];
}

export type OrganisationRegistered = DomainEvent<'OrganisationRegistered', { organisationId: string } & OrganisationProfile>;
export type OrganisationUpdated = DomainEvent<'OrganisationUpdated', { organisationId: string; changes: Partial<OrganisationProfile> }>;

export type OrganisationEvent = OrganisationRegistered | OrganisationUpdated;
export type OrganisationEventType = OrganisationEvent['type'];
export const ORGANISATION_EVENT_TYPES = ['OrganisationRegistered', 'OrganisationUpdated'] as const satisfies readonly OrganisationEventType[];

export type OrganisationState =
  | { status: 'NONE' }
  | ({ status: 'REGISTERED'; id: string; registeredAt: string; updatedAt: string } & OrganisationProfile);

export const initialOrganisationState = (): OrganisationState => ({ status: 'NONE' });

export const evolveOrganisation = (state: OrganisationState, event: OrganisationEvent): OrganisationState => {
  switch (event.type) {
    case 'OrganisationRegistered': {
      const { organisationId, ...profile } = event.data;
      return { status: 'REGISTERED', id: organisationId, registeredAt: event.occurredAt, updatedAt: event.occurredAt, ...profile, networkIds: [...profile.networkIds] };
    }
    case 'OrganisationUpdated':
      if (state.status === 'NONE') return state;
      return { ...state, ...event.data.changes, updatedAt: event.occurredAt };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

/** The lookup the cooperation decider needs, built from an organisation's state. */
export const toOrganisationRef = (state: OrganisationState) =>
  state.status === 'NONE' ? null : { id: state.id, kind: state.kind, ess: state.ess, name: state.name };
