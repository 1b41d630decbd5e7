import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AuthService } from './auth.service';
import type { RequestUser, UserRole } from './request-user';
import {
  API_TOKEN_DAYS_DESCRIPTION,
  ApiTokenType,
  CreatedApiTokenPayload,
  CreateUserInput,
  UpdateUserInput,
  LoginPayload,
  UserAccountType,
} from './auth.types';

/** What this resolver reads from the GraphQL request context (see graphql/request-context.ts). */
interface AuthContext {
  user: { userId: string; organisationId: string | null; role: string; regions?: string[] } | null;
  /** Client address for sign-in throttling (Fastify's request.ip), when the context carries it. */
  clientIp?: string | null;
}

/** The context's user, set by `authenticate` (so its role is one of ours). */
const actorOf = (ctx: AuthContext): RequestUser | null =>
  ctx.user
    ? {
        userId: ctx.user.userId,
        organisationId: ctx.user.organisationId,
        role: ctx.user.role as UserRole,
        regions: ctx.user.regions ?? [],
      }
    : null;

/** Thin: every rule, including who may call what, is in AuthService. */
@Resolver()
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

  @Mutation(() => LoginPayload, {
    description: 'Signs in with e-mail and password; returns a 15-minute access token.',
  })
  async login(
    @Args('email') email: string,
    @Args('password') password: string,
    @Context() ctx: AuthContext,
  ): Promise<LoginPayload> {
    const result = await this.auth.login(email, password, ctx.clientIp ?? null);
    return {
      accessToken: result.accessToken,
      tokenType: 'Bearer',
      expiresAt: result.expiresAt,
      user: await this.auth.me(result.user),
    };
  }

  @Query(() => UserAccountType, { description: 'The signed-in user.' })
  me(@Context() ctx: AuthContext): Promise<UserAccountType> {
    return this.auth.me(actorOf(ctx));
  }

  @Mutation(() => LoginPayload, {
    description:
      'Changes your own password (give the current one). Your other sessions end; the answer carries a fresh access token for this one.',
  })
  async changePassword(
    @Args('currentPassword') currentPassword: string,
    @Args('newPassword', { description: 'At least 12 characters.' }) newPassword: string,
    @Context() ctx: AuthContext,
  ): Promise<LoginPayload> {
    const actor = actorOf(ctx);
    const token = await this.auth.changePassword(actor, currentPassword, newPassword);
    return { accessToken: token.accessToken, tokenType: 'Bearer', expiresAt: token.expiresAt, user: await this.auth.me(actor) };
  }

  @Query(() => [ApiTokenType], { description: "The caller's API tokens (never their secrets)." })
  apiTokens(@Context() ctx: AuthContext): Promise<ApiTokenType[]> {
    return this.auth.apiTokens(actorOf(ctx));
  }

  @Mutation(() => CreatedApiTokenPayload, {
    description: 'Creates an API token for the caller; its secret is shown in this answer only.',
  })
  async createApiToken(
    @Args('name') name: string,
    @Args('expiresInDays', { type: () => Int, nullable: true, description: API_TOKEN_DAYS_DESCRIPTION })
    expiresInDays: number | null,
    @Context() ctx: AuthContext,
  ): Promise<CreatedApiTokenPayload> {
    const created = await this.auth.createApiToken(actorOf(ctx), name, expiresInDays);
    return { id: created.apiToken.id, token: created.token, apiToken: created.apiToken };
  }

  @Mutation(() => ApiTokenType, { description: 'Revokes one of your API tokens (it stops working at once).' })
  revokeApiToken(
    @Args('id', { type: () => ID }) id: string,
    @Context() ctx: AuthContext,
  ): Promise<ApiTokenType> {
    return this.auth.revokeApiToken(actorOf(ctx), id);
  }

  @Query(() => [UserAccountType], { description: 'ADMIN: every account not deleted.' })
  users(@Context() ctx: AuthContext): Promise<UserAccountType[]> {
    return this.auth.users(actorOf(ctx));
  }

  @Mutation(() => UserAccountType, { description: 'ADMIN: creates an account.' })
  createUser(@Args('input') input: CreateUserInput, @Context() ctx: AuthContext): Promise<UserAccountType> {
    return this.auth.createUser(actorOf(ctx), input);
  }

  @Mutation(() => UserAccountType, {
    description: 'ADMIN: the account can no longer sign in; its tokens stop working.',
  })
  disableUser(
    @Args('id', { type: () => ID }) id: string,
    @Context() ctx: AuthContext,
  ): Promise<UserAccountType> {
    return this.auth.disableUser(actorOf(ctx), id);
  }

  @Mutation(() => UserAccountType, {
    description: 'ADMIN: changes the name, role, organisation or régions of an account (applies to its next request).',
  })
  updateUser(
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateUserInput,
    @Context() ctx: AuthContext,
  ): Promise<UserAccountType> {
    return this.auth.updateUser(actorOf(ctx), id, input);
  }

  @Mutation(() => UserAccountType, {
    description: 'ADMIN: gives an account a new password (e.g. a forgotten one); its sessions end and its sign-in lock-out is lifted.',
  })
  setUserPassword(
    @Args('id', { type: () => ID }) id: string,
    @Args('newPassword', { description: 'At least 12 characters.' }) newPassword: string,
    @Context() ctx: AuthContext,
  ): Promise<UserAccountType> {
    return this.auth.setUserPassword(actorOf(ctx), id, newPassword);
  }

  @Mutation(() => UserAccountType, { description: 'ADMIN: re-enables a disabled account.' })
  enableUser(
    @Args('id', { type: () => ID }) id: string,
    @Context() ctx: AuthContext,
  ): Promise<UserAccountType> {
    return this.auth.enableUser(actorOf(ctx), id);
  }

  @Mutation(() => Boolean, {
    description: 'ADMIN: deletes an account and erases its personal data (its id stays in history).',
  })
  deleteUser(@Args('id', { type: () => ID }) id: string, @Context() ctx: AuthContext): Promise<boolean> {
    return this.auth.deleteUser(actorOf(ctx), id);
  }
}
