import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const run = globalThis.__MAILLAGE_TEST_PG__;
  if (!run) return;
  await run.server.stop();
  rmSync(run.dataDir, { recursive: true, force: true });
}
