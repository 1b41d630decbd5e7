import type { CooperationEvent, Period } from '../cooperation/cooperation.events';
import { findDepartement, findRegion } from '../territory/territory';
import {
  abandonReasonLabelsFr,
  closeOutcomeLabelsFr,
  cooperationKindIsFeminineFr,
  cooperationKindLabelsFr,
  deliverableKindLabelsFr,
  essaimagePotentialLabelsFr,
  essaimageStrategyLabelsFr,
  evaluationStepLabelsFr,
  gmeFormLabelsFr,
  lowerFirstFr,
  marketOutcomeLabelsFr,
  memberRoleLabelsFr,
  sectorLabelsFr,
  shareholdingPhaseLabelsFr,
  stageLabelsFr,
  supportKindLabelsFr,
} from './labels.fr';

/** What a description needs from outside the event: names that events record by id only. */
export interface EventDetailsContext {
  /** An organisation's name, if known (the directory). */
  organisationName(organisationId: string): string | undefined;
  /** An indicator's label, if known (the cooperation's criteria). */
  indicatorLabel(indicatorId: string): string | undefined;
  /** A gate item's label, if known (the playbooks). */
  gateItemLabel(itemId: string): string | undefined;
}

const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

/** "2025-03-01" as French writes it: "1er mars 2025". Anything else is returned as it is. */
export function calendarDateFr(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!m) return date;
  const day = Number(m[3]);
  return `${day === 1 ? '1er' : day} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

const WHOLE_EUROS = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
const EUROS_AND_CENTS = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const NUMBER = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });
/** Cents only when there are any (12 500 €, 12 500,50 €); Intl's narrow no-break spaces are the French rule. */
const euros = (amount: number): string => (Number.isInteger(amount) ? WHOLE_EUROS : EUROS_AND_CENTS).format(amount);

const period = (p: Period): string => (p.end ? `du ${calendarDateFr(p.start)} au ${calendarDateFr(p.end)}` : `depuis le ${calendarDateFr(p.start)}`);
const quoted = (text: string): string => `« ${text} »`;
const withText = (sentence: string, text: string | null | undefined): string => (text ? `${sentence} : ${text}` : sentence);

/**
 * One French sentence telling what an event recorded, for the history of a cooperation: who joined
 * and as what, from which stage to which, which amount from which funder, and so on. The events
 * name organisations and indicators by id; `context` gives their names (the id stands in when a
 * name is unknown).
 */
export function cooperationEventDetailsFr(event: Pick<CooperationEvent, 'type' | 'data'>, context: EventDetailsContext): string {
  const org = (id: string | null | undefined): string => (id ? (context.organisationName(id) ?? id) : 'une structure non enregistrée');
  const e = event as CooperationEvent;
  switch (e.type) {
    case 'CooperationProposed': {
      const d = e.data;
      // The participle agrees with the kind: « Joint-venture sociale (JVS) … proposée par ».
      const participle = cooperationKindIsFeminineFr[d.kind] ? 'proposée' : 'proposé';
      const proposed = `${cooperationKindLabelsFr[d.kind]} ${quoted(d.name)} ${participle} par ${org(d.leadOrganisationId)}`;
      return d.renewedFrom ? `${proposed}, en renouvellement d'une coopération close` : proposed;
    }
    case 'CooperationTerritorySet': {
      const { territory, sectors } = e.data;
      const region = findRegion(territory.regionCode)?.name ?? territory.regionCode;
      const departements = territory.departementCodes.map((c) => findDepartement(c)?.name ?? c);
      const where = departements.length ? `${region} (${departements.join(', ')})` : region;
      return sectors.length ? `Territoire : ${where} ; secteurs : ${sectors.map((s) => lowerFirstFr(sectorLabelsFr[s])).join(', ')}` : `Territoire : ${where}`;
    }
    case 'CooperationMemberAdded':
      return `${org(e.data.organisationId)} rejoint la coopération (${lowerFirstFr(memberRoleLabelsFr[e.data.role])})`;
    case 'CooperationMemberRemoved':
      return withText(`${org(e.data.organisationId)} quitte la coopération`, e.data.reason);
    case 'CooperationLeadHandedOver':
      return withText(`${org(e.data.from)} transmet le pilotage à ${org(e.data.to)}`, e.data.reason);
    case 'CooperationMandataireDesignated':
      return `Mandataire du groupement : ${org(e.data.organisationId)}`;
    case 'CooperationGmeFormSet':
      return `Groupement ${lowerFirstFr(gmeFormLabelsFr[e.data.form])}`;
    case 'CooperationMarketRecorded': {
      const m = e.data.market;
      const months = `${m.durationMonths} mois`;
      const deadline = m.bidDeadline ? `, offres à remettre le ${calendarDateFr(m.bidDeadline)}` : '';
      return `Marché de ${m.buyerName} : ${euros(m.amountExclVat)} HT sur ${months}${deadline}`;
    }
    case 'CooperationMarketOutcomeRecorded': {
      const outcome = `Marché ${lowerFirstFr(marketOutcomeLabelsFr[e.data.outcome])}`;
      return e.data.startDate ? `${outcome}, exécution à partir du ${calendarDateFr(e.data.startDate)}` : outcome;
    }
    case 'CooperationShareholdingSet': {
      const shares = e.data.shares.map((s) => `${org(s.organisationId)} ${NUMBER.format(s.percent)} %`).join(', ');
      return `Capital (${lowerFirstFr(shareholdingPhaseLabelsFr[e.data.phase])}) : ${shares}`;
    }
    case 'CooperationEssaimageStrategyChosen': {
      const targets = e.data.targetTerritories.map((t) => findDepartement(t.departementCode)?.name ?? t.departementCode);
      const strategy = `Stratégie d'essaimage : ${lowerFirstFr(essaimageStrategyLabelsFr[e.data.strategy])}`;
      return targets.length ? `${strategy}, vers ${targets.join(', ')}` : strategy;
    }
    case 'CooperationSiteOpened': {
      const where = findDepartement(e.data.location.departementCode)?.name ?? e.data.location.departementCode;
      const operator = e.data.operatorOrganisationId ? `, exploité par ${org(e.data.operatorOrganisationId)}` : '';
      return `Site ${quoted(e.data.name)} ouvert le ${calendarDateFr(e.data.openedOn)} (${where})${operator}`;
    }
    case 'CooperationStructureRegistered':
      return `Structure immatriculée, SIREN ${e.data.siren}${e.data.legalForm ? ` (${e.data.legalForm})` : ''}`;
    case 'CooperationDeliverableRecorded': {
      const kind = deliverableKindLabelsFr[e.data.kind];
      return e.data.title ? `${kind} : ${quoted(e.data.title)}` : kind;
    }
    case 'CooperationGateItemWaived':
      return `Dérogation pour ${quoted(context.gateItemLabel(e.data.itemId) ?? e.data.itemId)} : ${e.data.justification}`;
    case 'CooperationStageAdvanced':
      return `${stageLabelsFr[e.data.from]} → ${stageLabelsFr[e.data.to]}`;
    case 'CooperationStageReopened':
      return `Retour de ${stageLabelsFr[e.data.from]} à ${stageLabelsFr[e.data.to]} : ${e.data.reason}`;
    case 'CooperationAbandoned':
      return withText(`Abandon à l'étape ${stageLabelsFr[e.data.stage]} (${lowerFirstFr(abandonReasonLabelsFr[e.data.reason])})`, e.data.reasonText);
    case 'CooperationClosed':
      return withText(`Clôture à l'étape ${stageLabelsFr[e.data.stage]} (${lowerFirstFr(closeOutcomeLabelsFr[e.data.outcome])})`, e.data.comment);
    case 'CooperationRenewed':
      return 'Renouvelée : une nouvelle coopération lui succède';
    case 'CooperationFundingRequested': {
      const what = [e.data.programme, e.data.amount === null ? null : euros(e.data.amount)].filter(Boolean).join(', ');
      return withText(`${org(e.data.funderOrganisationId)} est sollicité${what ? ` (${what})` : ''}`, e.data.note);
    }
    case 'CooperationFundingRequestWithdrawn':
      return withText(`Sollicitation de ${org(e.data.funderOrganisationId)} retirée`, e.data.reason);
    case 'CooperationFundingRequestDeclined':
      return withText(`${org(e.data.funderOrganisationId)} décline la sollicitation`, e.data.reason);
    case 'CooperationFundingGranted':
      return `${org(e.data.funderOrganisationId)} accorde ${euros(e.data.amount)} (${e.data.programme}), ${period(e.data.period)}`;
    case 'CooperationFundingDisbursed':
      return `Versement de ${euros(e.data.amount)} par ${org(e.data.funderOrganisationId)} le ${calendarDateFr(e.data.disbursedOn)}`;
    case 'CooperationFundingEnded':
      return withText(`Fin du financement de ${org(e.data.funderOrganisationId)} le ${calendarDateFr(e.data.endedOn)}`, e.data.reason);
    case 'CooperationSupportRecorded': {
      const by = e.data.providerOrganisationId ? ` par ${org(e.data.providerOrganisationId)}` : '';
      return withText(`${supportKindLabelsFr[e.data.kind]}${by}, ${period(e.data.period)}`, e.data.description);
    }
    case 'CooperationEvaluationCriterionDefined': {
      const n = e.data.indicators.length;
      return `Critère ${quoted(e.data.label)} avec ${n} indicateur${n > 1 ? 's' : ''}`;
    }
    case 'CooperationMeasurementRecorded': {
      const value = typeof e.data.value === 'number' ? NUMBER.format(e.data.value) : e.data.value;
      return `${context.indicatorLabel(e.data.indicatorId) ?? 'Indicateur'} : ${value}, ${period(e.data.period)}`;
    }
    case 'CooperationEvaluationRecorded':
      return `${evaluationStepLabelsFr[e.data.step]} : ${e.data.summary}`;
    case 'CooperationLessonRecorded': {
      const potential = e.data.essaimagePotential ? ` (essaimage : ${lowerFirstFr(essaimagePotentialLabelsFr[e.data.essaimagePotential])})` : '';
      return `${e.data.text}${potential}`;
    }
  }
  return '';
}

/** The organisations an event names by id, for looking their names up before describing it. */
export function organisationIdsOfEvent(event: Pick<CooperationEvent, 'type' | 'data'>): string[] {
  const e = event as CooperationEvent;
  switch (e.type) {
    case 'CooperationProposed':
      return [e.data.leadOrganisationId];
    case 'CooperationMemberAdded':
    case 'CooperationMemberRemoved':
    case 'CooperationMandataireDesignated':
      return [e.data.organisationId];
    case 'CooperationLeadHandedOver':
      return [e.data.from, e.data.to];
    case 'CooperationShareholdingSet':
      return e.data.shares.map((s) => s.organisationId);
    case 'CooperationSiteOpened':
      return e.data.operatorOrganisationId ? [e.data.operatorOrganisationId] : [];
    case 'CooperationFundingRequested':
    case 'CooperationFundingRequestWithdrawn':
    case 'CooperationFundingRequestDeclined':
    case 'CooperationFundingGranted':
    case 'CooperationFundingDisbursed':
    case 'CooperationFundingEnded':
      return [e.data.funderOrganisationId];
    case 'CooperationSupportRecorded':
      return e.data.providerOrganisationId ? [e.data.providerOrganisationId] : [];
    default:
      return [];
  }
}
