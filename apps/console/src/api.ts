import { gql, type TypedDocumentNode } from '@apollo/client';
import type { Role } from './session';

/** GraphQL documents of the console and the shapes it reads (see docs/schema.graphql). */

export interface LoginData {
  login: {
    accessToken: string;
    expiresAt: string;
    user: { id: string; email: string | null; name: string | null; role: Role; organisationId: string | null; regions: string[] };
  };
}
/** What a sign-in (or a password change) answers: the token and the session's user. */
const SESSION_FIELDS = 'accessToken expiresAt user { id email name role organisationId regions }';
export const LOGIN: TypedDocumentNode<LoginData, { email: string; password: string }> = gql`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) { ${SESSION_FIELDS} }
  }
`;

export interface OrganisationSummary {
  id: string;
  name: string;
  kind: string;
  kindLabel: string;
  ess: boolean;
  regionCode: string;
  departementCode: string;
}
export interface OrganisationHit extends OrganisationSummary {
  siret: string | null;
}
/** The organisation directory (signed-in users): name contains `search` (accents, case ignored) or SIRET equals it. */
export const ORGANISATIONS: TypedDocumentNode<{ organisations: OrganisationHit[] }, { search?: string | null; region?: string | null; kind?: string | null; first?: number }> = gql`
  query Organisations($search: String, $region: String, $kind: OrganisationKind, $first: Int) {
    organisations(search: $search, region: $region, kind: $kind, first: $first) { id name kind kindLabel ess regionCode departementCode siret }
  }
`;

/** One organisation of the directory (members and funders: their own, for their région). */
export const ORGANISATION: TypedDocumentNode<{ organisation: { id: string; name: string; regionCode: string } | null }, { id: string }> = gql`
  query Organisation($id: ID!) {
    organisation(id: $id) { id name regionCode }
  }
`;

export interface MemberView {
  organisationId: string;
  role: string;
  roleLabel: string;
  mandataire: boolean;
  ess: boolean;
  joinedAt: string;
  organisation: OrganisationSummary | null;
}
export interface ListItem {
  id: string;
  name: string;
  kind: string;
  kindLabel: string;
  stage: string;
  stageLabel: string;
  status: string;
  statusLabel: string;
  /** How a closed cooperation ended (the badge's tone). */
  closeOutcome: string | null;
  regionCode: string;
  departementCodes: string[];
  memberCount: number;
  gateSatisfied: boolean;
  lastEventAt: string;
  members: MemberView[];
}
const MEMBER_FIELDS = `organisationId role roleLabel mandataire ess joinedAt organisation { id name kind kindLabel ess regionCode departementCode }`;

export interface CooperationsData {
  cooperations: { edges: { cursor: string; node: ListItem }[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } };
}
export interface CooperationFilter {
  region?: string;
  kind?: string;
  stage?: string;
  status?: string;
  funderId?: string;
  /** Cooperations with an OPEN funding request to this organisation. */
  solicitedFunderId?: string;
  stalledForDays?: number;
}
export const COOPERATIONS: TypedDocumentNode<CooperationsData, { first?: number; after?: string | null; filter?: CooperationFilter }> = gql`
  query Cooperations($first: Int, $after: String, $filter: CooperationFilterInput) {
    cooperations(first: $first, after: $after, filter: $filter) {
      edges {
        cursor
        node {
          id name kind kindLabel stage stageLabel status statusLabel closeOutcome regionCode departementCodes memberCount gateSatisfied lastEventAt
          members { ${MEMBER_FIELDS} }
        }
      }
      pageInfo { endCursor hasNextPage }
    }
  }
`;

export interface GateItemView {
  id: string;
  label: string;
  /** SATISFIED, MISSING or WAIVED. */
  status: string;
  advisory: boolean;
  waivable: boolean;
  deliverableKinds: string[];
  satisfiedBy: string | null;
  justification: string | null;
}
export interface CooperationView {
  id: string;
  asOf: string;
  version: number;
  name: string;
  kind: string;
  kindLabel: string;
  stage: string;
  stageLabel: string;
  status: string;
  proposedAt: string;
  regionCode: string;
  departementCodes: string[];
  sectors: string[];
  objectives: string[];
  leadOrganisationId: string;
  mandataireId: string | null;
  gmeForm: string | null;
  abandonReason: string | null;
  abandonReasonText: string | null;
  closeOutcome: string | null;
  /** The cooperation this one renews, and the one that renewed it. */
  renewedFrom: string | null;
  successorId: string | null;
  gate: { stage: string; stageLabel: string; satisfied: boolean; items: GateItemView[] } | null;
  members: MemberView[];
  market: {
    buyerName: string;
    cpvCode: string | null;
    amountExclVat: number;
    durationMonths: number;
    bidDeadline: string | null;
    outcome: string | null;
    startDate: string | null;
    procedures: { code: string; label: string }[];
    lots: { number: number; label: string }[];
  } | null;
  shareholding: {
    essPercent: number;
    totalPercent: number;
    planned: { organisationId: string; percent: number; ess: boolean }[] | null;
    final: { organisationId: string; percent: number; ess: boolean }[] | null;
  } | null;
  fundings: { fundingId: string; funderOrganisationId: string; funder: { name: string; kindLabel: string } | null; programme: string; amount: number; disbursed: number; periodStart: string; periodEnd: string | null; endedOn: string | null }[];
  /** The funders solicited by the cooperation (« sollicitations »), and what became of each request. */
  fundingRequests: FundingRequestView[];
  indicators: {
    indicatorId: string;
    code: string;
    label: string;
    nature: string;
    unit: string | null;
    target: string | null;
    criterionCode: string;
    criterionLabel: string;
    measurements: { periodStart: string; periodEnd: string | null; value: string; numericValue: number | null }[];
  }[];
  deliverables: { deliverableId: string; kind: string; kindLabel: string; stage: string; title: string | null; recordedAt: string }[];
  waivers: { itemId: string; itemLabel: string; justification: string; stage: string; waivedAt: string }[];
  stageHistory: { stage: string; stageLabel: string; enteredAt: string; exitedAt: string | null; days: number; via: string }[];
  /** ESSAIMAGE only: the strategy, the target territories and the sites opened. */
  essaimage: {
    strategy: string | null;
    strategyLabel: string | null;
    targetTerritories: { regionCode: string; departementCode: string }[];
    sites: { siteId: string; name: string; regionCode: string; departementCode: string; openedOn: string; operatorOrganisationId: string | null }[];
  } | null;
  /** The legal structure registered (SIREN), when there is one. */
  structure: { siren: string; legalForm: string | null } | null;
  /** Le Rameau evaluation steps recorded, oldest first. */
  evaluations: { step: string; stepLabel: string; summary: string; recordedAt: string }[];
  /** Supports (accompagnements) recorded, oldest period first. */
  supports: {
    supportId: string;
    kind: string;
    kindLabel: string;
    providerOrganisationId: string | null;
    provider: { name: string } | null;
    periodStart: string;
    periodEnd: string | null;
    description: string | null;
  }[];
  /** Lessons learned, with the essaimage potential. */
  lessons: { lessonId: string; text: string; essaimagePotential: string | null; essaimagePotentialLabel: string | null; recordedAt: string }[];
}
/** OPEN until it is withdrawn (by a member), declined (by the funder) or granted. */
export type FundingRequestStatus = 'OPEN' | 'WITHDRAWN' | 'DECLINED' | 'GRANTED';
export interface FundingRequestView {
  requestId: string;
  funderOrganisationId: string;
  /** From the directory (null if the organisation was erased from it). */
  funder: { name: string } | null;
  programme: string | null;
  /** Euros requested, when the member said. */
  amount: number | null;
  /** The member's message to the funder. */
  note: string | null;
  requestedAt: string;
  status: FundingRequestStatus;
  /** « En attente », « Retirée », « Déclinée », « Accordée ». */
  statusLabel: string;
  closedAt: string | null;
  /** Why it was withdrawn or declined. */
  reason: string | null;
  /** The grant that answered it. */
  fundingId: string | null;
}
const FUNDING_REQUEST_FIELDS = 'requestId funderOrganisationId funder { name } programme amount note requestedAt status statusLabel closedAt reason fundingId';
export const COOPERATION: TypedDocumentNode<{ cooperation: CooperationView }, { id: string; asOf?: string | null }> = gql`
  query Cooperation($id: ID!, $asOf: String) {
    cooperation(id: $id, asOf: $asOf) {
      id asOf version name kind kindLabel stage stageLabel status proposedAt regionCode departementCodes sectors objectives
      leadOrganisationId mandataireId gmeForm abandonReason abandonReasonText closeOutcome renewedFrom successorId
      gate { stage stageLabel satisfied items { id label status advisory waivable deliverableKinds satisfiedBy justification } }
      members { ${MEMBER_FIELDS} }
      market { buyerName cpvCode amountExclVat durationMonths bidDeadline outcome startDate procedures { code label } lots { number label } }
      shareholding { essPercent totalPercent planned { organisationId percent ess } final { organisationId percent ess } }
      fundings { fundingId funderOrganisationId funder { name kindLabel } programme amount disbursed periodStart periodEnd endedOn }
      fundingRequests { ${FUNDING_REQUEST_FIELDS} }
      indicators { indicatorId code label nature unit target criterionCode criterionLabel measurements { periodStart periodEnd value numericValue } }
      deliverables { deliverableId kind kindLabel stage title recordedAt }
      waivers { itemId itemLabel justification stage waivedAt }
      stageHistory { stage stageLabel enteredAt exitedAt days via }
      essaimage { strategy strategyLabel targetTerritories { regionCode departementCode } sites { siteId name regionCode departementCode openedOn operatorOrganisationId } }
      structure { siren legalForm }
      evaluations { step stepLabel summary recordedAt }
      lessons { lessonId text essaimagePotential essaimagePotentialLabel recordedAt }
      supports { supportId kind kindLabel providerOrganisationId provider { name } periodStart periodEnd description }
    }
  }
`;

export interface HistoryEntry {
  eventId: string;
  type: string;
  label: string;
  /** What the fact recorded, as one French sentence (who joined and as what, which amount…). */
  details: string;
  version: number;
  occurredAt: string;
  recordedAt: string;
  data: string;
  actor: { userId: string; organisationId: string | null; role: string | null; organisation: { name: string } | null } | null;
}
export const HISTORY: TypedDocumentNode<{ history: HistoryEntry[] }, { id: string }> = gql`
  query History($id: ID!) {
    history(cooperationId: $id) { eventId type label details version occurredAt recordedAt data actor { userId organisationId role organisation { name } } }
  }
`;

export interface RegionalDashboardView {
  region: string;
  regionName: string;
  asOf: string;
  byKindStage: { kind: string; kindLabel: string; stage: string; stageLabel: string; count: number }[];
  byStatus: { status: string; label: string; count: number }[];
  byDepartement: { key: string; label: string; count: number }[];
  bySector: { key: string; label: string; count: number }[];
  medianDaysPerStage: { stage: string; stageLabel: string; medianDays: number; visits: number }[];
  stalled: { count: number; days: number; cooperationIds: string[] };
  abandonmentReasons: { key: string; label: string; count: number }[];
  insertion: { standard: string; label: string; year: number; total: number; cooperations: number }[];
  funding: { granted: number; disbursed: number; fundings: number; funders: number; cooperations: number };
  conversion: { stage: string; next: string; entered: number; reachedNext: number; rate: number | null }[];
}
export const REGIONAL_DASHBOARD: TypedDocumentNode<{ regionalDashboard: RegionalDashboardView }, { region: string; asOf?: string | null }> = gql`
  query RegionalDashboard($region: String!, $asOf: String) {
    regionalDashboard(region: $region, asOf: $asOf) {
      region regionName asOf
      byKindStage { kind kindLabel stage stageLabel count }
      byStatus { status label count }
      byDepartement { key label count }
      bySector { key label count }
      medianDaysPerStage { stage stageLabel medianDays visits }
      stalled { count days cooperationIds }
      abandonmentReasons { key label count }
      insertion { standard label year total cooperations }
      funding { granted disbursed fundings funders cooperations }
      conversion { stage next entered reachedNext rate }
    }
  }
`;

export interface RegionalActivityView {
  cooperationId: string;
  eventId: string;
  eventType: string;
  label: string;
  name: string | null;
  kindLabel: string | null;
  stageLabel: string | null;
  occurredAt: string;
  readModelsCurrent: boolean;
}
export const REGIONAL_ACTIVITY: TypedDocumentNode<{ regionalActivity: RegionalActivityView }, { region: string }> = gql`
  subscription RegionalActivity($region: String!) {
    regionalActivity(region: $region) { cooperationId eventId eventType label name kindLabel stageLabel occurredAt readModelsCurrent }
  }
`;

export interface PortfolioView {
  funderId: string;
  asOf: string;
  totals: { cooperations: number; fundings: number; granted: number; disbursed: number };
  cooperations: {
    id: string;
    name: string;
    kind: string;
    kindLabel: string;
    regionCode: string;
    stage: string | null;
    stageLabel: string | null;
    status: string | null;
    /** How it ended, when closed at the date. */
    closeOutcome: string | null;
    closeOutcomeLabel: string | null;
    waivers: number;
    fundings: { fundingId: string; programme: string; amount: number; disbursed: number; periodStart: string; periodEnd: string | null; endedOn: string | null }[];
  }[];
}
export const FUNDER_PORTFOLIO: TypedDocumentNode<{ funderPortfolio: PortfolioView }, { funderId: string; asOf?: string | null }> = gql`
  query FunderPortfolio($funderId: ID!, $asOf: String) {
    funderPortfolio(funderId: $funderId, asOf: $asOf) {
      funderId asOf
      totals { cooperations fundings granted disbursed }
      cooperations {
        id name kind kindLabel regionCode stage stageLabel status closeOutcome closeOutcomeLabel waivers
        fundings { fundingId programme amount disbursed periodStart periodEnd endedOn }
      }
    }
  }
`;

/** A funder's pending solicitations: the cooperations with an OPEN request to it (today's state). */
export const SOLICITATIONS: TypedDocumentNode<
  {
    cooperations: {
      edges: { node: Pick<ListItem, 'id' | 'name' | 'kindLabel' | 'stageLabel' | 'regionCode'> & { fundingRequests: FundingRequestView[] } }[];
      pageInfo: { hasNextPage: boolean };
    };
  },
  { funderId: string; first: number }
> = gql`
  query Solicitations($funderId: ID!, $first: Int) {
    cooperations(first: $first, filter: { solicitedFunderId: $funderId }) {
      edges { node { id name kindLabel stageLabel regionCode fundingRequests { ${FUNDING_REQUEST_FIELDS} } } }
      pageInfo { hasNextPage }
    }
  }
`;

export interface CommandResult {
  cooperationId: string;
  version: number;
  eventTypes: string[];
}
/** A cooperation command: `mutation X($input: XInput!) { x(input: $input) { ... } }`. */
export function commandDocument(name: string): TypedDocumentNode<Record<string, CommandResult>, { input: Record<string, unknown> }> {
  const type = `${name[0].toUpperCase()}${name.slice(1)}Input`;
  const op = `${name[0].toUpperCase()}${name.slice(1)}`;
  return gql(`mutation ${op}($input: ${type}!) { ${name}(input: $input) { cooperationId version eventTypes } }`);
}

export const COOPERATION_EVENTS: TypedDocumentNode<{ cooperationEvents: { eventId: string; version: number; label: string } }, { id: string }> = gql`
  subscription CooperationEvents($id: ID!) {
    cooperationEvents(cooperationId: $id) { eventId version label }
  }
`;

/** A user account, as platform operators (ADMIN) manage it. E-mail and name are personal data. */
export interface UserAccountView {
  id: string;
  email: string | null;
  name: string | null;
  role: Role;
  organisationId: string | null;
  /** From the organisation directory (null for operators, or an id the directory does not hold). */
  organisation: { id: string; name: string } | null;
  regions: string[];
  status: 'ACTIVE' | 'DISABLED' | 'DELETED';
  createdAt: string;
}
const USER_FIELDS = 'id email name role organisationId organisation { id name } regions status createdAt';
/** ADMIN: every account not deleted. */
export const USERS: TypedDocumentNode<{ users: UserAccountView[] }, Record<string, never>> = gql`
  query Users {
    users { ${USER_FIELDS} }
  }
`;
export interface CreateUserInput {
  email: string;
  name: string;
  password: string;
  role: Role;
  organisationId?: string;
  regions?: string[];
}
export const CREATE_USER: TypedDocumentNode<{ createUser: UserAccountView }, { input: CreateUserInput }> = gql`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) { ${USER_FIELDS} }
  }
`;
export const DISABLE_USER: TypedDocumentNode<{ disableUser: UserAccountView }, { id: string }> = gql`
  mutation DisableUser($id: ID!) {
    disableUser(id: $id) { ${USER_FIELDS} }
  }
`;
export const ENABLE_USER: TypedDocumentNode<{ enableUser: UserAccountView }, { id: string }> = gql`
  mutation EnableUser($id: ID!) {
    enableUser(id: $id) { ${USER_FIELDS} }
  }
`;
export const DELETE_USER: TypedDocumentNode<{ deleteUser: boolean }, { id: string }> = gql`
  mutation DeleteUser($id: ID!) {
    deleteUser(id: $id)
  }
`;

export interface RegisterOrganisationInput {
  organisationId: string;
  idempotencyKey: string;
  name: string;
  kind: string;
  ess: boolean;
  regionCode: string;
  departementCode: string;
  siret?: string;
}
/** ADMIN (and networks for their régions): registers an organisation in the directory. */
export const REGISTER_ORGANISATION: TypedDocumentNode<{ registerOrganisation: { organisationId: string; version: number } }, { input: RegisterOrganisationInput }> = gql`
  mutation RegisterOrganisation($input: RegisterOrganisationInput!) {
    registerOrganisation(input: $input) { organisationId version }
  }
`;

/** The signed-in user's own account (any role). */
export const ME: TypedDocumentNode<{ me: UserAccountView }, Record<string, never>> = gql`
  query Me {
    me { ${USER_FIELDS} }
  }
`;
/** Any signed-in user: changes its own password. Every token issued before is refused; the answer carries a fresh one. */
export const CHANGE_PASSWORD: TypedDocumentNode<{ changePassword: LoginData['login'] }, { currentPassword: string; newPassword: string }> = gql`
  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
    changePassword(currentPassword: $currentPassword, newPassword: $newPassword) { ${SESSION_FIELDS} }
  }
`;
/** ADMIN: fields left out stay; `organisationId: null` for an operator; régions only for NETWORK (left out otherwise: cleared). */
export interface UpdateUserInput {
  name?: string;
  role?: Role;
  organisationId?: string | null;
  regions?: string[];
}
export const UPDATE_USER: TypedDocumentNode<{ updateUser: UserAccountView }, { id: string; input: UpdateUserInput }> = gql`
  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {
    updateUser(id: $id, input: $input) { ${USER_FIELDS} }
  }
`;
/** ADMIN: gives an account a new password; its sessions end and its sign-in lock-out is lifted. */
export const SET_USER_PASSWORD: TypedDocumentNode<{ setUserPassword: UserAccountView }, { id: string; newPassword: string }> = gql`
  mutation SetUserPassword($id: ID!, $newPassword: String!) {
    setUserPassword(id: $id, newPassword: $newPassword) { ${USER_FIELDS} }
  }
`;
