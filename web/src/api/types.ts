export type Role = 'admin' | 'user';

/** Where a user signs in: a Tusk password, an LDAP directory, or the authenticating proxy in front. */
export type AuthSource = 'internal' | 'ldap' | 'webserver' | 'oauth2';

export interface User {
  id: number;
  email: string;
  role: Role;
  auth_source?: AuthSource;
}

/** A user as administrators see it in user management. */
export interface ManagedUser extends User {
  active: boolean;
  locked: boolean;
  /** False for an account imported from pgAdmin until an administrator sets its password. */
  password_set: boolean;
  failed_attempts: number;
  /** An authenticator app is enrolled (TOTP). */
  two_factor_enabled?: boolean;
  /** An administrator requires two-factor of this user. */
  two_factor_required?: boolean;
  /** oauth2 users: the provider (OAUTH2_NAME) they sign in through; null when not recorded. */
  oauth2_provider?: string | null;
  created_at: string | null;
  last_login_at: string | null;
}

export interface AuditEntry {
  id: number;
  time: string;
  user_email: string | null;
  event: string;
  client_addr: string | null;
  detail: unknown;
}

/** A right password of a user with two-factor: the code is asked next (api/twofactor.ts). */
export interface SecondStep {
  second_step: 'totp';
  pending_token: string;
  expires_in: number;
}
