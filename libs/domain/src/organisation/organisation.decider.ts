import { DomainErrorCode, reject } from '../shared/domain-error';
import { dayFr } from '../labels/validation.fr';
import type { DecideContext, Decider, DomainCommand } from '../shared/messages';
import { checkContext, requireArray, requireBoolean, requireObject, requireOneOf, requireString, toMillis } from '../shared/validation';
import { validateLocation } from '../territory/territory';
import { isValidSiret, normaliseSiret } from './siret';
import { evolveOrganisation, initialOrganisationState, type OrganisationEvent, type OrganisationProfile, type OrganisationState } from './organisation.events';
import { ORGANISATION_KINDS, isEssByDefault, type OrganisationKind } from './organisation.types';

export type RegisterOrganisation = DomainCommand<
  'RegisterOrganisation',
  {
    organisationId: string;
    name: string;
    /** Optional for bodies without one (foreign funders); validated when given. */
    siret?: string | null;
    kind: OrganisationKind;
    ess?: boolean;
    regionCode: string;
    departementCode: string;
    networkIds?: string[];
  }
>;
export type UpdateOrganisation = DomainCommand<'UpdateOrganisation', Partial<Omit<RegisterOrganisation['data'], 'organisationId'>>>;
export type OrganisationCommand = RegisterOrganisation | UpdateOrganisation;
export const ORGANISATION_COMMAND_TYPES = ['RegisterOrganisation', 'UpdateOrganisation'] as const;

const siretFrom = (value: unknown): string | null => {
  if (value === undefined || value === null) return null;
  if (!isValidSiret(value))
    throw reject(
      DomainErrorCode.INVALID_SIRET,
      { field: 'siret', siret: typeof value === 'string' ? value : null },
      typeof value === 'string' && value.trim().length > 0
        ? `Le numéro SIRET « ${value.trim().slice(0, 40)} » n'est pas valide : il faut les 14 chiffres de l'établissement (SIREN et NIC), dont le dernier est une clé de contrôle ; recopiez-le depuis l'avis de situation Sirene ou le Kbis.`
        : "Le numéro SIRET n'est pas valide : il faut les 14 chiffres de l'établissement (SIREN et NIC), ou aucun numéro pour un organisme qui n'en a pas.",
    );
  return normaliseSiret(value);
};

/** Most networks one organisation may belong to (a few in practice: its federation, its inter-réseau). */
export const MAX_NETWORKS = 20;

/**
 * The networks an organisation belongs to: distinct ids, at most MAX_NETWORKS, never the
 * organisation itself. That each is a registered network is checked by the command side (it reads
 * their streams), as for the organisations cooperation commands name.
 */
const networksFrom = (value: unknown, self: string): string[] => {
  const ids = [...new Set(requireArray(value ?? [], 'networkIds').map((n, i) => requireString(n, `networkIds[${i}]`, 100)))];
  if (ids.length > MAX_NETWORKS)
    throw reject(
      DomainErrorCode.VALIDATION_FAILED,
      { field: 'networkIds', expected: `at most ${MAX_NETWORKS} networks`, value: ids.length },
      `Une organisation appartient à ${MAX_NETWORKS} réseaux au plus : ${ids.length} réseaux différents sont indiqués.`,
    );
  const own = ids.indexOf(self);
  if (own >= 0)
    throw reject(
      DomainErrorCode.VALIDATION_FAILED,
      { field: `networkIds[${own}]`, expected: 'another organisation than itself', value: self },
      `Une organisation n'est pas son propre réseau : retirez-la de ses réseaux (réseau n° ${own + 1}).`,
    );
  return ids;
};

const registerOrganisation = (cmd: RegisterOrganisation, state: OrganisationState, ctx: DecideContext): OrganisationEvent[] => {
  if (state.status !== 'NONE') throw reject(DomainErrorCode.ALREADY_EXISTS, { organisationId: state.id });
  const d = requireObject(cmd.data, 'data');
  const kind = requireOneOf(d.kind, ORGANISATION_KINDS, 'kind');
  // Errors name the command's own fields (regionCode, departementCode).
  const location = validateLocation({ regionCode: d.regionCode, departementCode: d.departementCode }, '');
  const organisationId = requireString(d.organisationId, 'organisationId', 100);
  return [
    {
      type: 'OrganisationRegistered',
      occurredAt: ctx.occurredAt,
      data: {
        organisationId,
        name: requireString(d.name, 'name', 300),
        siret: siretFrom(d.siret),
        kind,
        ess: d.ess === undefined || d.ess === null ? isEssByDefault(kind) : requireBoolean(d.ess, 'ess'),
        regionCode: location.regionCode,
        departementCode: location.departementCode,
        networkIds: networksFrom(d.networkIds, organisationId),
      },
    },
  ];
};

const updateOrganisation = (cmd: UpdateOrganisation, state: OrganisationState, ctx: DecideContext): OrganisationEvent[] => {
  if (state.status === 'NONE') throw reject(DomainErrorCode.NOT_FOUND, { aggregate: 'organisation' });
  // A change dated before the organisation was registered would be a fact of nothing. (Changes may
  // be dated before earlier changes: a correction recorded late.)
  if (toMillis(ctx.occurredAt) < toMillis(state.registeredAt)) {
    throw reject(
      DomainErrorCode.VALIDATION_FAILED,
      { field: 'occurredAt', expected: `on or after the registration (${state.registeredAt})`, value: ctx.occurredAt },
      `Cette modification ne peut pas être datée avant l'enregistrement de l'organisation dans l'annuaire (le ${dayFr(state.registeredAt)}) : datez-la de ce jour ou d'après.`,
    );
  }
  const d = requireObject(cmd.data, 'data');
  const changes: Partial<OrganisationProfile> = {};
  if (d.name !== undefined) changes.name = requireString(d.name, 'name', 300);
  if (d.siret !== undefined) changes.siret = siretFrom(d.siret);
  if (d.kind !== undefined) changes.kind = requireOneOf(d.kind, ORGANISATION_KINDS, 'kind');
  if (d.ess !== undefined) changes.ess = requireBoolean(d.ess, 'ess');
  if (d.regionCode !== undefined || d.departementCode !== undefined) {
    const location = validateLocation(
      { regionCode: d.regionCode ?? state.regionCode, departementCode: d.departementCode ?? state.departementCode },
      '',
    );
    changes.regionCode = location.regionCode;
    changes.departementCode = location.departementCode;
  }
  if (d.networkIds !== undefined) changes.networkIds = networksFrom(d.networkIds, state.id);
  // Only real changes are recorded; an update that changes nothing emits nothing (idempotent).
  const effective = Object.fromEntries(
    Object.entries(changes).filter(([k, v]) => JSON.stringify((state as unknown as Record<string, unknown>)[k]) !== JSON.stringify(v)),
  ) as Partial<OrganisationProfile>;
  if (Object.keys(effective).length === 0) return [];
  return [{ type: 'OrganisationUpdated', occurredAt: ctx.occurredAt, data: { organisationId: state.id, changes: effective } }];
};

export const decideOrganisation = (command: OrganisationCommand, state: OrganisationState, context: DecideContext): OrganisationEvent[] => {
  checkContext(context);
  switch (command.type) {
    case 'RegisterOrganisation':
      return registerOrganisation(command, state, context);
    case 'UpdateOrganisation':
      return updateOrganisation(command, state, context);
    default: {
      const unknown: never = command;
      throw reject(DomainErrorCode.VALIDATION_FAILED, { field: 'type', value: (unknown as { type?: unknown }).type ?? null });
    }
  }
};

export const organisationDecider: Decider<OrganisationCommand, OrganisationEvent, OrganisationState> = {
  decide: decideOrganisation,
  evolve: evolveOrganisation,
  initialState: initialOrganisationState,
};
