import { ReadModels1795418785771 } from './1795418785771-read-models';
import { RegionalStatistics1795431611557 } from './1795431611557-regional-statistics';
import { RegionalStatisticsBackfill1795431611558 } from './1795431611558-regional-statistics-backfill';
import { StalledIndex1795435735427 } from './1795435735427-stalled-index';
import { StalledDaysBackfill1795435735428 } from './1795435735428-stalled-days-backfill';
import { StatisticScale1795440000000 } from './1795440000000-statistic-scale';
import { StageMedians1795450000000 } from './1795450000000-stage-medians';
import { CompactSummaryState1795460000000 } from './1795460000000-compact-summary-state';
import { StalledOldestFirst1795470000000 } from './1795470000000-stalled-oldest-first';
import { SolicitedFunders1795577539557 } from './1795577539557-solicited-funders';

/** Generated, timestamped migrations, in order. Never edit one once merged: generate a new one. */
export const READ_MODEL_MIGRATIONS = [ReadModels1795418785771, RegionalStatistics1795431611557, RegionalStatisticsBackfill1795431611558, StalledIndex1795435735427, StalledDaysBackfill1795435735428, StatisticScale1795440000000, StageMedians1795450000000, CompactSummaryState1795460000000, StalledOldestFirst1795470000000, SolicitedFunders1795577539557];
export const READ_MODEL_MIGRATIONS_TABLE = 'read_model_migrations';
