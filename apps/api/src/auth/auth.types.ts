import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { USER_ROLES, type UserRole } from './request-user';

export const UserRoleEnum = Object.fromEntries(USER_ROLES.map((r) => [r, r])) as Record<UserRole, UserRole>;
registerEnumType(UserRoleEnum, {
  name: 'UserRole',
  description: 'Role of a user account.',
  valuesMap: {
    ADMIN: { description: 'Opérateur de la plateforme' },
    NETWORK: { description: 'Inter-réseau (une ou plusieurs régions)' },
    FUNDER: { description: 'Financeur' },
    MEMBER: { description: "Salarié d'une structure membre" },
  },
});

export const UserStatusEnum = { ACTIVE: 'ACTIVE', DISABLED: 'DISABLED', DELETED: 'DELETED' } as const;
registerEnumType(UserStatusEnum, { name: 'UserStatus', description: 'Whether an account may sign in.' });

@ObjectType('UserAccount', {
  description: 'A user account. E-mail and name are personal data, erased when the user is deleted.',
})
export class UserAccountType {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => UserRoleEnum) role!: UserRole;
  @Field(() => ID, {
    nullable: true,
    description: 'Organisation of the user (null for platform administrators).',
  })
  organisationId!: string | null;
  @Field(() => [String], { description: 'INSEE codes of the régions a NETWORK user follows.' })
  regions!: string[];
  @Field(() => UserStatusEnum) status!: keyof typeof UserStatusEnum;
  @Field() createdAt!: Date;
}

@ObjectType({
  description: 'A signed-in session: send `Authorization: Bearer <accessToken>` with each request.',
})
export class LoginPayload {
  @Field() accessToken!: string;
  @Field({ description: 'Always "Bearer".' }) tokenType!: string;
  @Field({ description: 'When the access token stops working: sign in again.' }) expiresAt!: Date;
  @Field(() => UserAccountType) user!: UserAccountType;
}

@ObjectType({
  description: 'A long-lived API token for scripts (its secret is never shown again after creation).',
})
export class ApiTokenType {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field({ description: 'First characters of the token, to recognise it.' }) displayPrefix!: string;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) expiresAt!: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  @Field(() => Date, { nullable: true }) lastUsedAt!: Date | null;
}

@ObjectType({ description: 'A new API token. Copy `token` now: only its hash is kept.' })
export class CreatedApiTokenPayload {
  @Field(() => ID) id!: string;
  @Field({ description: 'The secret (mlg_...): send it as `Authorization: Bearer <token>`. Shown once.' })
  token!: string;
  @Field(() => ApiTokenType) apiToken!: ApiTokenType;
}

@InputType()
export class CreateUserInput {
  @Field() email!: string;
  @Field() name!: string;
  @Field(() => ID, { nullable: true, description: 'Required except for ADMIN.' }) organisationId?:
    string | null;
  @Field(() => UserRoleEnum) role!: UserRole;
  @Field(() => [String], {
    nullable: true,
    description: 'INSEE région codes; required for NETWORK, refused otherwise.',
  })
  regions?: string[] | null;
  @Field({ description: 'At least 12 characters.' }) password!: string;
}

@InputType({ description: 'ADMIN: what changes on an account (fields left out stay as they are).' })
export class UpdateUserInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => UserRoleEnum, { nullable: true }) role?: UserRole | null;
  @Field(() => ID, { nullable: true, description: 'Required except for ADMIN.' }) organisationId?: string | null;
  @Field(() => [String], {
    nullable: true,
    description: 'INSEE région codes; required for NETWORK, refused otherwise (left out when the role changes from NETWORK: cleared).',
  })
  regions?: string[] | null;
}

export const API_TOKEN_DAYS_DESCRIPTION = 'Validity in days (1 to 730, default 365).';
