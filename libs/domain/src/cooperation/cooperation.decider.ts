import { latestDayBegun } from '../shared/days';
import { DomainErrorCode, reject } from '../shared/domain-error';
import type { DecideContext, Decider } from '../shared/messages';
import {
  checkContext,
  idFrom,
  optionalString,
  requireArray,
  requireMeasurable,
  requireIsoDate,
  requireNonNegativeAmount,
  requireObject,
  requireOneOf,
  requirePercent,
  requirePeriod,
  requirePositiveInteger,
  requireString,
  toMillis,
} from '../shared/validation';
import { validateLocation, validateTerritory } from '../territory/territory';
import { standardIndicatorLabelsFr } from '../labels/labels.fr';
import { isValidSiren, normaliseSiret } from '../organisation/siret';
import { ORGANISATION_KINDS, isEssByDefault, isSiaeKind, type OrganisationKind, type OrganisationRef } from '../organisation/organisation.types';
import type * as C from './cooperation.commands';
import type { CooperationEvent, IndicatorDefinition, MarketLot } from './cooperation.events';
import { evolveCooperation, initialCooperationState, type Cooperation, type CooperationState } from './cooperation.state';
import { closeOutcomeRefusal } from './cooperation.closing';
import { TWO_MEMBERS_KINDS, activeWaiver, gateItemsFor, gateStatus, hasEssMajority, shareholdingSummary } from './cooperation.playbook';
import { organisationKindLabelsFr } from '../labels/labels.fr';
import {
  ABANDON_REASONS,
  CLOSE_OUTCOMES,
  COOPERATION_KINDS,
  DELIVERABLE_KINDS,
  ESSAIMAGE_POTENTIALS,
  ESSAIMAGE_STRATEGIES,
  EVALUATION_STEPS,
  GME_FORMS,
  INDICATOR_NATURES,
  KINDS_WITHOUT_STRUCTURE,
  MARKET_OUTCOMES,
  MARKET_PROCEDURES,
  MEMBER_ROLES,
  OBJECTIVES,
  PTCE_ROLE_ORGANISATION_KINDS,
  RESERVED_PROCEDURES,
  ROLES_BY_KIND,
  SECTORS,
  SHAREHOLDING_PHASES,
  STAGES,
  STANDARD_INDICATORS,
  STANDARD_INDICATOR_UNITS,
  SUPPORT_KINDS,
  nextStage,
  previousStage,
  stageIndex,
  type CooperationKind,
  type MarketProcedure,
  type MemberRole,
  type ReservedProcedure,
  type Stage,
} from './cooperation.types';

type Ctx = DecideContext;

const ev = <E extends CooperationEvent>(type: E['type'], data: E['data'], ctx: Ctx): E =>
  ({ type, data, occurredAt: ctx.occurredAt }) as E;

// ---------------------------------------------------------------------------------------------
// Guards shared by the command functions

const requireExisting = (state: CooperationState): Cooperation => {
  if (state.status === 'NONE') throw reject(DomainErrorCode.NOT_FOUND, { aggregate: 'cooperation' });
  return state;
};

/** No command changes a closed or abandoned cooperation (renewal has its own path). */
const requireActive = (state: CooperationState): Cooperation => {
  const coop = requireExisting(state);
  if (coop.status !== 'ACTIVE')
    throw reject(DomainErrorCode.COOPERATION_CLOSED, { cooperationId: coop.id, status: coop.status });
  return coop;
};

/** Nothing can happen to a cooperation before it was proposed. */
const requireNotBeforeProposal = (coop: Cooperation, ctx: Ctx): void => {
  if (toMillis(ctx.occurredAt) < toMillis(coop.proposedAt))
    throw reject(DomainErrorCode.OCCURRED_AT_BEFORE_STAGE_ENTERED, { occurredAt: ctx.occurredAt, proposedAt: coop.proposedAt, reason: 'before the proposal' });
};

const requireKind = (coop: Cooperation, kinds: readonly CooperationKind[], command: string): void => {
  if (!kinds.includes(coop.kind))
    throw reject(DomainErrorCode.NOT_APPLICABLE_TO_KIND, { command, kind: coop.kind, applicableTo: kinds });
};

/**
 * A transition is decided on every fact recorded so far, so it cannot be dated before the previous
 * transition nor before the latest of those facts: a view "as of" a date in between would show the
 * stage without the facts it was entered on (an advance dated before the deliverable its gate
 * needed, say).
 */
const requireNotBeforeLastTransition = (coop: Cooperation, ctx: Ctx): void => {
  if (toMillis(ctx.occurredAt) < toMillis(coop.lastTransitionAt))
    throw reject(DomainErrorCode.OCCURRED_AT_BEFORE_STAGE_ENTERED, {
      occurredAt: ctx.occurredAt,
      lastTransitionAt: coop.lastTransitionAt,
      stage: coop.stage,
    });
  requireNotBeforeLastEvent(coop, ctx, 'Cette étape ne peut pas être datée', ' : elle en tient compte');
};

/** Dated no earlier than the latest fact recorded (`cannot`: the start of the French sentence). */
const requireNotBeforeLastEvent = (coop: Cooperation, ctx: Ctx, cannot: string, because = ''): void => {
  const lastEventAt = coop.lastEventAt ?? coop.lastTransitionAt;
  if (toMillis(ctx.occurredAt) < toMillis(lastEventAt))
    throw reject(
      DomainErrorCode.OCCURRED_AT_BEFORE_STAGE_ENTERED,
      { occurredAt: ctx.occurredAt, lastEventAt, stage: coop.stage },
      `${cannot} avant le dernier fait enregistré (${lastEventAt.slice(0, 10)})${because}. Datez-la de ce jour ou d’après.`,
    );
};

/** The latest day a user may call today (latestDayBegun at the command's `now`). */
const latestToday = (ctx: Ctx): string => latestDayBegun(toMillis(ctx.now));

/** A calendar date of a fact that has happened: not after today. */
const requireNotFutureDay = (day: string, field: string, ctx: Ctx, what: string): string => {
  if (day > latestToday(ctx))
    throw reject(DomainErrorCode.VALIDATION_FAILED, { field, expected: 'a day not after today', value: day }, `${what} ne peut pas être dans le futur (${day}).`);
  return day;
};

/** A calendar date not before another one (`bound`, a date or the day of an instant). */
const requireNotBeforeDay = (day: string, bound: string, field: string, message: string): string => {
  if (day < bound.slice(0, 10)) throw reject(DomainErrorCode.VALIDATION_FAILED, { field, expected: `on or after ${bound.slice(0, 10)}`, value: day }, message);
  return day;
};

const atOrAfter = (coop: Cooperation, stage: Stage) => stageIndex(coop.stage) >= stageIndex(stage);

export const validateOrganisationRef = (value: unknown, field: string): Required<Omit<OrganisationRef, 'name'>> => {
  const o = requireObject(value, field);
  return {
    id: requireString(o.id, `${field}.id`, 100),
    kind: requireOneOf(o.kind, ORGANISATION_KINDS, `${field}.kind`),
    ess: o.ess === undefined || o.ess === null ? isEssByDefault(o.kind as never) : o.ess === true,
  };
};

/** Default role of an organisation joining a cooperation of this kind. */
export const defaultRoleFor = (kind: CooperationKind, org: { kind: string; ess: boolean }): MemberRole => {
  switch (kind) {
    case 'GME':
      return 'COTRAITANT';
    case 'JVS':
      return 'ASSOCIE';
    case 'PTCE':
      if (org.kind === 'LOCAL_AUTHORITY' || org.kind === 'RESEARCH' || org.kind === 'TRAINING' || (org.kind === 'COMPANY' && !org.ess))
        return org.kind;
      return 'ESS_ENTERPRISE';
    case 'GIE':
    case 'GES':
    case 'ESSAIMAGE':
      return 'MEMBER';
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
};

const checkRole = (kind: CooperationKind, role: MemberRole, org: { kind: string; ess: boolean }, coop?: Cooperation) => {
  if (!ROLES_BY_KIND[kind].includes(role))
    throw reject(DomainErrorCode.ROLE_NOT_ALLOWED, { role, kind, allowed: ROLES_BY_KIND[kind] });
  const requiredKinds = kind === 'PTCE' ? PTCE_ROLE_ORGANISATION_KINDS[role] : undefined;
  if (requiredKinds && !(requiredKinds as readonly string[]).includes(org.kind))
    throw reject(DomainErrorCode.ROLE_NOT_ALLOWED, { role, organisationKind: org.kind, requiredKinds });
  if (role === 'ESS_ENTERPRISE' && !org.ess)
    throw reject(DomainErrorCode.ROLE_NOT_ALLOWED, { role, organisationKind: org.kind, reason: 'not ESS' });
  if (role === 'PARENT' && coop?.members.some((m) => m.role === 'PARENT'))
    throw reject(DomainErrorCode.ROLE_NOT_ALLOWED, { role, reason: 'an essaimage has one parent structure' });
};

/** R2142-26: a GME's composition is frozen from the bid deadline until the award is known. */
export const isMembershipFrozen = (coop: Cooperation, at: string): boolean =>
  coop.kind === 'GME' &&
  coop.market !== null &&
  coop.market.bidDeadline !== null &&
  coop.marketOutcome === null &&
  toMillis(at) >= toMillis(coop.market.bidDeadline);

const requireMembershipOpen = (coop: Cooperation, ctx: Ctx) => {
  if (isMembershipFrozen(coop, ctx.occurredAt))
    throw reject(DomainErrorCode.MEMBERSHIP_FROZEN, { bidDeadline: coop.market?.bidDeadline, occurredAt: ctx.occurredAt });
};

/** Who may answer each reserved market (seed 001: « des structures habilitées à répondre à ce marché »). */
const RESERVED_ELIGIBILITY: Record<ReservedProcedure, { to: string; eligible: (m: { organisationKind: OrganisationKind; ess: boolean }) => boolean }> = {
  RESERVED_SIAE: { to: 'aux SIAE', eligible: (m) => isSiaeKind(m.organisationKind) },
  RESERVED_EA_ESAT: { to: 'aux EA et ESAT', eligible: (m) => m.organisationKind === 'EA' || m.organisationKind === 'ESAT' },
  RESERVED_ESS: { to: "aux entreprises de l'ESS", eligible: (m) => m.ess },
};

const reservationsOf = (procedures: readonly MarketProcedure[]): ReservedProcedure[] =>
  RESERVED_PROCEDURES.filter((p) => procedures.includes(p));

/**
 * A reserved market admits only the structures entitled to answer it (seed 000: « Les marchés
 * réservés par secteur excluent donc de fait toute cotraitance entre différents secteurs »): every
 * member belongs to one of the reserved categories (their union when several are given).
 */
const requireEligibleForReservedMarket = (
  member: { organisationId: string; organisationKind: OrganisationKind; ess: boolean; name?: string },
  procedures: readonly MarketProcedure[],
): void => {
  const reservations = reservationsOf(procedures);
  if (reservations.length === 0 || reservations.some((r) => RESERVED_ELIGIBILITY[r].eligible(member))) return;
  const who = member.name
    ? `${member.name} (${organisationKindLabelsFr[member.organisationKind]}${member.ess ? ', ESS' : ', hors ESS'})`
    : `La structure ${member.organisationId} (${organisationKindLabelsFr[member.organisationKind]}${member.ess ? ', ESS' : ', hors ESS'})`;
  const to = reservations.map((r) => RESERVED_ELIGIBILITY[r].to).join(' ou ');
  throw reject(
    DomainErrorCode.RESERVED_MARKET_MEMBER_NOT_ELIGIBLE,
    { organisationId: member.organisationId, organisationKind: member.organisationKind, ess: member.ess, reservations },
    `${who} ne peut pas être membre du groupement : le marché est réservé ${to}, et seules les structures habilitées à y répondre peuvent être cotraitantes.`,
  );
};

const memberAdded = (
  org: { id: string; kind: C.AddMember['data']['organisation']['kind']; ess: boolean },
  role: MemberRole,
  ctx: Ctx,
) =>
  ev<Extract<CooperationEvent, { type: 'CooperationMemberAdded' }>>(
    'CooperationMemberAdded',
    { organisationId: org.id, organisationKind: org.kind, ess: org.ess, role },
    ctx,
  );

const sectorsFrom = (value: unknown) =>
  [...new Set(requireArray(value ?? [], 'sectors').map((s, i) => requireOneOf(s, SECTORS, `sectors[${i}]`)))];

// ---------------------------------------------------------------------------------------------
// One function per command

const proposeCooperation = (cmd: C.ProposeCooperation, state: CooperationState, ctx: Ctx): CooperationEvent[] => {
  if (state.status !== 'NONE') throw reject(DomainErrorCode.ALREADY_EXISTS, { cooperationId: state.id });
  const d = requireObject(cmd.data, 'data');
  const cooperationId = requireString(d.cooperationId, 'cooperationId', 100);
  const kind = requireOneOf(d.kind, COOPERATION_KINDS, 'kind');
  const name = requireString(d.name, 'name', 200);
  const objectives = [
    ...new Set(requireArray(d.objectives, 'objectives', 1).map((o, i) => requireOneOf(o, OBJECTIVES, `objectives[${i}]`))),
  ];
  const territory = validateTerritory(d.territory);
  const sectors = sectorsFrom(d.sectors);
  const lead = validateOrganisationRef(d.leadOrganisation, 'leadOrganisation');
  const parent =
    d.parentOrganisation === undefined || d.parentOrganisation === null
      ? null
      : validateOrganisationRef(d.parentOrganisation, 'parentOrganisation');
  if (kind === 'ESSAIMAGE' && !parent) throw reject(DomainErrorCode.ESSAIMAGE_PARENT_REQUIRED, { field: 'parentOrganisation' });
  if (kind !== 'ESSAIMAGE' && parent)
    throw reject(DomainErrorCode.NOT_APPLICABLE_TO_KIND, { field: 'parentOrganisation', kind });

  const events: CooperationEvent[] = [
    ev('CooperationProposed', { cooperationId, kind, name, objectives, territory, sectors, leadOrganisationId: lead.id, renewedFrom: null }, ctx),
  ];
  if (parent && parent.id !== lead.id) events.push(memberAdded(parent, 'PARENT', ctx));
  const leadRole =
    parent && parent.id === lead.id
      ? 'PARENT'
      : d.leadRole === undefined
        ? defaultRoleFor(kind, lead)
        : requireOneOf(d.leadRole, MEMBER_ROLES, 'leadRole');
  checkRole(kind, leadRole, lead);
  if (leadRole === 'PARENT' && parent && parent.id !== lead.id)
    throw reject(DomainErrorCode.ROLE_NOT_ALLOWED, { role: leadRole, reason: 'an essaimage has one parent structure' });
  events.push(memberAdded(lead, leadRole, ctx));
  return events;
};

const setTerritory = (cmd: C.SetTerritory, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  const d = requireObject(cmd.data, 'data');
  const territory = validateTerritory(d.territory);
  const sectors = d.sectors === undefined ? coop.sectors : sectorsFrom(d.sectors);
  if (coop.kind === 'PTCE' && atOrAfter(coop, 'LAUNCH') && territory.departementCodes.length === 0)
    throw reject(DomainErrorCode.PTCE_TERRITORY_REQUIRED, { stage: coop.stage });
  return [ev('CooperationTerritorySet', { territory, sectors }, ctx)];
};

const addMember = (cmd: C.AddMember, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  const d = requireObject(cmd.data, 'data');
  const org = validateOrganisationRef(d.organisation, 'organisation');
  if (coop.members.some((m) => m.organisationId === org.id))
    throw reject(DomainErrorCode.MEMBER_ALREADY_PRESENT, { organisationId: org.id });
  const role = d.role === undefined ? defaultRoleFor(coop.kind, org) : requireOneOf(d.role, MEMBER_ROLES, 'role');
  checkRole(coop.kind, role, org, coop);
  requireMembershipOpen(coop, ctx);
  if (coop.kind === 'GME' && coop.market) {
    const name = typeof (d.organisation as { name?: unknown }).name === 'string' ? (d.organisation as { name: string }).name : undefined;
    requireEligibleForReservedMarket({ organisationId: org.id, organisationKind: org.kind, ess: org.ess, name }, coop.market.procedures);
  }
  return [memberAdded(org, role, ctx)];
};

/**
 * A fact about a member is dated no earlier than its joining (as of before, it was no member).
 * `cannot` is the start of the French sentence, agreed with its subject (« Le retrait ne peut pas
 * être daté », « La désignation ne peut pas être datée »).
 */
const requireNotBeforeJoined = (member: { organisationId: string; joinedAt: string }, ctx: Ctx, cannot: string): void => {
  if (toMillis(ctx.occurredAt) < toMillis(member.joinedAt))
    throw reject(
      DomainErrorCode.OCCURRED_AT_BEFORE_STAGE_ENTERED,
      { occurredAt: ctx.occurredAt, organisationId: member.organisationId, joinedAt: member.joinedAt },
      `${cannot} avant l’entrée de cette structure dans la coopération (${member.joinedAt.slice(0, 10)}).`,
    );
};

const removeMember = (cmd: C.RemoveMember, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  const d = requireObject(cmd.data, 'data');
  const organisationId = requireString(d.organisationId, 'organisationId', 100);
  const reason = optionalString(d.reason, 'reason');
  const member = coop.members.find((m) => m.organisationId === organisationId);
  if (!member) throw reject(DomainErrorCode.MEMBER_NOT_FOUND, { organisationId });
  requireNotBeforeJoined(member, ctx, 'Le retrait ne peut pas être daté');
  // A former lead left no earlier than it handed the lead over (as of before, it led: it could not leave).
  const handedOver = (coop.formerLeads ?? []).filter((l) => l.organisationId === organisationId).map((l) => l.until).sort().at(-1);
  if (handedOver && toMillis(ctx.occurredAt) < toMillis(handedOver))
    throw reject(
      DomainErrorCode.OCCURRED_AT_BEFORE_STAGE_ENTERED,
      { occurredAt: ctx.occurredAt, organisationId, leadUntil: handedOver },
      `Le retrait ne peut pas être daté avant que cette structure ait transmis le pilotage (${handedOver.slice(0, 10)}) : elle portait alors la coopération.`,
    );
  requireMembershipOpen(coop, ctx);
  if (coop.kind === 'GME' && coop.mandataireId === organisationId && atOrAfter(coop, 'FEASIBILITY'))
    throw reject(DomainErrorCode.MANDATAIRE_REQUIRED, { organisationId, reason: 'designate another mandataire first' });
  if (coop.kind === 'ESSAIMAGE' && member.role === 'PARENT')
    throw reject(DomainErrorCode.ESSAIMAGE_PARENT_REQUIRED, { organisationId });
  // GME, GIE, GES and JVS bring at least two structures together once past the decision.
  if (TWO_MEMBERS_KINDS.includes(coop.kind) && atOrAfter(coop, 'FEASIBILITY') && coop.members.length - 1 < 2)
    throw reject(DomainErrorCode.TWO_MEMBERS_REQUIRED, { organisationId, kind: coop.kind, stage: coop.stage, membersLeft: coop.members.length - 1 });
  // The local authority link holds from LAUNCH on, unless it was waived (law of 2014, art. 9: a link).
  if (
    coop.kind === 'PTCE' &&
    member.role === 'LOCAL_AUTHORITY' &&
    atOrAfter(coop, 'LAUNCH') &&
    coop.members.filter((m) => m.role === 'LOCAL_AUTHORITY').length === 1 &&
    !activeWaiver(coop, 'FEASIBILITY', 'local-authority-involved')
  )
    throw reject(DomainErrorCode.PTCE_LOCAL_AUTHORITY_REQUIRED, { organisationId });
  if (
    coop.kind === 'PTCE' &&
    member.role === 'ESS_ENTERPRISE' &&
    atOrAfter(coop, 'LAUNCH') &&
    coop.members.filter((m) => m.role === 'ESS_ENTERPRISE').length === 1
  )
    throw reject(DomainErrorCode.PTCE_ESS_ENTERPRISE_REQUIRED, { organisationId });
  if (
    coop.kind === 'GES' &&
    atOrAfter(coop, 'FEASIBILITY') &&
    isSiaeKind(member.organisationKind) &&
    coop.members.filter((m) => isSiaeKind(m.organisationKind)).length === 1
  )
    throw reject(DomainErrorCode.GES_SIAE_REQUIRED, { organisationId });
  if (
    coop.kind === 'JVS' &&
    atOrAfter(coop, 'OPERATION') &&
    (coop.finalShares ?? []).some((s) => s.organisationId === organisationId && s.percent > 0)
  )
    throw reject(DomainErrorCode.SHARES_NOT_100, { organisationId, reason: 'reassign the shares of this associé first' });
  // The lead proposed the cooperation and steers it (the access rules rest on it): it stays.
  if (organisationId === coop.leadOrganisationId) throw reject(DomainErrorCode.LEAD_MEMBER_REQUIRED, { organisationId });
  return [ev('CooperationMemberRemoved', { organisationId, reason }, ctx)];
};

/** Organisations that take part in a cooperation without steering it. */
const LEADING_KINDS_EXCLUDED: readonly OrganisationKind[] = ['FUNDER', 'NETWORK'];

/**
 * The lead hands the steering over to another member (a structure withdrawing from the project, a
 * merger): it stays a member, and may then leave like any other.
 */
const handOverLead = (cmd: C.HandOverLead, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  const d = requireObject(cmd.data, 'data');
  const organisationId = requireString(d.organisationId, 'organisationId', 100);
  const member = coop.members.find((m) => m.organisationId === organisationId);
  if (!member) throw reject(DomainErrorCode.MEMBER_NOT_FOUND, { organisationId });
  if (organisationId === coop.leadOrganisationId)
    throw reject(DomainErrorCode.VALIDATION_FAILED, { field: 'organisationId', expected: 'another member than the lead', value: organisationId }, 'Cette structure pilote déjà la coopération.');
  // The lead steers through its member users: a funder or a network takes part, it does not steer
  // (its users could neither move the cooperation nor hand it back).
  if (LEADING_KINDS_EXCLUDED.includes(member.organisationKind))
    throw reject(
      DomainErrorCode.ROLE_NOT_ALLOWED,
      { organisationId, organisationKind: member.organisationKind, reason: 'a funder or a network does not lead a cooperation' },
      'Un financeur ou un réseau ne peut pas piloter une coopération : transmettez le pilotage à une autre structure membre.',
    );
  requireNotBeforeJoined(member, ctx, 'La transmission du pilotage ne peut pas être datée');
  // A change of who steers, like a transition: dated no earlier than the latest fact, so that an
  // "as of" view never shows a lead handing over what it no longer held.
  requireNotBeforeLastEvent(coop, ctx, 'La transmission du pilotage ne peut pas être datée');
  return [ev('CooperationLeadHandedOver', { from: coop.leadOrganisationId, to: organisationId, reason: optionalString(d.reason, 'reason') }, ctx)];
};

const designateMandataire = (cmd: C.DesignateMandataire, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  requireKind(coop, ['GME'], cmd.type);
  const organisationId = requireString(requireObject(cmd.data, 'data').organisationId, 'organisationId', 100);
  const member = coop.members.find((m) => m.organisationId === organisationId);
  if (!member) throw reject(DomainErrorCode.MANDATAIRE_NOT_MEMBER, { organisationId });
  requireNotBeforeJoined(member, ctx, 'La désignation ne peut pas être datée');
  return [ev('CooperationMandataireDesignated', { organisationId }, ctx)];
};

const setGmeForm = (cmd: C.SetGmeForm, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  requireKind(coop, ['GME'], cmd.type);
  const form = requireOneOf(requireObject(cmd.data, 'data').form, GME_FORMS, 'form');
  return [ev('CooperationGmeFormSet', { form }, ctx)];
};

const recordMarket = (cmd: C.RecordMarket, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  requireKind(coop, ['GME'], cmd.type);
  if (coop.marketOutcome) throw reject(DomainErrorCode.MARKET_OUTCOME_ALREADY_RECORDED, {});
  const d = requireObject(cmd.data, 'data');
  const procedures = [
    ...new Set(requireArray(d.procedures, 'procedures', 1).map((p, i) => requireOneOf(p, MARKET_PROCEDURES, `procedures[${i}]`))),
  ];
  // The CPV classifies public procurement: a private contract (the brief's GME answers "one public
  // or private contract", e.g. La Poste's accord-cadre de cotraitance) may have none.
  const privateOnly = procedures.every((p) => p === 'PRIVATE_CONTRACT');
  let cpvCode: string | null = null;
  if (d.cpvCode !== undefined && d.cpvCode !== null) {
    cpvCode = requireString(d.cpvCode, 'cpvCode', 12).replace(/\s+/g, '');
    // CPV: 8 digits and an optional check digit ("75231240-8").
    if (!/^\d{8}(-?\d)?$/.test(cpvCode)) throw reject(DomainErrorCode.VALIDATION_FAILED, { field: 'cpvCode', value: cpvCode });
  } else if (!privateOnly) throw reject(DomainErrorCode.VALIDATION_FAILED, { field: 'cpvCode', value: null });
  const lots: MarketLot[] = requireArray(d.lots ?? [], 'lots').map((l, i) => {
    const lot = requireObject(l, `lots[${i}]`);
    return { number: requirePositiveInteger(lot.number, `lots[${i}].number`), label: requireString(lot.label, `lots[${i}].label`) };
  });
  const repeated = lots.findIndex((lot, i) => lots.findIndex((other) => other.number === lot.number) !== i);
  if (repeated >= 0)
    throw reject(DomainErrorCode.VALIDATION_FAILED, { field: `lots[${repeated}].number`, expected: 'distinct lot numbers', value: lots[repeated].number }, `Le lot n° ${lots[repeated].number} figure deux fois.`);
  let bidDeadline: string | null = null;
  if (d.bidDeadline !== undefined && d.bidDeadline !== null) {
    if (typeof d.bidDeadline !== 'string' || Number.isNaN(toMillis(d.bidDeadline)))
      throw reject(DomainErrorCode.VALIDATION_FAILED, { field: 'bidDeadline', value: d.bidDeadline ?? null });
    bidDeadline = d.bidDeadline;
  }
  for (const m of coop.members) requireEligibleForReservedMarket(m, procedures);
  return [
    ev(
      'CooperationMarketRecorded',
      {
        market: {
          buyerName: requireString(d.buyerName, 'buyerName', 200),
          buyerOrganisationId: optionalString(d.buyerOrganisationId, 'buyerOrganisationId', 100),
          cpvCode,
          amountExclVat: requireNonNegativeAmount(d.amountExclVat, 'amountExclVat'),
          durationMonths: requirePositiveInteger(d.durationMonths, 'durationMonths'),
          procedures,
          lots,
          bidDeadline,
        },
      },
      ctx,
    ),
  ];
};

const recordMarketOutcome = (cmd: C.RecordMarketOutcome, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  requireKind(coop, ['GME'], cmd.type);
  if (!coop.market) throw reject(DomainErrorCode.MARKET_REQUIRED, {});
  if (coop.marketOutcome) throw reject(DomainErrorCode.MARKET_OUTCOME_ALREADY_RECORDED, { outcome: coop.marketOutcome.outcome });
  const d = requireObject(cmd.data, 'data');
  const outcome = requireOneOf(d.outcome, MARKET_OUTCOMES, 'outcome');
  if (outcome === 'AWARDED') {
    const startDate = requireIsoDate(d.startDate, 'startDate');
    if (coop.market.bidDeadline)
      requireNotBeforeDay(startDate, coop.market.bidDeadline, 'startDate', `Le marché ne peut pas démarrer avant la date limite de remise des offres (${coop.market.bidDeadline.slice(0, 10)}).`);
    return [ev('CooperationMarketOutcomeRecorded', { outcome, startDate }, ctx)];
  }
  // A lost tender ends the GME: it is closed with outcome TENDER_LOST in the same decision.
  requireNotBeforeLastTransition(coop, ctx);
  return [
    ev('CooperationMarketOutcomeRecorded', { outcome, startDate: null }, ctx),
    ev('CooperationClosed', { stage: coop.stage, outcome: 'TENDER_LOST', comment: optionalString(d.comment, 'comment') }, ctx),
  ];
};

const setShareholding = (cmd: C.SetShareholding, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  requireKind(coop, ['JVS'], cmd.type);
  const d = requireObject(cmd.data, 'data');
  const phase = requireOneOf(d.phase, SHAREHOLDING_PHASES, 'phase');
  const shares = requireArray(d.shares, 'shares', 1).map((s, i) => {
    const o = requireObject(s, `shares[${i}]`);
    return {
      organisationId: requireString(o.organisationId, `shares[${i}].organisationId`, 100),
      percent: requirePercent(o.percent, `shares[${i}].percent`),
    };
  });
  const ids = shares.map((s) => s.organisationId);
  if (new Set(ids).size !== ids.length) throw reject(DomainErrorCode.VALIDATION_FAILED, { field: 'shares', reason: 'duplicate organisation' });
  for (const s of shares) {
    const member = coop.members.find((m) => m.organisationId === s.organisationId);
    if (!member || member.role !== 'ASSOCIE') throw reject(DomainErrorCode.SHAREHOLDER_NOT_ASSOCIE, { organisationId: s.organisationId });
  }
  const total = Math.round(shares.reduce((a, s) => a + s.percent, 0) * 1000) / 1000;
  if (total !== 100) throw reject(DomainErrorCode.SHARES_NOT_100, { total });
  if (phase === 'FINAL' && atOrAfter(coop, 'OPERATION') && !activeWaiver(coop, 'LAUNCH', 'final-shares-ess-majority')) {
    const after = evolveCooperation(coop, ev('CooperationShareholdingSet', { phase, shares }, ctx)) as Cooperation;
    if (!hasEssMajority(after, 'FINAL'))
      throw reject(DomainErrorCode.JVS_ESS_MAJORITY_REQUIRED, { essPercent: shareholdingSummary(after, 'FINAL').ess });
  }
  return [ev('CooperationShareholdingSet', { phase, shares }, ctx)];
};

const chooseEssaimageStrategy = (cmd: C.ChooseEssaimageStrategy, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  requireKind(coop, ['ESSAIMAGE'], cmd.type);
  const d = requireObject(cmd.data, 'data');
  const strategy = requireOneOf(d.strategy, ESSAIMAGE_STRATEGIES, 'strategy');
  const targetTerritories = requireArray(d.targetTerritories ?? [], 'targetTerritories').map((t, i) =>
    validateLocation(t, `targetTerritories[${i}]`),
  );
  return [ev('CooperationEssaimageStrategyChosen', { strategy, targetTerritories }, ctx)];
};

const openSite = (cmd: C.OpenSite, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  requireKind(coop, ['ESSAIMAGE'], cmd.type);
  const d = requireObject(cmd.data, 'data');
  const siteId = idFrom(d.siteId, 'siteId', ctx);
  if (coop.sites.some((s) => s.siteId === siteId)) throw reject(DomainErrorCode.ALREADY_EXISTS, { siteId });
  return [
    ev(
      'CooperationSiteOpened',
      {
        siteId,
        name: requireString(d.name, 'name', 200),
        location: validateLocation(d.location),
        operatorOrganisationId: optionalString(d.operatorOrganisationId, 'operatorOrganisationId', 100),
        openedOn: requireIsoDate(d.openedOn, 'openedOn'),
      },
      ctx,
    ),
  ];
};

const recordStructureRegistration = (cmd: C.RecordStructureRegistration, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  // A GME is not a legal person (seed 002): it never registers a structure.
  requireKind(coop, COOPERATION_KINDS.filter((k) => !KINDS_WITHOUT_STRUCTURE.includes(k)), cmd.type);
  const d = requireObject(cmd.data, 'data');
  if (!isValidSiren(d.siren)) throw reject(DomainErrorCode.INVALID_SIREN, { siren: typeof d.siren === 'string' ? d.siren : null });
  return [
    ev('CooperationStructureRegistered', { siren: normaliseSiret(d.siren), legalForm: optionalString(d.legalForm, 'legalForm', 100) }, ctx),
  ];
};

const recordDeliverable = (cmd: C.RecordDeliverable, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  const d = requireObject(cmd.data, 'data');
  const deliverableId = idFrom(d.deliverableId, 'deliverableId', ctx);
  if (coop.deliverables.some((x) => x.deliverableId === deliverableId)) throw reject(DomainErrorCode.ALREADY_EXISTS, { deliverableId });
  return [
    ev(
      'CooperationDeliverableRecorded',
      {
        deliverableId,
        kind: requireOneOf(d.kind, DELIVERABLE_KINDS, 'kind'),
        stage: coop.stage,
        documentRef: optionalString(d.documentRef, 'documentRef', 500),
        title: optionalString(d.title, 'title', 200),
      },
      ctx,
    ),
  ];
};

const waiveGateItem = (cmd: C.WaiveGateItem, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  const d = requireObject(cmd.data, 'data');
  const stage = d.stage === undefined ? coop.stage : requireOneOf(d.stage, STAGES, 'stage');
  if (stage !== coop.stage) throw reject(DomainErrorCode.INVALID_TRANSITION, { reason: 'only items of the current stage can be waived', stage, current: coop.stage });
  const itemId = requireString(d.itemId, 'itemId', 100);
  const item = gateItemsFor(coop.kind, stage).find((i) => i.id === itemId);
  if (!item) throw reject(DomainErrorCode.GATE_ITEM_UNKNOWN, { itemId, stage, kind: coop.kind });
  if (!item.waivable) throw reject(DomainErrorCode.GATE_ITEM_NOT_WAIVABLE, { itemId, stage });
  if (coop.waivers.some((w) => w.stage === stage && w.itemId === itemId)) throw reject(DomainErrorCode.ALREADY_EXISTS, { itemId, stage });
  const justification = requireString(d.justification, 'justification', 2000);
  if (justification.length < 10)
    throw reject(DomainErrorCode.VALIDATION_FAILED, { field: 'justification', expected: 'a written justification (10 characters or more)' });
  return [ev('CooperationGateItemWaived', { stage, itemId, justification }, ctx)];
};

/** Checks the gate of the current stage: invariant items raise their own code, the rest GATE_NOT_SATISFIED. */
export const assertGateSatisfied = (coop: Cooperation): void => {
  const status = gateStatus(coop);
  const items = gateItemsFor(coop.kind, coop.stage);
  // A waived ESS majority still needs the whole capital: 100 % distributed among current associés.
  const finalShares = items.find((i) => i.fact === 'FINAL_SHARES_ESS_MAJORITY');
  if (finalShares && status.items.some((i) => i.id === finalShares.id && i.status === 'WAIVED')) {
    const summary = shareholdingSummary(coop, 'FINAL');
    if (!summary.defined || summary.total !== 100)
      throw reject(DomainErrorCode.SHARES_NOT_100, { itemId: finalShares.id, stage: coop.stage, total: summary.total, defined: summary.defined });
  }
  for (const id of status.missing) {
    const item = items.find((i) => i.id === id)!;
    // A JVS capital that does not add up to 100% (e.g. after an associé left) says so precisely.
    if (item.fact === 'FINAL_SHARES_ESS_MAJORITY') {
      const summary = shareholdingSummary(coop, 'FINAL');
      if (summary.defined && summary.total !== 100)
        throw reject(DomainErrorCode.SHARES_NOT_100, { itemId: id, stage: coop.stage, total: summary.total });
    }
    if (item.errorCode) throw reject(item.errorCode, { itemId: id, stage: coop.stage, missing: status.missing });
  }
  if (!status.satisfied) throw reject(DomainErrorCode.GATE_NOT_SATISFIED, { stage: coop.stage, missing: status.missing });
};

const advanceStage = (cmd: C.AdvanceStage, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  const d = requireObject(cmd.data ?? {}, 'data');
  const next = nextStage(coop.stage);
  const to = d.to === undefined ? next : requireOneOf(d.to, STAGES, 'to');
  if (next === null || to === null)
    throw reject(DomainErrorCode.INVALID_TRANSITION, { from: coop.stage, reason: 'last stage: close the cooperation' });
  if (stageIndex(to) > stageIndex(next)) throw reject(DomainErrorCode.STAGE_SKIP, { from: coop.stage, to, expected: next });
  if (to !== next) throw reject(DomainErrorCode.INVALID_TRANSITION, { from: coop.stage, to, reason: 'use ReopenStage to go back' });
  requireNotBeforeLastTransition(coop, ctx);
  assertGateSatisfied(coop);
  return [ev('CooperationStageAdvanced', { from: coop.stage, to: next }, ctx)];
};

const reopenStage = (cmd: C.ReopenStage, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  const d = requireObject(cmd.data, 'data');
  const previous = previousStage(coop.stage);
  if (previous === null) throw reject(DomainErrorCode.INVALID_TRANSITION, { from: coop.stage, reason: 'first stage' });
  const to = d.to === undefined ? previous : requireOneOf(d.to, STAGES, 'to');
  if (stageIndex(to) < stageIndex(previous)) throw reject(DomainErrorCode.STAGE_SKIP, { from: coop.stage, to, expected: previous });
  if (to !== previous) throw reject(DomainErrorCode.INVALID_TRANSITION, { from: coop.stage, to });
  const reason = requireString(d.reason, 'reason', 2000);
  requireNotBeforeLastTransition(coop, ctx);
  return [ev('CooperationStageReopened', { from: coop.stage, to, reason }, ctx)];
};

const abandonCooperation = (cmd: C.AbandonCooperation, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  const d = requireObject(cmd.data, 'data');
  const reason = requireOneOf(d.reason, ABANDON_REASONS, 'reason');
  const reasonText = reason === 'OTHER' ? requireString(d.reasonText, 'reasonText', 2000) : optionalString(d.reasonText, 'reasonText');
  requireNotBeforeLastTransition(coop, ctx);
  return [ev('CooperationAbandoned', { stage: coop.stage, reason, reasonText }, ctx)];
};

const closeCooperation = (cmd: C.CloseCooperation, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  const d = requireObject(cmd.data, 'data');
  const outcome = requireOneOf(d.outcome, CLOSE_OUTCOMES, 'outcome');
  const refusal = closeOutcomeRefusal(coop.kind, coop.stage, outcome);
  if (refusal) throw reject(refusal.code, refusal.details);
  requireNotBeforeLastTransition(coop, ctx);
  if (outcome === 'COMPLETED') assertGateSatisfied(coop);
  return [ev('CooperationClosed', { stage: coop.stage, outcome, comment: optionalString(d.comment, 'comment') }, ctx)];
};

const renewCooperation = (cmd: C.RenewCooperation, state: CooperationState, ctx: Ctx): CooperationEvent[] => {
  const coop = requireExisting(state);
  const successorId = requireString(requireObject(cmd.data, 'data').successorId, 'successorId', 100);
  if (coop.status !== 'CLOSED' || coop.successorId !== null)
    throw reject(DomainErrorCode.RENEWAL_NOT_ALLOWED, { status: coop.status, successorId: coop.successorId });
  if (successorId === coop.id) throw reject(DomainErrorCode.VALIDATION_FAILED, { field: 'successorId', reason: 'same id' });
  requireNotBeforeLastTransition(coop, ctx);
  return [ev('CooperationRenewed', { successorId }, ctx)];
};

/** Who may be solicited: funders, and local authorities (a département, a région or a commune funds). */
const SOLICITABLE_KINDS: readonly OrganisationKind[] = ['FUNDER', 'LOCAL_AUTHORITY'];

const requestFunding = (cmd: C.RequestFunding, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  const d = requireObject(cmd.data, 'data');
  const requestId = idFrom(d.requestId, 'requestId', ctx);
  const requests = coop.fundingRequests ?? [];
  if (requests.some((r) => r.requestId === requestId)) throw reject(DomainErrorCode.ALREADY_EXISTS, { requestId });
  const funder = validateOrganisationRef(d.funder, 'funder');
  if (!SOLICITABLE_KINDS.includes(funder.kind))
    throw reject(
      DomainErrorCode.VALIDATION_FAILED,
      { field: 'funder.kind', expected: 'FUNDER or LOCAL_AUTHORITY', value: funder.kind },
      'Seul un financeur ou une collectivité peut être sollicité pour un financement.',
    );
  const pending = requests.find((r) => r.funderOrganisationId === funder.id && r.status === 'OPEN');
  if (pending) throw reject(DomainErrorCode.FUNDING_REQUEST_PENDING, { requestId: pending.requestId, funderOrganisationId: funder.id });
  const amount = d.amount === undefined || d.amount === null ? null : positiveAmount(d.amount, 'Le montant sollicité doit être positif.');
  return [
    ev(
      'CooperationFundingRequested',
      {
        requestId,
        funderOrganisationId: funder.id,
        programme: optionalString(d.programme, 'programme', 300),
        amount,
        note: optionalString(d.note, 'note'),
      },
      ctx,
    ),
  ];
};

/** An open request, answered no earlier than it was made. */
const findOpenRequest = (coop: Cooperation, requestId: string, ctx: Ctx) => {
  const request = (coop.fundingRequests ?? []).find((r) => r.requestId === requestId);
  if (!request) throw reject(DomainErrorCode.FUNDING_REQUEST_NOT_FOUND, { requestId });
  if (request.status !== 'OPEN') throw reject(DomainErrorCode.FUNDING_REQUEST_CLOSED, { requestId, status: request.status });
  if (toMillis(ctx.occurredAt) < toMillis(request.requestedAt))
    throw reject(
      DomainErrorCode.OCCURRED_AT_BEFORE_STAGE_ENTERED,
      { occurredAt: ctx.occurredAt, requestId, requestedAt: request.requestedAt },
      `Une réponse à une sollicitation ne peut pas être datée avant la sollicitation (${request.requestedAt.slice(0, 10)}).`,
    );
  return request;
};

const closeFundingRequest = (
  type: 'CooperationFundingRequestWithdrawn' | 'CooperationFundingRequestDeclined',
  cmd: C.WithdrawFundingRequest | C.DeclineFundingRequest,
  coop: Cooperation,
  ctx: Ctx,
): CooperationEvent[] => {
  const d = requireObject(cmd.data, 'data');
  const request = findOpenRequest(coop, requireString(d.requestId, 'requestId', 100), ctx);
  return [ev(type, { requestId: request.requestId, funderOrganisationId: request.funderOrganisationId, reason: optionalString(d.reason, 'reason') }, ctx)];
};

/**
 * The request a grant answers: the one named, which must be this funder's and open, or else the
 * funder's oldest open request made by the grant's date, if any.
 */
const answeredRequest = (d: Record<string, unknown>, coop: Cooperation, funderId: string, ctx: Ctx): string | null => {
  if (d.requestId !== undefined && d.requestId !== null) {
    const request = findOpenRequest(coop, requireString(d.requestId, 'requestId', 100), ctx);
    if (request.funderOrganisationId !== funderId)
      throw reject(
        DomainErrorCode.VALIDATION_FAILED,
        { field: 'requestId', expected: 'a request to this funder', value: request.requestId },
        'Cette sollicitation s’adresse à un autre financeur.',
      );
    return request.requestId;
  }
  const at = toMillis(ctx.occurredAt);
  const open = (coop.fundingRequests ?? []).filter(
    (r) => r.funderOrganisationId === funderId && r.status === 'OPEN' && toMillis(r.requestedAt) <= at,
  );
  return open.length ? open.reduce((a, b) => (toMillis(b.requestedAt) < toMillis(a.requestedAt) ? b : a)).requestId : null;
};

const grantFunding = (cmd: C.GrantFunding, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  const d = requireObject(cmd.data, 'data');
  const fundingId = idFrom(d.fundingId, 'fundingId', ctx);
  if (coop.fundings.some((f) => f.fundingId === fundingId)) throw reject(DomainErrorCode.ALREADY_EXISTS, { fundingId });
  const funder = validateOrganisationRef(d.funder, 'funder');
  const programme = requireString(d.programme, 'programme', 300);
  const amount = positiveAmount(d.amount, 'Le montant d’une subvention doit être positif.');
  const period = requirePeriod(d.period, 'period');
  const requestId = answeredRequest(d, coop, funder.id, ctx);
  return [ev('CooperationFundingGranted', { fundingId, funderOrganisationId: funder.id, programme, amount, period, requestId }, ctx)];
};

/** A grant (or a request) of nothing is none (and would let any funder appear among a cooperation's funders). */
const positiveAmount = (value: unknown, message: string): number => {
  const amount = requireNonNegativeAmount(value, 'amount');
  if (amount === 0) throw reject(DomainErrorCode.VALIDATION_FAILED, { field: 'amount', expected: 'positive amount' }, message);
  return amount;
};

const findOpenFunding = (coop: Cooperation, fundingId: string) => {
  const funding = coop.fundings.find((f) => f.fundingId === fundingId);
  if (!funding) throw reject(DomainErrorCode.FUNDING_NOT_FOUND, { fundingId });
  if (funding.endedOn !== null) throw reject(DomainErrorCode.FUNDING_ENDED, { fundingId, endedOn: funding.endedOn });
  return funding;
};

const recordDisbursement = (cmd: C.RecordDisbursement, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  const d = requireObject(cmd.data, 'data');
  const funding = findOpenFunding(coop, requireString(d.fundingId, 'fundingId', 100));
  const amount = requireNonNegativeAmount(d.amount, 'amount');
  if (amount === 0) throw reject(DomainErrorCode.VALIDATION_FAILED, { field: 'amount', expected: 'positive amount' });
  if (Math.round((funding.disbursed + amount) * 100) > Math.round(funding.amount * 100))
    throw reject(DomainErrorCode.DISBURSEMENT_EXCEEDS_GRANT, { granted: funding.amount, disbursed: funding.disbursed, amount });
  const disbursedOn = requireNotFutureDay(requireIsoDate(d.disbursedOn, 'disbursedOn'), 'disbursedOn', ctx, 'Un versement');
  // Not before the grant: its day, or the start of its period when that is earlier (a grant
  // recorded late, without its date, is dated the day it was recorded).
  const earliest = funding.grantedAt && funding.grantedAt.slice(0, 10) < funding.period.start ? funding.grantedAt.slice(0, 10) : funding.period.start;
  requireNotBeforeDay(disbursedOn, earliest, 'disbursedOn', `Un versement ne peut pas précéder la subvention (au plus tôt le ${earliest}).`);
  return [ev('CooperationFundingDisbursed', { fundingId: funding.fundingId, funderOrganisationId: funding.funderOrganisationId, amount, disbursedOn }, ctx)];
};

const endFunding = (cmd: C.EndFunding, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  const d = requireObject(cmd.data, 'data');
  const funding = findOpenFunding(coop, requireString(d.fundingId, 'fundingId', 100));
  const endedOn = requireNotFutureDay(requireIsoDate(d.endedOn, 'endedOn'), 'endedOn', ctx, 'La fin d’une subvention');
  requireNotBeforeDay(endedOn, funding.period.start, 'endedOn', `Une subvention ne peut pas finir avant le début de sa période (${funding.period.start}).`);
  if (funding.lastDisbursedOn)
    requireNotBeforeDay(endedOn, funding.lastDisbursedOn, 'endedOn', `Une subvention ne peut pas finir avant son dernier versement (${funding.lastDisbursedOn}).`);
  return [
    ev(
      'CooperationFundingEnded',
      {
        fundingId: funding.fundingId,
        funderOrganisationId: funding.funderOrganisationId,
        endedOn,
        reason: optionalString(d.reason, 'reason'),
      },
      ctx,
    ),
  ];
};

/** A period of something recorded as done or measured: it has begun (it may end later). */
const startedPeriod = (value: unknown, ctx: Ctx, what: string): { start: string; end: string | null } => {
  const period = requirePeriod(value, 'period');
  if (period.start > latestToday(ctx))
    throw reject(DomainErrorCode.VALIDATION_FAILED, { field: 'period.start', expected: 'a period that has begun', value: period.start }, `${what} porte sur une période qui n’a pas commencé (${period.start}).`);
  return period;
};

const recordSupport = (cmd: C.RecordSupport, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  const d = requireObject(cmd.data, 'data');
  const supportId = idFrom(d.supportId, 'supportId', ctx);
  if (coop.supports.some((s) => s.supportId === supportId)) throw reject(DomainErrorCode.ALREADY_EXISTS, { supportId });
  return [
    ev(
      'CooperationSupportRecorded',
      {
        supportId,
        kind: requireOneOf(d.kind, SUPPORT_KINDS, 'kind'),
        providerOrganisationId: optionalString(d.providerOrganisationId, 'providerOrganisationId', 100),
        period: startedPeriod(d.period, ctx, 'Un accompagnement'),
        description: optionalString(d.description, 'description'),
      },
      ctx,
    ),
  ];
};

const defineIndicator = (cmd: C.DefineIndicator, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  const d = requireObject(cmd.data, 'data');
  const criterionId = idFrom(d.criterionId, 'criterionId', ctx);
  const code = requireString(d.code, 'code', 20);
  if (coop.criteria.some((c) => c.criterionId === criterionId || c.code === code))
    throw reject(DomainErrorCode.ALREADY_EXISTS, { criterionId, indicatorCode: code });
  const indicators: IndicatorDefinition[] = requireArray(d.indicators, 'indicators', 1).map((raw, i) => {
    const f = `indicators[${i}]`;
    const o = requireObject(raw, f);
    const standard = o.standard === undefined || o.standard === null ? null : requireOneOf(o.standard, STANDARD_INDICATORS, `${f}.standard`);
    const nature = o.nature === undefined && standard ? 'QUANTITATIVE' : requireOneOf(o.nature, INDICATOR_NATURES, `${f}.nature`);
    if (standard && nature !== 'QUANTITATIVE')
      throw reject(DomainErrorCode.VALIDATION_FAILED, { field: `${f}.nature`, reason: 'standard IAE indicators are quantitative' });
    const unit = optionalString(o.unit, `${f}.unit`, 50) ?? (standard ? STANDARD_INDICATOR_UNITS[standard] : null);
    if (nature === 'QUANTITATIVE' && unit === null) throw reject(DomainErrorCode.VALIDATION_FAILED, { field: `${f}.unit`, reason: 'quantitative indicators need a unit' });
    let target: number | string | null = null;
    if (o.target !== undefined && o.target !== null) {
      target = nature === 'QUANTITATIVE' ? requireMeasurable(o.target, `${f}.target`) : requireString(o.target, `${f}.target`, 500);
    }
    return {
      indicatorId: idFrom(o.indicatorId, `${f}.indicatorId`, ctx),
      code: requireString(o.code, `${f}.code`, 20),
      label: o.label === undefined && standard ? standardIndicatorLabelsFr[standard] : requireString(o.label, `${f}.label`, 300),
      nature,
      unit,
      target,
      standard,
    };
  });
  const allIds = [...coop.criteria.flatMap((c) => c.indicators.map((x) => x.indicatorId)), ...indicators.map((x) => x.indicatorId)];
  if (new Set(allIds).size !== allIds.length) throw reject(DomainErrorCode.ALREADY_EXISTS, { field: 'indicatorId' });
  return [ev('CooperationEvaluationCriterionDefined', { criterionId, code, label: requireString(d.label, 'label', 300), indicators }, ctx)];
};

const recordMeasurement = (cmd: C.RecordMeasurement, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  const d = requireObject(cmd.data, 'data');
  const indicatorId = requireString(d.indicatorId, 'indicatorId', 100);
  const criterion = coop.criteria.find((c) => c.indicators.some((i) => i.indicatorId === indicatorId));
  if (!criterion) throw reject(DomainErrorCode.INDICATOR_NOT_FOUND, { indicatorId });
  const indicator = criterion.indicators.find((i) => i.indicatorId === indicatorId)!;
  const period = startedPeriod(d.period, ctx, 'Une mesure');
  let value: number | string;
  if (indicator.nature === 'QUANTITATIVE') {
    value = requireMeasurable(d.value, 'value');
  } else value = requireString(d.value, 'value', 2000);
  return [ev('CooperationMeasurementRecorded', { indicatorId, criterionId: criterion.criterionId, period, value }, ctx)];
};

const recordEvaluation = (cmd: C.RecordEvaluation, _coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  const d = requireObject(cmd.data, 'data');
  return [
    ev(
      'CooperationEvaluationRecorded',
      {
        step: requireOneOf(d.step, EVALUATION_STEPS, 'step'),
        summary: requireString(d.summary, 'summary', 5000),
        deliverableId: optionalString(d.deliverableId, 'deliverableId', 100),
      },
      ctx,
    ),
  ];
};

const recordLesson = (cmd: C.RecordLesson, coop: Cooperation, ctx: Ctx): CooperationEvent[] => {
  const d = requireObject(cmd.data, 'data');
  const lessonId = idFrom(d.lessonId, 'lessonId', ctx);
  if (coop.lessons.some((l) => l.lessonId === lessonId)) throw reject(DomainErrorCode.ALREADY_EXISTS, { lessonId });
  return [
    ev(
      'CooperationLessonRecorded',
      {
        lessonId,
        text: requireString(d.text, 'text', 5000),
        essaimagePotential:
          d.essaimagePotential === undefined || d.essaimagePotential === null
            ? null
            : requireOneOf(d.essaimagePotential, ESSAIMAGE_POTENTIALS, 'essaimagePotential'),
      },
      ctx,
    ),
  ];
};

// ---------------------------------------------------------------------------------------------

/**
 * decide(command, state, context) -> events. Throws a DomainError (never a bare Error) when the
 * command is rejected.
 */
export const decideCooperation = (command: C.CooperationCommand, state: CooperationState, context: DecideContext): CooperationEvent[] => {
  checkContext(context);
  if (typeof command !== 'object' || command === null) throw reject(DomainErrorCode.VALIDATION_FAILED, { field: 'command' });
  const active = (): Cooperation => {
    const coop = requireActive(state);
    requireNotBeforeProposal(coop, context);
    return coop;
  };
  switch (command.type) {
    case 'ProposeCooperation':
      return proposeCooperation(command, state, context);
    case 'RenewCooperation':
      return renewCooperation(command, state, context);
    case 'SetTerritory':
      return setTerritory(command, active(), context);
    case 'AddMember':
      return addMember(command, active(), context);
    case 'RemoveMember':
      return removeMember(command, active(), context);
    case 'HandOverLead':
      return handOverLead(command, active(), context);
    case 'DesignateMandataire':
      return designateMandataire(command, active(), context);
    case 'SetGmeForm':
      return setGmeForm(command, active(), context);
    case 'RecordMarket':
      return recordMarket(command, active(), context);
    case 'RecordMarketOutcome':
      return recordMarketOutcome(command, active(), context);
    case 'SetShareholding':
      return setShareholding(command, active(), context);
    case 'ChooseEssaimageStrategy':
      return chooseEssaimageStrategy(command, active(), context);
    case 'OpenSite':
      return openSite(command, active(), context);
    case 'RecordStructureRegistration':
      return recordStructureRegistration(command, active(), context);
    case 'RecordDeliverable':
      return recordDeliverable(command, active(), context);
    case 'WaiveGateItem':
      return waiveGateItem(command, active(), context);
    case 'AdvanceStage':
      return advanceStage(command, active(), context);
    case 'ReopenStage':
      return reopenStage(command, active(), context);
    case 'AbandonCooperation':
      return abandonCooperation(command, active(), context);
    case 'CloseCooperation':
      return closeCooperation(command, active(), context);
    case 'RequestFunding':
      return requestFunding(command, active(), context);
    case 'WithdrawFundingRequest':
      return closeFundingRequest('CooperationFundingRequestWithdrawn', command, active(), context);
    case 'DeclineFundingRequest':
      return closeFundingRequest('CooperationFundingRequestDeclined', command, active(), context);
    case 'GrantFunding':
      return grantFunding(command, active(), context);
    case 'RecordDisbursement':
      return recordDisbursement(command, active(), context);
    case 'EndFunding':
      return endFunding(command, active(), context);
    case 'RecordSupport':
      return recordSupport(command, active(), context);
    case 'DefineIndicator':
      return defineIndicator(command, active(), context);
    case 'RecordMeasurement':
      return recordMeasurement(command, active(), context);
    case 'RecordEvaluation':
      return recordEvaluation(command, active(), context);
    case 'RecordLesson':
      return recordLesson(command, active(), context);
    default: {
      const unknown: never = command;
      throw reject(DomainErrorCode.VALIDATION_FAILED, { field: 'type', value: (unknown as { type?: unknown }).type ?? null });
    }
  }
};

export const cooperationDecider: Decider<C.CooperationCommand, CooperationEvent, CooperationState> = {
  decide: decideCooperation,
  evolve: evolveCooperation,
  initialState: initialCooperationState,
};
