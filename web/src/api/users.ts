import { request } from './client';
import type { ManagedUser, Role, AuthSource } from './types';

export interface NewUser {
  email: string;
  /** Only for the internal source: LDAP and proxy users have no Tusk password. */
  password?: string;
  role: Role;
  active: boolean;
  auth_source?: AuthSource;
  /** oauth2 users: the provider they sign in through (required when several are configured). */
  oauth2_provider?: string;
}

export interface UserChanges {
  email?: string;
  role?: Role;
  active?: boolean;
  password?: string;
  locked?: false;
}

export async function listUsers(): Promise<ManagedUser[]> {
  const { users } = await request<{ users: ManagedUser[] }>('GET', 'users');
  return users;
}

export async function createUser(user: NewUser): Promise<ManagedUser> {
  const created = await request<{ user: ManagedUser }>('POST', 'users', { body: user });
  return created.user;
}

export async function updateUser(id: number, changes: UserChanges): Promise<ManagedUser> {
  const updated = await request<{ user: ManagedUser }>('PUT', `users/${id}`, { body: changes });
  return updated.user;
}

export function deleteUser(id: number): Promise<void> {
  return request<void>('DELETE', `users/${id}`);
}
