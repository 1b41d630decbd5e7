/**
 * A whole-number setting read from the environment: `fallback` when the variable is unset or
 * blank, else a whole number from 0 to `max`. Anything else stops the process at start-up with a
 * message naming the variable, its unit and what 0 means.
 */
export function wholeNumberSetting(
  name: string,
  raw: string | undefined,
  options: { fallback: number; unit: string; max?: number; zero?: string },
): number {
  if (raw === undefined || raw.trim() === '') return options.fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0 || (options.max !== undefined && value > options.max)) {
    const range = options.max === undefined ? '' : ` from 0 to ${options.max}`;
    const zero = options.zero ? ` (0 ${options.zero})` : '';
    throw new Error(`${name} must be a whole number of ${options.unit}${range}${zero}, not "${raw}"`);
  }
  return value;
}
