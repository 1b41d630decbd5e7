import { OrganisationEntity } from './organisation.entity';
import { CooperationSummaryEntity } from './cooperation-summary.entity';
import {
  CooperationShareholdingEntity,
  CooperationStageIntervalEntity,
  CooperationStageVisitEntity,
} from './cooperation-stage.entities';
import {
  CooperationDeliverableEntity,
  CooperationDisbursementEntity,
  CooperationFundingEntity,
  CooperationIndicatorEntity,
  CooperationMarketEntity,
  CooperationMeasurementEntity,
  CooperationSupportEntity,
  CooperationWaiverEntity,
} from './cooperation-detail.entities';
import {
  CooperationActivityRegionEntity,
  RegionalActivityStatisticEntity,
  RegionalCooperationStatisticEntity,
} from './regional-statistic.entities';

export * from './organisation.entity';
export * from './cooperation-summary.entity';
export * from './cooperation-stage.entities';
export * from './cooperation-detail.entities';
export * from './regional-statistic.entities';

/** Every read-model entity: the migrations must describe exactly these. */
export const READ_MODEL_ENTITIES = [
  OrganisationEntity,
  CooperationSummaryEntity,
  CooperationStageIntervalEntity,
  CooperationStageVisitEntity,
  CooperationShareholdingEntity,
  CooperationMarketEntity,
  CooperationDeliverableEntity,
  CooperationWaiverEntity,
  CooperationSupportEntity,
  CooperationFundingEntity,
  CooperationDisbursementEntity,
  CooperationIndicatorEntity,
  CooperationMeasurementEntity,
  RegionalCooperationStatisticEntity,
  RegionalActivityStatisticEntity,
  CooperationActivityRegionEntity,
];
