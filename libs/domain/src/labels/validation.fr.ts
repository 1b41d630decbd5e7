/**
 * French sentences for VALIDATION_FAILED refusals, rendered from their details: `field` (a path such
 * as `criteria[0].indicators[1].unit`) becomes the field in the words users know (« l'unité de
 * l'indicateur n° 2 du critère n° 1 »), and `expected` or `reason` (English, kept as they are in the
 * details for programs) becomes what is expected (« un montant positif »).
 *
 * Pure and self-contained (it imports nothing that imports the domain's errors): DomainError uses it
 * for every VALIDATION_FAILED thrown without a message of its own. `hasFrenchRendering` tells
 * whether a refusal is fully known here; a unit test runs it over every VALIDATION_FAILED written in
 * the sources, so a new field, `expected` or `reason` without French fails the build.
 */

/** A noun phrase with its article (« le montant », « l'unité », « les réseaux »). */
interface Noun {
  /** The field as a whole. */
  readonly whole: string;
  /** One element of it, for `name[i]` (« l'indicateur », numbered « n° i+1 »). */
  readonly item?: string;
}

/**
 * Fields named by validation, by their own name (the last part of a path, or any part for nested
 * ones); the same name means the same thing in every command. `''` for wrappers that add nothing
 * (`data.name` is the name).
 */
export const FIELD_NAMES_FR: Readonly<Record<string, Noun>> = {
  data: { whole: '' },
  context: { whole: '' },
  command: { whole: 'la commande' },
  type: { whole: 'le type de commande' },
  now: { whole: "l'heure d'enregistrement fournie par le serveur" },
  occurredAt: { whole: 'la date du fait' },
  expectedVersion: { whole: 'la version attendue' },
  idempotencyKey: { whole: "la clé d'idempotence" },
  id: { whole: "l'identifiant" },
  // Cooperations
  cooperationId: { whole: "l'identifiant de la coopération" },
  successorId: { whole: "l'identifiant de la nouvelle coopération" },
  kind: { whole: 'le type' },
  name: { whole: 'le nom' },
  objectives: { whole: 'les objectifs', item: "l'objectif" },
  sectors: { whole: "les secteurs d'activité", item: "le secteur d'activité" },
  territory: { whole: 'le territoire' },
  targetTerritories: { whole: 'les territoires cibles', item: 'le territoire cible' },
  leadOrganisation: { whole: 'la structure porteuse' },
  leadRole: { whole: 'le rôle de la structure porteuse' },
  parentOrganisation: { whole: 'la structure essaimante' },
  organisation: { whole: 'la structure' },
  organisationId: { whole: "l'identifiant de la structure" },
  role: { whole: 'le rôle' },
  reason: { whole: 'la raison' },
  reasonText: { whole: 'les précisions' },
  comment: { whole: 'le commentaire' },
  to: { whole: "l'étape visée" },
  stage: { whole: "l'étape" },
  outcome: { whole: "l'issue" },
  itemId: { whole: 'le point de passage' },
  justification: { whole: 'la justification de la dérogation' },
  form: { whole: 'la forme du groupement' },
  // Markets (GME)
  procedures: { whole: 'les procédures du marché', item: 'la procédure' },
  cpvCode: { whole: 'le code CPV' },
  lots: { whole: 'les lots', item: 'le lot' },
  number: { whole: 'le numéro' },
  label: { whole: "l'intitulé" },
  bidDeadline: { whole: 'la date limite de remise des offres' },
  buyerName: { whole: "le nom de l'acheteur" },
  buyerOrganisationId: { whole: "l'identifiant de l'acheteur" },
  amountExclVat: { whole: 'le montant hors taxes' },
  durationMonths: { whole: 'la durée (en mois)' },
  startDate: { whole: 'la date de démarrage' },
  // Joint-ventures sociales
  phase: { whole: 'la répartition (initiale ou finale)' },
  shares: { whole: 'la répartition du capital', item: 'la part' },
  percent: { whole: 'le pourcentage' },
  // Essaimage and structures
  strategy: { whole: "la stratégie d'essaimage" },
  siteId: { whole: "l'identifiant du site" },
  location: { whole: "l'implantation" },
  operatorOrganisationId: { whole: 'la structure qui exploite le site' },
  openedOn: { whole: "la date d'ouverture" },
  legalForm: { whole: 'la forme juridique' },
  siren: { whole: 'le numéro SIREN' },
  deliverableId: { whole: "l'identifiant du livrable" },
  documentRef: { whole: 'la référence du document' },
  title: { whole: 'le titre ou la référence' },
  // Funding and support
  fundingId: { whole: "l'identifiant du financement" },
  requestId: { whole: "l'identifiant de la sollicitation" },
  note: { whole: 'le message au financeur' },
  funder: { whole: 'le financeur' },
  programme: { whole: 'le programme ou dispositif' },
  amount: { whole: 'le montant' },
  period: { whole: 'la période' },
  start: { whole: 'la date de début' },
  end: { whole: 'la date de fin' },
  disbursedOn: { whole: 'la date du versement' },
  endedOn: { whole: 'la date de fin du financement' },
  supportId: { whole: "l'identifiant de l'accompagnement" },
  providerOrganisationId: { whole: 'la structure qui accompagne' },
  description: { whole: 'la description' },
  // Evaluation
  criterionId: { whole: "l'identifiant du critère" },
  criteria: { whole: "les critères d'évaluation", item: 'le critère' },
  code: { whole: 'le code' },
  indicators: { whole: 'les indicateurs', item: "l'indicateur" },
  indicatorId: { whole: "l'identifiant de l'indicateur" },
  standard: { whole: "l'indicateur standard de l'IAE" },
  nature: { whole: 'la nature' },
  unit: { whole: "l'unité" },
  target: { whole: "l'objectif chiffré ou décrit" },
  value: { whole: 'la valeur' },
  step: { whole: "l'étape d'évaluation" },
  summary: { whole: 'la synthèse' },
  lessonId: { whole: "l'identifiant de l'enseignement" },
  text: { whole: "le texte de l'enseignement" },
  essaimagePotential: { whole: "le potentiel d'essaimage" },
  // Organisations
  siret: { whole: 'le numéro SIRET' },
  ess: { whole: "l'appartenance à l'ESS" },
  regionCode: { whole: 'la région' },
  departementCode: { whole: 'le département' },
  departementCodes: { whole: 'les départements', item: 'le département' },
  networkIds: { whole: 'les réseaux', item: 'le réseau' },
};

/** `de` + a noun phrase: « du critère », « de la période », « de l'indicateur », « des lots ». */
const ofFr = (phrase: string): string =>
  phrase.startsWith('le ') ? `du ${phrase.slice(3)}` : phrase.startsWith('les ') ? `des ${phrase.slice(4)}` : `de ${phrase}`;

const upperFirst = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

interface FieldPart {
  name: string;
  indexes: number[];
}

const parsePath = (path: string): FieldPart[] | null => {
  const parts: FieldPart[] = [];
  for (const raw of path.split('.')) {
    const match = /^([A-Za-z_$][\w$]*)((?:\[\d+\])*)$/.exec(raw);
    if (!match) return null;
    parts.push({ name: match[1], indexes: [...match[2].matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])) });
  }
  return parts;
};

/** The words of one part of a path, or null when this module does not know them. */
const partFr = (part: FieldPart): string | null => {
  const noun = Object.prototype.hasOwnProperty.call(FIELD_NAMES_FR, part.name) ? FIELD_NAMES_FR[part.name] : undefined;
  if (!noun) return null;
  if (part.indexes.length === 0) return noun.whole;
  if (!noun.item || part.indexes.length > 1) return null;
  return `${noun.item} n° ${part.indexes[0] + 1}`;
};

/** Whether every part of a field path has French words (and every indexed part a word for one element). */
export const isKnownFieldPath = (path: string): boolean => {
  const parts = parsePath(path);
  return parts !== null && parts.every((p) => partFr(p) !== null);
};

/**
 * A field path in French, with its article and 1-based numbers: `period.start` is « la date de
 * début de la période », `criteria[0].indicators[1].unit` « l'unité de l'indicateur n° 2 du critère
 * n° 1 », `networkIds[20]` « le réseau n° 21 ». A part unknown here is named as it is
 * (« le champ « xyz » »): the completeness test keeps that from happening with the domain's own fields.
 */
export const fieldLabelFr = (path: string): string => {
  const parts = parsePath(path);
  if (!parts) return `le champ « ${path} »`;
  const words = parts
    .map((p) => partFr(p) ?? (p.indexes.length ? `l'élément n° ${p.indexes[0] + 1} du champ « ${p.name} »` : `le champ « ${p.name} »`))
    .filter((w) => w.length > 0);
  if (words.length === 0) return 'les données de la commande';
  const [innermost, ...outer] = words.reverse();
  return [innermost, ...outer.map(ofFr)].join(' ');
};

const isPlural = (label: string): boolean => label.startsWith('les ');

const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

/**
 * « 2025-03-01T09:00:00Z » or « 2025-03-01 » as « 1er mars 2025 » (the day as written, no time zone
 * arithmetic; the same words as event-details.fr.ts's calendarDateFr, which this module cannot
 * import: labels.fr.ts imports the domain's errors).
 */
export const dayFr = (iso: string): string => {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return iso;
  const day = Number(m[3]);
  return `${day === 1 ? '1er' : day} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
};

const countFr = (n: number, one: string, many: string): string => (n <= 1 ? `${n === 1 ? 'un' : n} ${one}` : `${n} ${many}`);

/**
 * Every `expected` the domain and the API write, as the French of what is expected (a noun phrase
 * that follows « il faut »). Patterns, for those that carry a number, a list or a date.
 */
export const EXPECTED_FR: readonly { readonly en: RegExp; readonly fr: (m: RegExpExecArray) => string }[] = [
  // shared/validation.ts
  { en: /^non-empty string \(max (\d+)\)$/, fr: (m) => `un texte de 1 à ${m[1]} caractères` },
  { en: /^one of (.*)$/, fr: (m) => `l'une de ces valeurs : ${m[1]}` },
  {
    en: /^array with at least (\d+) item\(s\)$/,
    fr: (m) => (Number(m[1]) === 0 ? 'une liste (éventuellement vide)' : `une liste d'au moins ${countFr(Number(m[1]), 'élément', 'éléments')}`),
  },
  {
    en: /^non-negative amount in euros with at most 2 decimals, up to ([\d ]+)$/,
    fr: (m) => `un montant en euros positif ou nul, avec au plus deux décimales, jusqu'à ${m[1]} €`,
  },
  { en: /^number between (-?[\d ]+) and (-?[\d ]+)$/, fr: (m) => `un nombre entre ${m[1]} et ${m[2]}` },
  { en: /^positive integer$/, fr: () => 'un nombre entier supérieur à zéro' },
  { en: /^percentage between 0 and 100$/, fr: () => 'un pourcentage entre 0 et 100' },
  { en: /^boolean$/, fr: () => 'oui ou non (true ou false)' },
  { en: /^ISO date YYYY-MM-DD \(year 1000 or later\)$/, fr: () => "une date au format AAAA-MM-JJ, de l'an 1000 ou après (par exemple 2025-03-01)" },
  { en: /^\{ start, end\? \}$/, fr: () => 'une période : sa date de début et, si elle est connue, sa date de fin' },
  { en: /^end on or after start$/, fr: () => 'une date de fin égale ou postérieure à la date de début' },
  {
    en: /^ISO date-time$/,
    fr: () => 'une date et une heure avec leur décalage horaire (RFC 3339, par exemple 2025-03-01T09:00:00Z)',
  },
  { en: /^an id \(or context\.newId\)$/, fr: () => 'un identifiant' },
  { en: /^object$/, fr: () => 'un objet (des champs entre accolades)' },
  // Deciders
  { en: /^positive amount$/, fr: () => 'un montant positif (plus de 0 €)' },
  { en: /^a written justification \((\d+) characters or more\)$/, fr: (m) => `une justification écrite d'au moins ${m[1]} caractères` },
  { en: /^at most (\d+) networks$/, fr: (m) => `au plus ${m[1]} réseaux` },
  { en: /^another organisation than itself$/, fr: () => "un autre réseau que l'organisation elle-même" },
  {
    en: /^on or after the registration \((.+)\)$/,
    fr: (m) => `une date égale ou postérieure à l'enregistrement de l'organisation dans l'annuaire (le ${dayFr(m[1])})`,
  },
  { en: /^a day not after today$/, fr: () => "une date qui n'est pas dans le futur" },
  { en: /^on or after (\d{4}-\d{2}-\d{2}.*)$/, fr: (m) => `une date égale ou postérieure au ${dayFr(m[1])}` },
  { en: /^distinct lot numbers$/, fr: () => 'un numéro différent pour chaque lot' },
  { en: /^a period that has begun$/, fr: () => 'une période déjà commencée' },
  // API (organisation lookups)
  { en: /^an organisation of kind NETWORK$/, fr: () => "une organisation de type « réseau » de l'annuaire" },
];

/**
 * Every `reason` of a VALIDATION_FAILED, as a whole French sentence about the field (`label`, with
 * its article, e.g. « l'unité de l'indicateur n° 2 »).
 */
export const REASONS_FR: readonly { readonly en: RegExp; readonly fr: (label: string, m: RegExpExecArray) => string }[] = [
  {
    en: /^quantitative indicators need a unit$/,
    fr: (l) => `${upperFirst(l)} est à renseigner : un indicateur quantitatif a besoin d'une unité (par exemple « personnes », « heures » ou « € »).`,
  },
  {
    en: /^standard IAE indicators are quantitative$/,
    fr: (l) => `${upperFirst(l)} doit être « quantitatif » : les indicateurs standard de l'IAE se comptent.`,
  },
  { en: /^same id$/, fr: (l) => `${upperFirst(l)} doit être différent de celui de la coopération renouvelée.` },
  { en: /^duplicate organisation$/, fr: (l) => `Une même structure figure deux fois dans ${l} : chaque associé n'y a qu'une ligne.` },
  { en: /^must be 0 or more$/, fr: (l) => `${upperFirst(l)} n'est pas valide : il faut un nombre entier positif ou nul.` },
  { en: /^1 to (\d+) characters$/, fr: (l, m) => `${upperFirst(l)} n'est pas valide : il faut un texte de 1 à ${m[1]} caractères.` },
  {
    en: /^not a UUID$/,
    fr: (l) => `${upperFirst(l)} n'est pas valide : il faut un UUID (par exemple 3f2b8c1e-5d4a-4c3b-9e2f-1a2b3c4d5e6f), ou rien pour en obtenir un.`,
  },
  {
    en: /^leave it out to keep it; null is not a value$/,
    fr: (l) => `${upperFirst(l)} ne peut pas être effacé (null) : pour garder la valeur actuelle, n'envoyez pas ce champ.`,
  },
];

/**
 * What is expected of a field refused without `expected` or `reason` (a noun phrase after « il
 * faut »), and optionally the whole sentence when it is missing (`value` null).
 */
export const FIELD_EXPECTATIONS_FR: Readonly<Record<string, { readonly expected: string; readonly whenMissing?: string }>> = {
  cpvCode: {
    expected: 'un code CPV de 8 chiffres (et sa clé), par exemple 75231240-8',
    whenMissing:
      'Le code CPV est à renseigner pour un marché public : 8 chiffres (et sa clé), par exemple 75231240-8. Seul un contrat privé peut s\'en passer.',
  },
  bidDeadline: { expected: 'une date et une heure, par exemple 2025-03-01T12:00:00+01:00' },
  type: { expected: 'une commande connue du domaine' },
  command: { expected: 'une commande (un objet avec son type et ses données)' },
  id: { expected: "l'identifiant d'une organisation de l'annuaire (1 à 100 caractères)" },
};

/** Gate items whose absence is a VALIDATION_FAILED (the playbook's `errorCode`), by item id. */
export const GATE_ITEMS_VALIDATION_FR: Readonly<Record<string, string>> = {
  'objectives-stated':
    "Les objectifs de la coopération doivent être énoncés (développement économique, mutualisation, impact social) : c'est une règle impérative, sans dérogation possible.",
};

const GENERIC_FR = 'Données invalides.';

const find = <T extends { en: RegExp }>(table: readonly T[], text: unknown): [T, RegExpExecArray] | null => {
  if (typeof text !== 'string') return null;
  for (const entry of table) {
    const m = entry.en.exec(text);
    if (m) return [entry, m];
  }
  return null;
};

/** The French noun phrase of an English `expected`, or null when this module does not know it. */
export const expectedFr = (expected: unknown): string | null => {
  const found = find(EXPECTED_FR, expected);
  return found ? found[0].fr(found[1]) : null;
};

const lastName = (path: string): string => {
  const parts = parsePath(path);
  return parts ? parts[parts.length - 1].name : path;
};

const isMissing = (details: Record<string, unknown>): boolean =>
  'value' in details && (details.value === null || (typeof details.value === 'string' && details.value.trim().length === 0));

/**
 * Whether a VALIDATION_FAILED with these details is rendered entirely in French: a known field
 * path and a known `expected` or `reason` (or, without either, a field whose expectation is known),
 * or a gate item of its own.
 */
export const hasFrenchRendering = (details: Record<string, unknown>): boolean => {
  if (typeof details.itemId === 'string' && details.field === undefined) return details.itemId in GATE_ITEMS_VALIDATION_FR;
  if (typeof details.field !== 'string' || !isKnownFieldPath(details.field)) return false;
  if (details.expected !== undefined) return expectedFr(details.expected) !== null;
  if (details.reason !== undefined) return find(REASONS_FR, details.reason) !== null;
  return lastName(details.field) in FIELD_EXPECTATIONS_FR;
};

/**
 * The French message of a VALIDATION_FAILED from its details, e.g. `{ field: 'amount', expected:
 * 'positive amount' }`: « Le montant n'est pas valide : il faut un montant positif (plus de 0 €). »;
 * a missing value (`value` null or blank) « … est à renseigner : il faut … ». « Données invalides. »
 * only when the details name nothing.
 */
export const validationMessageFr = (details: Record<string, unknown> = {}): string => {
  if (typeof details.itemId === 'string' && details.field === undefined && details.itemId in GATE_ITEMS_VALIDATION_FR)
    return GATE_ITEMS_VALIDATION_FR[details.itemId];
  if (typeof details.field !== 'string') return GENERIC_FR;
  const label = fieldLabelFr(details.field);
  const reason = find(REASONS_FR, details.reason);
  if (reason && details.expected === undefined) return reason[0].fr(label, reason[1]);
  const plural = isPlural(label);
  const known = FIELD_EXPECTATIONS_FR[lastName(details.field)] as { expected: string; whenMissing?: string } | undefined;
  if (details.expected === undefined && isMissing(details) && known?.whenMissing) return known.whenMissing;
  const expected = details.expected !== undefined ? expectedFr(details.expected) : (known?.expected ?? null);
  const state = isMissing(details) ? (plural ? 'sont à renseigner' : 'est à renseigner') : plural ? 'ne sont pas valides' : "n'est pas valide";
  return `${upperFirst(label)} ${state}${expected ? ` : il faut ${expected}` : ''}.`;
};
