import {
  ABANDON_REASONS,
  STAGES,
  isSiaeKind,
  stageIndex,
  type AbandonReason,
  type CooperationKind,
  type EssaimageStrategy,
  type MarketProcedure,
  type OrganisationKind,
  type Sector,
  type Stage,
  type StandardIndicator,
} from '@maillage/domain';
import { cooperationIdOf, syntheticSiren } from './ids';
import {
  DEMO_REGIONS,
  DEPARTEMENT_NAMES,
  FONDATION_DE_FRANCE,
  FRANCE_ACTIVE,
  CHANTIER_ECOLE_IDF,
  councilSlug,
  cooraceSlug,
  ddetsSlug,
  feiSlug,
  type DemoRegion,
  type OrganisationRegistry,
} from './organisations';
import { CooperationScript, type DemoCooperation } from './plan';
import { createRandom, deriveSeed, type Random } from './random';
import { advance, capitalise, defineCriterion, deliver, measure, support, waive } from './helpers';

/**
 * Synthetic cooperations: invented structures and cooperations (flagged `synthetic`), spread over
 * five régions, the six kinds and the five stages, dated 2019 to `now`. Each one is generated from
 * its own random stream (seed and index), so cooperation n is the same whatever the total count.
 */

const SYNTHETIC_KINDS: { kind: OrganisationKind; prefix: string; count: number; ess?: boolean }[] = [
  { kind: 'ACI', prefix: 'ACI', count: 4 },
  { kind: 'EI', prefix: 'EI', count: 4 },
  { kind: 'AI', prefix: 'AI', count: 3 },
  { kind: 'ETTI', prefix: 'ETTI', count: 1 },
  { kind: 'EITI', prefix: 'EITI', count: 1 },
  { kind: 'REGIE', prefix: 'Régie de territoire', count: 2 },
  { kind: 'EA', prefix: 'EA', count: 1 },
  { kind: 'ESAT', prefix: 'ESAT', count: 1 },
  { kind: 'GEIQ', prefix: 'GEIQ', count: 1 },
  { kind: 'ASSOCIATION', prefix: 'Association', count: 2 },
  { kind: 'SCOP', prefix: 'SCOP', count: 1 },
  { kind: 'SCIC', prefix: 'SCIC', count: 1 },
  { kind: 'COMPANY', prefix: 'Entreprise', count: 3, ess: false },
  { kind: 'LOCAL_AUTHORITY', prefix: 'Communauté d’agglomération', count: 3 },
  { kind: 'RESEARCH', prefix: 'Laboratoire', count: 1 },
  { kind: 'TRAINING', prefix: 'Centre de formation', count: 1 },
];

// Invented names (any likeness to a real structure is accidental); the département is appended.
const NAMES = [
  'Les Jardins de la Colline', 'Le Relais des Berges', 'Tremplin Vert', 'La Recyclerie du Coteau', 'Les Ateliers du Canal',
  'Envol Services', 'Passerelles', 'Trait d’Union', 'Horizons Partagés', 'La Fabrique Solidaire', 'Pied à l’Étrier',
  'Élan Solidaire', 'Les Compagnons du Bocage', 'Cap Avenir', 'Rebonds', 'Ressources & Co', 'Le Fil d’Ariane',
  'Val-Clair', 'Les Mains Vertes', 'Boussole', 'Archipel', 'La Navette', 'Semailles', 'Lien Commun', 'Le Grand Chantier',
  'Atout Services', 'Les Ponts', 'Écume', 'La Ruche Active', 'Le Chemin Neuf', 'Ricochet', 'Terre & Toit',
];

export interface RegionPool {
  region: DemoRegion;
  byKind: Partial<Record<OrganisationKind, string[]>>;
  /** SIAE, EA, ESAT, GEIQ: structures that cooperate. */
  structures: string[];
  ess: string[];
}

const synthSlug = (regionCode: string, kind: OrganisationKind, k: number) => `synthetic-${regionCode}-${kind.toLowerCase()}-${k}`;

/** About thirty invented organisations per région, the same for every seed. */
export const addSyntheticOrganisations = (reg: OrganisationRegistry): Record<string, RegionPool> => {
  const pools: Record<string, RegionPool> = {};
  DEMO_REGIONS.forEach((region, r) => {
    const pool: RegionPool = { region, byKind: {}, structures: [], ess: [] };
    let n = 0;
    for (const spec of SYNTHETIC_KINDS) {
      for (let k = 1; k <= spec.count; k++, n++) {
        const dep = region.departements[n % region.departements.length];
        const slug = synthSlug(region.code, spec.kind, k);
        const networks =
          spec.kind === 'AI' || spec.kind === 'ETTI' || spec.kind === 'REGIE'
            ? [cooraceSlug(region.code)]
            : spec.kind === 'EI' || spec.kind === 'EITI'
              ? [feiSlug(region.code)]
              : spec.kind === 'ACI' && region.code === '11'
                ? [CHANTIER_ECOLE_IDF]
                : spec.kind === 'ACI'
                  ? [cooraceSlug(region.code)]
                  : [];
        reg.add({
          slug,
          name: `${spec.prefix} ${NAMES[(r * 11 + n) % NAMES.length]} (${DEPARTEMENT_NAMES[dep]})`,
          kind: spec.kind,
          ...(spec.ess === undefined ? {} : { ess: spec.ess }),
          regionCode: region.code,
          departementCode: dep,
          networkSlugs: networks,
          synthetic: true,
          registeredOn: '2018-09-03',
        });
        (pool.byKind[spec.kind] ??= []).push(slug);
        if (['ACI', 'EI', 'AI', 'ETTI', 'EITI', 'REGIE', 'EA', 'ESAT', 'GEIQ'].includes(spec.kind)) pool.structures.push(slug);
        if (!['COMPANY', 'LOCAL_AUTHORITY', 'RESEARCH', 'TRAINING'].includes(spec.kind)) pool.ess.push(slug);
      }
    }
    pools[region.code] = pool;
  });
  return pools;
};

// --------------------------------------------------------------------------------------------
// Time: steps are placed on a relative day axis, then mapped onto real dates ending before `now`.

const DAY = 86_400_000;
const EARLIEST = Date.UTC(2019, 0, 7);
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

type Apply = (s: CooperationScript, date: (day: number) => string) => void;

class Timeline {
  day = 0;
  readonly items: { day: number; apply: Apply }[] = [];
  constructor(private readonly rnd: Random) {}
  wait(min: number, max: number): number {
    this.day += this.rnd.int(min, max);
    return this.day;
  }
  at(apply: Apply): void {
    this.items.push({ day: this.day, apply });
  }
}

const SECTORS_BY_KIND: Record<CooperationKind, Sector[]> = {
  GME: ['CLEANING', 'GREEN_SPACES', 'WASTE_RECYCLING', 'STAFFING', 'CATERING', 'BUILDING', 'LOGISTICS'],
  GIE: ['CATERING', 'CLEANING', 'PERSONAL_SERVICES', 'LOGISTICS'],
  GES: ['PERSONAL_SERVICES', 'CLEANING', 'STAFFING', 'BUILDING', 'TEXTILE'],
  PTCE: ['WASTE_RECYCLING', 'AGRICULTURE', 'MOBILITY', 'BUILDING', 'OTHER'],
  JVS: ['DIGITAL_SERVICES', 'LOGISTICS', 'WASTE_RECYCLING', 'CATERING'],
  ESSAIMAGE: ['MOBILITY', 'TEXTILE', 'WASTE_RECYCLING', 'AGRICULTURE', 'CATERING'],
};
const SECTOR_FR: Record<Sector, string> = {
  CLEANING: 'nettoyage', GREEN_SPACES: 'espaces verts', WASTE_RECYCLING: 'collecte et recyclage', CATERING: 'restauration',
  LOGISTICS: 'logistique', DIGITAL_SERVICES: 'services numériques', BUILDING: 'second œuvre du bâtiment', PERSONAL_SERVICES: 'services à la personne',
  STAFFING: 'mise à disposition de personnel', MOBILITY: 'mobilité solidaire', TEXTILE: 'textile et réemploi', AGRICULTURE: 'maraîchage', OTHER: 'activités diverses',
};
const CPV: Partial<Record<Sector, string>> = {
  CLEANING: '90910000', GREEN_SPACES: '77310000', WASTE_RECYCLING: '90511000', STAFFING: '79620000', CATERING: '55520000', BUILDING: '45442100', LOGISTICS: '63120000',
};
const ABANDON_TEXTS: Record<AbandonReason, string> = {
  TIME: 'Les partenaires n’ont pas dégagé le temps nécessaire pour construire la confiance',
  COST: 'Le coût de montage dépasse les moyens des structures, faute de financement d’amorçage',
  NO_PARTNER: 'Un partenaire clé s’est retiré et aucun autre n’a été trouvé',
  LEGAL_COMPLEXITY: 'Montage juridique jugé trop complexe par les conseils d’administration',
  GOVERNANCE_REFUSAL: 'Le conseil d’administration d’un partenaire a refusé le projet',
  LOW_POTENTIAL: 'L’étude de marché montre un potentiel économique trop faible',
  ECONOMIC_MODEL_MISMATCH: 'Les régimes fiscaux et les grilles tarifaires des partenaires ne se concilient pas',
  OTHER: 'Changement de direction chez le porteur, projet mis de côté',
};
const WAIVER_TEXTS = [
  'Réponse rapide à une opportunité déjà identifiée par les partenaires',
  'Éléments déjà formalisés dans une coopération antérieure entre les mêmes structures',
  'Validé oralement en comité de pilotage, document à produire ultérieurement',
  'Le financeur a accepté de différer ce livrable au regard du calendrier',
];
const STRATEGIES: EssaimageStrategy[] = ['DUPLICATION_SOUPLE', 'FRANCHISE_SOUPLE', 'FRANCHISE_INTEGREE', 'DUPLICATION_CENTRALISEE'];

type Fate = 'ACTIVE' | 'ABANDONED' | 'CLOSED';

export interface SyntheticShape {
  kind: CooperationKind;
  regionCode: string;
  /** Furthest stage reached. */
  stage: Stage;
  fate: Fate;
  stalled: boolean;
}

/** Kind and stage cycle with the index so every (kind, stage) pair appears within 30 cooperations. */
export const syntheticShape = (seed: number, index: number): SyntheticShape => {
  const rnd = createRandom(deriveSeed(seed, `shape:${index}`));
  const kind = (['GME', 'GIE', 'GES', 'PTCE', 'JVS', 'ESSAIMAGE'] as const)[index % 6];
  const stage = STAGES[Math.floor(index / 6) % 5];
  const region = rnd.weighted(DEMO_REGIONS.map((r) => [r.code, r.weight] as const));
  let fate: Fate = rnd.weighted<Fate>([
    ['ACTIVE', 62],
    ['ABANDONED', stage === 'CAPITALISATION' ? 0 : stage === 'OPERATION' ? 6 : 22],
    ['CLOSED', stage === 'OPERATION' || stage === 'CAPITALISATION' ? 22 : kind === 'GME' && stage !== 'DECISION' ? 14 : 0],
  ]);
  if (fate === 'CLOSED' && !(stage === 'OPERATION' || stage === 'CAPITALISATION' || (kind === 'GME' && stage !== 'DECISION'))) fate = 'ACTIVE';
  return { kind, regionCode: region, stage, fate, stalled: fate === 'ACTIVE' && rnd.chance(0.3) };
};

const reached = (shape: SyntheticShape, stage: Stage) => stageIndex(shape.stage) >= stageIndex(stage);

/** Builds synthetic cooperation number `index` for `seed`, all dates before `now`. */
export const buildSyntheticCooperation = (reg: OrganisationRegistry, pools: Record<string, RegionPool>, seed: number, index: number, now: Date): DemoCooperation => {
  const shape = syntheticShape(seed, index);
  const rnd = createRandom(deriveSeed(seed, `cooperation:${index}`));
  const pool = pools[shape.regionCode];
  const region = pool.region;
  const { kind } = shape;
  const slug = `synthetic-${seed}-${index}`;
  const id = cooperationIdOf(slug);
  const sector = rnd.pick(SECTORS_BY_KIND[kind]);
  const deps = rnd.sample(region.departements, rnd.int(1, 2));
  const mainDep = deps[0];

  // Members by kind.
  const structures = pool.structures;
  const siae = structures.filter((x) => isSiaeKind(reg.get(x).kind));
  const lead = kind === 'GES' ? rnd.pick(siae) : kind === 'ESSAIMAGE' ? rnd.pick([...(pool.byKind.ACI ?? []), ...(pool.byKind.ASSOCIATION ?? []), ...(pool.byKind.EI ?? [])]) : kind === 'JVS' ? rnd.pick([...(pool.byKind.EI ?? []), ...(pool.byKind.ACI ?? []), ...(pool.byKind.SCOP ?? [])]) : rnd.pick(structures);
  const others = structures.filter((x) => x !== lead);
  let members: string[] = [];
  if (kind === 'GME') members = rnd.sample(others, rnd.int(1, 4));
  else if (kind === 'GIE') members = rnd.sample(others, rnd.int(2, 3));
  else if (kind === 'GES') members = rnd.sample(others, rnd.int(1, 3));
  else if (kind === 'PTCE') members = [...rnd.sample(pool.ess.filter((x) => x !== lead), rnd.int(2, 4)), ...rnd.sample([...(pool.byKind.COMPANY ?? []), ...(pool.byKind.RESEARCH ?? []), ...(pool.byKind.TRAINING ?? [])], rnd.int(0, 2))];
  else if (kind === 'JVS') members = [rnd.pick(pool.byKind.COMPANY ?? [])];
  const localAuthority = rnd.pick(pool.byKind.LOCAL_AUTHORITY ?? []);
  const leadName = reg.get(lead).name;
  const name =
    kind === 'GME'
      ? `GME ${SECTOR_FR[sector]} — ${DEPARTEMENT_NAMES[mainDep]} (${index + 1})`
      : kind === 'GIE'
        ? `GIE ${SECTOR_FR[sector]} ${DEPARTEMENT_NAMES[mainDep]} (${index + 1})`
        : kind === 'GES'
          ? `Groupe économique solidaire ${DEPARTEMENT_NAMES[mainDep]} (${index + 1})`
          : kind === 'PTCE'
            ? `PTCE ${SECTOR_FR[sector]} ${DEPARTEMENT_NAMES[mainDep]} (${index + 1})`
            : kind === 'JVS'
              ? `Joint-venture sociale ${SECTOR_FR[sector]} (${index + 1})`
              : `Essaimage de ${leadName} (${index + 1})`;

  const t = new Timeline(rnd);
  const s = new CooperationScript(slug, id, reg.id(lead));
  // Dates: active, non-stalled cooperations end close to now; the others start anywhere from 2019.
  const nowMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const anchored = shape.fate === 'ACTIVE' && !shape.stalled;
  const gap = anchored ? rnd.int(2, 45) : shape.stalled ? rnd.int(150, 600) : rnd.int(20, 120);
  const plannedStartMs = EARLIEST + Math.floor(rnd.next() * Math.max(0, (nowMs - EARLIEST) / DAY - 240)) * DAY;
  const fundingIds: { id: string; amount: number; endDay: number }[] = [];
  const abandonAt: Stage | null = shape.fate === 'ABANDONED' ? shape.stage : null;
  const tenderLost = kind === 'GME' && shape.fate === 'CLOSED' && (shape.stage === 'FEASIBILITY' || shape.stage === 'LAUNCH');

  const abandon = () => {
    const reason = rnd.pick(ABANDON_REASONS);
    const text = ABANDON_TEXTS[reason];
    t.wait(20, 150);
    // Partners may leave during the study phase (seed 001, Brise de Terre).
    // GIE, GES and JVS keep two members from FEASIBILITY on (the lead plus at least one other).
    const keepsTwo = kind === 'PTCE' || shape.stage === 'DECISION' ? members.length > 0 : members.length > 1;
    const canRemove = kind !== 'ESSAIMAGE' && kind !== 'GME' && keepsTwo && !(kind === 'JVS' && reached(shape, 'OPERATION'));
    if (reason === 'NO_PARTNER' && (canRemove || (kind === 'GME' && shape.stage === 'DECISION' && members.length > 0))) {
      const leaving = members[members.length - 1];
      const day = t.day;
      t.at((sc, d) => sc.run(d(day), 'RemoveMember', { organisationId: reg.id(leaving), reason: 'Retrait pendant la phase d’étude' }));
      t.wait(10, 60);
    }
    const day = t.day;
    const withText = reason === 'OTHER' || rnd.chance(0.5);
    t.at((sc, d) => sc.run(d(day), 'AbandonCooperation', { reason, ...(withText ? { reasonText: text } : {}) }));
  };
  const maybeWaiveOr = (itemId: string, orElse: () => void) => {
    if (rnd.chance(0.12)) {
      const text = rnd.pick(WAIVER_TEXTS);
      const day = t.day;
      t.at((sc, d) => waive(sc, d(day), itemId, text));
    } else orElse();
  };
  const deliverAt = (kindOf: Parameters<typeof deliver>[2], title?: string) => {
    const day = t.day;
    t.at((sc, d) => deliver(sc, d(day), kindOf, title));
  };
  const advanceNow = () => {
    const day = t.day;
    t.at((sc, d) => advance(sc, d(day)));
  };

  // DECISION -------------------------------------------------------------------------------
  t.at((sc, d) =>
    sc.run(d(0), 'ProposeCooperation', {
      cooperationId: id,
      kind,
      name,
      objectives: rnd.sample(['ECONOMIC_DEVELOPMENT', 'POOLING', 'SOCIAL_IMPACT'] as const, rnd.int(1, 3)),
      territory: { regionCode: region.code, departementCodes: deps },
      sectors: [sector],
      leadOrganisation: reg.ref(lead),
      ...(kind === 'ESSAIMAGE' ? { parentOrganisation: reg.ref(lead) } : {}),
    }),
  );
  for (const m of members) {
    const day = t.wait(0, 12);
    t.at((sc, d) => sc.run(d(day), 'AddMember', { organisation: reg.ref(m) }));
  }
  if (rnd.chance(0.6)) {
    const network = reg.get(lead).networkSlugs[0] ?? cooraceSlug(region.code);
    const day = t.wait(1, 10);
    const start = day;
    const dur = rnd.int(90, 300);
    t.at((sc, d) => support(sc, d(day), 'NETWORK', reg.id(network), d(start).slice(0, 10), d(start + dur).slice(0, 10), 'Accompagnement au montage de la coopération par la tête de réseau'));
  }
  if (rnd.chance(0.3)) {
    const day = t.wait(5, 30);
    const dur = rnd.int(60, 180);
    t.at((sc, d) => support(sc, d(day), rnd.chance(0.7) ? 'DLA' : 'FABRIQUE_A_INITIATIVES', undefined, d(day).slice(0, 10), d(day + dur).slice(0, 10), 'Diagnostic et accompagnement du projet collectif'));
  }
  if (kind === 'GME') {
    const day = t.wait(1, 10);
    t.at((sc, d) => sc.run(d(day), 'DesignateMandataire', { organisationId: reg.id(lead) }));
  }
  t.wait(10, 60);
  maybeWaiveOr('structuring-elements', () => deliverAt('NOTE_DE_SYNTHESE', 'Mission sociale, territoire cible, offre économique et partenaires potentiels'));
  if (abandonAt === 'DECISION') {
    abandon();
    return finish();
  }
  if (shape.stage === 'DECISION') return finish();
  t.wait(15, 90);
  advanceNow();

  // FEASIBILITY ----------------------------------------------------------------------------
  t.wait(10, 60);
  maybeWaiveOr('go-decision', () => deliverAt(rnd.chance(0.5) ? 'ACCORD_DE_PRINCIPE' : 'LETTRE_INTENTION'));
  let gmeDuration = 0;
  if (kind === 'GME') {
    const day = t.wait(5, 30);
    gmeDuration = rnd.pick([12, 24, 36, 48]);
    const bidDeadlineDay = day + rnd.int(20, 50);
    const picked = rnd.pick<MarketProcedure[]>([['RESERVED_SIAE'], ['SOCIAL_CLAUSE', 'OPEN_PROCEDURE'], ['ADAPTED_PROCEDURE'], ['RESERVED_ESS'], ['SOCIAL_CLAUSE', 'ADAPTED_PROCEDURE']]);
    // A market reserved to SIAE admits SIAE only (seed 000): a group with an EA, an ESAT or a GEIQ
    // answers one reserved to the ESS instead (every structure of the pool is ESS).
    const allSiae = [lead, ...members].every((m) => isSiaeKind(reg.get(m).kind));
    const procedures: MarketProcedure[] = picked.includes('RESERVED_SIAE') && !allSiae ? ['RESERVED_ESS'] : picked;
    const amount = rnd.int(4, 160) * 5000;
    const buyer = rnd.chance(0.7) ? localAuthority : null;
    t.at((sc, d) =>
      sc.run(d(day), 'RecordMarket', {
        buyerName: buyer ? reg.get(buyer).name : `Bailleur social ${DEPARTEMENT_NAMES[mainDep]} (fictif)`,
        ...(buyer ? { buyerOrganisationId: reg.id(buyer) } : {}),
        cpvCode: CPV[sector] ?? '98000000',
        amountExclVat: amount,
        durationMonths: gmeDuration,
        procedures,
        bidDeadline: `${d(bidDeadlineDay).slice(0, 10)}T12:00:00.000Z`,
      }),
    );
    t.at((sc, d) => sc.run(d(day), 'SetGmeForm', { form: rnd.chance(0.6) ? 'CONJOINT' : 'SOLIDAIRE' }));
    if (tenderLost && shape.stage === 'FEASIBILITY') {
      t.day = bidDeadlineDay + rnd.int(20, 60);
      const lostDay = t.day;
      t.at((sc, d) => sc.run(d(lostDay), 'RecordMarketOutcome', { outcome: 'LOST', comment: 'Offre classée deuxième' }));
      return finish();
    }
  }
  if (kind === 'JVS') {
    t.wait(20, 90);
    deliverAt('BUSINESS_PLAN');
    deliverAt('PROJET_STATUTS', 'Projet de statuts : objectif social inscrit');
    const essShare = rnd.int(51, 70);
    const day = t.day;
    t.at((sc, d) =>
      sc.run(d(day), 'SetShareholding', {
        phase: 'PLANNED',
        shares: [
          { organisationId: reg.id(lead), percent: essShare },
          { organisationId: reg.id(members[0]), percent: 100 - essShare },
        ],
      }),
    );
  }
  if (kind === 'GIE') {
    t.wait(10, 60);
    deliverAt('PROJET_STATUTS', 'Projet de contrat constitutif');
  }
  if (kind === 'PTCE') {
    const day = t.wait(5, 40);
    t.at((sc, d) => sc.run(d(day), 'AddMember', { organisation: reg.ref(localAuthority) }));
  }
  if (kind === 'ESSAIMAGE') {
    const day = t.wait(10, 60);
    const strategy = rnd.pick(STRATEGIES);
    const targets = rnd.sample(region.departements, rnd.int(1, 3));
    t.at((sc, d) => sc.run(d(day), 'ChooseEssaimageStrategy', { strategy, targetTerritories: targets.map((departementCode) => ({ regionCode: region.code, departementCode })) }));
  }
  // Funding of the start-up phase (the scarcest resource, seed 002).
  if (rnd.chance(0.75)) {
    const funders: [string, string, number, number][] = [
      [councilSlug(region.code), 'Appel à projets régional « Coopérations et changement d’échelle de l’IAE »', 10, 60],
      [ddetsSlug(mainDep), 'Fonds de développement de l’inclusion (FDI)', 15, 80],
      [FRANCE_ACTIVE, 'France Active — contrat d’apport associatif', 10, 50],
      [FONDATION_DE_FRANCE, 'Fondation de France — appel à projets emploi et territoires', 5, 40],
    ];
    for (const [funder, programme, min, max] of rnd.sample(funders, rnd.int(1, 2))) {
      const day = t.wait(5, 40);
      const amount = rnd.int(min, max) * 1000;
      const months = rnd.pick([12, 18, 24, 36]);
      const fundingId = s.sub(`funding-${funder}`);
      const endDay = day + months * 30;
      fundingIds.push({ id: fundingId, amount, endDay });
      // The cooperation solicits the funder first (asking a fifth more than it gets); the grant answers it.
      const requestId = s.sub(`request-${funder}`);
      const asked = Math.round((amount * 1.2) / 1000) * 1000;
      t.at((sc, d) => sc.run(d(day - 4), 'RequestFunding', { requestId, funder: reg.ref(funder), programme, amount: asked }));
      t.at((sc, d) =>
        sc.run(d(day), 'GrantFunding', { fundingId, funder: reg.ref(funder), programme, amount, period: { start: d(day).slice(0, 10), end: d(endDay).slice(0, 10) } }),
      );
    }
  } else if (index % 4 === 0) {
    // Some wait for an answer (« sollicitations en attente » of the regional council). No random
    // draw here, so the rest of the cooperation is the same as before requests existed.
    const day = t.day;
    const council = councilSlug(region.code);
    const requestId = s.sub(`request-${council}`);
    t.at((sc, d) =>
      sc.run(d(day), 'RequestFunding', { requestId, funder: reg.ref(council), programme: 'Appel à projets régional « Coopérations et changement d’échelle de l’IAE »', amount: 30000 }),
    );
  }
  if (abandonAt === 'FEASIBILITY') {
    abandon();
    return finish();
  }
  if (shape.stage === 'FEASIBILITY') return finish();
  t.wait(20, 120);
  advanceNow();

  // LAUNCH ---------------------------------------------------------------------------------
  const disburse = (fraction: number) => {
    for (const f of fundingIds) {
      if (t.day > f.endDay) continue;
      const day = t.day;
      const amount = Math.round(f.amount * fraction);
      if (amount > 0) t.at((sc, d) => sc.run(d(day), 'RecordDisbursement', { fundingId: f.id, amount, disbursedOn: d(day).slice(0, 10) }));
    }
  };
  t.wait(5, 30);
  disburse(0.5);
  if (kind === 'GME') {
    const day = t.wait(30, 75);
    if (tenderLost) {
      t.at((sc, d) => sc.run(d(day), 'RecordMarketOutcome', { outcome: 'LOST', comment: 'Marché attribué à un autre candidat' }));
      return finish();
    }
    const startDay = day + rnd.int(15, 45);
    t.at((sc, d) => sc.run(d(day), 'RecordMarketOutcome', { outcome: 'AWARDED', startDate: d(startDay).slice(0, 10) }));
    t.wait(2, 10);
    maybeWaiveOr('gme-agreement-signed', () => deliverAt('CONVENTION_GME', 'Convention de groupement signée'));
    deliverAt('NOTE_ORGANISATION_GOUVERNANCE');
    if (t.day < startDay) t.day = startDay;
  } else {
    t.wait(30, 150);
    if (kind === 'GIE') deliverAt('STATUTS', 'Contrat constitutif signé');
    if (kind === 'GES' || kind === 'PTCE') deliverAt(rnd.chance(0.5) ? 'STATUTS' : 'CONVENTION_PARTENARIAT');
    if (kind === 'JVS') {
      deliverAt('STATUTS');
      deliverAt('PACTE_ASSOCIES');
    }
    if (kind === 'ESSAIMAGE') deliverAt(rnd.chance(0.7) ? 'CONVENTION_PARTENARIAT' : 'STATUTS');
    maybeWaiveOr('governance-set', () => deliverAt('NOTE_ORGANISATION_GOUVERNANCE'));
    if (kind === 'GIE' || kind === 'GES' || kind === 'JVS') {
      const day = t.wait(15, 60);
      const siren = syntheticSiren(slug);
      t.at((sc, d) => sc.run(d(day), 'RecordStructureRegistration', { siren, legalForm: kind === 'GIE' ? 'GIE' : kind === 'JVS' ? 'SAS' : 'Association' }));
    }
    if (kind === 'JVS') {
      const day = t.day;
      const essShare = rnd.int(51, 75);
      t.at((sc, d) =>
        sc.run(d(day), 'SetShareholding', {
          phase: 'FINAL',
          shares: [
            { organisationId: reg.id(lead), percent: essShare },
            { organisationId: reg.id(members[0]), percent: 100 - essShare },
          ],
        }),
      );
    }
    if (kind === 'ESSAIMAGE') {
      const day = t.wait(20, 90);
      const dep = rnd.pick(region.departements);
      t.at((sc, d) => sc.run(d(day), 'OpenSite', { siteId: s.sub('site-1'), name: `Premier site — ${DEPARTEMENT_NAMES[dep]}`, location: { regionCode: region.code, departementCode: dep }, openedOn: d(day).slice(0, 10) }));
    }
  }
  // Sometimes a stage is reopened (a partner asks to revisit the study), then advanced again.
  const reopen = rnd.chance(0.08) && reached(shape, 'OPERATION');
  if (reopen) {
    t.wait(5, 20);
    const day = t.day;
    t.at((sc, d) => sc.run(d(day), 'ReopenStage', { reason: 'Un partenaire demande de revoir le modèle économique avant de signer' }));
    t.wait(15, 45);
    advanceNow();
  }
  if (abandonAt === 'LAUNCH') {
    abandon();
    return finish();
  }
  if (shape.stage === 'LAUNCH') return finish();
  t.wait(5, 45);
  advanceNow();

  // OPERATION ------------------------------------------------------------------------------
  const opStart = t.day;
  // An active cooperation in OPERATION has been reporting since it entered the stage.
  const availableMonths = Math.floor(((nowMs - plannedStartMs) / DAY - gap - t.day) / 30);
  const opMonths =
    shape.stage === 'OPERATION' && anchored ? Math.min(84, Math.max(5, availableMonths)) : shape.stage === 'OPERATION' ? rnd.int(5, 36) : rnd.int(12, 40);
  const indicatorSet: { standard?: StandardIndicator; label?: string; base: number; growth: number; target: number; unit?: string }[] = [
    { standard: 'PEOPLE_IN_INSERTION', base: rnd.int(4, 25), growth: 1.1, target: rnd.int(10, 40) },
    { standard: 'INSERTION_FTE', base: rnd.int(2, 15), growth: 1.08, target: rnd.int(5, 25) },
    { standard: rnd.pick(['DYNAMIC_EXITS_DURABLE_JOB', 'DYNAMIC_EXITS_POSITIVE'] as const), base: rnd.int(1, 6), growth: 1.15, target: rnd.int(4, 12) },
  ];
  if (kind === 'GME') indicatorSet.push({ standard: 'SOCIAL_CLAUSE_HOURS', base: rnd.int(800, 6000), growth: 1.05, target: rnd.int(3000, 12000) });
  if (kind === 'GIE' || kind === 'GES' || kind === 'PTCE') indicatorSet.push({ standard: 'POOLING_COST_SAVINGS', base: rnd.int(5, 40) * 1000, growth: 1.12, target: rnd.int(20, 80) * 1000 });
  if (kind === 'JVS' || kind === 'GES') indicatorSet.push({ standard: 'TURNOVER', base: rnd.int(100, 900) * 1000, growth: 1.15, target: rnd.int(500, 1500) * 1000 });
  if (kind === 'ESSAIMAGE') indicatorSet.push({ label: 'Sites ouverts', unit: 'sites', base: 1, growth: 1, target: rnd.int(3, 8) });
  const reportEvery = rnd.pick([6, 12]);
  const defineDay = t.wait(5, 30);
  let indicatorIds: string[] = [];
  t.at((sc, d) => {
    indicatorIds = defineCriterion(
      sc,
      d(defineDay),
      'C1',
      rnd.pick(['Emploi et parcours d’insertion sur le territoire', 'Développement de l’activité et des parcours', 'Résultats sociaux et économiques de la coopération']),
      indicatorSet.map((i) =>
        i.standard
          ? { standard: i.standard, target: i.target }
          : { label: i.label ?? 'Indicateur', nature: 'QUANTITATIVE' as const, unit: i.unit ?? 'unités', target: i.target },
      ),
    );
  });
  let sitesOpen = 1;
  const periods = Math.max(1, Math.floor(opMonths / reportEvery));
  for (let p = 0; p < periods; p++) {
    const startDay = opStart + p * reportEvery * 30;
    const endDay = startDay + reportEvery * 30 - 1;
    if (kind === 'ESSAIMAGE' && rnd.chance(0.5)) {
      sitesOpen++;
      const day = Math.max(t.day, startDay + rnd.int(30, reportEvery * 30 - 30));
      t.day = day;
      const dep = rnd.pick(region.departements);
      const n = sitesOpen;
      t.at((sc, d) => sc.run(d(day), 'OpenSite', { siteId: s.sub(`site-${n}`), name: `Site n° ${n} — ${DEPARTEMENT_NAMES[dep]}`, location: { regionCode: region.code, departementCode: dep }, openedOn: d(day).slice(0, 10) }));
    }
    t.day = Math.max(t.day, endDay + rnd.int(10, 40));
    const values = indicatorSet.map((ind) => {
      if (ind.unit === 'sites') return sitesOpen;
      const scale = reportEvery / 12;
      const raw = ind.base * Math.pow(ind.growth, p) * (0.85 + rnd.next() * 0.3) * (ind.standard === 'SOCIAL_CLAUSE_HOURS' || ind.standard === 'POOLING_COST_SAVINGS' || ind.standard === 'TURNOVER' ? scale : 1);
      return ind.standard === 'INSERTION_FTE' ? Math.round(raw * 10) / 10 : Math.round(raw);
    });
    const day = t.day;
    // Only some indicators are filled in each period, as in real reporting.
    const filled = values.map((_, i) => i === 0 || rnd.chance(0.75));
    t.at((sc, d) => values.forEach((v, i) => filled[i] && measure(sc, d(day), indicatorIds[i], d(startDay).slice(0, 10), d(endDay).slice(0, 10), v)));
    if ((p + 1) % Math.max(1, Math.round(12 / reportEvery)) === 0) deliverAt('COMPTE_RENDU_GOUVERNANCE', 'Compte rendu du comité de pilotage');
    if (p === 0) disburse(0.3);
  }
  if (!reached(shape, 'CAPITALISATION') && rnd.chance(0.3)) deliverAt('COMPTE_RENDU_GOUVERNANCE');
  if (kind === 'JVS' && t.day - opStart >= 3 * 365) deliverAt('BILAN_3_ANS');
  for (const f of fundingIds) {
    if (f.endDay <= t.day && rnd.chance(0.6)) {
      const day = t.day;
      t.at((sc, d) => sc.run(d(day), 'EndFunding', { fundingId: f.id, endedOn: d(f.endDay).slice(0, 10), reason: 'Fin de la convention de financement' }));
    }
  }
  if (abandonAt === 'OPERATION') {
    abandon();
    return finish();
  }
  if (shape.stage === 'OPERATION') {
    if (shape.fate === 'CLOSED') {
      t.wait(10, 60);
      const outcome = kind === 'GME' ? 'CONTRACT_ENDED' : 'DISSOLVED';
      const day = t.day;
      t.at((sc, d) => sc.run(d(day), 'CloseCooperation', { outcome, comment: outcome === 'CONTRACT_ENDED' ? 'Fin du marché' : 'Dissolution décidée par les membres' }));
    }
    return finish();
  }
  deliverAt('COMPTE_RENDU_GOUVERNANCE', 'Comité de pilotage de fin de période');
  t.wait(10, 60);
  advanceNow();

  // CAPITALISATION -------------------------------------------------------------------------
  t.wait(20, 90);
  const potential = rnd.weighted([['YES', 8], ['UNCERTAIN', 2], ['NO', 1]] as const);
  const capDay = t.day;
  const partial = shape.fate === 'ACTIVE' && rnd.chance(0.4);
  if (partial) {
    t.at((sc, d) => sc.run(d(capDay), 'RecordEvaluation', { step: 'FRAMEWORK', summary: 'Cadre du partenariat revu avec les membres' }));
  } else {
    t.at((sc, d) =>
      capitalise(
        sc,
        d(capDay),
        {
          framework: 'Gouvernance et engagements des membres conformes à la convention',
          content: 'Actions menées conformément au plan, mutualisations effectives',
          results: 'Objectifs d’insertion atteints pour l’essentiel, voir les indicateurs',
          outlook: 'Poursuite ou duplication envisagée sur un territoire voisin',
        },
        rnd.pick(['La confiance entre structures se construit dans la durée', 'Un financement d’amorçage a été décisif', 'Désigner tôt un coordinateur a évité les blocages']),
        potential,
      ),
    );
  }
  if (shape.fate === 'CLOSED') {
    t.wait(10, 45);
    const outcome = partial ? (kind === 'GME' ? 'CONTRACT_ENDED' : 'DISSOLVED') : kind === 'GME' ? rnd.pick(['COMPLETED', 'CONTRACT_ENDED'] as const) : 'COMPLETED';
    const day = t.day;
    t.at((sc, d) => sc.run(d(day), 'CloseCooperation', { outcome }));
  }
  return finish();

  /** Maps relative days onto real dates: the last step lands before `now`, the first after 2019-01-07. */
  function finish(): DemoCooperation {
    const span = t.day;
    let startMs = plannedStartMs;
    let endMs = startMs + span * DAY;
    if (anchored || endMs > nowMs - gap * DAY) {
      endMs = nowMs - gap * DAY;
      startMs = endMs - span * DAY;
    }
    if (startMs < EARLIEST) {
      startMs = EARLIEST + rnd.int(0, 90) * DAY;
      endMs = startMs + span * DAY;
    }
    let scale = 1;
    const latest = nowMs - 2 * DAY;
    if (endMs > latest) scale = Math.max(0.05, (latest - startMs) / Math.max(1, span * DAY));
    const date = (day: number) => `${isoDay(startMs + Math.floor(day * scale) * DAY)}T09:00:00.000Z`;
    for (const item of t.items) item.apply(s, date);
    s.expect(id, shape.stage, shape.fate);
    return { slug, id, kind, name, regionCode: region.code, real: false, steps: s.steps, expected: s.expected };
  }
};
