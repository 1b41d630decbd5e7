const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Validates an unquoted lower-case identifier (table or column): we splice these into SQL. */
export function assertIdentifier(name: string, what: string): void {
  if (!IDENTIFIER.test(name)) {
    throw new Error(`${what} ${JSON.stringify(name)} must be a lower-case SQL identifier ([a-z_][a-z0-9_]*)`);
  }
}

/** A table name, optionally schema-qualified (`read_models.regional_dashboard`). */
export function assertTableName(name: string): void {
  const parts = name.split('.');
  if (parts.length > 2) throw new Error(`Table ${JSON.stringify(name)}: at most schema.table`);
  for (const part of parts) assertIdentifier(part, 'Table');
}

/** `schema.table` -> `schema.table__rebuild`: the shadow table a rebuild fills. */
export function shadowTableName(table: string): string {
  return `${table}__rebuild`;
}

export function sleep(ms: number, signal?: { cancelled: boolean }): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (signal?.cancelled) {
      clearTimeout(timer);
      resolve();
    }
  });
}

/**
 * Errors worth retrying as they are (the connection or the transaction failed, not the projection's
 * logic): they must never turn an event into a dead letter.
 */
export function isTransientError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('08') || code.startsWith('53') || code.startsWith('57P')) return true;
    if (code === '40001' || code === '40P01' || code === '55P03' || code === '25P03') return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) return true;
  }
  const message = (error as { message?: unknown }).message;
  return (
    typeof message === 'string' &&
    /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(
      message,
    )
  );
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
