/**
 * A whole-number setting read from the environment: `fallback` when the variable is unset or
 * blank, else a whole number from `min` (default 0) to `max`. Anything else stops the process at
 * start-up with a message naming the variable, its unit, its range and what 0 means.
 */
export function wholeNumberSetting(
  name: string,
  raw: string | undefined,
  /** `unit`: what is counted ('' for none, e.g. a port). */
  options: { fallback: number; unit: string; min?: number; max?: number; zero?: string },
): number {
  if (raw === undefined || raw.trim() === '') return options.fallback;
  const value = Number(raw);
  const min = options.min ?? 0;
  if (!Number.isSafeInteger(value) || value < min || (options.max !== undefined && value > options.max)) {
    const range = options.max === undefined ? (min > 0 ? ` from ${min}` : '') : ` from ${min} to ${options.max}`;
    const zero = options.zero ? ` (0 ${options.zero})` : '';
    const unit = options.unit ? ` of ${options.unit}` : '';
    throw new Error(`${name} must be a whole number${unit}${range}${zero}, not "${raw}"`);
  }
  return value;
}
