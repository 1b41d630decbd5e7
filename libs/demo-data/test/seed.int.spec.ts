import { CommandBus } from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { COOPERATION_KINDS, STAGES, evolveCooperation, initialCooperationState, type Cooperation, type CooperationEvent, type CooperationState } from '@maillage/domain';
import type { EventStore } from '@maillage/event-store';
import { createTestDatabase, type TestDatabase } from '@maillage/testing';
import { buildDemoPlan, cooperationIdOf, seedDemo, REAL_COOPERATION_SLUGS, type DemoStep } from '@maillage/demo-data';
import type { Pool } from 'pg';
import { createApp } from '../../../apps/api/src/bootstrap';
import { PG_POOL } from '../../../apps/api/src/database/database.module';
import type { CommandResult } from '../../../apps/api/src/command-side/command-envelope';
import { executeDemoStep } from '../../../apps/api/src/demo/demo-seed';
import { EVENT_STORE } from '../../../apps/api/src/command-side/command-side.module';

jest.setTimeout(300_000);

const SYNTHETIC = 40;
const SEED = 4;

describe('seedDemo through the command handlers (real PostgreSQL)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let store: EventStore;
  let execute: (step: DemoStep) => Promise<CommandResult>;
  const now = new Date();

  beforeAll(async () => {
    db = await createTestDatabase('seed');
    app = await createApp({ databaseUrl: db.url });
    const bus = app.get(CommandBus);
    store = app.get<EventStore>(EVENT_STORE);
    execute = executeDemoStep(bus);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const fold = async (id: string): Promise<Cooperation> => {
    const recorded = await store.readStream(`cooperation-${id}`);
    let state: CooperationState = initialCooperationState();
    for (const e of recorded) state = evolveCooperation(state, { type: e.type, data: e.data, occurredAt: e.occurredAt.toISOString() } as CooperationEvent);
    return state as Cooperation;
  };
  // Counts every committed event (readAll's readable head can lag while another test's transaction is
  // open on the shared server, which made this count flaky).
  const headCount = async () => {
    const { rows } = await app.get<Pool>(PG_POOL).query<{ n: string }>('select count(*) as n from event_store.events');
    return Number(rows[0].n);
  };

  let firstRun: Awaited<ReturnType<typeof seedDemo>>;
  let eventsAfterFirstRun = 0;

  it('runs every command through the handlers without a rejection, reporting progress', async () => {
    const progress: [number, number][] = [];
    firstRun = await seedDemo(execute, { synthetic: SYNTHETIC, seed: SEED, now, onProgress: (d, t) => progress.push([d, t]) });
    const plan = buildDemoPlan({ synthetic: SYNTHETIC, seed: SEED, now });
    expect(firstRun).toMatchObject({ organisations: plan.organisations.length, cooperations: SYNTHETIC + REAL_COOPERATION_SLUGS.length + 1, replayed: 0 });
    expect(progress[0]).toEqual([0, firstRun.commands]);
    expect(progress[progress.length - 1]).toEqual([firstRun.commands, firstRun.commands]);
    eventsAfterFirstRun = await headCount();
    expect(eventsAfterFirstRun).toBeGreaterThan(firstRun.commands);
  });

  it('ends each cooperation in the stage and status its story supports (folded from the stored streams)', async () => {
    const plan = buildDemoPlan({ synthetic: SYNTHETIC, seed: SEED, now });
    const states: Cooperation[] = [];
    for (const coop of plan.cooperations)
      for (const [id, expected] of Object.entries(coop.expected)) {
        const state = await fold(id);
        states.push(state);
        expect({ slug: coop.slug, stage: state.stage, status: state.status }).toEqual({ slug: coop.slug, ...expected });
      }
    expect(new Set(states.map((s) => s.kind))).toEqual(new Set(COOPERATION_KINDS));
    expect(new Set(states.map((s) => s.stage))).toEqual(new Set(STAGES));
    expect(states.some((s) => s.status === 'ABANDONED')).toBe(true);
    expect(states.some((s) => s.status === 'CLOSED')).toBe(true);
  });

  it('stores the real dates and figures of the sources', async () => {
    const petitPlus = await fold(cooperationIdOf('real-gme-le-petit-plus'));
    expect(petitPlus).toMatchObject({ stage: 'CAPITALISATION', status: 'CLOSED', marketOutcome: { startDate: '2016-03-01' } });
    expect(petitPlus.stageHistory.find((h) => h.stage === 'OPERATION')?.enteredAt).toBe('2016-03-01T09:00:00.000Z');
    const ai49 = await fold(cooperationIdOf('real-gme-ai-maine-et-loire'));
    expect(ai49).toMatchObject({ gmeForm: 'SOLIDAIRE', market: { amountExclVat: 170000, durationMonths: 12 } });
    expect(ai49.members).toHaveLength(14);
    const renewed = await fold(cooperationIdOf('real-gme-petit-leroy-2'));
    expect(renewed).toMatchObject({ renewedFrom: cooperationIdOf('real-gme-petit-leroy-1'), stage: 'OPERATION', status: 'ACTIVE' });
    const solicycle = await fold(cooperationIdOf('real-essaimage-solicycle'));
    expect(solicycle.sites).toHaveLength(10);
  });

  it('appends nothing when run a second time', async () => {
    const again = await seedDemo(execute, { synthetic: SYNTHETIC, seed: SEED, now });
    expect(again).toEqual({ ...firstRun, replayed: firstRun.commands });
    expect(await headCount()).toBe(eventsAfterFirstRun);
  });
});
