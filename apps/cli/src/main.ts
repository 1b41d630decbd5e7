import 'reflect-metadata';
import { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { Pool } from 'pg';
import { endPool, leaveShutdownSignalsToCaller, openDatabase, type DatabaseHandle } from '@maillage/infra';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  copyEventStore,
  eventStoreConfigForUrl,
  EventStoreConfigError,
  FileMigrationProgress,
  formatMigrationProgress,
  migrateEventStore,
  openEventStore,
  readEventStoreConfig,
  redactConnectionString,
  type EventStore,
} from '@maillage/event-store';
import {
  DeadLetterNotFoundError,
  formatProgress,
  listDeadLetters,
  liveBatchIntervalMs,
  migrateProjections,
  PROJECTOR_PROCESS_BATCH_INTERVAL_MS,
  ProjectionRunner,
  projectionStatus,
  rebuildProjection,
  retryDeadLetter,
  skipDeadLetter,
  toProgressBarUpdate,
  type Projection,
} from '@maillage/projections';
import { migrateReadModels, READ_MODEL_PROJECTIONS } from '@maillage/read-models';
import { createApp } from '../../api/src/bootstrap';
import { runDemoSeed } from '../../api/src/demo/demo-seed';
import { progressPrinter } from '../../api/src/progress-printer';

/**
 * Operator commands. They use the same database as `npm start` (the embedded server under .data/,
 * or DATABASE_URL), attaching to a running API's embedded server when there is one.
 */

interface Session {
  database: DatabaseHandle;
  pool: Pool;
  store: EventStore;
  close(): Promise<void>;
}

async function openSession(): Promise<Session> {
  // Settings first: an unknown EVENT_STORE fails before anything starts.
  const storeConfig = readEventStoreConfig(process.env);
  const database = await openDatabase(process.env, (m) => process.stderr.write(`[postgres] ${m}\n`));
  await migrateEventStore(database.url);
  await migrateProjections(database.url);
  await migrateReadModels(database.url);
  const pool = new Pool({ connectionString: database.url, max: 5 });
  let closing = false;
  // Idle clients see the server stop when the session closes the embedded server: expected then.
  pool.on('error', (error) => closing || process.stderr.write(`[database] ${error.message}\n`));
  // EVENT_STORE picks PostgreSQL (this database) or EventStoreDB; checkpoints stay in this database.
  const store = await openEventStore(storeConfig, { postgresUrl: database.url, migrate: false });
  return {
    database,
    pool,
    store,
    async close() {
      closing = true;
      await store.close();
      await endPool(pool);
      await database.close();
    },
  };
}

async function withSession<T>(fn: (s: Session) => Promise<T>): Promise<T> {
  const session = await openSession();
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

function selectProjections(names: string[]): Projection[] {
  if (names.length === 0) return [...READ_MODEL_PROJECTIONS];
  const known = new Map(READ_MODEL_PROJECTIONS.map((p) => [p.name, p]));
  return names.map((name) => {
    const projection = known.get(name);
    if (!projection) throw new UsageError(`Projection inconnue « ${name} ». Connues : ${[...known.keys()].join(', ')}`);
    return projection;
  });
}

class UsageError extends Error {}

const operator = (): string => process.env.USER ?? 'operator';

const program = new Command()
  .name('maillage')
  .description('Commandes d’exploitation de Maillage (projections, données de démonstration)');

const projections = program.command('projections').description('Projections et modèles de lecture');

projections
  .command('status')
  .description('Checkpoint, retard et lettres mortes de chaque projection')
  .option('--json', 'sortie JSON')
  .action(async (options: { json?: boolean }) => {
    await withSession(async ({ pool, store }) => {
      const statuses = await projectionStatus(pool, store, READ_MODEL_PROJECTIONS.map((p) => p.name));
      if (options.json) {
        console.log(JSON.stringify(statuses, null, 2));
        return;
      }
      console.table(
        statuses.map((s) => ({
          projection: s.name,
          état: s.state,
          checkpoint: s.checkpoint ?? '—',
          retard: s.lag,
          'lettres mortes': s.pendingDeadLetters,
          'mis à jour': s.lastUpdated?.toISOString() ?? '—',
          détenteur: s.owner ?? '—',
        })),
      );
    });
  });

projections
  .command('rebuild')
  .description('Reconstruit des projections depuis le premier événement, dans des tables fantômes échangées en une transaction')
  .argument('[names...]', 'projections à reconstruire (toutes par défaut)')
  .action(async (names: string[]) => {
    await withSession(async ({ pool, store }) => {
      for (const projection of selectProjections(names)) {
        const bar = process.stderr.isTTY
          ? new SingleBar(
              { format: '{projection} {phase} [{bar}] {percentage}% | {value}/{total} événements | {rate} | ETA {eta_formatted}', stream: process.stderr },
              Presets.shades_classic,
            )
          : null;
        let started = false;
        let lastLine = 0;
        const result = await rebuildProjection({
          pool,
          store,
          projection,
          requestedBy: operator(),
          onProgress: (p) => {
            if (bar) {
              const u = toProgressBarUpdate(p);
              if (!started) {
                bar.start(u.total, u.value, u.payload);
                started = true;
              }
              bar.setTotal(u.total);
              bar.update(u.value, u.payload);
            } else if (Date.now() - lastLine > 2000 || p.phase !== 'building') {
              lastLine = Date.now();
              process.stderr.write(`${formatProgress(p)}\n`);
            }
          },
        });
        bar?.stop();
        console.log(
          `${result.projection}: ${result.events} événements en ${(result.durationMs / 1000).toFixed(1)} s (${Math.round(result.eventsPerSecond)} év./s)`,
        );
      }
    });
  });

projections
  .command('run')
  .description('Fait tourner les projecteurs dans ce processus (un seul actif par projection ; relève automatique)')
  .action(async () => {
    const session = await openSession();
    const runner = new ProjectionRunner({
      pool: session.pool,
      store: session.store,
      projections: READ_MODEL_PROJECTIONS,
      batchIntervalMs: liveBatchIntervalMs(process.env.MAILLAGE_PROJECTION_BATCH_INTERVAL_MS, PROJECTOR_PROCESS_BATCH_INTERVAL_MS),
      logger: console,
    });
    await runner.start();
    process.stderr.write(`Projecteurs démarrés (${runner.owner}). Ctrl-C pour arrêter.\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
      leaveShutdownSignalsToCaller(); // the runner stops first, then the session's embedded server
    });
    await runner.stop();
    await session.close();
  });

projections
  .command('dead-letters')
  .description('Lettres mortes (événements qu’une projection n’a pas pu appliquer)')
  .argument('[projection]')
  .action(async (projection?: string) => {
    await withSession(async ({ pool }) => {
      const letters = await listDeadLetters(pool, { projection });
      if (letters.length === 0) console.log('Aucune lettre morte.');
      else console.table(letters.map((l) => ({ projection: l.projection, position: l.position, événement: l.eventId, type: l.type, statut: l.status, erreur: l.error.slice(0, 80) })));
    });
  });

for (const [name, decide, verb] of [
  ['skip', skipDeadLetter, 'ignorée'],
  ['retry', retryDeadLetter, 'à réessayer'],
] as const) {
  projections
    .command(name)
    .description(name === 'skip' ? 'Décide d’ignorer une lettre morte (la projection continue après elle)' : 'Réessaie une lettre morte après correction')
    .argument('<projection>')
    .argument('<eventId>')
    .action(async (projection: string, eventId: string) => {
      await withSession(async ({ pool }) => {
        const letter = await decide(pool, projection, eventId, operator());
        console.log(`Lettre morte ${letter.eventId} de ${letter.projection} : ${verb} (décision de ${letter.decidedBy}).`);
      });
    });
}

const events = program.command('events').description('Magasin d’événements');

events
  .command('migrate')
  .description(
    'Copie tous les flux d’un magasin d’événements vers un autre (ordre global, identifiants et métadonnées conservés), avec reprise',
  )
  .option('--from <url>', 'source : postgres://… ou esdb://… (défaut : la base de DATABASE_URL ou la base embarquée)')
  .option('--to <url>', 'cible : esdb://… ou postgres://… (défaut : EVENTSTORE_CONNECTION_STRING)')
  .option('--progress-file <path>', 'fichier de reprise (défaut : .data/event-migration-<source et cible>.json)')
  .option('--page-size <n>', 'événements lus par requête', '1000')
  .option('--stop-after <n>', 's’arrête après n événements (reprise possible)')
  .action(async (options: { from?: string; to?: string; progressFile?: string; pageSize: string; stopAfter?: string }) => {
    const pageSize = Number(options.pageSize);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000) throw new UsageError('--page-size attend un entier entre 1 et 10000.');
    const stopAfter = options.stopAfter === undefined ? undefined : Number(options.stopAfter);
    if (stopAfter !== undefined && (!Number.isInteger(stopAfter) || stopAfter < 1)) throw new UsageError('--stop-after attend un entier positif.');
    const toUrl = options.to ?? process.env.EVENTSTORE_CONNECTION_STRING;
    if (!toUrl) throw new UsageError('Indiquez la cible avec --to (ou EVENTSTORE_CONNECTION_STRING).');
    // Locations checked before anything is opened.
    if (options.from) eventStoreConfigForUrl(options.from);
    eventStoreConfigForUrl(toUrl);
    if (options.from === toUrl) throw new UsageError('La source et la cible sont le même magasin.');
    const database = options.from ? null : await openDatabase(process.env, (m) => process.stderr.write(`[postgres] ${m}\n`));
    const fromUrl = options.from ?? database!.url;
    const closers: (() => Promise<unknown>)[] = [];
    try {
      const open = async (url: string): Promise<EventStore> => {
        const { config, postgresUrl } = eventStoreConfigForUrl(url);
        const store = await openEventStore(config, { postgresUrl: postgresUrl ?? '' });
        closers.unshift(() => store.close());
        return store;
      };
      const [source, target] = [await open(fromUrl), await open(toUrl)];
      const sourceLabel = redactConnectionString(fromUrl);
      const targetLabel = redactConnectionString(toUrl);
      const pair = createHash('sha256').update(`${fromUrl}\n${toUrl}`).digest('hex').slice(0, 12);
      const progress = new FileMigrationProgress(options.progressFile ?? join(process.cwd(), '.data', `event-migration-${pair}.json`));
      process.stderr.write(`Migration ${sourceLabel} → ${targetLabel} (reprise : ${progress.path})\n`);
      const bar = process.stderr.isTTY
        ? new SingleBar(
            { format: 'Événements [{bar}] {percentage}% | {value}/{total} | {rate} év./s | ETA {eta_formatted}', stream: process.stderr },
            Presets.shades_classic,
          )
        : null;
      let started = false;
      let lastLine = 0;
      const result = await copyEventStore({
        source,
        target,
        progress,
        sourceLabel,
        targetLabel,
        pageSize,
        stopAfter,
        onProgress: (p) => {
          if (bar && p.total !== null) {
            if (!started) {
              bar.start(p.total, p.done, { rate: 0 });
              started = true;
            }
            bar.setTotal(p.total);
            bar.update(p.done, { rate: Math.round(p.eventsPerSecond) });
          } else if (!bar && (Date.now() - lastLine > 2000 || p.phase !== 'copying')) {
            lastLine = Date.now();
            process.stderr.write(`${formatMigrationProgress(p)}\n`);
          }
        },
      });
      bar?.stop();
      console.log(
        `${result.copiedThisRun} événements copiés (${result.copied}/${result.total ?? '?'} au total) en ${(result.durationMs / 1000).toFixed(1)} s` +
          (result.complete ? ' : migration terminée.' : ' : interrompue, relancez la même commande pour reprendre.'),
      );
    } finally {
      for (const close of closers) await close().catch(() => undefined);
      await database?.close();
    }
  });

program
  .command('seed')
  .description('Données de démonstration')
  .argument('<what>', '« demo »')
  .option('--synthetic <n>', 'nombre de coopérations synthétiques', '300')
  .option('--force', 'écrire aussi sur une base externe (DATABASE_URL)')
  .action(async (what: string, options: { synthetic: string; force?: boolean }) => {
    if (what !== 'demo') throw new UsageError(`Inconnu : « ${what} » (seul « demo » existe).`);
    if (process.env.DATABASE_URL && !options.force) {
      throw new UsageError('DATABASE_URL est défini : les données de démonstration ne sont écrites sur une base externe qu’avec --force.');
    }
    const synthetic = Number(options.synthetic);
    if (!Number.isInteger(synthetic) || synthetic < 0 || synthetic > 100_000) throw new UsageError('--synthetic attend un entier entre 0 et 100000.');
    // The seed goes through the API's command handlers; projectors stay with the running API.
    process.env.MAILLAGE_PROJECTORS = 'off';
    process.env.NODE_ENV ??= 'production';
    const database = await openDatabase(process.env, (m) => process.stderr.write(`[postgres] ${m}\n`));
    const app = await createApp({ databaseUrl: database.url });
    try {
      const progress = progressPrinter('Données de démonstration');
      const result = await runDemoSeed(app, { synthetic, onProgress: (d, t) => progress.update(d, t) });
      progress.stop();
      console.log(
        `${result.organisations} organisations, ${result.cooperations} coopérations, ${result.commands} commandes (${result.replayed} déjà présentes).`,
      );
    } finally {
      await app.close();
      await database.close();
    }
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof DeadLetterNotFoundError || error instanceof EventStoreConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(`Échec : ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
