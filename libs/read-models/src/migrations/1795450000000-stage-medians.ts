import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand (data only, no schema change): the regional dashboard's median days per stage are
 * now kept by the cooperations projection as rows of regional_cooperation_statistic (metric
 * 'median', k1 the stage, k2 the two middle visits' days "lo hi", n the visit count; see
 * stageMediansSql), instead of being looked up in cooperation_stage_visit by every dashboard
 * computation. This fills them from the visits and the days histogram already projected, so a
 * database projected before needs no rebuild. The projection's statement, frozen here. Never edit
 * once merged.
 */
export class StageMedians1795450000000 implements MigrationInterface {
  name = 'StageMedians1795450000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`delete from regional_cooperation_statistic where metric = 'median'`);
    await queryRunner.query(`insert into regional_cooperation_statistic (region_code, metric, k1, k2, n) with h as ( select region_code, k1 as stage, k2::int as b, n::bigint as n from regional_cooperation_statistic where metric = 'days' and true), c as ( select region_code, stage, b, n, (sum(n) over (partition by region_code, stage order by b))::bigint - n as before, (sum(n) over (partition by region_code, stage))::bigint as total from h), p as (select distinct region_code, stage, total, (total - 1) / 2 as lo, total / 2 as hi from c) select p.region_code, 'median', p.stage, x.v[1]::text || ' ' || x.v[1 + (p.hi - p.lo)::int]::text, p.total from p join c on c.region_code = p.region_code and c.stage = p.stage and p.lo >= c.before and p.lo < c.before + c.n cross join lateral ( select array_agg(days_spent order by days_spent) as v from ( select days_spent from cooperation_stage_visit where region_code = c.region_code and stage = c.stage and days_spent >= c.b * 10 order by days_spent offset p.lo - c.before limit 2) y) x`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`delete from regional_cooperation_statistic where metric = 'median'`);
  }
}
