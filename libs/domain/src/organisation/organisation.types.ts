/** Kinds of organisation (English identifiers; French labels in labels/labels.fr.ts). */
export const ORGANISATION_KINDS = [
  'ACI',
  'EI',
  'AI',
  'ETTI',
  'EITI',
  'REGIE',
  'EA',
  'ESAT',
  'GEIQ',
  'ASSOCIATION',
  'SCOP',
  'SCIC',
  'COMPANY',
  'LOCAL_AUTHORITY',
  'RESEARCH',
  'TRAINING',
  'FUNDER',
  'NETWORK',
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** Structures of insertion par l'activité économique. */
export const SIAE_KINDS: readonly OrganisationKind[] = ['ACI', 'EI', 'AI', 'ETTI', 'EITI', 'REGIE'];

/**
 * Kinds that belong to the ESS by status (law of 31 July 2014). Other kinds (a company, a funder)
 * may still be ESS, e.g. an ESUS-approved company: the organisation then states `ess: true`.
 */
export const ESS_BY_DEFAULT_KINDS: readonly OrganisationKind[] = [
  ...SIAE_KINDS,
  'EA',
  'ESAT',
  'GEIQ',
  'ASSOCIATION',
  'SCOP',
  'SCIC',
  'NETWORK',
];

export const isSiaeKind = (kind: OrganisationKind): boolean => SIAE_KINDS.includes(kind);
export const isEssByDefault = (kind: OrganisationKind): boolean => ESS_BY_DEFAULT_KINDS.includes(kind);

/**
 * What the cooperation decider needs to know about an organisation. The command handler loads it
 * from the organisation stream and passes it in the command data; events record it as a snapshot.
 * Organisation names are not personal data, but they are not needed in cooperation events either.
 */
export interface OrganisationRef {
  id: string;
  kind: OrganisationKind;
  /** ESS status; defaults from the kind when omitted. */
  ess?: boolean;
  name?: string;
}
