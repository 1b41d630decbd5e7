import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { counted, expectedFromStore, ignored, readModel, sortedEntries } from './fixtures/counting.projection';
import { delay, eventually, randomInt, setUp, type Env } from './helpers';

jest.setTimeout(180_000);

const root = path.resolve(__dirname, '../../..');
let outDir: string;

interface Projector {
  child: ChildProcess;
  owner: string;
  lines: { level: string; message: string; at: number }[];
  exited: Promise<void>;
}

beforeAll(() => {
  // Compile the worker and what it imports; .swcrc rewrites the @maillage/* aliases.
  outDir = mkdtempSync(path.join(tmpdir(), 'maillage-projector-'));
  execFileSync(
    path.join(root, 'node_modules/.bin/swc'),
    ['libs/projections', 'libs/event-store', 'infra/postgres', 'libs/testing', '-d', outDir, '--quiet', '--ignore', '**/*.spec.ts'],
    { cwd: root, stdio: 'pipe' },
  );
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function spawnProjector(env: Env, owner: string, extra: Record<string, string> = {}): Projector {
  const child = spawn(process.execPath, [path.join(outDir, 'libs/projections/test/projector.worker.js')], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      NODE_PATH: path.join(root, 'node_modules'),
      DATABASE_URL: env.db.url,
      OWNER: owner,
      ...extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const projector: Projector = {
    child,
    owner,
    lines: [],
    exited: new Promise((resolve) => child.on('exit', () => resolve())),
  };
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    for (const line of parts) if (line.trim()) projector.lines.push(JSON.parse(line));
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.on('exit', (code, signal) => {
    if (code && code !== 0) console.error(`projector ${owner} exited ${code} ${signal}: ${stderr}`);
  });
  return projector;
}

async function kill(p: Projector): Promise<void> {
  p.child.kill('SIGKILL');
  await p.exited;
}

async function leaseOwner(env: Env): Promise<string | null> {
  const { rows } = await env.pool.query<{ owner: string }>(
    `select owner from projection_leases where name = 'counting' and expires_at > now()`,
  );
  return rows[0]?.owner ?? null;
}

/**
 * The checkpoint is at the last committed event. Not headPosition: that stops before events of
 * transactions newer than the oldest one running on the server, which another test file may hold
 * open for a while, so it could say "caught up" while committed events are still to be projected.
 */
async function caughtUp(env: Env): Promise<boolean> {
  const head = await env.store.lastCommittedPosition();
  const { rows } = await env.pool.query<{ position: string | null }>(
    `select position from projection_checkpoints where name = 'counting'`,
  );
  return rows[0]?.position === head;
}

async function assertReadModelMatchesStore(env: Env): Promise<void> {
  const expected = await expectedFromStore(env.pool);
  const actual = await readModel(env.pool);
  expect(actual.totals).toEqual(expected.totals);
  expect(sortedEntries(actual)).toEqual(sortedEntries(expected));
}

describe('projector processes (PostgreSQL)', () => {
  let env: Env;
  const alive: Projector[] = [];
  beforeEach(async () => {
    env = await setUp('proj_process');
  });
  afterEach(async () => {
    await Promise.all(alive.splice(0).map(kill));
    await env.close();
  });

  function start(owner: string, extra: Record<string, string> = {}): Projector {
    const p = spawnProjector(env, owner, extra);
    alive.push(p);
    return p;
  }

  it('survives SIGKILL at random points, batches in flight included: nothing lost, nothing doubled', async () => {
    let appending = true;
    const appender = (async () => {
      while (appending) {
        const events = Array.from({ length: randomInt(1, 3) }, () => (Math.random() < 0.15 ? ignored() : counted(randomInt(1, 99))));
        await env.store.appendToStream(`counter-${randomInt(0, 30)}`, events);
        await delay(randomInt(0, 8));
      }
    })();
    const kills = 12;
    let inFlightKills = 0;
    for (let i = 0; i < kills; i++) {
      const p = start(`crash-${i}`, { BATCH_SIZE: String(randomInt(1, 6)), BATCH_DELAY_MS: String(randomInt(5, 40)), LEASE_TTL_MS: '800' });
      // Wait until it holds the lease (the previous victim's lease must expire first), then let it
      // work for a random while and kill it.
      await eventually(async () => (await leaseOwner(env)) === p.owner, 10_000, `${p.owner} to take the lease`);
      await delay(randomInt(20, 400));
      const { rows } = await env.pool.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where state = 'idle in transaction' and datname = current_database()`,
      );
      if (rows[0].n > 0) inFlightKills++;
      await kill(p);
      alive.splice(alive.indexOf(p), 1);
    }
    appending = false;
    await appender;
    const survivor = start('survivor', { LEASE_TTL_MS: '800' });
    await eventually(() => caughtUp(env), 30_000, 'the survivor to catch up');
    await assertReadModelMatchesStore(env);
    expect(inFlightKills).toBeGreaterThan(0); // some kills did land mid-transaction
    expect(survivor.lines.some((l) => l.message.includes('lease acquired'))).toBe(true);
  });

  it('runs exactly one active projector of two, and the standby takes over within seconds of a kill', async () => {
    // TTL 3 s (heartbeat 1 s): a holder's renewal may be 2 s late under load before it loses the lease.
    const a = start('projector-a', { LEASE_TTL_MS: '3000' });
    const b = start('projector-b', { LEASE_TTL_MS: '3000' });
    let appending = true;
    const appender = (async () => {
      while (appending) {
        await env.store.appendToStream(`counter-${randomInt(0, 20)}`, [counted(randomInt(1, 9))]);
        await delay(randomInt(2, 10));
      }
    })();
    const first = await eventually(() => leaseOwner(env), 10_000, 'a lease holder');
    await delay(1500);
    const acquired = (p: Projector) => p.lines.filter((l) => l.message.includes('lease acquired')).length;
    const [active, standby] = first === a.owner ? [a, b] : [b, a];
    expect(acquired(active)).toBe(1);
    expect(acquired(standby)).toBe(0);
    expect(await leaseOwner(env)).toBe(active.owner);

    const killedAt = Date.now();
    await kill(active);
    alive.splice(alive.indexOf(active), 1);
    await eventually(async () => (await leaseOwner(env)) === standby.owner, 15_000, 'the takeover');
    const takeoverMs = Date.now() - killedAt;
    expect(takeoverMs).toBeLessThan(8000); // TTL 3 s + heartbeat 1 s, with a margin for a loaded machine
    await delay(500);
    appending = false;
    await appender;
    await eventually(() => caughtUp(env), 15_000, 'the standby to catch up');
    await assertReadModelMatchesStore(env);
    process.stdout.write(`takeover after SIGKILL: ${takeoverMs} ms\n`);
  });
});
