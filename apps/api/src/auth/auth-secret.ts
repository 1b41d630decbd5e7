import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';

const SETTING = 'access_token_signing_secret';
const MIN_SECRET_LENGTH = 32;

/**
 * Keys that sign access tokens, current first. `MAILLAGE_AUTH_SECRET` wins when set (rotate by
 * changing it; `MAILLAGE_AUTH_SECRET_PREVIOUS` keeps tokens signed with the old one valid for their
 * last minutes). Unset, a random key is generated once and kept in `auth_settings`, so a fresh
 * `npm start` works and every API instance on the same database agrees on it.
 */
export async function loadSigningSecrets(
  pool: Pool,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Buffer[]> {
  const configured = env.MAILLAGE_AUTH_SECRET;
  if (configured !== undefined && configured !== '') {
    const secrets = [configured, env.MAILLAGE_AUTH_SECRET_PREVIOUS].filter(
      (s): s is string => typeof s === 'string' && s !== '',
    );
    for (const s of secrets) {
      if (s.length < MIN_SECRET_LENGTH) {
        throw new Error(
          `MAILLAGE_AUTH_SECRET must be at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -base64 48)`,
        );
      }
    }
    return secrets.map((s) => Buffer.from(s, 'utf8'));
  }
  await pool.query('insert into auth_settings (key, value) values ($1, $2) on conflict (key) do nothing', [
    SETTING,
    randomBytes(48).toString('base64url'),
  ]);
  const { rows } = await pool.query<{ value: string }>('select value from auth_settings where key = $1', [
    SETTING,
  ]);
  return [Buffer.from(rows[0].value, 'base64url')];
}
