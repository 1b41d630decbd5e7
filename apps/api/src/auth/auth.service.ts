import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import { isApiTokenShaped, isWellFormedApiToken, hashApiToken, newApiToken } from './api-token-codec';
import {
  authNotFound,
  authenticationRequired,
  badAuthInput,
  forbidden,
  tooManyAttempts,
  unauthenticated,
} from './auth-errors';
import { loadSigningSecrets } from './auth-secret';
import { resolveBearer, type Authenticator } from './authenticator';
import { LRUCache } from 'lru-cache';
import { looksLikeJwt, signJwt, verifyJwt, withinLifetime, type AccessTokenClaims } from './jwt';
import {
  accountKey,
  DEFAULT_ACCOUNT_POLICY,
  DEFAULT_IP_POLICY,
  ipKey,
  LoginThrottle,
  type ThrottleKey,
  type ThrottlePolicy,
} from './login-throttle';
import { Argon2PasswordHasher, type PasswordHasher } from './password-hasher';
import { isRegionCode } from '@maillage/domain';
import { systemClock, USER_ROLES, type Clock, type RequestUser, type UserRole } from './request-user';
import { UserStore, type ApiTokenView, type UserView } from './user-store';
import { ActiveUserCache } from './active-user-cache';

const authLogger = new Logger('Auth');

export interface AuthOptions {
  clock?: Clock;
  hasher?: PasswordHasher;
  /** Lifetime of access tokens (default 15 minutes). */
  accessTokenTtlSeconds?: number;
  /** Where MAILLAGE_AUTH_SECRET is read (default process.env). */
  env?: NodeJS.ProcessEnv;
  accountPolicy?: ThrottlePolicy;
  ipPolicy?: ThrottlePolicy;
  /** Extra strategies (e.g. OpenID Connect), tried after the built-in ones. */
  extraAuthenticators?: Authenticator[];
  /**
   * The database's URL, for the LISTEN connection of the active-user cache (ActiveUserCache). Without
   * it every request reads its user from the database.
   */
  databaseUrl?: string;
  /**
   * Whether an organisation is registered (read from its stream). When given, accounts created or
   * moved by an ADMIN must belong to a registered organisation.
   */
  organisationExists?: (organisationId: string) => Promise<boolean>;
}

export interface LoginResult {
  accessToken: string;
  expiresAt: Date;
  user: RequestUser;
}

export interface CreateUserInput {
  email: string;
  name: string;
  organisationId?: string | null;
  role: UserRole;
  regions?: string[] | null;
  password: string;
}

/** What an ADMIN may change on an account; a field left out stays as it is. */
export interface UpdateUserInput {
  name?: string | null;
  role?: UserRole | null;
  organisationId?: string | null;
  regions?: string[] | null;
}

export interface CreatedApiToken {
  /** The secret, shown once: only its SHA-256 is stored. */
  token: string;
  apiToken: ApiTokenView;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MIN_PASSWORD = 12;
const MAX_PASSWORD = 256; // bounded so that hashing stays cheap for any input
const MAX_LIVE_API_TOKENS = 20;
const DEFAULT_API_TOKEN_DAYS = 365;
const MAX_API_TOKEN_DAYS = 730;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

/**
 * Accounts and sign-in: who the caller is. Rules about what a role may do with cooperations live
 * in the authorisation layer; the rules here are about accounts themselves (only ADMIN manages
 * users; everyone manages their own API tokens), checked in this service, not only in a guard.
 */
export class AuthService {
  private readonly store: UserStore;
  private readonly activeUsers: ActiveUserCache | null;
  /**
   * Access tokens whose signature checked out, with their claims: the HMAC is computed once per
   * token, not on every request (~2% of the API's CPU under load). Their lifetime is still checked
   * on every use; a failed check is never kept. The signing keys are fixed for this instance.
   */
  private readonly verifiedTokens = new LRUCache<string, AccessTokenClaims>({ max: 10_000 });
  private readonly throttle: LoginThrottle;
  private readonly clock: Clock;
  private readonly hasher: PasswordHasher;
  private readonly organisationExists: ((organisationId: string) => Promise<boolean>) | null;
  private readonly ttlSeconds: number;
  private readonly accountPolicy: ThrottlePolicy;
  private readonly ipPolicy: ThrottlePolicy;
  readonly authenticators: readonly Authenticator[];

  private constructor(
    pool: Pool,
    private readonly secrets: Buffer[],
    /** Verified against when the e-mail is unknown, so both failures cost the same time. */
    private readonly dummyHash: string,
    options: AuthOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.hasher = options.hasher ?? new Argon2PasswordHasher();
    this.ttlSeconds = options.accessTokenTtlSeconds ?? 900;
    this.accountPolicy = options.accountPolicy ?? DEFAULT_ACCOUNT_POLICY;
    this.ipPolicy = options.ipPolicy ?? DEFAULT_IP_POLICY;
    this.store = new UserStore(pool, (id) => this.activeUsers?.invalidate(id));
    this.organisationExists = options.organisationExists ?? null;
    this.activeUsers = options.databaseUrl
      ? new ActiveUserCache(options.databaseUrl, (id, cv) => this.store.activeUser(id, cv), {
          // Safe while down (every request reads its user), but an operator should see why.
          onError: (error) =>
            authLogger.warn(
              `Active-user cache: LISTEN connection failed (${(error as Error)?.message ?? String(error)}); ` +
                'users are read from the database on every request until it is back',
            ),
        })
      : null;
    this.throttle = new LoginThrottle(pool, this.clock);
    this.authenticators = [
      this.accessTokenAuthenticator(),
      this.apiTokenAuthenticator(),
      ...(options.extraAuthenticators ?? []),
    ];
  }

  /** Needs the auth tables (migrateAuth) to exist. */
  static async create(pool: Pool, options: AuthOptions = {}): Promise<AuthService> {
    const secrets = await loadSigningSecrets(pool, options.env);
    const hasher = options.hasher ?? new Argon2PasswordHasher();
    const dummyHash = await hasher.hash(`dummy-${randomUUID()}`);
    return new AuthService(pool, secrets, dummyHash, { ...options, hasher });
  }

  /** Closes the active-user cache's LISTEN connection (Nest calls it at shutdown). */
  async onApplicationShutdown(): Promise<void> {
    await this.activeUsers?.close();
  }

  /** `Authorization: Bearer <access token | mlg_ API token>` -> the user; null without the header. */
  authenticate(headers: Record<string, unknown> | undefined): Promise<RequestUser | null> {
    return resolveBearer(headers, this.authenticators);
  }

  // ---- sign-in ---------------------------------------------------------------------------------

  async login(email: string, password: string, clientIp: string | null = null): Promise<LoginResult> {
    const normalised = normaliseEmail(String(email ?? ''));
    const account = accountKey(normalised, this.accountPolicy);
    const ip = clientIp ? ipKey(clientIp, this.ipPolicy) : null;
    const keys = ip ? [account, ip] : [account];
    await this.admit(keys);

    const candidate = normalised.length <= 320 ? await this.store.loginCandidate(normalised) : null;
    const passwordOk = await this.passwordMatches(candidate?.passwordHash ?? null, password);
    if (!candidate || !passwordOk || candidate.status !== 'ACTIVE') {
      await this.throttle.recordFailure(keys);
      throw unauthenticated();
    }
    await this.throttle.recordSuccess(account, ip);
    const user: RequestUser = {
      userId: candidate.userId,
      organisationId: candidate.organisationId,
      role: candidate.role,
      regions: candidate.regions,
    };
    return { ...this.issueAccessToken(user.userId, candidate.credentialVersion), user };
  }

  /** Refuses with TOO_MANY_REQUESTS while any of the keys is locked out. */
  private async admit(keys: ThrottleKey[]): Promise<void> {
    const decision = await this.throttle.acquire(keys);
    if (!decision.allowed) throw tooManyAttempts(decision.retryAfterSeconds);
  }

  /**
   * Whether `password` matches `hash`. Always exactly one verification, against a dummy hash when
   * there is no hash or the password is unusable, so the time taken tells nothing.
   */
  private async passwordMatches(hash: string | null, password: unknown): Promise<boolean> {
    const usable = typeof password === 'string' && password.length > 0 && password.length <= MAX_PASSWORD;
    const ok = await this.hasher.verify(hash ?? this.dummyHash, usable ? password : '\u0000');
    return ok && usable && hash !== null;
  }

  /**
   * A signed access token for a user (after password sign-in; later, after an OIDC callback too),
   * under the user's current credential version (0 until its password first changes).
   */
  issueAccessToken(userId: string, credentialVersion = 0): { accessToken: string; expiresAt: Date } {
    const iat = Math.floor(this.clock().getTime() / 1000);
    const exp = iat + this.ttlSeconds;
    return {
      accessToken: signJwt({ sub: userId, iat, exp, typ: 'access', cv: credentialVersion }, this.secrets[0]),
      expiresAt: new Date(exp * 1000),
    };
  }

  async me(actor: RequestUser | null): Promise<UserView> {
    const user = requireUser(actor);
    const view = await this.store.view(user.userId);
    if (!view) throw authenticationRequired();
    return view;
  }

  /**
   * The signed-in user changes its own password, giving the current one (a failure counts towards
   * the account's sign-in lock-out). Every other session ends; the answer is a fresh access token
   * for this one. API tokens stay (they are revoked one by one).
   */
  async changePassword(actor: RequestUser | null, currentPassword: string, newPassword: string): Promise<{ accessToken: string; expiresAt: Date }> {
    const user = requireUser(actor);
    const credentials = await this.store.credentials(user.userId);
    if (!credentials) throw authenticationRequired();
    const account = accountKey(normaliseEmail(credentials.email), this.accountPolicy);
    await this.admit([account]);
    if (!(await this.passwordMatches(credentials.passwordHash, currentPassword))) {
      await this.throttle.recordFailure([account]);
      throw badAuthInput('Mot de passe actuel incorrect.');
    }
    const password = validPassword(newPassword);
    if (password === currentPassword) throw badAuthInput("Le nouveau mot de passe doit être différent de l'actuel.");
    const version = await this.store.setPassword(user.userId, await this.hasher.hash(password), this.clock(), credentials.passwordHash);
    if (version === null) throw authenticationRequired(); // the account was deleted meanwhile
    // Another change came first (two sessions at once): it ended this session; this one must not
    // silently replace the password that other session was told it set.
    if (version === 'changed') throw unauthenticated('Votre mot de passe vient d’être changé par une autre session : reconnectez-vous.');
    await this.throttle.recordSuccess(account, null);
    return this.issueAccessToken(user.userId, version);
  }

  // ---- API tokens (each user for itself) --------------------------------------------------------

  async createApiToken(
    actor: RequestUser | null,
    name: string,
    expiresInDays: number | null = DEFAULT_API_TOKEN_DAYS,
  ): Promise<CreatedApiToken> {
    const user = requireUser(actor);
    const label = String(name ?? '').trim();
    if (label.length < 1 || label.length > 100)
      throw badAuthInput('Le nom du jeton doit compter de 1 à 100 caractères.');
    const days = expiresInDays ?? DEFAULT_API_TOKEN_DAYS;
    if (!Number.isInteger(days) || days < 1 || days > MAX_API_TOKEN_DAYS) {
      throw badAuthInput(
        `La durée de validité doit être un nombre entier de jours entre 1 et ${MAX_API_TOKEN_DAYS}.`,
      );
    }
    const now = this.clock();
    if ((await this.store.countLiveApiTokens(user.userId, now)) >= MAX_LIVE_API_TOKENS) {
      throw badAuthInput(`Vous avez déjà ${MAX_LIVE_API_TOKENS} jetons actifs : révoquez-en un d'abord.`);
    }
    const secret = newApiToken();
    const apiToken = await this.store.insertApiToken({
      id: randomUUID(),
      userId: user.userId,
      name: label,
      hash: secret.hash,
      displayPrefix: secret.displayPrefix,
      createdAt: now,
      expiresAt: new Date(now.getTime() + days * 86_400_000),
    });
    return { token: secret.token, apiToken };
  }

  async apiTokens(actor: RequestUser | null): Promise<ApiTokenView[]> {
    return this.store.apiTokens(requireUser(actor).userId);
  }

  /** Revokes one of the caller's tokens (an ADMIN may revoke anyone's). Idempotent. */
  async revokeApiToken(actor: RequestUser | null, id: string): Promise<ApiTokenView> {
    const user = requireUser(actor);
    if (!UUID.test(String(id))) throw authNotFound('Jeton');
    const revoked = await this.store.revokeApiToken(
      id,
      user.role === 'ADMIN' ? null : user.userId,
      this.clock(),
    );
    if (!revoked) throw authNotFound('Jeton');
    return revoked;
  }

  // ---- user management (ADMIN only) -------------------------------------------------------------

  /** One user as stored (no permission check: for tests and internal callers). */
  view(id: string): Promise<UserView | null> {
    return this.store.view(id);
  }

  async users(actor: RequestUser | null): Promise<UserView[]> {
    requireAdmin(actor);
    return this.store.list();
  }

  async createUser(actor: RequestUser | null, input: CreateUserInput): Promise<UserView> {
    const admin = requireAdmin(actor);
    const valid = validateNewUser(input);
    await this.requireRegisteredOrganisation(valid.organisationId);
    return this.insertUser(valid, input.password, admin.userId, randomUUID());
  }

  /** An account belongs to an organisation that exists (a mistyped id would give an account that sees nothing). */
  private async requireRegisteredOrganisation(organisationId: string | null): Promise<void> {
    if (organisationId === null || !this.organisationExists) return;
    if (!(await this.organisationExists(organisationId))) throw badAuthInput(`Aucune organisation enregistrée n'a l'identifiant ${organisationId}.`);
  }

  /**
   * Creates a user without an acting ADMIN: for the demo seed and the first administrator only,
   * never reachable from the API.
   */
  async createUserUnchecked(
    input: CreateUserInput,
    createdBy: string | null = null,
    id: string = randomUUID(),
  ): Promise<UserView> {
    return this.insertUser(validateNewUser(input), input.password, createdBy, id);
  }

  /** Inserts an account already validated (validateNewUser), with its password hashed. */
  private async insertUser(valid: ReturnType<typeof validateNewUser>, password: string, createdBy: string | null, id: string): Promise<UserView> {
    const inserted = await this.store.insert({
      id,
      ...valid,
      passwordHash: await this.hasher.hash(password),
      createdAt: this.clock(),
      createdBy,
    });
    if (!inserted) throw badAuthInput('Un compte existe déjà avec cette adresse e-mail.');
    return (await this.store.view(id))!;
  }

  async disableUser(actor: RequestUser | null, id: string): Promise<UserView> {
    const admin = requireAdmin(actor);
    const target = await this.existingUser(id);
    if (target.id === admin.userId) throw badAuthInput('Vous ne pouvez pas désactiver votre propre compte.');
    if (target.status === 'DELETED') throw authNotFound('Utilisateur');
    await this.store.setStatus(id, ['ACTIVE', 'DISABLED'], 'DISABLED', this.clock());
    return (await this.store.view(id))!;
  }

  async enableUser(actor: RequestUser | null, id: string): Promise<UserView> {
    requireAdmin(actor);
    const target = await this.existingUser(id);
    if (target.status === 'DELETED') throw authNotFound('Utilisateur');
    await this.store.setStatus(id, ['ACTIVE', 'DISABLED'], 'ACTIVE', this.clock());
    return (await this.store.view(id))!;
  }

  /** Erases the user's personal data; the id stays so that events that name it still make sense. */
  async deleteUser(actor: RequestUser | null, id: string): Promise<boolean> {
    const admin = requireAdmin(actor);
    const target = await this.existingUser(id);
    if (target.id === admin.userId) throw badAuthInput('Vous ne pouvez pas supprimer votre propre compte.');
    if (target.status === 'DELETED') throw authNotFound('Utilisateur');
    // Deleted in between by another request: the same answer as for an account deleted before.
    if (!(await this.store.erase(id, this.clock()))) throw authNotFound('Utilisateur');
    return true;
  }

  /**
   * ADMIN: changes the name, role, organisation or régions of an account; the change applies to its
   * next request (tokens carry only the user id). An administrator cannot change its own role.
   */
  async updateUser(actor: RequestUser | null, id: string, input: UpdateUserInput): Promise<UserView> {
    const admin = requireAdmin(actor);
    const target = await this.existingUser(id);
    if (target.status === 'DELETED') throw authNotFound('Utilisateur');
    const role = input.role ?? target.role;
    if (target.id === admin.userId && role !== target.role) throw badAuthInput('Vous ne pouvez pas changer votre propre rôle.');
    const shape = validateAccountShape({
      name: input.name ?? target.name ?? '',
      role,
      organisationId: input.organisationId === undefined ? target.organisationId : input.organisationId,
      regions: input.regions ?? (role === 'NETWORK' ? target.regions : []),
    });
    if (shape.organisationId !== target.organisationId) await this.requireRegisteredOrganisation(shape.organisationId);
    if (!(await this.store.update(id, shape))) throw authNotFound('Utilisateur');
    return (await this.store.view(id))!;
  }

  /**
   * ADMIN: gives an account a new password (a forgotten one), to be passed on out of band. Its
   * sessions end and its sign-in lock-out is lifted.
   */
  async setUserPassword(actor: RequestUser | null, id: string, newPassword: string): Promise<UserView> {
    requireAdmin(actor);
    const target = await this.existingUser(id);
    if (target.status === 'DELETED' || !target.email) throw authNotFound('Utilisateur');
    const password = validPassword(newPassword);
    if ((await this.store.setPassword(id, await this.hasher.hash(password), this.clock())) === null) throw authNotFound('Utilisateur');
    await this.throttle.recordSuccess(accountKey(normaliseEmail(target.email), this.accountPolicy), null);
    return (await this.store.view(id))!;
  }

  private async existingUser(id: string): Promise<UserView> {
    const view = UUID.test(String(id)) ? await this.store.view(id) : null;
    if (!view) throw authNotFound('Utilisateur');
    return view;
  }

  // ---- strategies -------------------------------------------------------------------------------

  private accessTokenAuthenticator(): Authenticator {
    return {
      name: 'access-token',
      accepts: (credential) => looksLikeJwt(credential),
      authenticate: async (credential) => {
        const now = Math.floor(this.clock().getTime() / 1000);
        let claims = this.verifiedTokens.get(credential) ?? null;
        if (claims && !withinLifetime(claims, now)) {
          this.verifiedTokens.delete(credential); // expired (or issued ahead of this clock): checked afresh
          claims = null;
        }
        if (!claims) {
          claims = verifyJwt(credential, this.secrets, now);
          if (claims) this.verifiedTokens.set(credential, claims);
        }
        // The user as it is now (kept in memory only until its account changes, see
        // ActiveUserCache): a disabled or deleted user's token stops working at once, and role or
        // régions changed by an ADMIN apply on the next request. Tokens issued before the last
        // password change are refused (the change ends other sessions).
        if (!claims || !UUID.test(claims.sub)) return null;
        return this.activeUsers
          ? this.activeUsers.activeUser(claims.sub, claims.cv ?? 0)
          : this.store.activeUser(claims.sub, claims.cv ?? 0);
      },
    };
  }

  private apiTokenAuthenticator(): Authenticator {
    return {
      name: 'api-token',
      accepts: isApiTokenShaped,
      authenticate: async (credential) =>
        isWellFormedApiToken(credential)
          ? this.store.userOfApiToken(hashApiToken(credential), this.clock())
          : null,
    };
  }
}

function requireUser(actor: RequestUser | null): RequestUser {
  if (!actor) throw authenticationRequired();
  return actor;
}

function requireAdmin(actor: RequestUser | null): RequestUser {
  const user = requireUser(actor);
  if (user.role !== 'ADMIN')
    throw forbidden('Seul un administrateur de la plateforme peut gérer les comptes.');
  return user;
}

function validateNewUser(input: CreateUserInput): {
  email: string;
  name: string;
  organisationId: string | null;
  role: UserRole;
  regions: string[];
} {
  const email = normaliseEmail(String(input.email ?? ''));
  if (!EMAIL.test(email) || email.length > 320) throw badAuthInput('Adresse e-mail invalide.');
  const shape = validateAccountShape(input);
  validPassword(input.password);
  return { email, ...shape };
}

/** Name, role, organisation and régions of an account, as creation and updates require them. */
function validateAccountShape(input: { name?: string | null; role: UserRole; organisationId?: string | null; regions?: string[] | null }): {
  name: string;
  organisationId: string | null;
  role: UserRole;
  regions: string[];
} {
  const name = String(input.name ?? '').trim();
  if (name.length < 1 || name.length > 200) throw badAuthInput('Le nom doit compter de 1 à 200 caractères.');
  if (!(USER_ROLES as readonly string[]).includes(input.role))
    throw badAuthInput(`Rôle inconnu : ${String(input.role)}.`);
  const organisationId = input.organisationId?.trim() || null;
  if (input.role !== 'ADMIN' && !organisationId)
    throw badAuthInput('Un compte autre qu’administrateur appartient à une organisation.');
  if (organisationId && organisationId.length > 100)
    throw badAuthInput("Identifiant d'organisation invalide.");
  const regions = [...new Set(input.regions ?? [])];
  if (regions.some((r) => !isRegionCode(r)))
    throw badAuthInput('Une région se donne par son code INSEE à deux chiffres (ex. 11 pour l’Île-de-France).');
  if (input.role === 'NETWORK' && regions.length === 0)
    throw badAuthInput('Un compte inter-réseau suit au moins une région.');
  if (input.role !== 'NETWORK' && regions.length > 0)
    throw badAuthInput('Seul un compte inter-réseau suit des régions.');
  return { name, organisationId, role: input.role, regions: regions.sort() };
}

function validPassword(value: unknown): string {
  const password = typeof value === 'string' ? value : '';
  if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
    throw badAuthInput(`Le mot de passe doit compter de ${MIN_PASSWORD} à ${MAX_PASSWORD} caractères.`);
  }
  // Spaces count like any character, but a password of spaces alone is a blank field.
  if (password.trim() === '') throw badAuthInput('Le mot de passe ne peut pas être fait que d’espaces.');
  return password;
}
