import type { Pool } from 'pg';
import type { EventStore } from '@maillage/event-store';
import { cooperationStreamName } from '@maillage/domain';
import { territoryRegion, type CooperationFacts } from './activity-feed';

interface SummaryRow {
  id: string;
  name: string;
  kind: string;
  stage: string;
  status: string;
  region_code: string;
}

/**
 * Facts about cooperations for the notifications of one batch: one query on cooperation_summary
 * (already caught up with the batch). A cooperation the read model lacks (its projection is
 * blocked on a dead letter) falls back to its stream, so regional subscribers still get its events.
 */
export async function describeCooperations(
  pool: Pick<Pool, 'query'>,
  store: Pick<EventStore, 'readStream'>,
  ids: readonly string[],
): Promise<Map<string, CooperationFacts>> {
  const facts = new Map<string, CooperationFacts>();
  if (!ids.length) return facts;
  const { rows } = await pool.query<SummaryRow>(
    `select id, name, kind, stage, status, region_code from cooperation_summary where id = any($1::text[])`,
    [ids],
  );
  for (const r of rows) facts.set(r.id, { regionCode: r.region_code, name: r.name, kind: r.kind, stage: r.stage, status: r.status });
  for (const id of ids) {
    if (facts.has(id)) continue;
    const events = await store.readStream(cooperationStreamName(id));
    const proposed = events.find((e) => e.type === 'CooperationProposed')?.data as { name?: string; kind?: string } | undefined;
    const regionCode = events.map(territoryRegion).filter((c) => c !== null).pop() ?? null;
    facts.set(id, { regionCode, name: proposed?.name ?? null, kind: proposed?.kind ?? null, stage: null, status: null });
  }
  return facts;
}
