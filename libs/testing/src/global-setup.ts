import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres, type RunningPostgres } from '../../../infra/postgres/src/embedded-postgres';

declare global {
  var __MAILLAGE_TEST_PG__: { server: RunningPostgres; dataDir: string } | undefined;
}

const ROOT = path.resolve(__dirname, '../../../.data/test-postgres');

/**
 * Starts one real embedded PostgreSQL for this test run (tuned for throwaway data); each test file
 * creates its own database with `createTestDatabase`. Every run has its own cluster under
 * .data/test-postgres/<pid>, so concurrent runs never stop each other's server; clusters left by
 * killed runs are stopped and removed first. TEST_PG_ADMIN_URL points the tests at an external
 * server instead.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_PG_ADMIN_URL) return;
  await removeClustersOfDeadRuns();
  const dataDir = path.join(ROOT, String(process.pid));
  const server = await startEmbeddedPostgres({
    dataDir,
    settings: {
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: '300',
      shared_buffers: '256MB',
    },
    onProgress: (m) => process.stderr.write(`[test-postgres] ${m}\n`),
  });
  process.env.TEST_PG_ADMIN_URL = server.adminUrl;
  globalThis.__MAILLAGE_TEST_PG__ = { server, dataDir };
}

async function removeClustersOfDeadRuns(): Promise<void> {
  if (!existsSync(ROOT)) return;
  for (const name of readdirSync(ROOT)) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || isAlive(pid)) continue;
    const dir = path.join(ROOT, name);
    const pidFile = path.join(dir, 'postmaster.pid');
    const postmaster = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : 0;
    if (postmaster > 0 && isAlive(postmaster)) {
      process.kill(postmaster, 'SIGINT'); // fast shutdown of the server a killed run left behind
      for (let i = 0; i < 100 && isAlive(postmaster); i++) await new Promise((r) => setTimeout(r, 100));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
