import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Pool } from 'pg';
import { seedDemo, type DemoStep, type SeedDemoResult } from '@maillage/demo-data';
import { PG_POOL } from '../database/database.module';
import { cooperationCommand, organisationCommand, type CommandResult } from '../command-side/command-envelope';

const SETTING = 'demo_seed';

export interface DemoSeedOptions {
  synthetic?: number;
  onProgress?: (done: number, total: number) => void;
}

/** The bus message of a demo step: a system command with the step's actor, date and idempotency key. */
export const demoStepMessage = (step: DemoStep) => {
  const meta = { caller: 'system' as const, actor: step.actor, occurredAt: step.occurredAt, idempotencyKey: step.idempotencyKey };
  return step.aggregate === 'organisation'
    ? organisationCommand(step.aggregateId, step.command, meta)
    : cooperationCommand(step.aggregateId, step.command, meta);
};

/** Sends demo steps through the application's command bus (what `seedDemo` needs). */
export const executeDemoStep =
  (bus: CommandBus) =>
  (step: DemoStep): Promise<CommandResult> =>
    bus.execute(demoStepMessage(step));

/**
 * Writes the demo dataset through the command handlers. Every command has an idempotency key, so an
 * interrupted seed simply runs again; the completed seed is recorded in app_settings.
 */
export async function runDemoSeed(app: INestApplicationContext, options: DemoSeedOptions = {}): Promise<SeedDemoResult> {
  const bus = app.get(CommandBus);
  const result = await seedDemo(executeDemoStep(bus), {
    synthetic: options.synthetic,
    now: new Date(),
    onProgress: options.onProgress,
  });
  await app.get<Pool>(PG_POOL).query(
    `insert into app_settings (key, value) values ($1, $2)
     on conflict (key) do update set value = excluded.value, updated_at = now()`,
    [SETTING, JSON.stringify({ ...result, seededAt: new Date().toISOString() })],
  );
  return result;
}

export async function demoAlreadySeeded(app: INestApplicationContext): Promise<boolean> {
  const { rowCount } = await app.get<Pool>(PG_POOL).query('select 1 from app_settings where key = $1', [SETTING]);
  return (rowCount ?? 0) > 0;
}
