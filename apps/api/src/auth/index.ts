/** Accounts and sign-in: who the caller is (authorisation rules live elsewhere and read RequestUser only). */
export { AuthModule } from './auth.module';
export { AuthResolver } from './auth.resolver';
export { AuthService, type AuthOptions, type CreateUserInput, type LoginResult } from './auth.service';
export { authenticate, authServiceFor } from './auth-registry';
export { migrateAuth } from './auth-migrations';
export {
  seedDemoAccounts,
  DEMO_ACCOUNTS,
  DEMO_ACCOUNT_ORGANISATIONS,
  type DemoAccountOrganisations,
} from './demo-accounts';
export { type Authenticator, resolveBearer } from './authenticator';
export { AuthErrorCode, unauthenticated, forbidden } from './auth-errors';
export { USER_ROLES, type RequestUser, type UserRole, type Clock } from './request-user';
