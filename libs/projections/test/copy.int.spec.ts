import { copyRows } from '../src/copy';
import { setUp, type Env } from './helpers';

jest.setTimeout(60_000);

describe('copyRows (PostgreSQL)', () => {
  let env: Env;
  beforeAll(async () => {
    env = await setUp('proj_copy');
    await env.pool.query(`create table copied (
      id text primary key, label text, n numeric(12,2), flag boolean, at timestamptz, days date[], codes text[], doc jsonb)`);
  });
  afterAll(async () => {
    await env.close();
  });

  it('reads back exactly what it wrote, awkward texts included, in chunks', async () => {
    const awkward = ['tab\there', 'new\nline', 'back\\slash', '\\N', 'quote "x"', "l'Économie", 'crlf\r\n', '{"not":"json"}', ''];
    const rows = Array.from({ length: 2_345 }, (_, i) => ({
      id: `row-${String(i).padStart(5, '0')}`,
      label: i % 7 === 0 ? null : awkward[i % awkward.length],
      n: i % 5 === 0 ? null : i / 4,
      flag: i % 3 === 0,
      at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
      days: i % 4 === 0 ? [] : ['2026-01-02', '2026-02-03'],
      codes: [awkward[i % awkward.length], 'plain', null],
      doc: { text: awkward[(i + 1) % awkward.length], list: [i, null, { deep: 'a\\b' }] },
    }));
    const columns = ['id', 'label', 'n', 'flag', 'at', 'days', 'codes', 'doc'];
    const types = ['text', 'text', 'numeric(12,2)', 'boolean', 'timestamp with time zone', 'date[]', 'text[]', 'jsonb'];
    const client = await env.pool.connect();
    try {
      await copyRows(client, 'copied', columns, types, rows, 500);
    } finally {
      client.release();
    }
    const { rows: back } = await env.pool.query(
      `select id, label, n::float8 as n, flag, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at,
              to_json(days)::jsonb as days, to_json(codes)::jsonb as codes, doc
         from copied order by id`,
    );
    expect(back).toEqual(rows);
  });

  it('fails as a whole: a refused row leaves nothing written and the connection usable', async () => {
    const client = await env.pool.connect();
    try {
      await expect(
        copyRows(client, 'copied', ['id', 'n'], ['text', 'numeric(12,2)'], [{ id: 'x1', n: 1 }, { id: 'x2', n: 'not a number' }], 1),
      ).rejects.toThrow(/invalid input syntax for type numeric/);
      const { rows } = await client.query(`select count(*)::int as n from copied where id in ('x1', 'x2')`);
      expect(rows).toEqual([{ n: 0 }]);
    } finally {
      client.release();
    }
  });
});
