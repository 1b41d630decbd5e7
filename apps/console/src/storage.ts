/**
 * What the console keeps in the browser's storage, with the page's memory as a fallback: when the
 * browser refuses site storage (cookies and site data blocked, some private modes), merely reading
 * `window.localStorage` or `window.sessionStorage` throws a SecurityError, and a storage that is
 * there may still refuse to write (quota). Nothing here ever throws: what cannot be stored is kept
 * in this page's memory instead (lost on reload, and not shared with the browser's other tabs).
 */
export interface KeptValues {
  /** The value stored under the key, else the one kept in memory, else null. */
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

/** The values kept in `localStorage` (shared by the browser's tabs) or `sessionStorage` (this tab). */
export function keptIn(area: 'localStorage' | 'sessionStorage'): KeptValues {
  const memory = new Map<string, string>();
  // Read on each call: the getter itself is what throws when storage is refused.
  const storage = (): Storage => globalThis[area];
  return {
    get(key) {
      try {
        const stored = storage().getItem(key);
        if (stored !== null) return stored;
      } catch {
        // Storage refused: the page's memory answers.
      }
      return memory.get(key) ?? null;
    },
    set(key, value) {
      memory.set(key, value);
      try {
        storage().setItem(key, value);
      } catch {
        // Storage refused or full: kept in memory only.
      }
    },
    remove(key) {
      memory.delete(key);
      try {
        storage().removeItem(key);
      } catch {
        // Nothing was stored.
      }
    },
  };
}

/**
 * The value kept under `key`, read as JSON, when it has the shape `isValid` expects; otherwise null,
 * and the value is dropped so it is not read again. What the storage holds may have been written by
 * an older console, cut short, or changed by hand or by an extension: a value that is not what this
 * console writes is ignored, never trusted (a wrong shape read as if right broke the page using it).
 */
export function readKeptJson<T>(kept: KeptValues, key: string, isValid: (value: unknown) => value is T): T | null {
  const raw = kept.get(key);
  if (raw === null) return null;
  try {
    const value: unknown = JSON.parse(raw);
    if (isValid(value)) return value;
  } catch {
    // Not JSON: dropped below.
  }
  kept.remove(key);
  return null;
}
