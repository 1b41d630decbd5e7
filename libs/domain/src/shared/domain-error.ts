import { validationMessageFr } from '../labels/validation.fr';

/**
 * One error class for the whole domain. Every rejection carries a code from DomainErrorCode, a
 * French message for users and machine-readable details; the API maps the code to
 * `extensions.code`.
 */
export enum DomainErrorCode {
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  NOT_FOUND = 'NOT_FOUND',
  ALREADY_EXISTS = 'ALREADY_EXISTS',
  OCCURRED_AT_IN_FUTURE = 'OCCURRED_AT_IN_FUTURE',
  OCCURRED_AT_BEFORE_STAGE_ENTERED = 'OCCURRED_AT_BEFORE_STAGE_ENTERED',
  INVALID_SIRET = 'INVALID_SIRET',
  INVALID_SIREN = 'INVALID_SIREN',
  INVALID_TERRITORY = 'INVALID_TERRITORY',
  COOPERATION_CLOSED = 'COOPERATION_CLOSED',
  NOT_APPLICABLE_TO_KIND = 'NOT_APPLICABLE_TO_KIND',
  INVALID_TRANSITION = 'INVALID_TRANSITION',
  STAGE_SKIP = 'STAGE_SKIP',
  GATE_NOT_SATISFIED = 'GATE_NOT_SATISFIED',
  GATE_ITEM_UNKNOWN = 'GATE_ITEM_UNKNOWN',
  GATE_ITEM_NOT_WAIVABLE = 'GATE_ITEM_NOT_WAIVABLE',
  MEMBER_ALREADY_PRESENT = 'MEMBER_ALREADY_PRESENT',
  MEMBER_NOT_FOUND = 'MEMBER_NOT_FOUND',
  ROLE_NOT_ALLOWED = 'ROLE_NOT_ALLOWED',
  MANDATAIRE_REQUIRED = 'MANDATAIRE_REQUIRED',
  MANDATAIRE_NOT_MEMBER = 'MANDATAIRE_NOT_MEMBER',
  MEMBERSHIP_FROZEN = 'MEMBERSHIP_FROZEN',
  MARKET_REQUIRED = 'MARKET_REQUIRED',
  MARKET_OUTCOME_ALREADY_RECORDED = 'MARKET_OUTCOME_ALREADY_RECORDED',
  JVS_ESS_MAJORITY_REQUIRED = 'JVS_ESS_MAJORITY_REQUIRED',
  SHARES_NOT_100 = 'SHARES_NOT_100',
  SHAREHOLDER_NOT_ASSOCIE = 'SHAREHOLDER_NOT_ASSOCIE',
  PTCE_TERRITORY_REQUIRED = 'PTCE_TERRITORY_REQUIRED',
  PTCE_LOCAL_AUTHORITY_REQUIRED = 'PTCE_LOCAL_AUTHORITY_REQUIRED',
  ESSAIMAGE_PARENT_REQUIRED = 'ESSAIMAGE_PARENT_REQUIRED',
  GES_SIAE_REQUIRED = 'GES_SIAE_REQUIRED',
  FUNDING_NOT_FOUND = 'FUNDING_NOT_FOUND',
  FUNDING_ENDED = 'FUNDING_ENDED',
  FUNDING_REQUEST_NOT_FOUND = 'FUNDING_REQUEST_NOT_FOUND',
  FUNDING_REQUEST_CLOSED = 'FUNDING_REQUEST_CLOSED',
  FUNDING_REQUEST_PENDING = 'FUNDING_REQUEST_PENDING',
  DISBURSEMENT_EXCEEDS_GRANT = 'DISBURSEMENT_EXCEEDS_GRANT',
  INDICATOR_NOT_FOUND = 'INDICATOR_NOT_FOUND',
  RENEWAL_NOT_ALLOWED = 'RENEWAL_NOT_ALLOWED',
  RESERVED_MARKET_MEMBER_NOT_ELIGIBLE = 'RESERVED_MARKET_MEMBER_NOT_ELIGIBLE',
  TWO_MEMBERS_REQUIRED = 'TWO_MEMBERS_REQUIRED',
  PTCE_ESS_ENTERPRISE_REQUIRED = 'PTCE_ESS_ENTERPRISE_REQUIRED',
  CLOSE_OUTCOME_NOT_APPLICABLE = 'CLOSE_OUTCOME_NOT_APPLICABLE',
  LEAD_MEMBER_REQUIRED = 'LEAD_MEMBER_REQUIRED',
}

export const DOMAIN_ERROR_CODES: readonly DomainErrorCode[] = Object.values(DomainErrorCode);

/** French user-facing messages, one per code (details give the specifics). */
export const domainErrorMessagesFr: Record<DomainErrorCode, string> = {
  VALIDATION_FAILED: 'Données invalides.',
  NOT_FOUND: 'Élément introuvable.',
  ALREADY_EXISTS: 'Cet élément existe déjà.',
  OCCURRED_AT_IN_FUTURE: "La date du fait ne peut pas être dans le futur.",
  OCCURRED_AT_BEFORE_STAGE_ENTERED:
    "La date du fait est antérieure à la dernière transition d'étape : l'historique serait incohérent.",
  INVALID_SIRET: 'Numéro SIRET invalide (14 chiffres, clé de Luhn).',
  INVALID_SIREN: 'Numéro SIREN invalide (9 chiffres, clé de Luhn).',
  INVALID_TERRITORY: 'Territoire invalide (code INSEE de région ou de département inconnu, ou département hors région).',
  COOPERATION_CLOSED: 'La coopération est clôturée ou abandonnée : elle ne peut plus être modifiée.',
  NOT_APPLICABLE_TO_KIND: "Cette action ne s'applique pas à ce type de coopération.",
  INVALID_TRANSITION: "Cette transition n'est pas possible dans l'état actuel de la coopération.",
  STAGE_SKIP: 'Les étapes avancent une à une : impossible de sauter une étape.',
  GATE_NOT_SATISFIED: "Les conditions de passage de l'étape ne sont pas remplies.",
  GATE_ITEM_UNKNOWN: "Ce point de passage n'existe pas pour cette étape et ce type de coopération.",
  GATE_ITEM_NOT_WAIVABLE: 'Ce point de passage est une règle impérative : il ne peut pas faire l’objet d’une dérogation.',
  MEMBER_ALREADY_PRESENT: 'Cette structure est déjà membre de la coopération.',
  MEMBER_NOT_FOUND: "Cette structure n'est pas membre de la coopération.",
  ROLE_NOT_ALLOWED: "Ce rôle n'est pas possible pour ce type de coopération ou ce type de structure.",
  MANDATAIRE_REQUIRED: 'Un GME doit avoir un mandataire à partir de la faisabilité.',
  MANDATAIRE_NOT_MEMBER: 'Le mandataire doit être membre du groupement.',
  MEMBERSHIP_FROZEN:
    "La composition du groupement ne peut pas être modifiée entre la remise des offres et l'attribution du marché (art. R2142-26 du code de la commande publique).",
  MARKET_REQUIRED: "Aucun marché n'est enregistré pour ce groupement.",
  MARKET_OUTCOME_ALREADY_RECORDED: "L'issue du marché est déjà enregistrée.",
  JVS_ESS_MAJORITY_REQUIRED:
    "Les associés de l'ESS doivent détenir plus de 50 % des parts de la joint-venture sociale, sauf dérogation justifiée.",
  SHARES_NOT_100: 'Le total des parts doit être égal à 100 %.',
  SHAREHOLDER_NOT_ASSOCIE: "Seuls les membres associés peuvent détenir des parts.",
  PTCE_TERRITORY_REQUIRED: 'Un PTCE doit avoir un territoire défini (région et au moins un département).',
  PTCE_LOCAL_AUTHORITY_REQUIRED: 'Un PTCE doit associer au moins une collectivité territoriale ou un groupement, sauf dérogation justifiée.',
  ESSAIMAGE_PARENT_REQUIRED: 'Un essaimage nécessite une structure essaimante.',
  GES_SIAE_REQUIRED: "Un groupe économique solidaire compte au moins une structure d'insertion par l'activité économique (SIAE).",
  FUNDING_NOT_FOUND: 'Financement introuvable.',
  FUNDING_ENDED: 'Ce financement est terminé.',
  FUNDING_REQUEST_NOT_FOUND: 'Cette sollicitation de financement est introuvable.',
  FUNDING_REQUEST_CLOSED: 'Cette sollicitation de financement a déjà reçu une suite (retirée, déclinée ou accordée).',
  FUNDING_REQUEST_PENDING: 'Ce financeur est déjà sollicité : sa réponse est attendue.',
  DISBURSEMENT_EXCEEDS_GRANT: 'Les versements dépasseraient le montant accordé.',
  INDICATOR_NOT_FOUND: 'Indicateur introuvable.',
  RENEWAL_NOT_ALLOWED: 'Seule une coopération clôturée et non encore renouvelée peut être renouvelée.',
  RESERVED_MARKET_MEMBER_NOT_ELIGIBLE:
    'Le marché est réservé : seules les structures habilitées à y répondre peuvent être membres du groupement.',
  TWO_MEMBERS_REQUIRED: 'Cette coopération réunit au moins deux structures membres : ce retrait en laisserait moins de deux.',
  PTCE_ESS_ENTERPRISE_REQUIRED: "Un PTCE regroupe au moins une entreprise de l'économie sociale et solidaire (ESS).",
  CLOSE_OUTCOME_NOT_APPLICABLE:
    "Cette issue n'est pas possible pour ce type de coopération : un GME n'est pas une personne morale, il n'a pas de structure à dissoudre.",
  LEAD_MEMBER_REQUIRED:
    'La structure porteuse ne peut pas quitter la coopération : transmettez d’abord le pilotage à une autre structure membre.',
};

export type DomainErrorDetails = Record<string, unknown>;

/**
 * The message of a rejection thrown without one: the code's sentence, except VALIDATION_FAILED,
 * which names the field and what it expects from the details (labels/validation.fr.ts; « Données
 * invalides. » only when the details name no field).
 */
export const defaultMessageFr = (code: DomainErrorCode, details: DomainErrorDetails = {}): string =>
  code === DomainErrorCode.VALIDATION_FAILED ? validationMessageFr(details) : domainErrorMessagesFr[code];

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    readonly details: DomainErrorDetails = {},
    message: string = defaultMessageFr(code, details),
  ) {
    // A rejection is an expected answer, told by its code, not a fault to trace: no stack frames
    // are captured (capturing them, and formatting them when graphql-js copies the stack into its
    // GraphQLError, was ~2% of the API's CPU with one refused command in five; docs/benchmarks.md).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;

/** Shorthand used by deciders: `throw reject(CODE, details)`. */
export const reject = (code: DomainErrorCode, details: DomainErrorDetails = {}, message?: string): DomainError =>
  new DomainError(code, details, message);
