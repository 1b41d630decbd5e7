import type { RecordedEvent } from '@maillage/event-store';
import type { KeyValue } from '@maillage/projections';
import { deliverableKindLabelsFr, indicatorLabelFr, stageLabelsFr, supportKindLabelsFr, type OrganisationEvent } from '@maillage/domain';
import type {
  CooperationDeliverableEntity,
  CooperationDisbursementEntity,
  CooperationFundingEntity,
  CooperationIndicatorEntity,
  CooperationMarketEntity,
  CooperationMeasurementEntity,
  CooperationSupportEntity,
  CooperationWaiverEntity,
  OrganisationEntity,
} from '../entities';
import { cooperationIdOf, dataOf, gateItemLabel, iso } from './events';

/**
 * Pure folds (`keysOf` + `evolve`) of the keyed read-model tables. Each is unit-tested without a
 * database; `keyedTable` turns them into batched SQL.
 */
export interface KeyedFold<Row> {
  eventTypes: readonly string[];
  keysOf(event: RecordedEvent): readonly (KeyValue | readonly KeyValue[])[];
  evolve(row: Row | null, event: RecordedEvent, key: readonly KeyValue[]): Row | null;
}

export const organisationFold: KeyedFold<OrganisationEntity> = {
  eventTypes: ['OrganisationRegistered', 'OrganisationUpdated'],
  keysOf: (event) => [(event.data as OrganisationEvent['data']).organisationId],
  evolve(row, event) {
    const recordedAt = iso(event.recordedAt);
    const at = iso(event.occurredAt);
    if (event.type === 'OrganisationRegistered') {
      const d = event.data as Extract<OrganisationEvent, { type: 'OrganisationRegistered' }>['data'];
      return {
        id: d.organisationId,
        name: d.name,
        siret: d.siret,
        kind: d.kind,
        ess: d.ess,
        region_code: d.regionCode,
        departement_code: d.departementCode,
        network_ids: [...d.networkIds],
        registered_at: at,
        updated_at: at,
        last_recorded_at: recordedAt,
        version: event.streamVersion,
      };
    }
    if (!row) return null;
    const c = (event.data as Extract<OrganisationEvent, { type: 'OrganisationUpdated' }>['data']).changes;
    return {
      ...row,
      name: c.name ?? row.name,
      siret: c.siret === undefined ? row.siret : c.siret,
      kind: c.kind ?? row.kind,
      ess: c.ess ?? row.ess,
      region_code: c.regionCode ?? row.region_code,
      departement_code: c.departementCode ?? row.departement_code,
      network_ids: c.networkIds ? [...c.networkIds] : row.network_ids,
      updated_at: at,
      last_recorded_at: recordedAt,
      version: event.streamVersion,
    };
  },
};

const emptyMarket = (cooperationId: string, at: string): CooperationMarketEntity => ({
  cooperation_id: cooperationId,
  buyer_name: null,
  buyer_organisation_id: null,
  cpv_code: null,
  amount_excl_vat: null,
  duration_months: null,
  procedures: null,
  lots: null,
  bid_deadline: null,
  form: null,
  mandataire_id: null,
  outcome: null,
  start_date: null,
  outcome_at: null,
  updated_at: at,
});

/** GME market, form, mandataire and award (other kinds never emit these events). */
export const marketFold: KeyedFold<CooperationMarketEntity> = {
  eventTypes: [
    'CooperationMarketRecorded',
    'CooperationMarketOutcomeRecorded',
    'CooperationGmeFormSet',
    'CooperationMandataireDesignated',
    'CooperationMemberRemoved',
  ],
  keysOf: (event) => [cooperationIdOf(event)],
  evolve(row, event, key) {
    const at = iso(event.occurredAt);
    if (event.type === 'CooperationMemberRemoved') {
      const removed = dataOf(event, 'CooperationMemberRemoved').organisationId;
      return row && row.mandataire_id === removed ? { ...row, mandataire_id: null, updated_at: at } : row;
    }
    const base = { ...(row ?? emptyMarket(String(key[0]), at)), updated_at: at };
    switch (event.type) {
      case 'CooperationMarketRecorded': {
        const m = dataOf(event, 'CooperationMarketRecorded').market;
        return {
          ...base,
          buyer_name: m.buyerName,
          buyer_organisation_id: m.buyerOrganisationId,
          cpv_code: m.cpvCode,
          amount_excl_vat: m.amountExclVat,
          duration_months: m.durationMonths,
          procedures: [...m.procedures],
          lots: m.lots,
          bid_deadline: m.bidDeadline,
        };
      }
      case 'CooperationMarketOutcomeRecorded': {
        const d = dataOf(event, 'CooperationMarketOutcomeRecorded');
        return { ...base, outcome: d.outcome, start_date: d.startDate, outcome_at: at };
      }
      case 'CooperationGmeFormSet':
        return { ...base, form: dataOf(event, 'CooperationGmeFormSet').form };
      case 'CooperationMandataireDesignated':
        return { ...base, mandataire_id: dataOf(event, 'CooperationMandataireDesignated').organisationId };
      default:
        return row;
    }
  },
};

export const deliverableFold: KeyedFold<CooperationDeliverableEntity> = {
  eventTypes: ['CooperationDeliverableRecorded'],
  keysOf: (event) => [[cooperationIdOf(event), dataOf(event, 'CooperationDeliverableRecorded').deliverableId]],
  evolve(_row, event, key) {
    const d = dataOf(event, 'CooperationDeliverableRecorded');
    return {
      cooperation_id: String(key[0]),
      deliverable_id: d.deliverableId,
      kind: d.kind,
      kind_label: deliverableKindLabelsFr[d.kind],
      stage: d.stage,
      document_ref: d.documentRef,
      title: d.title,
      occurred_at: iso(event.occurredAt),
      recorded_at: iso(event.recordedAt),
    };
  },
};

export const waiverFold: KeyedFold<CooperationWaiverEntity> = {
  eventTypes: ['CooperationGateItemWaived'],
  keysOf: (event) => {
    const d = dataOf(event, 'CooperationGateItemWaived');
    return [[cooperationIdOf(event), d.stage, d.itemId]];
  },
  evolve(_row, event, key) {
    const d = dataOf(event, 'CooperationGateItemWaived');
    return {
      cooperation_id: String(key[0]),
      stage: d.stage,
      item_id: d.itemId,
      stage_label: stageLabelsFr[d.stage],
      item_label: gateItemLabel(d.itemId),
      justification: d.justification,
      waived_at: iso(event.occurredAt),
      recorded_at: iso(event.recordedAt),
    };
  },
};

export const supportFold: KeyedFold<CooperationSupportEntity> = {
  eventTypes: ['CooperationSupportRecorded'],
  keysOf: (event) => [[cooperationIdOf(event), dataOf(event, 'CooperationSupportRecorded').supportId]],
  evolve(_row, event, key) {
    const d = dataOf(event, 'CooperationSupportRecorded');
    return {
      cooperation_id: String(key[0]),
      support_id: d.supportId,
      kind: d.kind,
      kind_label: supportKindLabelsFr[d.kind],
      provider_organisation_id: d.providerOrganisationId,
      period_start: d.period.start,
      period_end: d.period.end,
      description: d.description,
      recorded_at: iso(event.recordedAt),
    };
  },
};

const cents = (n: number) => Math.round(n * 100) / 100;

export const fundingFold: KeyedFold<CooperationFundingEntity> = {
  eventTypes: ['CooperationFundingGranted', 'CooperationFundingDisbursed', 'CooperationFundingEnded'],
  keysOf: (event) => [[cooperationIdOf(event), (event.data as { fundingId: string }).fundingId]],
  evolve(row, event, key) {
    switch (event.type) {
      case 'CooperationFundingGranted': {
        const d = dataOf(event, 'CooperationFundingGranted');
        return {
          cooperation_id: String(key[0]),
          funding_id: d.fundingId,
          funder_organisation_id: d.funderOrganisationId,
          programme: d.programme,
          amount: d.amount,
          period_start: d.period.start,
          period_end: d.period.end,
          disbursed: 0,
          ended_on: null,
          end_reason: null,
          granted_at: iso(event.occurredAt),
          recorded_at: iso(event.recordedAt),
        };
      }
      case 'CooperationFundingDisbursed':
        return row && { ...row, disbursed: cents(Number(row.disbursed) + dataOf(event, 'CooperationFundingDisbursed').amount) };
      case 'CooperationFundingEnded': {
        const d = dataOf(event, 'CooperationFundingEnded');
        return row && { ...row, ended_on: d.endedOn, end_reason: d.reason };
      }
      default:
        return row;
    }
  },
};

export const disbursementFold: KeyedFold<CooperationDisbursementEntity> = {
  eventTypes: ['CooperationFundingDisbursed'],
  keysOf: (event) => [[cooperationIdOf(event), event.streamVersion]],
  evolve(_row, event, key) {
    const d = dataOf(event, 'CooperationFundingDisbursed');
    return {
      cooperation_id: String(key[0]),
      version: event.streamVersion,
      funding_id: d.fundingId,
      funder_organisation_id: d.funderOrganisationId,
      amount: d.amount,
      disbursed_on: d.disbursedOn,
      recorded_at: iso(event.recordedAt),
    };
  },
};

export const indicatorFold: KeyedFold<CooperationIndicatorEntity> = {
  eventTypes: ['CooperationEvaluationCriterionDefined'],
  keysOf: (event) => {
    const id = cooperationIdOf(event);
    return dataOf(event, 'CooperationEvaluationCriterionDefined').indicators.map((i) => [id, i.indicatorId]);
  },
  evolve(_row, event, key) {
    const d = dataOf(event, 'CooperationEvaluationCriterionDefined');
    const i = d.indicators.find((x) => x.indicatorId === key[1])!;
    return {
      cooperation_id: String(key[0]),
      indicator_id: i.indicatorId,
      criterion_id: d.criterionId,
      criterion_code: d.code,
      criterion_label: d.label,
      code: i.code,
      label: indicatorLabelFr(i),
      nature: i.nature,
      unit: i.unit,
      target: i.target,
      standard: i.standard,
      defined_at: iso(event.occurredAt),
    };
  },
};

export const periodKey = (period: { start: string; end: string | null }) => `${period.start}/${period.end ?? ''}`;

export const measurementFold: KeyedFold<CooperationMeasurementEntity> = {
  eventTypes: ['CooperationMeasurementRecorded'],
  keysOf: (event) => {
    const d = dataOf(event, 'CooperationMeasurementRecorded');
    return [[cooperationIdOf(event), d.indicatorId, periodKey(d.period)]];
  },
  evolve(_row, event, key) {
    const d = dataOf(event, 'CooperationMeasurementRecorded');
    return {
      cooperation_id: String(key[0]),
      indicator_id: d.indicatorId,
      period_key: String(key[2]),
      criterion_id: d.criterionId,
      period_start: d.period.start,
      period_end: d.period.end,
      value_number: typeof d.value === 'number' ? d.value : null,
      value_text: typeof d.value === 'string' ? d.value : null,
      occurred_at: iso(event.occurredAt),
      recorded_at: iso(event.recordedAt),
    };
  },
};
