import { poolSize } from '../src/database/database.module';

describe('database settings', () => {
  it('PG_POOL_SIZE: 20 connections by default; 0 or a word stops the start-up instead of a pool that never connects', () => {
    expect(poolSize(undefined)).toBe(20);
    expect(poolSize('64')).toBe(64);
    expect(() => poolSize('0')).toThrow(/PG_POOL_SIZE must be a whole number of connections from 1 to 1000/);
    expect(() => poolSize('twenty')).toThrow(/PG_POOL_SIZE/);
  });
});
