import rawRegions from '@etalab/decoupage-administratif/data/regions.json';
import rawDepartements from '@etalab/decoupage-administratif/data/departements.json';

/** INSEE régions and départements (the same Etalab data the API validates against). */
export interface Region {
  code: string;
  name: string;
}
export interface Departement {
  code: string;
  name: string;
  regionCode: string;
}

/** Metropolitan France and the five DROM, as the API (the collectivités d'outre-mer are left out there too). */
const inScope = (zone: string): boolean => zone === 'metro' || zone === 'drom';

export const REGIONS: Region[] = (rawRegions as { code: string; nom: string; zone: string }[])
  .filter((r) => inScope(r.zone))
  .map((r) => ({ code: r.code, name: r.nom }))
  .sort((a, b) => a.name.localeCompare(b.name, 'fr'));
export const DEPARTEMENTS: Departement[] = (rawDepartements as { code: string; nom: string; region: string; zone: string }[]).filter((d) => inScope(d.zone)).map((d) => ({
  code: d.code,
  name: d.nom,
  regionCode: d.region,
}));
export const regionName = (code: string): string => REGIONS.find((r) => r.code === code)?.name ?? code;
export const departementName = (code: string): string => DEPARTEMENTS.find((d) => d.code === code)?.name ?? code;
export const departementsOf = (regionCode: string): Departement[] => DEPARTEMENTS.filter((d) => d.regionCode === regionCode);
