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

  describe('in a process of its own', () => {
    const root = path.resolve(__dirname, '../../..');
    let outDir: string;
    let childDir: string;
    beforeAll(() => {
      // Compiled inside the repository, so that the package (ESM, imported by name) resolves.
      mkdirSync(path.join(root, '.data/tmp'), { recursive: true });
      outDir = mkdtempSync(path.join(root, '.data/tmp', 'launcher-out-'));
      execFileSync(path.join(root, 'node_modules/.bin/swc'), ['infra/postgres/src', '-d', outDir, '--quiet'], { cwd: root, stdio: 'pipe' });
    });
    beforeEach(() => {
      childDir = mkdtempSync(path.join(tmpdir(), 'maillage-launcher-child-'));
    });
    afterEach(() => {
      const pid = postmasterPid(childDir);
      if (pid && alive(pid)) process.kill(pid, 'SIGINT');
      rmSync(childDir, { recursive: true, force: true });
    });
    afterAll(() => rmSync(outDir, { recursive: true, force: true }));

    /** Runs `body` (JavaScript, with `startEmbeddedPostgres`, `leaveShutdownSignalsToCaller`, `pg` and `dataDir` in scope). */
    function runChild(name: string, body: string, options: { ownGroup?: boolean } = {}) {
      const script = path.join(outDir, `${name}.js`);
      writeFileSync(
        script,
        `const { startEmbeddedPostgres, leaveShutdownSignalsToCaller } = require(${JSON.stringify(path.join(outDir, 'infra/postgres/src/embedded-postgres.js'))});
         const pg = require('pg');
         const dataDir = ${JSON.stringify(childDir)};
         const say = (line) => process.stdout.write(line + '\\n');
         ${body}`,
      );
      const child = spawn(process.execPath, [script], {
        cwd: root,
        env: { ...process.env, NODE_OPTIONS: '', NODE_PATH: path.join(root, 'node_modules') },
        stdio: ['ignore', 'pipe', 'inherit'],
        detached: options.ownGroup ?? false, // the leader of a group, as a shell makes `npm start`
      });
      const lines: { line: string; at: number }[] = [];
      child.stdout.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n')) if (line) lines.push({ line, at: Date.now() });
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      const said = async (line: string) => {
        while (!lines.some((l) => l.line === line)) {
          if (child.exitCode !== null) throw new Error(`the child exited before saying ${line}: ${JSON.stringify(lines)}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      return { child, lines, exited, said };
    }

    it('exits at once after stopping its server', async () => {
      // The embedded-postgres package stops every server it started from an exit hook, waiting for
      // the server's exit event. A server stopped behind its back kept that hook waiting until its
      // own 10 s timeout: every `npm test` and every stopped app lingered 10 s before exiting.
      const { lines, exited } = runChild('start-stop', `startEmbeddedPostgres({ dataDir }).then((s) => s.stop()).then(() => say('stopped'));`);
      expect(await exited).toBe(0);
      const stopped = lines.find((l) => l.line === 'stopped');
      expect(stopped).toBeDefined();
      // It exits as soon as nothing is left to do (well under a second here), not after 10 s.
      expect(Date.now() - stopped!.at).toBeLessThan(5_000);
      expect(postmasterPid(childDir)).toBeNull();
    });

    it('keeps its server up on SIGINT until its own shutdown has used it and stopped it', async () => {
      // As the API does: on SIGINT, finish with the database (here: one more query, a moment
      // later), then stop the server, then exit. The package's own signal hook used to stop the
      // server at once and exit the process as soon as it was down.
      const { child, lines, exited, said } = runChild(
        'ordered-shutdown',
        `startEmbeddedPostgres({ dataDir }).then(async (server) => {
           const client = new pg.Client({ connectionString: server.adminUrl });
           await client.connect();
           process.on('SIGINT', async () => {
             say('closing');
             await new Promise((r) => setTimeout(r, 300));
             const { rows } = await client.query('select 42 as answer');
             say('answered ' + rows[0].answer);
             await client.end();
             await server.stop();
             say('stopped');
             process.exit(0);
           });
           leaveShutdownSignalsToCaller();
           say('ready');
         });`,
      );
      await said('ready');
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(lines.map((l) => l.line)).toEqual(['ready', 'closing', 'answered 42', 'stopped']);
      expect(postmasterPid(childDir)).toBeNull();
    });

    it.each([
      ['in a process group of its own (npm start) stays up until the caller stops it', true, ['ready', 'closing', 'answered 42', 'stopped']],
      ['left in the caller\'s group (the tests) shuts down at once', false, ['ready', 'closing', 'failed']],
    ])('on Ctrl-C, which signals the whole foreground group, a server %s', async (_, ownProcessGroup, expected) => {
      // A terminal sends SIGINT to every process of the foreground group: with the postmaster in
      // that group, it shut down at once (fast shutdown) under the API's still-closing connections.
      const { child, lines, exited, said } = runChild(
        `group-sigint-${ownProcessGroup}`,
        `startEmbeddedPostgres({ dataDir, ownProcessGroup: ${ownProcessGroup} }).then(async (server) => {
           const client = new pg.Client({ connectionString: server.adminUrl });
           client.on('error', () => undefined);
           await client.connect();
           process.on('SIGINT', async () => {
             say('closing');
             await new Promise((r) => setTimeout(r, 300));
             try {
               const { rows } = await client.query('select 42 as answer');
               say('answered ' + rows[0].answer);
               await client.end();
             } catch {
               say('failed');
             }
             await server.stop();
             if (${ownProcessGroup}) say('stopped');
             process.exit(0);
           });
           leaveShutdownSignalsToCaller();
           say('ready');
         });`,
        { ownGroup: true },
      );
      await said('ready');
      process.kill(-child.pid!, 'SIGINT'); // the whole group, as Ctrl-C does
      expect(await exited).toBe(0);
      expect(lines.map((l) => l.line)).toEqual(expected);
      expect(postmasterPid(childDir)).toBeNull();
    });
  });

  it('keeps TCP when the socket path would not fit or the directory cannot be listed in a setting', () => {
    expect(socketDirectoryFor('/srv/maillage/data', 5432)).toBe('/srv/maillage/data');
    expect(socketDirectoryFor(`/srv/${'x'.repeat(90)}`, 5432)).toBeNull();
    expect(socketDirectoryFor('/srv/my data', 5432)).toBeNull();
    expect(socketDirectoryFor('/srv/a,b', 5432)).toBeNull();
  });
});
