// The explorer actions for roles and privileges: Create ▸ Login/Group Role…,
// a role's Properties…, and the Grant Wizard on a database, a schema or one
// of its objects.
import type { Action } from '../servers/action';
import { databaseOf, parentPath, pathSteps } from '../../lib/objectPath';
import { isCollection, type Entry } from '../browser/explorerModel';
import { isRoleKind, roleDialog } from './state';

export type RoleActionId = 'create-role' | 'role-properties' | 'grant-wizard' | 'logical-replication' | 'effective-privileges' | 'membership-graph' | 'default-privileges';

export const ROLE_ACTIONS: Record<RoleActionId, Action<RoleActionId>> = {
  'create-role': { id: 'create-role', label: 'Login/Group Role…', icon: 'plus', group: 'Create' },
  'role-properties': { id: 'role-properties', label: 'Properties…', icon: 'edit', key: 'F2' },
  'grant-wizard': { id: 'grant-wizard', label: 'Grant Wizard…', icon: 'users', group: 'Tools' },
  'default-privileges': { id: 'default-privileges', label: 'Default Privileges…', icon: 'users', group: 'Tools' },
  'membership-graph': { id: 'membership-graph', label: 'Membership Graph…', icon: 'users', group: 'Tools' },
  'effective-privileges': { id: 'effective-privileges', label: 'Effective Privileges…', icon: 'eye', group: 'Tools' },
  'logical-replication': { id: 'logical-replication', label: 'Logical Replication…', icon: 'publication', group: 'Tools' },
};

export function isRoleAction(id: string): id is RoleActionId {
  return id in ROLE_ACTIONS;
}

/** Objects the wizard grants on, by tree kind. */
const GRANTABLE = new Set(['database', 'schema', 'table', 'view', 'materialized_view', 'sequence', 'function', 'procedure', 'foreign_table']);

export function isRoleNode(entry: Entry | null): boolean {
  return entry?.kind === 'object' && isRoleKind(entry.node.kind);
}

export function canRunRole(id: RoleActionId, entry: Entry | null): boolean {
  if (id === 'create-role' || id === 'membership-graph') {
    if (entry?.kind === 'server') return entry.server.connected;
    return entry?.kind === 'object' && entry.server.connected && isCollection(entry.node) && entry.node.path === '/roles';
  }
  if (entry?.kind !== 'object' || !entry.server.connected) return false;
  if (id === 'role-properties') return isRoleKind(entry.node.kind);
  if (id === 'logical-replication') return entry.node.kind === 'database';
  if (id === 'default-privileges') return !isCollection(entry.node) && (entry.node.kind === 'database' || entry.node.kind === 'schema');
  if (id === 'effective-privileges') return !isCollection(entry.node) && (GRANTABLE.has(entry.node.kind) || entry.node.kind === 'type' || entry.node.kind === 'domain');
  return !isCollection(entry.node) && GRANTABLE.has(entry.node.kind) && databaseOf(entry.node.path) !== null;
}

export function runRoleAction(id: RoleActionId, entry: Entry | null): void {
  if (!canRunRole(id, entry) || !entry || (entry.kind !== 'server' && entry.kind !== 'object')) return;
  const server = entry.server;
  if (id === 'create-role') {
    roleDialog.value = { dialog: 'role', server, role: null };
    return;
  }
  if (id === 'membership-graph') {
    roleDialog.value = { dialog: 'graph', server };
    return;
  }
  if (entry.kind !== 'object') return;
  const { node } = entry;
  if (id === 'role-properties') {
    roleDialog.value = { dialog: 'role', server, role: pathSteps(node.path).slice(-1)[0]?.name ?? '' };
    return;
  }
  if (id === 'default-privileges') {
    const schemaStep = pathSteps(node.path).find((s) => s.collection === 'schemas');
    roleDialog.value = { dialog: 'defaults', server, database: databaseOf(node.path)!, schema: schemaStep?.name ?? null };
    return;
  }
  if (id === 'effective-privileges') {
    roleDialog.value = { dialog: 'effective', server, path: node.path, label: node.label };
    return;
  }
  if (id === 'logical-replication') {
    roleDialog.value = { dialog: 'replication', server, database: databaseOf(node.path)! };
    return;
  }
  // the database and schema paths are cut back from the node's own path
  const steps = pathSteps(node.path);
  let databasePath = node.path;
  while (pathSteps(databasePath).length > 1) databasePath = parentPath(parentPath(databasePath));
  const schemaIndex = steps.findIndex((s) => s.collection === 'schemas');
  let schemaPath: string | null = null;
  if (schemaIndex >= 0) {
    schemaPath = node.path;
    while (pathSteps(schemaPath).length > schemaIndex + 1) schemaPath = parentPath(parentPath(schemaPath));
  }
  roleDialog.value = {
    dialog: 'grant',
    server,
    database: databaseOf(node.path)!,
    databasePath,
    schema: schemaIndex >= 0 ? steps[schemaIndex]!.name : null,
    schemaPath,
    preselect: node.kind === 'database' || node.kind === 'schema' ? [] : [node.path],
  };
}

export function roleMenu(entry: Entry): RoleActionId[] {
  return (['grant-wizard', 'default-privileges', 'effective-privileges', 'logical-replication', 'membership-graph'] as const).filter((id) => canRunRole(id, entry));
}
