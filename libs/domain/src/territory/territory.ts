import { DomainErrorCode, reject } from '../shared/domain-error';

/**
 * INSEE régions and départements from @etalab/decoupage-administratif (maintained by Etalab from
 * the COG). Only the two small JSON files are loaded, once, at module load; the communes file
 * (8 MB) is never touched.
 */
interface RawRegion {
  code: string;
  nom: string;
  zone: string;
}
interface RawDepartement {
  code: string;
  region: string;
  nom: string;
  zone: string;
}

/* eslint-disable @typescript-eslint/no-require-imports */
const rawRegions = require('@etalab/decoupage-administratif/data/regions.json') as RawRegion[];
const rawDepartements = require('@etalab/decoupage-administratif/data/departements.json') as RawDepartement[];
/* eslint-enable @typescript-eslint/no-require-imports */

export interface Region {
  code: string;
  name: string;
}
export interface Departement {
  code: string;
  name: string;
  regionCode: string;
}

/**
 * The 18 régions and 101 départements (metropolitan France and the five DROM), where the IAE and
 * these cooperations exist. The collectivités d'outre-mer of the same list (Saint-Pierre-et-Miquelon,
 * Saint-Barthélemy, Saint-Martin, Wallis-et-Futuna, Polynésie, Nouvelle-Calédonie, TAAF, Clipperton;
 * zone "com") are neither régions nor départements and have their own labour law: left out.
 */
const inScope = (zone: string): boolean => zone === 'metro' || zone === 'drom';

export const REGIONS: readonly Region[] = Object.freeze(rawRegions.filter((r) => inScope(r.zone)).map((r) => ({ code: r.code, name: r.nom })));
export const DEPARTEMENTS: readonly Departement[] = Object.freeze(
  rawDepartements.filter((d) => inScope(d.zone)).map((d) => ({ code: d.code, name: d.nom, regionCode: d.region })),
);

const regionByCode = new Map(REGIONS.map((r) => [r.code, r]));
const departementByCode = new Map(DEPARTEMENTS.map((d) => [d.code, d]));

export const findRegion = (code: string): Region | undefined => regionByCode.get(code);
export const findDepartement = (code: string): Departement | undefined => departementByCode.get(code);
export const isRegionCode = (code: unknown): code is string => typeof code === 'string' && regionByCode.has(code);
export const isDepartementCode = (code: unknown): code is string =>
  typeof code === 'string' && departementByCode.has(code);
export const departementsOfRegion = (regionCode: string): Departement[] =>
  DEPARTEMENTS.filter((d) => d.regionCode === regionCode);
export const departementBelongsToRegion = (departementCode: string, regionCode: string): boolean =>
  departementByCode.get(departementCode)?.regionCode === regionCode;

/** Territory of a cooperation: one région and zero or more of its départements (INSEE codes). */
export interface Territory {
  regionCode: string;
  departementCodes: string[];
}

/** Throws INVALID_TERRITORY unless the région exists and every département belongs to it. */
export const validateTerritory = (value: unknown, field = 'territory'): Territory => {
  if (typeof value !== 'object' || value === null)
    throw reject(DomainErrorCode.INVALID_TERRITORY, { field, reason: 'missing' });
  const v = value as { regionCode?: unknown; departementCodes?: unknown };
  if (!isRegionCode(v.regionCode))
    throw reject(DomainErrorCode.INVALID_TERRITORY, { field: `${field}.regionCode`, value: v.regionCode ?? null });
  const deps = v.departementCodes ?? [];
  if (!Array.isArray(deps)) throw reject(DomainErrorCode.INVALID_TERRITORY, { field: `${field}.departementCodes` });
  for (const d of deps) {
    if (!isDepartementCode(d))
      throw reject(DomainErrorCode.INVALID_TERRITORY, { field: `${field}.departementCodes`, value: d });
    if (!departementBelongsToRegion(d, v.regionCode))
      throw reject(DomainErrorCode.INVALID_TERRITORY, {
        field: `${field}.departementCodes`,
        value: d,
        reason: 'departement not in region',
        regionCode: v.regionCode,
      });
  }
  return { regionCode: v.regionCode, departementCodes: [...new Set(deps as string[])] };
};

/** A single place: a région and one of its départements (organisations, essaimage sites). */
export interface Location {
  regionCode: string;
  departementCode: string;
}

/**
 * Throws INVALID_TERRITORY, naming the field at fault (`<field>.regionCode` or
 * `<field>.departementCode`; without a `field`, the bare names, for commands that carry them at
 * their top level), unless the région exists and the département belongs to it.
 */
export const validateLocation = (value: unknown, field = 'location'): Location => {
  const v = (value ?? {}) as { regionCode?: unknown; departementCode?: unknown };
  const at = (name: string) => (field ? `${field}.${name}` : name);
  if (!isRegionCode(v.regionCode)) throw reject(DomainErrorCode.INVALID_TERRITORY, { field: at('regionCode'), value: v.regionCode ?? null });
  if (!isDepartementCode(v.departementCode))
    throw reject(DomainErrorCode.INVALID_TERRITORY, { field: at('departementCode'), value: v.departementCode ?? null });
  if (!departementBelongsToRegion(v.departementCode, v.regionCode))
    throw reject(DomainErrorCode.INVALID_TERRITORY, {
      field: at('departementCode'),
      value: v.departementCode,
      reason: 'departement not in region',
      regionCode: v.regionCode,
    });
  return { regionCode: v.regionCode, departementCode: v.departementCode };
};
