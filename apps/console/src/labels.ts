/** French labels come from the domain (one source for the API, the exports and the console). */
export {
  abandonReasonLabelsFr,
  closeOutcomeLabelsFr,
  cooperationKindLabelsFr,
  cooperationStatusLabelsFr,
  deliverableKindLabelsFr,
  essaimageStrategyLabelsFr,
  evaluationStepLabelsFr,
  essaimagePotentialLabelsFr,
  gmeFormLabelsFr,
  marketOutcomeLabelsFr,
  marketProcedureLabelsFr,
  memberRoleLabelsFr,
  objectiveLabelsFr,
  organisationKindLabelsFr,
  sectorLabelsFr,
  shareholdingPhaseLabelsFr,
  stageLabelsFr,
  standardIndicatorLabelsFr,
  supportKindLabelsFr,
  MANDATAIRE_LABEL_FR,
} from '@maillage/domain/labels/labels.fr';
export {
  ROLES_BY_KIND,
  ABANDON_REASONS,
  CLOSE_OUTCOMES,
  DELIVERABLE_KINDS,
  ESSAIMAGE_STRATEGIES,
  ESSAIMAGE_POTENTIALS,
  EVALUATION_STEPS,
  GME_FORMS,
  MARKET_PROCEDURES,
  OBJECTIVES,
  SECTORS,
  STAGES,
  SUPPORT_KINDS,
  COOPERATION_KINDS as KINDS,
  STANDARD_INDICATORS,
  STANDARD_INDICATOR_UNITS,
} from '@maillage/domain/cooperation/cooperation.types';
export { closeOutcomesAt } from '@maillage/domain/cooperation/cooperation.closing';
export { ORGANISATION_KINDS, ESS_BY_DEFAULT_KINDS } from '@maillage/domain/organisation/organisation.types';
export type { OrganisationKind } from '@maillage/domain/organisation/organisation.types';
import type { CooperationKind } from '@maillage/domain/cooperation/cooperation.types';
export type {
  AbandonReason,
  CloseOutcome,
  CooperationKind,
  DeliverableKind,
  EssaimageStrategy,
  GmeForm,
  MarketProcedure,
  MemberRole,
  Objective,
  Sector,
  Stage,
} from '@maillage/domain/cooperation/cooperation.types';

/** Short names of the kinds, for tight places (charts, badges). */
export const kindShortFr: Record<CooperationKind, string> = {
  GME: 'GME',
  GIE: 'GIE',
  GES: 'GES',
  PTCE: 'PTCE',
  JVS: 'JVS',
  ESSAIMAGE: 'Essaimage',
};
