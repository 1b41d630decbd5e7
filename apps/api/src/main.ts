import 'reflect-metadata';
import { leaveShutdownSignalsToCaller, openDatabase } from '@maillage/infra';
import { createApp } from './bootstrap';
import { demoAlreadySeeded, runDemoSeed } from './demo/demo-seed';
import { progressPrinter } from './progress-printer';
import type { Pool } from 'pg';
import { PG_POOL } from './database/database.module';
import { seedDemoAccounts } from './auth/demo-accounts';

/**
 * `npm start`: an embedded PostgreSQL under .data/ unless DATABASE_URL is set, then the API.
 * SIGINT/SIGTERM close the API first, then stop the embedded server cleanly.
 */
async function main(): Promise<void> {
  const database = await openDatabase(process.env, (m) => console.log(`[postgres] ${m}`));
  let app: Awaited<ReturnType<typeof createApp>>;
  try {
    app = await createApp({ databaseUrl: database.url });
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`[maillage] ${signal} received, shutting down`);
    await app.close().catch((e: unknown) => console.error(e));
    await database.close().catch((e: unknown) => console.error(e));
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  leaveShutdownSignalsToCaller(); // the embedded server is stopped by `shutdown`, after the app
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  try {
    await app.listen(port, host);
  } catch (error) {
    console.error(`[maillage] cannot listen on ${host}:${port}: ${(error as Error).message}. Set PORT to another port.`);
    await database.close();
    process.exit(1);
  }
  console.log(`[maillage] API ready: http://${host}:${port}/graphql (database: ${database.embedded ? 'embedded PostgreSQL' : 'DATABASE_URL'})`);

  // Demo data only on the embedded default, never on an external DATABASE_URL.
  if (database.embedded && process.env.MAILLAGE_DEMO !== 'off' && !(await demoAlreadySeeded(app))) {
    console.log('[maillage] first start: writing the demo dataset through the command handlers');
    const progress = progressPrinter('[maillage] données de démonstration');
    const result = await runDemoSeed(app, { onProgress: (done, total) => progress.update(done, total) });
    progress.stop();
    console.log(`[maillage] demo dataset ready: ${result.organisations} organisations, ${result.cooperations} cooperations, ${result.commands} commands`);
  }
  // One account per role on the demo (listed in the README); existing e-mails are left alone.
  if (database.embedded && process.env.MAILLAGE_DEMO !== 'off') {
    const created = await seedDemoAccounts(app.get<Pool>(PG_POOL));
    if (created.length) console.log(`[maillage] demo accounts created: ${created.join(', ')}`);
  }
}

main().catch((error: unknown) => {
  console.error(`[maillage] failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
