import type { OrganisationKind, RegisterOrganisation } from '@maillage/domain';
import { organisationIdOf, syntheticSiret } from './ids';
import { DEMO_USER_ID, at, type DemoOrganisation, type DemoStep } from './plan';

export interface OrganisationInput {
  slug: string;
  name: string;
  kind: OrganisationKind;
  ess?: boolean;
  regionCode: string;
  departementCode: string;
  networkSlugs?: string[];
  synthetic?: boolean;
  /** YYYY-MM-DD; defaults to 2006-01-02, before the earliest cooperation of the sources. */
  registeredOn?: string;
}

/** The organisations of the plan, by slug; registered networks first so members can name them. */
export class OrganisationRegistry {
  private readonly bySlug = new Map<string, DemoOrganisation>();

  add(input: OrganisationInput): DemoOrganisation {
    if (this.bySlug.has(input.slug)) throw new Error(`organisation ${input.slug} added twice`);
    const synthetic = input.synthetic ?? false;
    const org: DemoOrganisation = {
      slug: input.slug,
      id: organisationIdOf(input.slug),
      name: input.name,
      kind: input.kind,
      ...(input.ess === undefined ? {} : { ess: input.ess }),
      regionCode: input.regionCode,
      departementCode: input.departementCode,
      // Real organisations get no SIRET: we are not sure of theirs (the field is optional).
      siret: synthetic ? syntheticSiret(input.slug) : null,
      networkSlugs: input.networkSlugs ?? [],
      synthetic,
      registeredAt: at(input.registeredOn ?? '2006-01-02'),
    };
    for (const n of org.networkSlugs) if (!this.bySlug.has(n)) throw new Error(`network ${n} must be added before ${input.slug}`);
    this.bySlug.set(org.slug, org);
    return org;
  }

  has(slug: string): boolean {
    return this.bySlug.has(slug);
  }

  get(slug: string): DemoOrganisation {
    const org = this.bySlug.get(slug);
    if (!org) throw new Error(`unknown demo organisation ${slug}`);
    return org;
  }

  /** How cooperation commands name an organisation. */
  ref(slug: string): { id: string } {
    return { id: this.get(slug).id };
  }

  id(slug: string): string {
    return this.get(slug).id;
  }

  all(): DemoOrganisation[] {
    return [...this.bySlug.values()];
  }

  /** One RegisterOrganisation per organisation, in insertion order (networks before their members). */
  steps(): DemoStep[] {
    return this.all().map((o) => {
      const command: RegisterOrganisation = {
        type: 'RegisterOrganisation',
        data: {
          organisationId: o.id,
          name: o.name,
          siret: o.siret,
          kind: o.kind,
          ...(o.ess === undefined ? {} : { ess: o.ess }),
          regionCode: o.regionCode,
          departementCode: o.departementCode,
          networkIds: o.networkSlugs.map((n) => this.id(n)),
        },
      };
      return {
        aggregate: 'organisation' as const,
        aggregateId: o.id,
        command,
        occurredAt: o.registeredAt,
        idempotencyKey: `demo-data:${o.id}:register`,
        actor: { userId: DEMO_USER_ID, organisationId: o.id, role: 'MEMBER' },
      };
    });
  }
}

/** Régions of the demo and, for each, the départements used (INSEE codes) and the regional bodies. */
export interface DemoRegion {
  code: string;
  name: string;
  departements: string[];
  /** Département of the Conseil régional's seat. */
  councilSeat: string;
  councilName: string;
  /** Share of the synthetic cooperations (weights). */
  weight: number;
}

export const DEMO_REGIONS: readonly DemoRegion[] = [
  // Saint-Ouen-sur-Seine (93) since 2018.
  { code: '11', name: 'Île-de-France', departements: ['75', '92', '93', '94', '91', '95', '77', '78'], councilSeat: '93', councilName: "Conseil régional d'Île-de-France", weight: 30 },
  { code: '52', name: 'Pays de la Loire', departements: ['44', '49', '72', '85', '53'], councilSeat: '44', councilName: 'Conseil régional des Pays de la Loire', weight: 18 },
  { code: '84', name: 'Auvergne-Rhône-Alpes', departements: ['69', '38', '42', '63', '74'], councilSeat: '69', councilName: 'Conseil régional Auvergne-Rhône-Alpes', weight: 20 },
  { code: '32', name: 'Hauts-de-France', departements: ['59', '62', '80', '60', '02'], councilSeat: '59', councilName: 'Conseil régional des Hauts-de-France', weight: 16 },
  { code: '76', name: 'Occitanie', departements: ['31', '34', '30', '66', '81'], councilSeat: '31', councilName: 'Conseil régional d’Occitanie', weight: 16 },
];

export const DEPARTEMENT_NAMES: Record<string, string> = {
  '75': 'Paris', '92': 'Hauts-de-Seine', '93': 'Seine-Saint-Denis', '94': 'Val-de-Marne', '91': 'Essonne', '95': "Val-d'Oise", '77': 'Seine-et-Marne', '78': 'Yvelines',
  '44': 'Loire-Atlantique', '49': 'Maine-et-Loire', '72': 'Sarthe', '85': 'Vendée', '53': 'Mayenne',
  '69': 'Rhône', '38': 'Isère', '42': 'Loire', '63': 'Puy-de-Dôme', '74': 'Haute-Savoie',
  '59': 'Nord', '62': 'Pas-de-Calais', '80': 'Somme', '60': 'Oise', '02': 'Aisne',
  '31': 'Haute-Garonne', '34': 'Hérault', '30': 'Gard', '66': 'Pyrénées-Orientales', '81': 'Tarn',
};

/** Slugs of the regional bodies, so generators can name them. */
export const councilSlug = (regionCode: string) => `conseil-regional-${regionCode}`;
export const ddetsSlug = (departementCode: string) => `ddets-${departementCode}`;
export const cooraceSlug = (regionCode: string) => `coorace-${regionCode}`;
export const feiSlug = (regionCode: string) => `fei-${regionCode}`;
export const FRANCE_ACTIVE = 'france-active';
export const FONDATION_DE_FRANCE = 'fondation-de-france';
export const GRAFIE = 'grafie';
export const CHANTIER_ECOLE_IDF = 'chantier-ecole-idf';

/**
 * Funders and networks. Names of public bodies are real; their kinds are our choice: a Conseil
 * régional is a LOCAL_AUTHORITY (a collectivité that funds), the State's DDETS and the financiers
 * are FUNDER, the têtes de réseau NETWORK. In Île-de-France the State's departmental services are
 * the DRIEETS unités départementales (there is no DDETS there).
 */
export const addReferenceOrganisations = (reg: OrganisationRegistry): void => {
  reg.add({ slug: FRANCE_ACTIVE, name: 'France Active', kind: 'FUNDER', ess: true, regionCode: '11', departementCode: '93' }); // head office in Montreuil (our reading)
  reg.add({ slug: FONDATION_DE_FRANCE, name: 'Fondation de France', kind: 'FUNDER', ess: true, regionCode: '11', departementCode: '75' });
  // GRAFIE, the Île-de-France inter-réseau (seed 002); département of its seat: our choice.
  reg.add({ slug: GRAFIE, name: 'GRAFIE (inter-réseau IAE Île-de-France)', kind: 'NETWORK', regionCode: '11', departementCode: '75' });
  reg.add({ slug: CHANTIER_ECOLE_IDF, name: 'Chantier École Île-de-France', kind: 'NETWORK', regionCode: '11', departementCode: '75', networkSlugs: [GRAFIE] });
  for (const r of DEMO_REGIONS) {
    reg.add({ slug: councilSlug(r.code), name: r.councilName, kind: 'LOCAL_AUTHORITY', regionCode: r.code, departementCode: r.councilSeat });
    // Coorace Pays de la Loire is named by seed 004; the other regional networks are our choice of
    // plausible têtes de réseau for the synthetic cooperations.
    const interNetwork = r.code === '11' ? [GRAFIE] : [];
    reg.add({ slug: cooraceSlug(r.code), name: `Coorace ${r.name}`, kind: 'NETWORK', regionCode: r.code, departementCode: r.councilSeat, networkSlugs: interNetwork });
    reg.add({ slug: feiSlug(r.code), name: `Fédération des entreprises d'insertion ${r.name}`, kind: 'NETWORK', regionCode: r.code, departementCode: r.councilSeat, networkSlugs: interNetwork });
    for (const d of r.departements) {
      const name = r.code === '11' ? `DRIEETS Île-de-France, unité départementale ${DEPARTEMENT_NAMES[d]}` : `DDETS ${DEPARTEMENT_NAMES[d]}`;
      reg.add({ slug: ddetsSlug(d), name, kind: 'FUNDER', ess: false, regionCode: r.code, departementCode: d });
    }
  }
};
