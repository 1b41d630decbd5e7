import { copyLines, copyValue } from '../src/copy';

describe('COPY text format', () => {
  it('writes null and undefined as \\N, booleans as t/f, numbers as digits', () => {
    expect(copyValue(null, 'text')).toBe('\\N');
    expect(copyValue(undefined, 'jsonb')).toBe('\\N');
    expect(copyValue(true, 'boolean')).toBe('t');
    expect(copyValue(false, 'boolean')).toBe('f');
    expect(copyValue(12.5, 'numeric(12,2)')).toBe('12.5');
    expect(copyValue(-3, 'integer')).toBe('-3');
  });

  it('escapes backslash, newline, carriage return and tab in text, and leaves other text alone', () => {
    expect(copyValue('Réseau Île-de-France', 'text')).toBe('Réseau Île-de-France');
    expect(copyValue('a\\b\nc\rd\te', 'text')).toBe('a\\\\b\\nc\\rd\\te');
    // A text that reads like the null marker stays a text.
    expect(copyValue('\\N', 'text')).toBe('\\\\N');
  });

  it('writes jsonb as JSON, its own escapes escaped again for COPY', () => {
    expect(copyValue({ a: 'x"y', b: [1, null] }, 'jsonb')).toBe('{"a":"x\\\\"y","b":[1,null]}');
    expect(copyValue('line\nbreak', 'jsonb')).toBe('"line\\\\nbreak"');
    expect(copyValue([], 'jsonb')).toBe('[]');
  });

  it('writes arrays as quoted array literals', () => {
    expect(copyValue(['75', '93'], 'text[]')).toBe('{"75","93"}');
    expect(copyValue([], 'character varying[]')).toBe('{}');
    expect(copyValue(['a"b', 'c\\d', null], 'text[]')).toBe('{"a\\\\"b","c\\\\\\\\d",NULL}');
    expect(copyValue(['2026-01-02'], 'date[]')).toBe('{"2026-01-02"}');
  });

  it('writes a Date as its ISO instant', () => {
    expect(copyValue(new Date('2026-11-23T10:00:00.000Z'), 'timestamp with time zone')).toBe('2026-11-23T10:00:00.000Z');
  });

  it('refuses values it cannot write faithfully', () => {
    expect(() => copyValue(Number.NaN, 'integer')).toThrow('COPY: NaN is not a finite number');
    expect(() => copyValue(Infinity, 'numeric')).toThrow('not a finite number');
    expect(() => copyValue('x', 'text[]')).toThrow('a text[] column needs an array');
    expect(() => copyValue({ a: 1 }, 'text')).toThrow('cannot write {"a":1} to a text column');
  });

  it('writes one tab-separated line per row, columns in order, missing ones null', () => {
    expect(copyLines([{ id: 'a', n: 1 }, { id: 'b' }], ['id', 'n'], ['text', 'integer'])).toBe('a\t1\nb\t\\N\n');
  });
});
