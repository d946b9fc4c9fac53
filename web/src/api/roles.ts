// Roles and privileges: the roles of a server with their attributes and
// memberships; create/alter/drop from a spec; the Grant Wizard; effective and
// default privileges. Every statement is written by the server; preview
// asks for it without running it (passwords show as ********).
import { request } from './client';
import type { DdlAnswer } from './ddl';

export interface Membership {
  role: string;
  admin: boolean;
  /** PostgreSQL 16+; null before. */
  inherit?: boolean | null;
  set?: boolean | null;
}

export interface RoleSetting {
  database: string | null;
  name: string;
  value: string;
}

export interface Role {
  name: string;
  oid: number;
  login: boolean;
  superuser: boolean;
  createdb: boolean;
  createrole: boolean;
  inherit: boolean;
  replication: boolean;
  bypassrls: boolean;
  connection_limit: number;
  valid_until: string | null;
  system: boolean;
  comment: string | null;
  member_of: Membership[];
  members: Membership[];
  config: RoleSetting[];
}

export async function listRoles(serverId: number, system = false): Promise<Role[]> {
  return (await request<{ roles: Role[] }>('GET', `servers/${serverId}/roles`, { query: { system: system ? 'true' : undefined } })).roles;
}

export function createRole(serverId: number, spec: Record<string, unknown>, preview: boolean): Promise<DdlAnswer> {
  return request<DdlAnswer>('POST', `servers/${serverId}/roles`, { body: { spec, preview } });
}

export function alterRole(serverId: number, role: string, changes: Record<string, unknown>, preview: boolean): Promise<DdlAnswer> {
  return request<DdlAnswer>('POST', `servers/${serverId}/roles/alter`, { body: { role, changes, preview } });
}

export function dropRole(serverId: number, role: string, options: { reassign_to?: string; drop_owned?: boolean }, preview: boolean): Promise<DdlAnswer> {
  return request<DdlAnswer>('POST', `servers/${serverId}/roles/drop`, { body: { role, ...options, preview } });
}

export interface GrantRequest {
  action: 'grant' | 'revoke';
  objects: string[];
  privileges: string[];
  roles: string[];
  with_grant_option?: boolean;
  cascade?: boolean;
}

export function grantPrivileges(serverId: number, body: GrantRequest, preview: boolean): Promise<DdlAnswer> {
  return request<DdlAnswer>('POST', `servers/${serverId}/privileges`, { body: { ...body, preview } });
}

export interface EffectivePrivileges {
  object: string;
  type: string;
  effective: { role: string; owner: string; privileges: Array<{ privilege: string; granted: boolean; via: string[] }> };
}

export function effectivePrivileges(serverId: number, role: string, path: string): Promise<EffectivePrivileges> {
  return request<EffectivePrivileges>('GET', `servers/${serverId}/privileges/effective`, { query: { role, path } });
}

export interface DefaultPrivilege {
  role: string;
  schema: string | null;
  object_type: string;
  grantee: string;
  privileges: string[];
  grantable: boolean;
}

export async function listDefaultPrivileges(serverId: number, database: string): Promise<DefaultPrivilege[]> {
  return (await request<{ defaults: DefaultPrivilege[] }>('GET', `servers/${serverId}/default-privileges`, { query: { database } })).defaults;
}

export interface DefaultPrivilegesRequest {
  database: string;
  action: 'grant' | 'revoke';
  for_role?: string;
  schema?: string;
  object_type: string;
  privileges: string[];
  roles: string[];
  with_grant_option?: boolean;
}

export function alterDefaultPrivileges(serverId: number, body: DefaultPrivilegesRequest, preview: boolean): Promise<DdlAnswer> {
  return request<DdlAnswer>('POST', `servers/${serverId}/default-privileges`, { body: { ...body, preview } });
}
