/**
 * A cache's size read from the environment: a whole number of `unit` (0 turns the cache off),
 * `fallback` when the variable is unset or blank. Anything else stops the app at start-up with a
 * message naming the variable.
 */
export function cacheSizeFromEnv(name: string, unit: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${name} must be a whole number of ${unit} (0 turns the cache off), not "${raw}"`);
  }
  return value;
}
