// The role and privilege dialog in front, if any.
import { signal } from '@preact/signals';
import type { ObjectNode, Server } from '../../api/servers';
import { onWorkspaceReset } from '../../state/workspace';

export type RoleDialogState =
  | { dialog: 'role'; server: Server; role: string | null }
  | { dialog: 'replication'; server: Server; database: string }
  | { dialog: 'effective'; server: Server; path: string; label: string }
  | { dialog: 'graph'; server: Server }
  | { dialog: 'drop'; server: Server; node: ObjectNode }
  | { dialog: 'defaults'; server: Server; database: string; schema: string | null }
  | { dialog: 'grant'; server: Server; database: string; databasePath: string; schema: string | null; schemaPath: string | null; preselect: string[] };

export const roleDialog = signal<RoleDialogState | null>(null);

/** The tree's kinds of role: a login role and a group role. */
export function isRoleKind(kind: string): boolean {
  return kind === 'login_role' || kind === 'group_role';
}

export function closeRoleDialog(): void {
  roleDialog.value = null;
}

onWorkspaceReset(closeRoleDialog);
