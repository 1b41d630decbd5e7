import { wholeNumberSetting } from '@maillage/infra';
import { openDatabase } from '../src/database';

describe('whole-number settings', () => {
  const port = (raw: string | undefined) => wholeNumberSetting('MAILLAGE_PG_PORT', raw, { fallback: 0, unit: '', min: 1, max: 65535 });

  it('gives the fallback when unset or blank, the number otherwise', () => {
    expect(wholeNumberSetting('X', undefined, { fallback: 7, unit: 'things' })).toBe(7);
    expect(wholeNumberSetting('X', '  ', { fallback: 7, unit: 'things' })).toBe(7);
    expect(wholeNumberSetting('X', '0', { fallback: 7, unit: 'things' })).toBe(0);
    expect(port('5432')).toBe(5432);
  });

  it('refuses what is not a whole number in range, naming the variable, its unit and its range', () => {
    expect(() => port('0')).toThrow('MAILLAGE_PG_PORT must be a whole number from 1 to 65535, not "0"');
    expect(() => port('65536')).toThrow(/from 1 to 65535/);
    expect(() => port('54x')).toThrow(/not "54x"/);
    expect(() => wholeNumberSetting('X', '-1', { fallback: 7, unit: 'things', zero: 'for none' })).toThrow(
      'X must be a whole number of things (0 for none), not "-1"',
    );
    expect(() => wholeNumberSetting('X', '1.5', { fallback: 7, unit: 'things', min: 1 })).toThrow('X must be a whole number of things from 1, not "1.5"');
  });

  it('MAILLAGE_PG_PORT: a bad port is refused before any server is started', async () => {
    await expect(openDatabase({ MAILLAGE_PG_PORT: 'abc', MAILLAGE_DATA_DIR: '/nonexistent/never-created' }, () => undefined)).rejects.toThrow(
      /MAILLAGE_PG_PORT must be a whole number from 1 to 65535, not "abc"/,
    );
  });
});
