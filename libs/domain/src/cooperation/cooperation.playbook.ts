import { DomainErrorCode, reject } from '../shared/domain-error';
import { isSiaeKind } from '../organisation/organisation.types';
import type { Cooperation, CooperationState } from './cooperation.state';
import { EVALUATION_STEPS, STAGES, type CooperationKind, type DeliverableKind, type Stage } from './cooperation.types';

/**
 * Playbooks: for each kind and stage, the gate items to satisfy before leaving the stage (the
 * CAPITALISATION gate must be satisfied to close with outcome COMPLETED). This file is the one place
 * to check against the brief's table and the seeds; docs/lifecycle.md is generated from it.
 *
 * An item is satisfied by a recorded deliverable of one of the listed kinds, by a domain fact, or by
 * a waiver with a justification. Items that restate an invariant of the issue are not waivable and
 * carry the error code raised when they are missing.
 */
export const FACTS = [
  'OBJECTIVES_STATED',
  'AT_LEAST_TWO_MEMBERS',
  'SIAE_MEMBER',
  'PARENT_STRUCTURE_MEMBER',
  'MANDATAIRE_DESIGNATED',
  'GME_FORM_CHOSEN',
  'MARKET_IDENTIFIED',
  'MARKET_AWARDED',
  'PLANNED_SHARES_ESS_MAJORITY',
  'FINAL_SHARES_ESS_MAJORITY',
  'TERRITORY_DEFINED',
  'LOCAL_AUTHORITY_MEMBER',
  'ESS_ENTERPRISE_MEMBER',
  'ESS_AND_MAINSTREAM_PARTNERS',
  'ESSAIMAGE_STRATEGY_AND_TARGET',
  'FIRST_SITE_OPENED',
  'STRUCTURE_REGISTERED',
  'INDICATORS_REPORTED',
  'EVALUATION_DONE',
  'LESSONS_RECORDED',
  'ESSAIMAGE_POTENTIAL_STATED',
] as const;
export type Fact = (typeof FACTS)[number];

export interface GateItem {
  id: string;
  label: string;
  /** Any one of these deliverables satisfies the item. */
  deliverables?: readonly DeliverableKind[];
  /** A fact computed from the state that satisfies the item. */
  fact?: Fact;
  /** false for invariants: they cannot be waived. */
  waivable: boolean;
  /** Shown on the checklist but does not block the transition. */
  advisory?: boolean;
  /** The code raised when this (non-waivable) item is missing; GATE_NOT_SATISFIED otherwise. */
  errorCode?: DomainErrorCode;
}

/** Rules of each kind that are not a single gate item, for the generated doc. */
export const KIND_RULES_FR: Record<CooperationKind, string[]> = {
  GME: [
    'un seul mandataire, membre du groupement, exigé dès l’entrée en faisabilité (`MANDATAIRE_REQUIRED`, `MANDATAIRE_NOT_MEMBER`) ; forme conjointe ou solidaire ;',
    'au moins deux membres pour quitter la décision, puis en permanence (`TWO_MEMBERS_REQUIRED`) ;',
    'composition figée entre la date limite de remise des offres et l’attribution (`MEMBERSHIP_FROZEN` ; l’art. R2142-26 du code de la commande publique la fige de la remise des candidatures à la signature, voir docs/decisions.md) ;',
    'un marché réservé (SIAE, EA et ESAT, ESS) n’admet que des membres habilités à y répondre : une SIAE, une EA ou un ESAT, une structure de l’ESS selon la réservation (`RESERVED_MARKET_MEMBER_NOT_ELIGIBLE`) ;',
    'un marché perdu clôt la coopération avec l’issue « marché perdu » ; un GME n’est pas une personne morale : pas d’issue « structure dissoute » (`CLOSE_OUTCOME_NOT_APPLICABLE`) ; une coopération clôturée peut être renouvelée pour un nouveau marché.',
  ],
  GIE: [
    'au moins deux membres pour quitter la décision, puis en permanence (`TWO_MEMBERS_REQUIRED`) ;',
    'le GIE soutient ses membres sans s’y substituer ; contrat constitutif puis immatriculation.',
  ],
  GES: [
    'au moins deux membres pour quitter la décision, puis en permanence (`TWO_MEMBERS_REQUIRED`) ;',
    'au moins une SIAE parmi les membres (`GES_SIAE_REQUIRED`) ; parcours progressifs entre structures.',
  ],
  PTCE: [
    'territoire défini avant le lancement, puis en permanence (`PTCE_TERRITORY_REQUIRED`) ;',
    'au moins une collectivité territoriale ou un groupement membre avant le lancement, puis en permanence (`PTCE_LOCAL_AUTHORITY_REQUIRED`), sauf dérogation justifiée (le lien avec les collectivités que la loi demande n’est pas toujours une adhésion) ;',
    'au moins une entreprise de l’ESS membre avant le lancement, puis en permanence (`PTCE_ESS_ENTERPRISE_REQUIRED`, sans dérogation : loi du 31 juillet 2014, art. 9) ;',
    'rôles liés au type de structure (une collectivité, un organisme de recherche ou de formation, une entreprise de l’ESS) ; « autre partenaire » ouvert à toute structure.',
  ],
  JVS: [
    'au moins deux associés pour quitter la décision, puis en permanence (`TWO_MEMBERS_REQUIRED`) ;',
    'au moins un associé de l’ESS et une entreprise du secteur classique pour quitter la faisabilité (dérogeable) ;',
    'capital à 100 % pour entrer en fonctionnement, puis en permanence (`SHARES_NOT_100`) ; plus de 50 % détenus par les associés de l’ESS, puis en permanence (`JVS_ESS_MAJORITY_REQUIRED`), sauf dérogation justifiée (une des façons de garantir l’objectif social, seed 001 ; Brise de Terre est à 50/50).',
  ],
  ESSAIMAGE: [
    'une structure essaimante, présente du début à la fin (`ESSAIMAGE_PARENT_REQUIRED`) ; stratégie : duplication souple, franchise souple, franchise intégrée ou duplication centralisée ; chaque nouveau site a son territoire.',
  ],
};

export const STAGE_GOALS_FR: Record<Stage, string> = {
  DECISION: "Décision : évaluer et confirmer l'intérêt",
  FEASIBILITY: 'Valider la faisabilité',
  LAUNCH: 'Préparer le lancement',
  OPERATION: 'Gérer',
  CAPITALISATION: 'Évaluer et capitaliser',
};

const item = (id: string, label: string, rest: Omit<GateItem, 'id' | 'label' | 'waivable'> & { waivable?: boolean }): GateItem => ({
  id,
  label,
  waivable: rest.waivable ?? true,
  ...rest,
});

// Items shared by every kind.
const objectivesStated = item('objectives-stated', 'Objectifs énoncés (développement économique, mutualisation, impact social)', {
  fact: 'OBJECTIVES_STATED',
  waivable: false,
  errorCode: DomainErrorCode.VALIDATION_FAILED,
});
const twoMembers = item('two-members', 'Au moins deux structures membres', { fact: 'AT_LEAST_TWO_MEMBERS' });
/**
 * GME, GIE, GES and JVS bring several structures together by definition (cotraitants; a GIE of
 * « deux ou plusieurs personnes »; a GES « regroupe des entreprises de divers statuts », seed 002; a
 * JVS « portée par des associés complémentaires », seed 001): not waivable there.
 */
const twoMembersRequired = item('two-members', 'Au moins deux structures membres', {
  fact: 'AT_LEAST_TWO_MEMBERS',
  waivable: false,
  errorCode: DomainErrorCode.TWO_MEMBERS_REQUIRED,
});
/** Kinds whose two-members item is an invariant, and that keep two members from FEASIBILITY on. */
export const TWO_MEMBERS_KINDS: readonly CooperationKind[] = ['GME', 'GIE', 'GES', 'JVS'];
const parentStructure = item('parent-structure', 'Structure essaimante identifiée', {
  fact: 'PARENT_STRUCTURE_MEMBER',
  waivable: false,
  errorCode: DomainErrorCode.ESSAIMAGE_PARENT_REQUIRED,
});
const structuringElements = item(
  'structuring-elements',
  'Éléments structurants esquissés : mission sociale, territoire cible, offre économique, partenaires potentiels (note de synthèse)',
  { deliverables: ['NOTE_DE_SYNTHESE'] },
);
const goDecision = item(
  'go-decision',
  "Décision de principe des instances des partenaires (accord de principe ou lettre d'intention)",
  { deliverables: ['ACCORD_DE_PRINCIPE', 'LETTRE_INTENTION'] },
);
const governanceSet = item('governance-set', 'Organisation opérationnelle et gouvernance définies', {
  deliverables: ['NOTE_ORGANISATION_GOUVERNANCE'],
});
const indicatorsReported = item('indicators-reported', 'Indicateurs définis et renseignés pour au moins une période', {
  fact: 'INDICATORS_REPORTED',
});
const governanceMeetings = item('governance-meetings', 'Instances de gouvernance tenues (compte rendu)', {
  deliverables: ['COMPTE_RENDU_GOUVERNANCE'],
});
const evaluationDone = item(
  'evaluation-done',
  'Évaluation du partenariat réalisée : cadre, contenu, résultats, perspectives (ou rapport d’évaluation)',
  { fact: 'EVALUATION_DONE', deliverables: ['RAPPORT_EVALUATION'] },
);
const lessonsRecorded = item('lessons-recorded', 'Enseignements capitalisés (fiche de capitalisation)', {
  fact: 'LESSONS_RECORDED',
  deliverables: ['FICHE_CAPITALISATION'],
});
const essaimagePotential = item('essaimage-potential-stated', "Potentiel d'essaimage de la coopération indiqué", {
  fact: 'ESSAIMAGE_POTENTIAL_STATED',
});
const structureRegistered = item('structure-registered', 'Structure immatriculée (SIREN)', { fact: 'STRUCTURE_REGISTERED' });
const statutesSigned = item('statutes-signed', 'Statuts signés', { deliverables: ['STATUTS'] });

const capitalisation: GateItem[] = [evaluationDone, lessonsRecorded, essaimagePotential];
const operation: GateItem[] = [indicatorsReported, governanceMeetings];

export const PLAYBOOKS: Record<CooperationKind, Record<Stage, readonly GateItem[]>> = {
  GME: {
    // Our reading of the issue: "exactly one mandataire from FEASIBILITY on", so it is required to
    // enter FEASIBILITY (the brief's table lists it among the feasibility items).
    DECISION: [
      objectivesStated,
      twoMembersRequired,
      structuringElements,
      item('mandataire-designated', 'Mandataire désigné parmi les cotraitants', {
        fact: 'MANDATAIRE_DESIGNATED',
        waivable: false,
        errorCode: DomainErrorCode.MANDATAIRE_REQUIRED,
      }),
    ],
    FEASIBILITY: [
      goDecision,
      item('target-market', 'Marché visé identifié (acheteur, code CPV, montant HT, durée, procédure, lots)', {
        fact: 'MARKET_IDENTIFIED',
        waivable: false,
        errorCode: DomainErrorCode.MARKET_REQUIRED,
      }),
      item('gme-form-chosen', 'Forme du groupement choisie (conjoint ou solidaire)', { fact: 'GME_FORM_CHOSEN' }),
    ],
    LAUNCH: [
      item('gme-agreement-signed', 'Convention de groupement signée', { deliverables: ['CONVENTION_GME'] }),
      governanceSet,
      item('market-awarded', 'Marché attribué, avec date de démarrage (un marché perdu clôt la coopération)', {
        fact: 'MARKET_AWARDED',
        waivable: false,
      }),
    ],
    OPERATION: operation,
    CAPITALISATION: capitalisation,
  },
  GIE: {
    DECISION: [objectivesStated, twoMembersRequired, structuringElements],
    FEASIBILITY: [
      goDecision,
      item('draft-constitutive-contract', 'Projet de contrat constitutif du GIE', { deliverables: ['PROJET_STATUTS'] }),
    ],
    // Same id as the other kinds' statutes (stored waivers name it); a GIE is founded by a contract.
    LAUNCH: [item('statutes-signed', 'Contrat constitutif du GIE signé', { deliverables: ['STATUTS'] }), governanceSet, structureRegistered],
    OPERATION: operation,
    CAPITALISATION: capitalisation,
  },
  GES: {
    DECISION: [
      objectivesStated,
      twoMembersRequired,
      item('siae-member', "Au moins une structure d'insertion par l'activité économique (SIAE) parmi les membres", {
        fact: 'SIAE_MEMBER',
        waivable: false,
        errorCode: DomainErrorCode.GES_SIAE_REQUIRED,
      }),
      structuringElements,
    ],
    FEASIBILITY: [goDecision],
    LAUNCH: [
      item('group-contracts-signed', 'Statuts ou convention de partenariat du groupe signés', {
        deliverables: ['STATUTS', 'CONVENTION_PARTENARIAT'],
      }),
      governanceSet,
      structureRegistered,
    ],
    OPERATION: operation,
    CAPITALISATION: capitalisation,
  },
  PTCE: {
    DECISION: [objectivesStated, twoMembers, structuringElements],
    FEASIBILITY: [
      goDecision,
      item('territory-defined', 'Territoire défini (région et au moins un département)', {
        fact: 'TERRITORY_DEFINED',
        waivable: false,
        errorCode: DomainErrorCode.PTCE_TERRITORY_REQUIRED,
      }),
      // Law of 2014, art. 9: « en lien avec des collectivités territoriales et leurs groupements »: a
      // link, not always a membership (cité PHARES lists none among its members, seed 002). Waivable
      // with a justification; while not waived it holds from LAUNCH on (removeMember).
      item('local-authority-involved', 'Au moins une collectivité territoriale ou un groupement associé', {
        fact: 'LOCAL_AUTHORITY_MEMBER',
        errorCode: DomainErrorCode.PTCE_LOCAL_AUTHORITY_REQUIRED,
      }),
      // Law of 2014, art. 9: « constitués par le regroupement [...] d'entreprises de l'économie sociale
      // et solidaire »: not waivable, and kept from LAUNCH on (removeMember).
      item('ess-enterprise-member', "Au moins une entreprise de l'ESS membre du pôle", {
        fact: 'ESS_ENTERPRISE_MEMBER',
        waivable: false,
        errorCode: DomainErrorCode.PTCE_ESS_ENTERPRISE_REQUIRED,
      }),
    ],
    LAUNCH: [
      item('ptce-contracts-signed', 'Statuts ou convention de partenariat du pôle signés', {
        deliverables: ['STATUTS', 'CONVENTION_PARTENARIAT'],
      }),
      governanceSet,
    ],
    OPERATION: operation,
    CAPITALISATION: capitalisation,
  },
  JVS: {
    DECISION: [objectivesStated, twoMembersRequired, structuringElements],
    FEASIBILITY: [
      goDecision,
      // The brief: "an ESS structure and a mainstream company create a new social enterprise
      // together". Not an invariant of the issue: waivable.
      item('ess-and-mainstream-partners', "Associés de l'ESS et du secteur classique (au moins une entreprise hors ESS)", {
        fact: 'ESS_AND_MAINSTREAM_PARTNERS',
      }),
      item('business-plan', 'Business plan', { deliverables: ['BUSINESS_PLAN'] }),
      item('draft-statutes', 'Projet de statuts (objectif social inscrit)', { deliverables: ['PROJET_STATUTS'] }),
      item('planned-shares-ess-majority', "Répartition prévisionnelle du capital, majorité aux associés de l'ESS", {
        fact: 'PLANNED_SHARES_ESS_MAJORITY',
      }),
    ],
    LAUNCH: [
      statutesSigned,
      item('shareholders-agreement', "Pacte d'associés signé", { deliverables: ['PACTE_ASSOCIES'] }),
      governanceSet,
      structureRegistered,
      // Seed 001: the ESS majority is « une des façons de garantir la priorité donnée à l'objectif
      // social », not the only one (Brise de Terre: « Capdife et la criée détiennent chacun 50 % »).
      // Waivable with a justification; the 100 % total is still required (assertGateSatisfied).
      item('final-shares-ess-majority', "Capital définitif : 100 % répartis, plus de 50 % aux associés de l'ESS", {
        fact: 'FINAL_SHARES_ESS_MAJORITY',
        errorCode: DomainErrorCode.JVS_ESS_MAJORITY_REQUIRED,
      }),
    ],
    OPERATION: [
      ...operation,
      item('three-year-review', 'Bilan à 3 ans (conseillé)', { deliverables: ['BILAN_3_ANS'], advisory: true }),
    ],
    CAPITALISATION: capitalisation,
  },
  ESSAIMAGE: {
    DECISION: [objectivesStated, parentStructure, structuringElements],
    FEASIBILITY: [
      goDecision,
      item('strategy-and-first-territory', "Stratégie d'essaimage et premier territoire cible choisis", {
        fact: 'ESSAIMAGE_STRATEGY_AND_TARGET',
      }),
    ],
    LAUNCH: [
      item('partnership-agreement', 'Convention de partenariat (ou de franchise) signée', {
        deliverables: ['CONVENTION_PARTENARIAT', 'STATUTS'],
      }),
      governanceSet,
      item('first-site-opened', 'Premier nouveau site ouvert', { fact: 'FIRST_SITE_OPENED' }),
    ],
    OPERATION: operation,
    CAPITALISATION: capitalisation,
  },
};

export const gateItemsFor = (kind: CooperationKind, stage: Stage): readonly GateItem[] => PLAYBOOKS[kind][stage];

/**
 * The waiver of a gate item, when the item is waivable for this kind. A stored waiver of an item
 * that is no longer waivable (the playbook changed) is ignored, never an error.
 */
export const activeWaiver = (coop: Cooperation, stage: Stage, itemId: string) =>
  gateItemsFor(coop.kind, stage).some((i) => i.id === itemId && i.waivable)
    ? (coop.waivers.find((w) => w.stage === stage && w.itemId === itemId) ?? null)
    : null;

/** The French label of a gate item, from the kind's playbook when given (a GIE's statutes are its contract). */
export const gateItemLabelFr = (itemId: string, kind?: CooperationKind): string | undefined => {
  const kinds = kind ? [kind, ...Object.keys(PLAYBOOKS).filter((k) => k !== kind)] : Object.keys(PLAYBOOKS);
  for (const k of kinds as CooperationKind[])
    for (const stage of STAGES) {
      const found = PLAYBOOKS[k][stage].find((i) => i.id === itemId);
      if (found) return found.label;
    }
  return undefined;
};

const sumPercent = (shares: { percent: number }[]) => Math.round(shares.reduce((a, s) => a + s.percent, 0) * 1000) / 1000;

/** Share held by ESS members, and total, counting only current members. */
export const shareholdingSummary = (coop: Cooperation, phase: 'PLANNED' | 'FINAL') => {
  const shares = (phase === 'PLANNED' ? coop.plannedShares : coop.finalShares) ?? [];
  const members = new Map(coop.members.map((m) => [m.organisationId, m]));
  const current = shares.filter((s) => members.has(s.organisationId));
  return {
    defined: (phase === 'PLANNED' ? coop.plannedShares : coop.finalShares) !== null,
    total: sumPercent(current),
    ess: sumPercent(current.filter((s) => members.get(s.organisationId)!.ess)),
  };
};

export const hasEssMajority = (coop: Cooperation, phase: 'PLANNED' | 'FINAL'): boolean => {
  const s = shareholdingSummary(coop, phase);
  return s.defined && s.total === 100 && s.ess > 50;
};

export const evaluateFact = (coop: Cooperation, fact: Fact): boolean => {
  switch (fact) {
    case 'OBJECTIVES_STATED':
      return coop.objectives.length > 0;
    case 'AT_LEAST_TWO_MEMBERS':
      return coop.members.length >= 2;
    case 'PARENT_STRUCTURE_MEMBER':
      return coop.members.some((m) => m.role === 'PARENT');
    case 'SIAE_MEMBER':
      return coop.members.some((m) => isSiaeKind(m.organisationKind));
    case 'MANDATAIRE_DESIGNATED':
      return coop.mandataireId !== null && coop.members.some((m) => m.organisationId === coop.mandataireId);
    case 'GME_FORM_CHOSEN':
      return coop.gmeForm !== null;
    case 'MARKET_IDENTIFIED':
      return coop.market !== null;
    case 'MARKET_AWARDED':
      return coop.marketOutcome?.outcome === 'AWARDED';
    case 'PLANNED_SHARES_ESS_MAJORITY':
      return hasEssMajority(coop, 'PLANNED');
    case 'FINAL_SHARES_ESS_MAJORITY':
      return hasEssMajority(coop, 'FINAL');
    case 'TERRITORY_DEFINED':
      return coop.territory.departementCodes.length > 0;
    case 'LOCAL_AUTHORITY_MEMBER':
      return coop.members.some((m) => m.role === 'LOCAL_AUTHORITY');
    case 'ESS_ENTERPRISE_MEMBER':
      return coop.members.some((m) => m.role === 'ESS_ENTERPRISE');
    case 'ESS_AND_MAINSTREAM_PARTNERS':
      return coop.members.some((m) => m.ess) && coop.members.some((m) => !m.ess);
    case 'ESSAIMAGE_STRATEGY_AND_TARGET':
      return coop.essaimageStrategy !== null && coop.targetTerritories.length > 0;
    case 'FIRST_SITE_OPENED':
      return coop.sites.length > 0;
    case 'STRUCTURE_REGISTERED':
      return coop.structure !== null;
    case 'INDICATORS_REPORTED':
      // The summary read model keeps one measurement and one deliverable per kind of its state
      // (compactSummaryState in libs/read-models): a rule reading more of either list changes it too.
      return coop.criteria.length > 0 && coop.measurements.length > 0;
    case 'EVALUATION_DONE': {
      const done = new Set(coop.evaluations.map((e) => e.step));
      return EVALUATION_STEPS.every((s) => done.has(s));
    }
    case 'LESSONS_RECORDED':
      return coop.lessons.length > 0;
    case 'ESSAIMAGE_POTENTIAL_STATED':
      return coop.essaimagePotential !== null;
    default: {
      const unreachable: never = fact;
      return unreachable;
    }
  }
};

export type GateItemStatus = 'SATISFIED' | 'MISSING' | 'WAIVED';

export interface GateItemState {
  id: string;
  label: string;
  status: GateItemStatus;
  waivable: boolean;
  advisory: boolean;
  /** Set when WAIVED. */
  justification: string | null;
  /** How it was satisfied: 'fact' or the deliverable kind; null when missing or waived. */
  satisfiedBy: string | null;
}

export interface GateStatus {
  kind: CooperationKind;
  stage: Stage;
  stageLabel: string;
  items: GateItemState[];
  /** Blocking items still missing (advisory ones excluded). */
  missing: string[];
  satisfied: boolean;
}

const itemState = (coop: Cooperation, stage: Stage, item: GateItem): GateItemState => {
  const base = { id: item.id, label: item.label, waivable: item.waivable, advisory: item.advisory ?? false };
  if (item.fact && evaluateFact(coop, item.fact))
    return { ...base, status: 'SATISFIED', justification: null, satisfiedBy: 'fact' };
  const deliverable = item.deliverables?.find((k) => coop.deliverables.some((d) => d.kind === k));
  if (deliverable) return { ...base, status: 'SATISFIED', justification: null, satisfiedBy: deliverable };
  const waiver = item.waivable ? coop.waivers.find((w) => w.stage === stage && w.itemId === item.id) : undefined;
  if (waiver) return { ...base, status: 'WAIVED', justification: waiver.justification, satisfiedBy: null };
  return { ...base, status: 'MISSING', justification: null, satisfiedBy: null };
};

/**
 * The checklist of a stage (the current one by default) for the API and the console. Throws
 * NOT_FOUND for a cooperation that does not exist.
 */
export const gateStatus = (state: CooperationState, stage?: Stage): GateStatus => {
  if (state.status === 'NONE') throw reject(DomainErrorCode.NOT_FOUND, { aggregate: 'cooperation' });
  return stageGate(state, stage ?? state.stage);
};

const stageGate = (coop: Cooperation, stage: Stage): GateStatus => {
  const items = gateItemsFor(coop.kind, stage).map((i) => itemState(coop, stage, i));
  const missing = items.filter((i) => i.status === 'MISSING' && !i.advisory).map((i) => i.id);
  return { kind: coop.kind, stage, stageLabel: STAGE_GOALS_FR[stage], items, missing, satisfied: missing.length === 0 };
};

export const ALL_STAGES = STAGES;
