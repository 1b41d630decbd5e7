import { CombinedGraphQLErrors } from '@apollo/client';

export interface ErrorInfo {
  code: string;
  message: string;
  extensions: Record<string, unknown>;
}

/** The first GraphQL error of an Apollo error (network failures become NETWORK_ERROR). */
export function errorInfo(error: unknown): ErrorInfo {
  if (CombinedGraphQLErrors.is(error)) {
    const first = error.errors[0];
    const extensions = (first?.extensions ?? {}) as Record<string, unknown>;
    return { code: typeof extensions.code === 'string' ? extensions.code : 'UNKNOWN', message: first?.message ?? '', extensions };
  }
  return { code: 'NETWORK_ERROR', message: error instanceof Error ? error.message : String(error), extensions: {} };
}

export const CONFLICT_MESSAGE =
  "Quelqu'un d'autre a modifié cette coopération pendant votre saisie. La dernière version vient d'être chargée ; votre saisie est conservée : vérifiez-la, puis validez à nouveau.";

/** A French sentence from the server that can be shown as is (not a bare code or English text). */
const looksFrench = (message: string) => message.length > 0 && !/^[A-Z_]+$/.test(message) && /[éèàùçêâîôû]|\b(la|le|les|de|des|du|et|une|un|est|pas|ne|doit|au|aux)\b/i.test(message);

/** The API's refusal that names nothing: « Données invalides. », « Requête invalide. ». */
const isGenericRefusal = (message: string) => /^(Données invalides|Requête invalide)\.?$/.test(message.trim());

/** Wording that depends on what the user was doing (a cooperation command by default). */
export interface MessageContext {
  /** The sentence for FORBIDDEN. */
  forbidden?: string;
}

export const FORBIDDEN_COOPERATION =
  'Votre rôle ne permet pas cette action sur cette coopération (par exemple, seuls la structure porteuse et le mandataire font avancer les étapes).';
export const FORBIDDEN_FUNDING = 'Votre rôle ne permet pas cette action : un financeur n’agit que sur ses propres financements.';
export const FORBIDDEN_ADMIN = 'Votre rôle ne permet pas cette action : seuls les opérateurs de la plateforme gèrent les comptes et l’annuaire.';
export const FORBIDDEN_NETWORK_DIRECTORY =
  'Votre rôle ne permet pas cette action : un réseau enregistre et modifie les organisations de ses régions, sauf les financeurs, les réseaux et sa propre organisation, que gèrent les opérateurs de la plateforme.';

/**
 * A clear French message for an error: access-control answers, rate limits and conflicts have
 * their own wording; the domain's messages are already in French; never a raw code.
 */
export function frenchMessage(error: unknown, context: MessageContext = {}): string {
  return messageFor(errorInfo(error), context);
}

/** The French message of an error already decoded. */
export function messageFor({ code, message, extensions }: ErrorInfo, context: MessageContext = {}): string {
  switch (code) {
    case 'CONCURRENCY_CONFLICT':
      return CONFLICT_MESSAGE;
    case 'FORBIDDEN':
      return context.forbidden ?? FORBIDDEN_COOPERATION;
    case 'NOT_FOUND':
      return 'Introuvable, ou vous n’y avez pas accès.';
    case 'UNAUTHENTICATED':
      return 'Votre session a expiré. Reconnectez-vous.';
    case 'TOO_MANY_REQUESTS': {
      const wait = Number(extensions.retryAfterSeconds);
      return Number.isFinite(wait) && wait > 0
        ? `Trop de demandes en peu de temps. Patientez ${wait} seconde${wait > 1 ? 's' : ''}, puis réessayez : votre saisie est conservée.`
        : 'Trop de demandes en peu de temps. Patientez un instant, puis réessayez : votre saisie est conservée.';
    }
    case 'NETWORK_ERROR':
      return "Le serveur ne répond pas. Vérifiez votre connexion puis réessayez.";
    case 'SERVICE_UNAVAILABLE':
      return 'Le service est momentanément indisponible. Réessayez dans un instant.';
    case 'IDEMPOTENCY_KEY_REUSED':
      return 'Cette demande a déjà été envoyée. Rechargez la page pour voir son résultat.';
    case 'GRAPHQL_VALIDATION_FAILED':
    case 'GRAPHQL_PARSE_FAILED':
      return 'La console et le serveur ne sont pas à la même version. Rechargez la page.';
    case 'BAD_USER_INPUT': {
      // The API names the field and what it expects in French (the domain's VALIDATION_FAILED
      // messages): shown as they are. Its generic « Données invalides. » (older servers) is
      // replaced by the console's own sentence from `field` and `expected`, when it knows them.
      if (looksFrench(message) && !isGenericRefusal(message)) return `Saisie refusée : ${message}`;
      const problem = fieldProblemFr(extensions);
      if (problem) return `Saisie refusée : ${problem}`;
      return looksFrench(message) ? `Saisie refusée : ${message}` : 'Saisie refusée : vérifiez les champs.';
    }
    default:
      return looksFrench(message) ? message : 'Une erreur inattendue est survenue. Réessayez ; si elle persiste, contactez l’équipe Maillage.';
  }
}

/** Seconds to wait before another command, from a TOO_MANY_REQUESTS answer (0 otherwise). */
export function retryAfterSeconds(info: ErrorInfo): number {
  if (info.code !== 'TOO_MANY_REQUESTS') return 0;
  const wait = Number(info.extensions.retryAfterSeconds);
  return Number.isFinite(wait) && wait > 0 ? Math.ceil(wait) : 5;
}

/** The French names of the input fields the API may name in `extensions.field`. */
const FIELD_LABELS: Record<string, string> = {
  amount: 'montant',
  amountExclVat: 'montant hors taxes',
  bidDeadline: 'date limite de remise des offres',
  buyerName: 'acheteur',
  code: 'code',
  comment: 'commentaire',
  cpvCode: 'code CPV',
  description: 'description',
  disbursedOn: 'date du versement',
  durationMonths: 'durée (mois)',
  endedOn: 'date de fin',
  funder: 'financeur',
  justification: 'justification',
  label: 'libellé',
  legalForm: 'forme juridique',
  name: 'nom',
  note: 'message au financeur',
  openedOn: 'date d’ouverture',
  percent: 'part (%)',
  period: 'période',
  'period.end': 'fin de période',
  'period.start': 'début de période',
  procedures: 'procédures',
  programme: 'programme ou dispositif',
  reason: 'raison',
  reasonText: 'précisions',
  shares: 'répartition du capital',
  siren: 'SIREN',
  siret: 'SIRET',
  startDate: 'date de démarrage',
  successorId: 'nouvelle coopération',
  summary: 'synthèse',
  target: 'objectif',
  text: 'enseignement',
  title: 'titre ou référence',
  unit: 'unité',
  value: 'valeur',
};

/** What the API expected, in French (`extensions.expected`, in English for developers). */
function expectedFr(expected: unknown): string | null {
  if (typeof expected !== 'string') return null;
  if (/^number between/.test(expected)) return 'un nombre, par exemple 12,5';
  if (/^non-negative amount in euros/.test(expected)) return 'un montant en euros avec au plus deux décimales, par exemple 12 500,50';
  if (/^positive amount/.test(expected)) return 'un montant supérieur à zéro';
  if (/^positive integer/.test(expected)) return 'un nombre entier supérieur à zéro';
  if (/^ISO date/.test(expected)) return 'une date valide';
  if (/^end on or after start/.test(expected)) return 'une date de fin égale ou postérieure à la date de début';
  if (/^percentage between 0 and 100/.test(expected)) return 'un pourcentage entre 0 et 100';
  if (/^a written justification \((\d+)/.test(expected)) return `une justification écrite de ${/\((\d+)/.exec(expected)?.[1]} caractères au moins`;
  const text = /^non-empty string \(max (\d+)\)/.exec(expected);
  if (text) return `un texte non vide de ${text[1]} caractères au plus`;
  if (/^one of /.test(expected)) return 'une valeur de la liste proposée';
  return null;
}

/** `indicators[0].target` -> the label of `target`; `period.end` keeps its two parts. */
export function fieldLabelFr(field: unknown): string | null {
  if (typeof field !== 'string') return null;
  const path = field.replace(/\[\d+\]/g, '');
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i++) {
    const label = FIELD_LABELS[parts.slice(i).join('.')];
    if (label) return label;
  }
  return null;
}

/**
 * Which field the API refused and what it expected, as a French sentence (“le champ « objectif »
 * n’est pas valide : attendu un nombre, par exemple 12,5.”), from `extensions.field` and
 * `extensions.expected`; null when the field is not one the console knows.
 */
function fieldProblemFr(extensions: Record<string, unknown>): string | null {
  const label = fieldLabelFr(extensions.field);
  if (!label) return null;
  const expected = expectedFr(extensions.expected);
  return `le champ « ${label} » n’est pas valide${expected ? ` : attendu ${expected}` : ''}.`;
}
