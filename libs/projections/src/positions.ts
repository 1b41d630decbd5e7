/**
 * Global positions are the event store's opaque "<transaction id>:<sequence>" strings. The store's
 * port says to compare them only through the store; the projector still needs an order for
 * `waitFor(position)` and lag, so this one module knows the PostgreSQL adapter's format.
 */
const POSITION = /^(\d{1,20}):(\d{1,20})$/;

export function parsePosition(position: string): [bigint, bigint] {
  const match = POSITION.exec(position);
  if (!match) throw new Error(`Invalid global position ${JSON.stringify(position)}`);
  return [BigInt(match[1]), BigInt(match[2])];
}

/** Order of two positions; null (before the first event) sorts first. */
export function comparePositions(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const [ax, ap] = parsePosition(a);
  const [bx, bp] = parsePosition(b);
  if (ax !== bx) return ax < bx ? -1 : 1;
  if (ap !== bp) return ap < bp ? -1 : 1;
  return 0;
}
