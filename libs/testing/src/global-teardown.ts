export default async function globalTeardown(): Promise<void> {
  await globalThis.__MAILLAGE_TEST_PG__?.stop();
}
