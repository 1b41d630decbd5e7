import { Client } from 'pg';
import { createDatabaseIfMissing } from '@maillage/infra';

/** A positive integer setting of a benchmark (BENCH_*), or its default. */
export function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw ? Number(raw) : fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

/** Drops `name` on the benchmark's own server (connections included) and creates it empty. */
export async function freshDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${admin.escapeIdentifier(name)} with (force)`);
  } finally {
    await admin.end();
  }
  await createDatabaseIfMissing(adminUrl, name);
}
