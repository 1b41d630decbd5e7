import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import {
  cooperationStreamName,
  decideCooperation,
  evolveCooperation,
  initialCooperationState,
  organisationStreamName,
  type CooperationCommand,
  type CooperationState,
  type OrganisationRef,
} from '@maillage/domain';
import { NO_STREAM, PostgresEventStore, type RecordedEvent } from '@maillage/event-store';
import type { Projection } from '@maillage/projections';
import { createTestDatabase, type TestDatabase } from '@maillage/testing';
import { migrateReadModels, READ_MODEL_PROJECTIONS } from '@maillage/read-models';

export const NOW = '2026-11-01T00:00:00.000Z';
export const at = (date: string) => (date.length === 10 ? `${date}T09:00:00.000Z` : date);

/** A real database with the event store and the read models, and a writer that goes through the decider. */
export class Harness {
  readonly pool: Pool;
  private readonly states = new Map<string, { state: CooperationState; version: number }>();
  private position: string | null = null;
  private n = 0;

  private constructor(
    readonly db: TestDatabase,
    readonly store: PostgresEventStore,
  ) {
    this.pool = new Pool({ connectionString: db.url, max: 4 });
  }

  static async create(prefix: string): Promise<Harness> {
    const db = await createTestDatabase(prefix);
    const store = await PostgresEventStore.open({ url: db.url });
    await migrateReadModels(db.url);
    return new Harness(db, store);
  }

  async close(): Promise<void> {
    await this.store.close();
    await this.pool.end();
    await this.db.drop();
  }

  /** Decides a command on the cooperation's current state and appends the events. */
  async run(cooperationId: string, date: string, command: CooperationCommand): Promise<void> {
    const current = this.states.get(cooperationId) ?? { state: initialCooperationState(), version: 0 };
    const occurredAt = at(date);
    const events = decideCooperation(command, current.state, { now: NOW, occurredAt, newId: () => `${cooperationId}-${++this.n}` });
    await this.store.appendToStream(
      cooperationStreamName(cooperationId),
      events.map((e) => ({ eventId: randomUUID(), type: e.type, data: e.data, occurredAt: new Date(e.occurredAt) })),
      { expectedVersion: current.version === 0 ? NO_STREAM : current.version },
    );
    this.states.set(cooperationId, {
      state: events.reduce(evolveCooperation, current.state),
      version: current.version + events.length,
    });
  }

  async registerOrganisation(org: OrganisationRef & { name: string; regionCode: string; departementCode: string }, date: string) {
    await this.store.appendToStream(organisationStreamName(org.id), [
      {
        eventId: randomUUID(),
        type: 'OrganisationRegistered',
        data: {
          organisationId: org.id,
          name: org.name,
          siret: null,
          kind: org.kind,
          ess: org.ess ?? true,
          regionCode: org.regionCode,
          departementCode: org.departementCode,
          networkIds: [],
        },
        occurredAt: new Date(at(date)),
      },
    ]);
  }

  /** Simulates late recording: sets recorded_at of a stream's events from a version on. */
  async setRecordedAt(cooperationId: string, fromVersion: number, recordedAt: string): Promise<void> {
    await this.pool.query(
      `update event_store.events set recorded_at = $3 where stream_id = $1 and stream_version >= $2`,
      [cooperationStreamName(cooperationId), fromVersion, recordedAt],
    );
  }

  version(cooperationId: string): number {
    return this.states.get(cooperationId)?.version ?? 0;
  }

  /** Applies every new event to the projections, one transaction per projection and batch. */
  async project(projections: readonly Projection[] = READ_MODEL_PROJECTIONS, batchSize = 7): Promise<RecordedEvent[]> {
    const all: RecordedEvent[] = [];
    // Everything committed so far: readAll may not reach it at once while another test's
    // transaction is open on the shared server, so wait for it rather than stop early.
    const target = await this.store.lastCommittedPosition();
    for (;;) {
      const { events } = await this.store.readAll({ after: this.position, limit: batchSize });
      if (!events.length) {
        if (this.position === target) return all;
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      for (const projection of projections) {
        const types = projection.eventTypes ? new Set(projection.eventTypes) : null;
        const relevant = events.filter((e) => !types || types.has(e.type));
        if (!relevant.length) continue;
        const client = await this.pool.connect();
        try {
          await client.query('begin');
          await projection.applyBatch(relevant, { client, table: (t) => t, rebuilding: false });
          await client.query('commit');
        } catch (error) {
          await client.query('rollback');
          throw error;
        } finally {
          client.release();
        }
      }
      all.push(...events);
      this.position = events[events.length - 1].globalPosition;
    }
  }
}

export const o = (id: string, kind: OrganisationRef['kind'], ess?: boolean): OrganisationRef => (ess === undefined ? { id, kind } : { id, kind, ess });
export const propose = (data: Extract<CooperationCommand, { type: 'ProposeCooperation' }>['data']): CooperationCommand => ({ type: 'ProposeCooperation', data });
export const add = (organisation: OrganisationRef): CooperationCommand => ({ type: 'AddMember', data: { organisation } });
export const deliver = (kind: Extract<CooperationCommand, { type: 'RecordDeliverable' }>['data']['kind']): CooperationCommand => ({ type: 'RecordDeliverable', data: { kind } });
export const advance: CooperationCommand = { type: 'AdvanceStage', data: {} };
