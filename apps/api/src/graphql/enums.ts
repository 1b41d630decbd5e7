import { registerEnumType } from '@nestjs/graphql';
import * as D from '@maillage/domain';

/**
 * GraphQL enums generated from the domain's lists, with the French label as each value's
 * description (the console and exports show labels; identifiers stay English).
 */
function domainEnum<T extends string>(name: string, values: readonly T[], labels: Record<T, string>, description: string): Record<T, T> {
  const enumObject = Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;
  registerEnumType(enumObject, {
    name,
    description,
    valuesMap: Object.fromEntries(values.map((v) => [v, { description: labels[v] }])) as Partial<Record<T, { description: string }>>,
  });
  return enumObject;
}

export const CooperationKindEnum = domainEnum('CooperationKind', D.COOPERATION_KINDS, D.cooperationKindLabelsFr, 'Kind of cooperation.');
export const StageEnum = domainEnum('Stage', D.STAGES, D.stageLabelsFr, 'Stage of the lifecycle, from decision to capitalisation.');
export const CooperationStatusEnum = domainEnum('CooperationStatus', D.COOPERATION_STATUSES, D.cooperationStatusLabelsFr, 'Whether a cooperation runs, was closed or abandoned.');
export const ObjectiveEnum = domainEnum('Objective', D.OBJECTIVES, D.objectiveLabelsFr, 'Objective of a cooperation.');
export const SectorEnum = domainEnum('Sector', D.SECTORS, D.sectorLabelsFr, 'Sector of activity.');
export const MemberRoleEnum = domainEnum('MemberRole', D.MEMBER_ROLES, D.memberRoleLabelsFr, 'Role of a member organisation.');
export const OrganisationKindEnum = domainEnum('OrganisationKind', D.ORGANISATION_KINDS, D.organisationKindLabelsFr, 'Kind of organisation.');
export const GmeFormEnum = domainEnum('GmeForm', D.GME_FORMS, D.gmeFormLabelsFr, 'Form of a GME.');
export const MarketProcedureEnum = domainEnum('MarketProcedure', D.MARKET_PROCEDURES, D.marketProcedureLabelsFr, 'Procedure of a public or private contract.');
export const MarketOutcomeEnum = domainEnum('MarketOutcome', D.MARKET_OUTCOMES, D.marketOutcomeLabelsFr, 'Outcome of a tender.');
export const ShareholdingPhaseEnum = domainEnum('ShareholdingPhase', D.SHAREHOLDING_PHASES, D.shareholdingPhaseLabelsFr, 'Planned or final shareholding of a JVS.');
export const EssaimageStrategyEnum = domainEnum('EssaimageStrategy', D.ESSAIMAGE_STRATEGIES, D.essaimageStrategyLabelsFr, 'Essaimage strategy.');
export const DeliverableKindEnum = domainEnum('DeliverableKind', D.DELIVERABLE_KINDS, D.deliverableKindLabelsFr, 'Kind of deliverable (livrable).');
export const AbandonReasonEnum = domainEnum('AbandonReason', D.ABANDON_REASONS, D.abandonReasonLabelsFr, 'Why a cooperation was abandoned.');
export const CloseOutcomeEnum = domainEnum('CloseOutcome', D.CLOSE_OUTCOMES, D.closeOutcomeLabelsFr, 'How a cooperation ended.');
export const FundingRequestStatusEnum = domainEnum(
  'FundingRequestStatus',
  D.FUNDING_REQUEST_STATUSES,
  D.fundingRequestStatusLabelsFr,
  'What became of a request to a funder: open, withdrawn by the cooperation, declined by the funder, or granted.',
);
export const SupportKindEnum = domainEnum('SupportKind', D.SUPPORT_KINDS, D.supportKindLabelsFr, 'Kind of support (accompagnement).');
export const IndicatorNatureEnum = domainEnum('IndicatorNature', D.INDICATOR_NATURES, D.indicatorNatureLabelsFr, 'Quantitative or qualitative indicator.');
export const StandardIndicatorEnum = domainEnum('StandardIndicator', D.STANDARD_INDICATORS, D.standardIndicatorLabelsFr, 'Standard IAE indicator.');
export const EvaluationStepEnum = domainEnum('EvaluationStep', D.EVALUATION_STEPS, D.evaluationStepLabelsFr, 'Step of the partnership evaluation (Le Rameau).');
export const EssaimagePotentialEnum = domainEnum('EssaimagePotential', D.ESSAIMAGE_POTENTIALS, D.essaimagePotentialLabelsFr, 'Whether the cooperation could be duplicated.');
