import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { AuthService } from '../../src/auth/auth.service';

export type Headers = Record<string, string>;

/**
 * Signed-in test users, one per role and scope, created once per test file through the real
 * AuthService (Argon2 hash, users table) and used with real access tokens: every API call of the
 * end-to-end tests goes through authentication and the access policy like a user's would.
 */
export class TestActors {
  private readonly cache = new Map<string, Promise<{ userId: string; headers: Headers }>>();

  constructor(private readonly auth: AuthService) {}

  static of(app: INestApplication): TestActors {
    return new TestActors(app.get(AuthService));
  }

  private user(key: string, input: { role: 'ADMIN' | 'NETWORK' | 'FUNDER' | 'MEMBER'; organisationId: string | null; regions: string[] }) {
    let entry = this.cache.get(key);
    if (!entry) {
      entry = (async () => {
        const user = await this.auth.createUserUnchecked({
          email: `${input.role.toLowerCase()}-${randomUUID()}@test.maillage.fr`,
          name: `Test ${key}`,
          password: 'test-password-maillage',
          ...input,
        });
        const { accessToken } = this.auth.issueAccessToken(user.id);
        return { userId: user.id, headers: { authorization: `Bearer ${accessToken}` } };
      })();
      this.cache.set(key, entry);
    }
    return entry;
  }

  /** Platform operator: manages organisations and users. */
  async admin(): Promise<Headers> {
    return (await this.user('admin', { role: 'ADMIN', organisationId: null, regions: [] })).headers;
  }

  /** An inter-réseau following these régions. */
  async network(regions: string[], organisationId = `network-${regions.join('-')}`): Promise<Headers> {
    return (await this.user(`network:${organisationId}:${regions.join(',')}`, { role: 'NETWORK', organisationId, regions })).headers;
  }

  /** Staff of a funder organisation. */
  async funder(organisationId: string): Promise<Headers> {
    return (await this.user(`funder:${organisationId}`, { role: 'FUNDER', organisationId, regions: [] })).headers;
  }

  /** Staff of a member structure. */
  async member(organisationId: string): Promise<Headers> {
    return (await this.user(`member:${organisationId}`, { role: 'MEMBER', organisationId, regions: [] })).headers;
  }

  /** The user id behind a member's headers (as recorded in event metadata). */
  async memberUserId(organisationId: string): Promise<string> {
    await this.member(organisationId);
    return (await this.cache.get(`member:${organisationId}`)!).userId;
  }
}
