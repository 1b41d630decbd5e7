import {
  abandonReasonLabelsFr,
  closeOutcomeLabelsFr,
  cooperationEventLabelsFr,
  cooperationKindLabelsFr,
  cooperationStatusLabelsFr,
  findDepartement,
  findRegion,
  indicatorNatureLabelsFr,
  sectorLabelsFr,
  stageLabelsFr,
  standardIndicatorLabelsFr,
} from '@maillage/domain';
import type { Queryable } from '@maillage/read-models';
import { parisDate, type ExportColumn, type ExportSheet } from './export-format';
import type { ExportFilter } from './export-filter';
import {
  cooperationPages,
  indicatorPages,
  stageVisitPages,
  type CooperationRow,
  type IndicatorRow,
  type StageVisitRow,
} from './export-queries';

const label = (labels: Record<string, string>, value: string | null): string | null =>
  value === null ? null : (labels[value] ?? value);
const regionName = (code: string): string => findRegion(code)?.name ?? code;
const departements = (codes: string[]): string =>
  codes.map((code) => `${findDepartement(code)?.name ?? code} (${code})`).join(', ');

/** How a stage visit began or ended (the visits' `entered_via` / `exited_via`). */
const VISIT_VIA: Record<string, string> = {
  PROPOSED: cooperationEventLabelsFr.CooperationProposed,
  ADVANCED: cooperationEventLabelsFr.CooperationStageAdvanced,
  REOPENED: cooperationEventLabelsFr.CooperationStageReopened,
  ABANDONED: cooperationEventLabelsFr.CooperationAbandoned,
  CLOSED: cooperationEventLabelsFr.CooperationClosed,
};

/** The columns that name a cooperation, first in every export (the identifier joins the files). */
const cooperationColumns = <R>(of: (row: R) => CooperationRow): ExportColumn<R>[] => [
  { header: 'Identifiant', width: 38, kind: 'text', value: (r) => of(r).id },
  { header: 'Nom', width: 40, kind: 'text', value: (r) => of(r).name },
  {
    header: 'Type de coopération',
    width: 30,
    kind: 'text',
    value: (r) => label(cooperationKindLabelsFr, of(r).kind),
  },
  { header: 'Région', width: 22, kind: 'text', value: (r) => regionName(of(r).region_code) },
];

export const cooperationsSheet: ExportSheet<CooperationRow> = {
  sheetName: 'Coopérations',
  columns: [
    ...cooperationColumns((r: CooperationRow) => r),
    { header: 'Départements', width: 30, kind: 'text', value: (r) => departements(r.departement_codes) },
    {
      header: 'Secteurs',
      width: 30,
      kind: 'text',
      value: (r) => r.sectors.map((s) => label(sectorLabelsFr, s)).join(', '),
    },
    { header: 'Étape', width: 16, kind: 'text', value: (r) => label(stageLabelsFr, r.stage) },
    { header: 'Statut', width: 12, kind: 'text', value: (r) => label(cooperationStatusLabelsFr, r.status) },
    { header: 'Proposée le', width: 13, kind: 'date', value: (r) => parisDate(r.proposed_at) },
    { header: "Entrée dans l'étape", width: 13, kind: 'date', value: (r) => parisDate(r.stage_entered_at) },
    { header: 'Dernière activité', width: 13, kind: 'date', value: (r) => r.last_activity },
    { header: 'Clôturée ou abandonnée le', width: 13, kind: 'date', value: (r) => parisDate(r.ended_at) },
    {
      header: "Motif d'abandon",
      width: 30,
      kind: 'text',
      value: (r) => label(abandonReasonLabelsFr, r.abandon_reason),
    },
    {
      header: 'Issue de la clôture',
      width: 24,
      kind: 'text',
      value: (r) => label(closeOutcomeLabelsFr, r.close_outcome),
    },
    { header: 'Structure porteuse', width: 30, kind: 'text', value: (r) => r.lead_name },
    { header: 'Mandataire', width: 30, kind: 'text', value: (r) => r.mandataire_name },
    { header: 'Nombre de membres', width: 10, kind: 'integer', value: (r) => r.member_count },
    { header: 'Membres', width: 60, kind: 'text', value: (r) => r.member_names },
    { header: 'Financeurs', width: 30, kind: 'text', value: (r) => r.funder_names },
    { header: 'Montant accordé (€)', width: 16, kind: 'amount', value: (r) => r.granted ?? 0 },
    { header: 'Montant versé (€)', width: 16, kind: 'amount', value: (r) => r.disbursed ?? 0 },
    { header: 'Dérogations', width: 12, kind: 'integer', value: (r) => Number(r.waivers) },
  ],
};

export const stageHistorySheet: ExportSheet<StageVisitRow> = {
  sheetName: 'Historique des étapes',
  columns: [
    ...cooperationColumns((r: StageVisitRow) => r.cooperation),
    { header: 'Passage n°', width: 10, kind: 'integer', value: (r) => r.visit },
    { header: 'Étape', width: 16, kind: 'text', value: (r) => label(stageLabelsFr, r.stage) },
    { header: "Entrée dans l'étape", width: 13, kind: 'date', value: (r) => parisDate(r.entered_at) },
    { header: 'Motif de l’entrée', width: 28, kind: 'text', value: (r) => label(VISIT_VIA, r.entered_via) },
    { header: "Sortie de l'étape", width: 13, kind: 'date', value: (r) => parisDate(r.exited_at) },
    { header: 'Motif de la sortie', width: 28, kind: 'text', value: (r) => label(VISIT_VIA, r.exited_via) },
    { header: "Durée dans l'étape (jours)", width: 14, kind: 'number', value: (r) => r.days_spent },
    {
      header: 'Statut actuel',
      width: 12,
      kind: 'text',
      value: (r) => label(cooperationStatusLabelsFr, r.cooperation.status),
    },
  ],
};

/** value / target in %, for a quantitative indicator with a positive numeric target. */
const attainment = (r: IndicatorRow): number | null => {
  if (r.nature !== 'QUANTITATIVE' || typeof r.target !== 'number' || r.target <= 0 || r.value_number === null)
    return null;
  return Math.round((Number(r.value_number) / r.target) * 1000) / 10;
};

export const indicatorsSheet: ExportSheet<IndicatorRow> = {
  sheetName: 'Indicateurs',
  columns: [
    ...cooperationColumns((r: IndicatorRow) => r.cooperation),
    { header: 'Étape', width: 16, kind: 'text', value: (r) => label(stageLabelsFr, r.cooperation.stage) },
    { header: 'Code du critère', width: 10, kind: 'text', value: (r) => r.criterion_code },
    { header: 'Critère', width: 30, kind: 'text', value: (r) => r.criterion_label },
    { header: "Code de l'indicateur", width: 12, kind: 'text', value: (r) => r.code },
    { header: 'Indicateur', width: 36, kind: 'text', value: (r) => r.label },
    {
      header: 'Indicateur standard IAE',
      width: 30,
      kind: 'text',
      value: (r) => label(standardIndicatorLabelsFr, r.standard),
    },
    { header: 'Nature', width: 13, kind: 'text', value: (r) => label(indicatorNatureLabelsFr, r.nature) },
    { header: 'Unité', width: 12, kind: 'text', value: (r) => r.unit },
    { header: 'Cible', width: 14, kind: 'auto', value: (r) => r.target },
    { header: 'Début de période', width: 13, kind: 'date', value: (r) => r.period_start },
    { header: 'Fin de période', width: 13, kind: 'date', value: (r) => r.period_end },
    { header: 'Valeur', width: 14, kind: 'number', value: (r) => r.value_number },
    { header: 'Valeur qualitative', width: 36, kind: 'text', value: (r) => r.value_text },
    { header: 'Atteinte de la cible (%)', width: 12, kind: 'percent', value: attainment },
    { header: 'Mesure du', width: 13, kind: 'date', value: (r) => parisDate(r.measured_at) },
  ],
};

export interface ExportDataset<R> {
  /** Used in the file name: maillage-<slug>-<région>-<date>.<ext>. */
  slug: string;
  sheet: ExportSheet<R>;
  pages: (
    db: Queryable,
    filter: ExportFilter,
    options: { pageSize: number; asOf: Date },
  ) => AsyncGenerator<R[]>;
}

export const EXPORT_DATASETS = {
  cooperations: {
    slug: 'cooperations',
    sheet: cooperationsSheet,
    pages: (db, filter, options) => cooperationPages(db, filter, { ...options, stageOnCooperation: true }),
  } satisfies ExportDataset<CooperationRow>,
  'stage-history': {
    slug: 'historique-etapes',
    sheet: stageHistorySheet,
    pages: (db, filter, options) => stageVisitPages(db, filter, { ...options, stageOnCooperation: false }),
  } satisfies ExportDataset<StageVisitRow>,
  indicators: {
    slug: 'indicateurs',
    sheet: indicatorsSheet,
    pages: (db, filter, options) => indicatorPages(db, filter, { ...options, stageOnCooperation: true }),
  } satisfies ExportDataset<IndicatorRow>,
};
export type ExportDatasetName = keyof typeof EXPORT_DATASETS;
