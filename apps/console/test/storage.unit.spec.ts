/**
 * What the console keeps in the browser's storage falls back on the page's memory when the browser
 * refuses storage (reading window.localStorage throws a SecurityError) or refuses to write (quota).
 */
import { keptIn, readKeptJson } from '../src/storage';

type Area = 'localStorage' | 'sessionStorage';

/** A working Storage, in memory. */
function memoryStorage(): Storage {
  const values = new Map<string, string>();
  return {
    get length() {
      return values.size;
    },
    clear: () => values.clear(),
    getItem: (key) => values.get(key) ?? null,
    key: (index) => [...values.keys()][index] ?? null,
    removeItem: (key) => void values.delete(key),
    setItem: (key, value) => void values.set(key, String(value)),
  };
}

const define = (area: Area, get: () => Storage) => Object.defineProperty(globalThis, area, { configurable: true, get });
const refused = () => {
  throw Object.assign(new Error('Access is denied for this document.'), { name: 'SecurityError' });
};

describe('values kept in the browser storage', () => {
  afterEach(() => {
    delete (globalThis as Record<string, unknown>).localStorage;
    delete (globalThis as Record<string, unknown>).sessionStorage;
  });

  it.each<Area>(['localStorage', 'sessionStorage'])('uses %s when the browser allows it', (area) => {
    const storage = memoryStorage();
    define(area, () => storage);
    const kept = keptIn(area);
    kept.set('k', 'v');
    expect(storage.getItem('k')).toBe('v');
    // Another page of the same storage reads it (a reload, another tab).
    expect(keptIn(area).get('k')).toBe('v');
    kept.remove('k');
    expect(storage.getItem('k')).toBeNull();
    expect(kept.get('k')).toBeNull();
  });

  it.each<Area>(['localStorage', 'sessionStorage'])('keeps the values in memory, without throwing, when reading %s throws a SecurityError', (area) => {
    define(area, refused);
    expect(() => globalThis[area]).toThrow('Access is denied');
    const kept = keptIn(area);
    expect(kept.get('k')).toBeNull();
    kept.set('k', 'v');
    expect(kept.get('k')).toBe('v');
    kept.set('k', 'w');
    expect(kept.get('k')).toBe('w');
    kept.remove('k');
    expect(kept.get('k')).toBeNull();
  });

  it('keeps in memory what a storage refuses to write (quota), and reads it back', () => {
    const storage = { ...memoryStorage(), setItem: () => refused() } as Storage;
    define('sessionStorage', () => storage);
    const kept = keptIn('sessionStorage');
    kept.set('k', 'v');
    expect(storage.getItem('k')).toBeNull();
    expect(kept.get('k')).toBe('v');
  });

  it('works in a place without any storage at all', () => {
    const kept = keptIn('localStorage');
    kept.set('k', 'v');
    expect(kept.get('k')).toBe('v');
  });
});

describe('JSON kept in the browser storage', () => {
  afterEach(() => {
    delete (globalThis as Record<string, unknown>).sessionStorage;
  });
  const isNotes = (value: unknown): value is { notes: string[] } =>
    typeof value === 'object' && value !== null && Array.isArray((value as { notes?: unknown }).notes) && (value as { notes: unknown[] }).notes.every((n) => typeof n === 'string');

  it('reads a value of the expected shape, and ignores and drops one that is not JSON or not of that shape', () => {
    const storage = memoryStorage();
    define('sessionStorage', () => storage);
    const kept = keptIn('sessionStorage');
    kept.set('k', JSON.stringify({ notes: ['a'] }));
    expect(readKeptJson(kept, 'k', isNotes)).toEqual({ notes: ['a'] });
    expect(storage.getItem('k')).not.toBeNull();
    for (const corrupt of ['{"notes":["a"', '{"notes":"a"}', 'null', '[]', '42', '']) {
      kept.set('k', corrupt);
      expect({ corrupt, read: readKeptJson(kept, 'k', isNotes) }).toEqual({ corrupt, read: null });
      expect({ corrupt, left: storage.getItem('k') }).toEqual({ corrupt, left: null });
    }
    expect(readKeptJson(kept, 'absent', isNotes)).toBeNull();
  });
});
