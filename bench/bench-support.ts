import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { createDatabaseIfMissing } from '@maillage/infra';

/** A positive integer setting of a benchmark (BENCH_*), or its default. */
export function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw ? Number(raw) : fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

/**
 * Drops `name` on the benchmark's own server (connections included) and creates it empty, or as a
 * copy of `template` (FILE_COPY: the template's files, one checkpoint, instead of WAL-logging every
 * block).
 */
export async function freshDatabase(adminUrl: string, name: string, template?: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${admin.escapeIdentifier(name)} with (force)`);
    if (template) {
      await admin.query(`create database ${admin.escapeIdentifier(name)} template ${admin.escapeIdentifier(template)} strategy file_copy`);
    }
  } finally {
    await admin.end();
  }
  if (!template) await createDatabaseIfMissing(adminUrl, name);
}

/** CPU seconds the whole machine has spent busy since boot (all cores), from /proc/stat. */
export function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return (user + nice + system + irq + softirq + (steal ?? 0)) / 100;
}

/**
 * CPU seconds used so far by this benchmark's PostgreSQL (the postmaster and its live children:
 * backends, WAL writer, checkpointer...), from /proc; children that exited (a closed connection's
 * backend, a parallel worker) count through the postmaster's cutime and cstime once reaped.
 */
export function postgresCpuSeconds(dataDir: string): number {
  const postmaster = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[0] is the state (3rd field of stat): ppid is the 4th, utime/stime the 14th/15th.
      if (Number(entry) === postmaster) ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      else if (Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process exited while we looked
    }
  }
  return ticks / 100;
}

/** BENCH_PG_STATEMENTS=1: server settings for PostgreSQL's own per-statement accounting. */
export const statementSettings = (): Record<string, string> =>
  process.env.BENCH_PG_STATEMENTS === '1' ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } : {};

/** Starts PostgreSQL's statement statistics afresh for the measured window. */
export async function resetStatements(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('create extension if not exists pg_stat_statements');
    await client.query('select pg_stat_statements_reset()');
  } finally {
    await client.end();
  }
}

/** The statements that used the most database time during the measured window (stderr). */
export async function printStatements(url: string, log: (line: string) => void): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    // BENCH_PG_STATEMENTS_WIDTH: characters of each statement's text (default 140).
    const width = intFromEnv('BENCH_PG_STATEMENTS_WIDTH', 140);
    const list = async (order: string) =>
      (
        await client.query<{ calls: string; total_ms: number; mean_ms: number; rows: string; query: string }>(
          `select calls, round(total_exec_time::numeric, 0)::float as total_ms, round(mean_exec_time::numeric, 2)::float as mean_ms,
                  rows, left(regexp_replace(query, '\\s+', ' ', 'g'), $1) as query
             from pg_stat_statements order by ${order} desc limit 25`,
          [width],
        )
      ).rows;
    const print = (rows: Awaited<ReturnType<typeof list>>) => {
      for (const r of rows) log(`  ${String(r.total_ms).padStart(7)} ms  ${String(r.calls).padStart(6)} calls  ${String(r.mean_ms).padStart(8)} ms/call  ${String(r.rows).padStart(7)} rows  ${r.query}`);
    };
    log('PostgreSQL statements by total time in the measured window:');
    print(await list('total_exec_time'));
    // Each call is a round trip: on this VM a round trip's system calls cost more than most statements.
    log('PostgreSQL statements by calls in the measured window:');
    print(await list('calls'));
  } finally {
    await client.end();
  }
}
