import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The SIRET each organisation holds (see SiretRegistry), filled from the PostgreSQL event store's
 * organisation events when there is one: the last SIRET each organisation was given, the first
 * organisation to take a SIRET keeping it if two had it.
 */
export class OrganisationSirets1732360000003 implements MigrationInterface {
  name = 'OrganisationSirets1732360000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table organisation_sirets (
        siret text primary key,
        organisation_id text not null,
        claimed_at timestamptz not null default now()
      )`);
    await q.query('create index organisation_sirets_organisation on organisation_sirets (organisation_id)');
    const [{ present }] = (await q.query("select to_regclass('event_store.events') is not null as present")) as { present: boolean }[];
    if (!present) return; // another event store (EventStoreDB): SIRETs are claimed from now on
    await q.query(`
      with sets as (
        select stream_id, global_position,
               case when type = 'OrganisationRegistered' then data->>'siret' else data->'changes'->>'siret' end as siret
          from event_store.events
         where stream_id like 'organisation-%'
           and (type = 'OrganisationRegistered' or (type = 'OrganisationUpdated' and data->'changes' ? 'siret'))
      ), latest as (
        select distinct on (stream_id) stream_id, global_position, siret from sets order by stream_id, global_position desc
      )
      insert into organisation_sirets (siret, organisation_id)
      select siret, substr(stream_id, length('organisation-') + 1) from latest where siret is not null
       order by global_position
      on conflict (siret) do nothing`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table organisation_sirets');
  }
}
