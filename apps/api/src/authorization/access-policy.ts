/**
 * Who may see and change what (access-control issue). Pure functions over the caller and the
 * facts of the data, so the same rules are applied where the data is: in command handlers (with the
 * state they loaded from the stream) and in query services (with the rows they read), never only in
 * resolver guards.
 *
 * Wired in: the command handlers (`authorizeCooperationCommand`, `authorizeOrganisationCommand`,
 * with the state they folded), the cooperation query service and the subscriptions
 * (`CooperationAccess`), the dashboards, the list query and the exports (`listScope`, pushed down
 * into their SQL). Resolvers only turn the request's user into a `Caller` (`requireCaller`).
 */

import { solicitedFunderIdsOf, type ListScope } from '@maillage/read-models';

export const ROLES = ['ADMIN', 'NETWORK', 'FUNDER', 'MEMBER'] as const;
export type Role = (typeof ROLES)[number];

export interface Caller {
  userId: string;
  organisationId: string | null;
  role: Role;
  /** NETWORK: the régions (INSEE codes) it covers. */
  regions: readonly string[];
}

/** What a rule needs to know about a cooperation. */
export interface CooperationFacts {
  regionCode: string;
  leadOrganisationId: string;
  mandataireId: string | null;
  memberOrganisationIds: readonly string[];
  funderOrganisationIds: readonly string[];
  /** Funders the cooperation solicited and that have not answered yet (open requests). */
  solicitedFunderIds: readonly string[];
}

export type Decision = { allowed: true } | { allowed: false; reason: 'FORBIDDEN' | 'NOT_FOUND' };

const allow: Decision = { allowed: true };
/** Reads that are not allowed answer NOT_FOUND, so existence is never revealed. */
const hidden: Decision = { allowed: false, reason: 'NOT_FOUND' };
const forbidden: Decision = { allowed: false, reason: 'FORBIDDEN' };

const isMember = (caller: Caller, coop: CooperationFacts) =>
  caller.organisationId !== null && coop.memberOrganisationIds.includes(caller.organisationId);
/** A funder follows what it funds, and reads what it was asked to fund while it has not answered. */
const isFunder = (caller: Caller, coop: CooperationFacts) =>
  caller.organisationId !== null &&
  (coop.funderOrganisationIds.includes(caller.organisationId) || coop.solicitedFunderIds.includes(caller.organisationId));
const coversRegion = (caller: Caller, region: string) => caller.regions.includes(region);

/** Full read of one cooperation (detail, history, indicators, waivers, its events). */
export function canReadCooperation(caller: Caller, coop: CooperationFacts): Decision {
  switch (caller.role) {
    case 'ADMIN':
      return allow;
    case 'NETWORK':
      return coversRegion(caller, coop.regionCode) ? allow : hidden;
    case 'FUNDER':
      return isFunder(caller, coop) ? allow : hidden;
    case 'MEMBER':
      return isMember(caller, coop) ? allow : hidden;
  }
}

/** Commands only the lead organisation or the mandataire may run (moving the lifecycle). */
export const LIFECYCLE_COMMANDS: ReadonlySet<string> = new Set(['AdvanceStage', 'ReopenStage', 'AbandonCooperation', 'CloseCooperation', 'RenewCooperation']);
/** Commands only the lead organisation may run (handing its steering over). */
export const LEAD_COMMANDS: ReadonlySet<string> = new Set(['HandOverLead']);
/** Commands a regional network may run on the cooperations of its régions. */
export const NETWORK_COMMANDS: ReadonlySet<string> = new Set(['RecordSupport', 'WaiveGateItem']);
/** Commands a funder may run, on its own grants and the requests made to it only. */
export const FUNDER_COMMANDS: ReadonlySet<string> = new Set(['GrantFunding', 'RecordDisbursement', 'EndFunding', 'DeclineFundingRequest']);

/**
 * A command on an existing cooperation. `funderOfGrant` is the funder organisation of the grant or
 * request the command is about (GrantFunding: the funder named; disbursement/end: the grant's
 * funder; declining: the funder solicited).
 */
export function canRunCooperationCommand(
  caller: Caller,
  commandType: string,
  coop: CooperationFacts,
  funderOfGrant: string | null = null,
): Decision {
  const read = canReadCooperation(caller, coop);
  switch (caller.role) {
    case 'ADMIN':
      return forbidden; // operators manage organisations and users, not cooperations
    case 'NETWORK':
      if (!read.allowed) return read;
      return NETWORK_COMMANDS.has(commandType) ? allow : forbidden;
    case 'FUNDER':
      // Only where it funds or was solicited (a grant in its own name used to open any
      // cooperation to any funder), and only about its own grants and requests. A cooperation it
      // may not read answers NOT_FOUND to every command, like any read (FORBIDDEN tells the id exists).
      if (!read.allowed) return hidden;
      if (!FUNDER_COMMANDS.has(commandType)) return forbidden;
      return funderOfGrant !== null && funderOfGrant === caller.organisationId ? allow : forbidden;
    case 'MEMBER': {
      if (!read.allowed) return read;
      if (FUNDER_COMMANDS.has(commandType)) return forbidden;
      if (LEAD_COMMANDS.has(commandType)) return caller.organisationId === coop.leadOrganisationId ? allow : forbidden;
      if (LIFECYCLE_COMMANDS.has(commandType)) {
        const steering = caller.organisationId === coop.leadOrganisationId || caller.organisationId === coop.mandataireId;
        return steering ? allow : forbidden;
      }
      return allow;
    }
  }
}

/** Proposing a new cooperation: a member structure, for a cooperation it leads. */
export function canProposeCooperation(caller: Caller, leadOrganisationId: string): Decision {
  return caller.role === 'MEMBER' && caller.organisationId === leadOrganisationId ? allow : forbidden;
}

/**
 * Registering or updating organisations: platform operators, and networks for their régions. Not
 * the organisation's own members: its kind and ESS status are facts other decisions rest on (the
 * ESS majority of a joint-venture, the SIAE of a GES), recorded as vouched for by a network or an
 * operator, so a structure does not certify them itself; nor does a network change its own entry
 * (authorizeOrganisationCommand).
 */
export function canManageOrganisation(caller: Caller, organisationRegion: string): Decision {
  if (caller.role === 'ADMIN') return allow;
  if (caller.role === 'NETWORK' && coversRegion(caller, organisationRegion)) return allow;
  return forbidden;
}

/** Regional aggregates (dashboards): networks for their régions; funders, members and admins for any. */
export function canReadRegionalAggregates(caller: Caller, region: string): Decision {
  if (caller.role === 'NETWORK') return coversRegion(caller, region) ? allow : hidden;
  return allow;
}

/** A funder's portfolio: that funder and platform operators. */
export function canReadFunderPortfolio(caller: Caller, funderId: string): Decision {
  if (caller.role === 'ADMIN') return allow;
  return caller.role === 'FUNDER' && caller.organisationId === funderId ? allow : hidden;
}

/**
 * The scope a list or an export is restricted to, pushed down into the SQL of the query service so
 * pages and counts never include rows the caller may not see.
 */
export type { ListScope };

export function listScope(caller: Caller): ListScope {
  switch (caller.role) {
    case 'ADMIN':
      return { kind: 'all' };
    case 'NETWORK':
      return { kind: 'regions', regions: caller.regions };
    case 'FUNDER':
      return caller.organisationId ? { kind: 'funder', funderId: caller.organisationId } : { kind: 'none' };
    case 'MEMBER':
      return caller.organisationId ? { kind: 'member', organisationId: caller.organisationId } : { kind: 'none' };
  }
}

/**
 * Who runs a command: a signed-in caller, or `'system'` for trusted internal writers (the demo seed,
 * data migrations, the command-side tests). Only code, never a request, can say `'system'`.
 */
export type Principal = Caller | 'system';

/** A refused command or read. The API maps it to `FORBIDDEN` or `NOT_FOUND` (never revealing existence). */
export class AccessDeniedError extends Error {
  constructor(
    readonly reason: 'FORBIDDEN' | 'NOT_FOUND',
    readonly what: string = 'Coopération',
  ) {
    super(reason === 'NOT_FOUND' ? `${what} introuvable.` : "Vous n'avez pas le droit de faire cette action.");
    this.name = 'AccessDeniedError';
  }
}

/** Throws AccessDeniedError unless the decision allows. */
export function enforce(decision: Decision, what?: string): void {
  if (!decision.allowed) throw new AccessDeniedError(decision.reason, what);
}

/** The cooperation state fields the rules read (a subset of the domain's folded state). */
export interface CooperationStateFacts {
  territory: { regionCode: string };
  leadOrganisationId: string;
  mandataireId: string | null;
  members: readonly { organisationId: string }[];
  fundings: readonly { fundingId: string; funderOrganisationId: string }[];
  fundingRequests?: readonly { requestId: string; funderOrganisationId: string; status: string }[];
  status: string;
}

export function cooperationFacts(state: CooperationStateFacts): CooperationFacts {
  const members = new Set([state.leadOrganisationId, ...state.members.map((m) => m.organisationId)]);
  return {
    regionCode: state.territory.regionCode,
    leadOrganisationId: state.leadOrganisationId,
    mandataireId: state.mandataireId,
    memberOrganisationIds: [...members],
    funderOrganisationIds: [...new Set(state.fundings.map((f) => f.funderOrganisationId))],
    solicitedFunderIds: solicitedFunderIdsOf(state),
  };
}

const refId = (value: unknown): string | null => {
  if (typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string') return (value as { id: string }).id;
  return null;
};

/**
 * A cooperation command, checked in its handler with the state it folded from the stream (before
 * deciding). `state` is null when the stream does not exist: a proposal is checked on its lead
 * organisation, any other command answers NOT_FOUND exactly as for a cooperation the caller may
 * not see.
 */
export function authorizeCooperationCommand(
  principal: Principal,
  command: { type: string; data: object },
  state: CooperationStateFacts | null,
): void {
  if (principal === 'system') return;
  const data = command.data as Record<string, unknown>;
  if (command.type === 'ProposeCooperation') {
    enforce(canProposeCooperation(principal, refId(data.leadOrganisation) ?? ''));
    return;
  }
  // No such cooperation: the same answer, word for word, as for one the caller may not see.
  if (state === null) throw new AccessDeniedError('NOT_FOUND');
  // The funder of the grant or request the command is about. An id that names none is no other
  // funder's: the caller's own, so that a funder who may act here hears the domain's
  // FUNDING_NOT_FOUND / FUNDING_REQUEST_NOT_FOUND, as a member withdrawing an unknown request does.
  const ownIfUnknown = (found: { funderOrganisationId: string } | undefined) => (found ? found.funderOrganisationId : principal.organisationId);
  let funderOfGrant: string | null = null;
  if (command.type === 'GrantFunding') funderOfGrant = refId(data.funder);
  else if (command.type === 'RecordDisbursement' || command.type === 'EndFunding') {
    funderOfGrant = ownIfUnknown(state.fundings.find((f) => f.fundingId === data.fundingId));
  } else if (command.type === 'DeclineFundingRequest') {
    funderOfGrant = ownIfUnknown((state.fundingRequests ?? []).find((r) => r.requestId === data.requestId));
  }
  enforce(canRunCooperationCommand(principal, command.type, cooperationFacts(state), funderOfGrant));
}

/**
 * Organisation commands: registering in a région, or updating an organisation (its current and new
 * région: a network may not move one out of its régions). An update of an organisation that does
 * not exist answers NOT_FOUND whoever asks (the directory is open to every signed-in user, so this
 * reveals nothing).
 */
export function authorizeOrganisationCommand(
  principal: Principal,
  command: { type: string; data: object },
  state: { id: string; regionCode: string; kind?: string } | null,
): void {
  if (principal === 'system') return;
  const data = command.data as Record<string, unknown>;
  const newRegion = typeof data.regionCode === 'string' ? data.regionCode : null;
  const newKind = typeof data.kind === 'string' ? data.kind : null;
  // Funders and networks are the platform's other parties (what they fund, the régions they
  // oversee): an operator registers them and changes their entries, never a network, which
  // could otherwise make a structure a funder or turn a funder into an insertion enterprise.
  const touchesParty = (kind: string | null | undefined) => kind === 'FUNDER' || kind === 'NETWORK';
  if (principal.role !== 'ADMIN' && touchesParty(newKind)) enforce(forbidden);
  if (command.type === 'RegisterOrganisation') {
    enforce(canManageOrganisation(principal, newRegion ?? ''));
    return;
  }
  if (state === null) throw new AccessDeniedError('NOT_FOUND', 'Organisation');
  enforce(canManageOrganisation(principal, state.regionCode));
  if (principal.role !== 'ADMIN' && touchesParty(state.kind)) enforce(forbidden);
  // A network does not vouch for itself either (the reason members may not change theirs).
  if (principal.role === 'NETWORK' && principal.organisationId === state.id) enforce(forbidden);
  // Local authorities may be solicited for funding: a network registers one (a commune joining a
  // PTCE) and may correct its entry, but does not make a structure one, nor one something else.
  const changesKind = newKind !== null && newKind !== state.kind;
  if (principal.role !== 'ADMIN' && changesKind && (newKind === 'LOCAL_AUTHORITY' || state.kind === 'LOCAL_AUTHORITY')) enforce(forbidden);
  if (newRegion !== null) enforce(canManageOrganisation(principal, newRegion));
}
