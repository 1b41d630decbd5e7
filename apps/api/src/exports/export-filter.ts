import {
  COOPERATION_KINDS,
  STAGES,
  departementBelongsToRegion,
  findDepartement,
  findRegion,
  isDepartementCode,
  isRegionCode,
  type CooperationKind,
  type Stage,
} from '@maillage/domain';
import { readAsOf, type ListScope } from '@maillage/read-models';

/** Statuses an export can filter on (NONE is the state before a proposal: never in a read model). */
export const EXPORT_STATUSES = ['ACTIVE', 'CLOSED', 'ABANDONED'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** The validated query parameters of an export. */
export interface ExportFilter {
  region?: string;
  departement?: string;
  kind?: CooperationKind;
  stage?: Stage;
  status?: ExportStatus;
  funderId?: string;
  /** The `asOf` parameter as given (YYYY-MM-DD or ISO date-time), if any. */
  asOf?: string;
  /** What the caller may export (set by authorizeExportScope, never from the query string). */
  scope?: ListScope;
}

/** A rejected query parameter: answered 400 `{ code: 'BAD_USER_INPUT', message }`. */
export class ExportInputError extends Error {
  readonly code = 'BAD_USER_INPUT';
  constructor(message: string) {
    super(message);
    this.name = 'ExportInputError';
  }
}

export const EXPORT_PARAMETERS = [
  'region',
  'departement',
  'kind',
  'stage',
  'status',
  'funderId',
  'asOf',
] as const;
const ID = /^[A-Za-z0-9._:-]{1,100}$/;

const oneOf = <T extends string>(value: string, allowed: readonly T[], name: string): T => {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ExportInputError(
    `Valeur inconnue pour « ${name} » : « ${value} ». Valeurs possibles : ${allowed.join(', ')}.`,
  );
};

/** The same rule as GraphQL's `asOf` (readAsOf). */
function parseAsOf(value: string, now: Date): string {
  const read = readAsOf(value, now);
  if ('refusal' in read) throw new ExportInputError(read.refusal);
  return value;
}

/**
 * Validates the query string of an export. Unknown or repeated parameters are rejected rather than
 * ignored: a mistyped filter must not silently widen an export.
 */
export function parseExportFilter(query: unknown, now: Date = new Date()): ExportFilter {
  const raw = (query ?? {}) as Record<string, unknown>;
  const filter: ExportFilter = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!(EXPORT_PARAMETERS as readonly string[]).includes(name)) {
      throw new ExportInputError(
        `Paramètre inconnu : « ${name} ». Paramètres acceptés : ${EXPORT_PARAMETERS.join(', ')}.`,
      );
    }
    if (typeof value !== 'string')
      throw new ExportInputError(`Le paramètre « ${name} » doit être donné une seule fois.`);
    const v = value.trim();
    /** The value as given, for messages (`v` is narrowed to never after a failed type guard). */
    const shown: string = v;
    if (v === '') continue;
    if (v.length > 100) throw new ExportInputError(`Le paramètre « ${name} » est trop long.`);
    switch (name) {
      case 'region':
        if (!isRegionCode(v))
          throw new ExportInputError(
            `Code région INSEE inconnu : « ${shown} » (exemple : 11 pour l'Île-de-France).`,
          );
        filter.region = v;
        break;
      case 'departement':
        if (!isDepartementCode(v))
          throw new ExportInputError(`Code département INSEE inconnu : « ${shown} » (exemple : 93).`);
        filter.departement = v;
        break;
      case 'kind':
        filter.kind = oneOf(v, COOPERATION_KINDS, 'kind');
        break;
      case 'stage':
        filter.stage = oneOf(v, STAGES, 'stage');
        break;
      case 'status':
        filter.status = oneOf(v, EXPORT_STATUSES, 'status');
        break;
      case 'funderId':
        if (!ID.test(v)) throw new ExportInputError(`Identifiant de financeur invalide : « ${v} ».`);
        filter.funderId = v;
        break;
      case 'asOf':
        filter.asOf = parseAsOf(v, now);
        break;
    }
  }
  if (filter.region && filter.departement && !departementBelongsToRegion(filter.departement, filter.region)) {
    throw new ExportInputError(
      `Le département ${filter.departement} (${findDepartement(filter.departement)?.name}) n'appartient pas à la région ${filter.region} (${findRegion(filter.region)?.name}).`,
    );
  }
  return filter;
}
