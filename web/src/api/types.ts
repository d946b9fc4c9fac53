export type Role = 'admin' | 'user';

export interface User {
  id: number;
  email: string;
  role: Role;
}

/** A user as administrators see it in user management. */
export interface ManagedUser extends User {
  active: boolean;
  locked: boolean;
  /** False for an account imported from pgAdmin until an administrator sets its password. */
  password_set: boolean;
  failed_attempts: number;
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
