import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand (data only, no schema change): fills the pre-aggregated dashboard tables created
 * by RegionalStatistics1795431611557 from the read models already projected, so a database
 * projected before them needs no rebuild (the projections keep them up to date from their current
 * checkpoints on). The same GROUP BY as the projections' rebuild step, frozen here; the horizon
 * of a cooperation is taken from its rows (a rebuild may find a later one where a measurement was
 * corrected: the horizon only bounds when the pre-aggregated figures apply). On an empty database
 * it inserts nothing. It recomputes: rows the projections already wrote into these tables (a
 * database that ran RegionalStatistics1795431611557 before this migration existed) are replaced, so
 * it cannot fail on duplicate keys. Never edit once merged (the recompute was added before any
 * deployment ran it).
 */
export class RegionalStatisticsBackfill1795431611558 implements MigrationInterface {
  name = 'RegionalStatisticsBackfill1795431611558';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`delete from regional_activity_statistic`);
    await queryRunner.query(`delete from regional_cooperation_statistic`);
    await queryRunner.query(`delete from cooperation_activity_region`);
    await queryRunner.query(`insert into cooperation_activity_region (cooperation_id, region_code, horizon) select s.id, s.region_code, greatest( (select max(f.granted_at) from cooperation_funding f where f.cooperation_id = s.id), (select max(m.occurred_at) from cooperation_measurement m where m.cooperation_id = s.id), (select max(d.disbursed_on)::timestamp at time zone 'UTC' from cooperation_disbursement d where d.cooperation_id = s.id)) from cooperation_summary s`);
    await queryRunner.query(`insert into regional_cooperation_statistic (region_code, metric, k1, k2, n) select region_code, metric, k1, k2, sum(n) from ( select i.region_code, 'status' as metric, i.status as k1, '' as k2, 1::numeric as n from cooperation_stage_interval i where i.valid_to is null and true union all select i.region_code, 'kind_stage', i.kind, i.stage, 1 from cooperation_stage_interval i where i.valid_to is null and true and i.status = 'ACTIVE' union all select i.region_code, 'departement', d, '', 1 from cooperation_stage_interval i cross join unnest(i.departement_codes) d where i.valid_to is null and true and i.status = 'ACTIVE' union all select i.region_code, 'sector', x, '', 1 from cooperation_stage_interval i join cooperation_summary s on s.id = i.cooperation_id cross join unnest(s.sectors) x where i.valid_to is null and true and i.status = 'ACTIVE' union all select i.region_code, 'abandon', coalesce(s.abandon_reason, ''), '', 1 from cooperation_stage_interval i join cooperation_summary s on s.id = i.cooperation_id where i.status = 'ABANDONED' and true union all select region_code, 'entered', stage, '', 1 from (select distinct cooperation_id, region_code, stage from cooperation_stage_visit where true) a union all select a.region_code, 'reached', a.stage, '', 1 from (select distinct cooperation_id, region_code, stage from cooperation_stage_visit where true) a join (select distinct cooperation_id, region_code, stage from cooperation_stage_visit where true) b on b.cooperation_id = a.cooperation_id join (values ('DECISION','FEASIBILITY'),('FEASIBILITY','LAUNCH'),('LAUNCH','OPERATION'),('OPERATION','CAPITALISATION')) as p(stage, next) on p.stage = a.stage and p.next = b.stage union all select region_code, 'days', stage, floor(days_spent / 10)::int::text, 1 from cooperation_stage_visit where days_spent is not null and true) x group by 1, 2, 3, 4 having sum(n) <> 0`);
    await queryRunner.query(`insert into regional_activity_statistic (region_code, metric, k1, k2, n) select region_code, metric, k1, k2, sum(n) from ( select r.region_code, p.metric, p.k1, p.k2, p.n from ( select cooperation_id, 'fundings' as metric, '' as k1, '' as k2, 1::numeric as n from cooperation_funding where true union all select cooperation_id, 'granted', '', '', coalesce(amount, 0) from cooperation_funding where true union all select distinct cooperation_id, 'funder', funder_organisation_id, '', 1::numeric from cooperation_funding where funder_organisation_id is not null and true union all select distinct cooperation_id, 'funded', '', '', 1::numeric from cooperation_funding where true union all select cooperation_id, 'disbursed', '', '', coalesce(amount, 0) from cooperation_disbursement where true union all select m.cooperation_id, 'ins_total', ind.standard, extract(year from m.period_start)::int::text, m.value_number from cooperation_measurement m join cooperation_indicator ind on ind.cooperation_id = m.cooperation_id and ind.indicator_id = m.indicator_id where ind.standard is not null and m.value_number is not null and true union all select distinct m.cooperation_id, 'ins_coops', ind.standard, extract(year from m.period_start)::int::text, 1::numeric from cooperation_measurement m join cooperation_indicator ind on ind.cooperation_id = m.cooperation_id and ind.indicator_id = m.indicator_id where ind.standard is not null and m.value_number is not null and true ) p join cooperation_activity_region r on r.cooperation_id = p.cooperation_id where r.region_code is not null) x group by 1, 2, 3, 4 having sum(n) <> 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`delete from regional_activity_statistic`);
    await queryRunner.query(`delete from regional_cooperation_statistic`);
    await queryRunner.query(`delete from cooperation_activity_region`);
  }
}
