import type { DeliverableKind, EssaimagePotential, IndicatorInput, SupportKind } from '@maillage/domain';
import type { CooperationScript } from './plan';

/** Small verbs over a CooperationScript, with deterministic sub-ids. */
export const deliver = (s: CooperationScript, date: string, kind: DeliverableKind, title?: string, aggregateId?: string) =>
  s.run(date, 'RecordDeliverable', { deliverableId: s.sub(`deliverable-${s.steps.length}`), kind, ...(title ? { title } : {}) }, aggregateId);

export const advance = (s: CooperationScript, date: string, aggregateId?: string) => s.run(date, 'AdvanceStage', {}, aggregateId);

export const waive = (s: CooperationScript, date: string, itemId: string, justification: string, aggregateId?: string) =>
  s.run(date, 'WaiveGateItem', { itemId, justification }, aggregateId);

/** Defines a criterion with its indicators; returns the indicator ids in order. */
export const defineCriterion = (
  s: CooperationScript,
  date: string,
  code: string,
  label: string,
  indicators: Omit<IndicatorInput, 'indicatorId' | 'code'>[],
  aggregateId?: string,
): string[] => {
  const scope = aggregateId ?? s.id;
  const ids = indicators.map((_, i) => s.sub(`${scope}:indicator:${code}-I${i + 1}`));
  s.run(
    date,
    'DefineIndicator',
    {
      criterionId: s.sub(`${scope}:criterion:${code}`),
      code,
      label,
      indicators: indicators.map((ind, i) => ({ ...ind, indicatorId: ids[i], code: `${code}-I${i + 1}` })),
    },
    aggregateId,
  );
  return ids;
};

export const measure = (s: CooperationScript, date: string, indicatorId: string, start: string, end: string, value: number | string, aggregateId?: string) =>
  s.run(date, 'RecordMeasurement', { indicatorId, period: { start, end }, value }, aggregateId);

export const support = (
  s: CooperationScript,
  date: string,
  kind: SupportKind,
  providerOrganisationId: string | undefined,
  start: string,
  end: string | null,
  description: string,
  aggregateId?: string,
) =>
  s.run(
    date,
    'RecordSupport',
    {
      supportId: s.sub(`support-${s.steps.length}`),
      kind,
      ...(providerOrganisationId ? { providerOrganisationId } : {}),
      period: { start, end },
      description,
    },
    aggregateId,
  );

/** The four evaluation steps of Le Rameau, the lesson (with the essaimage potential) and the fiche. */
export const capitalise = (
  s: CooperationScript,
  date: string,
  summaries: { framework: string; content: string; results: string; outlook: string },
  lesson: string,
  potential: EssaimagePotential,
  aggregateId?: string,
) => {
  s.run(date, 'RecordEvaluation', { step: 'FRAMEWORK', summary: summaries.framework }, aggregateId);
  s.run(date, 'RecordEvaluation', { step: 'CONTENT', summary: summaries.content }, aggregateId);
  s.run(date, 'RecordEvaluation', { step: 'RESULTS', summary: summaries.results }, aggregateId);
  s.run(date, 'RecordEvaluation', { step: 'OUTLOOK', summary: summaries.outlook }, aggregateId);
  s.run(date, 'RecordLesson', { lessonId: s.sub(`lesson-${s.steps.length}`), text: lesson, essaimagePotential: potential }, aggregateId);
  deliver(s, date, 'FICHE_CAPITALISATION', 'Fiche de capitalisation', aggregateId);
};
