import { hash, verify } from '@node-rs/argon2';

/** Hashes and checks passwords; injected so that tests can lower the cost. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export interface Argon2Cost {
  /** KiB of memory per hash */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** OWASP's minimum for Argon2id (19 MiB, 2 iterations, 1 lane): about 20-40 ms per hash here. */
export const DEFAULT_ARGON2_COST: Argon2Cost = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** For tests only: the smallest cost Argon2 accepts. */
export const TEST_ARGON2_COST: Argon2Cost = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

/**
 * Argon2id through @node-rs/argon2 (prebuilt binaries as optional npm packages: no install script).
 * Hashing runs on libuv's thread pool, so a burst of sign-ins does not block the event loop.
 * `verify` reads the cost from the stored hash, so raising the cost later keeps old hashes valid.
 */
export class Argon2PasswordHasher implements PasswordHasher {
  constructor(private readonly cost: Argon2Cost = DEFAULT_ARGON2_COST) {}

  hash(password: string): Promise<string> {
    // Argon2id is the package's default algorithm (its `Algorithm` is a const enum, absent at run time).
    return hash(password, { ...this.cost });
  }

  async verify(stored: string, password: string): Promise<boolean> {
    try {
      return await verify(stored, password);
    } catch {
      return false; // a malformed stored hash is a failed check, not a server error
    }
  }
}
