import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand (data only, no schema change): compacts the folded state of summary rows
 * projected before the summary kept a compact state (`compactSummaryState`): the first
 * measurement, and the first deliverable of each kind in the order they were recorded. The rows
 * are then what the projection, or a rebuild, writes from the same events. Rows already compact are
 * not touched. Never edit once merged.
 *
 * `down` does nothing: the dropped entries are in the event store and in cooperation_measurement
 * and cooperation_deliverable, and no derived column changes.
 */
export class CompactSummaryState1795460000000 implements MigrationInterface {
  name = 'CompactSummaryState1795460000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `with kept as (
         select s.id,
                case when jsonb_array_length(s.state -> 'measurements') > 1
                     then jsonb_build_array(s.state -> 'measurements' -> 0)
                     else s.state -> 'measurements' end as measurements,
                (select coalesce(jsonb_agg(f.d order by f.i), '[]'::jsonb)
                   from (select distinct on (e.d ->> 'kind') e.d, e.i
                           from jsonb_array_elements(s.state -> 'deliverables') with ordinality as e(d, i)
                          order by e.d ->> 'kind', e.i) f) as deliverables
           from cooperation_summary s
          where jsonb_array_length(s.state -> 'measurements') > 1
             or jsonb_array_length(s.state -> 'deliverables') >
                (select count(distinct e.d ->> 'kind') from jsonb_array_elements(s.state -> 'deliverables') as e(d)))
       update cooperation_summary s
          set state = jsonb_set(jsonb_set(s.state, '{measurements}', kept.measurements), '{deliverables}', kept.deliverables)
         from kept
        where kept.id = s.id`,
    );
  }

  async down(): Promise<void> {
    // Nothing to restore (see above).
  }
}
