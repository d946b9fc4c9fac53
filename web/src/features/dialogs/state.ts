// The create/alter/maintenance/search dialog in front, if any. The explorer
// renders it; the menu actions open it.
import { signal } from '@preact/signals';
import type { CreateKind, MaintenanceAction } from '../../api/ddl';
import type { ObjectNode, Server } from '../../api/servers';
import { onWorkspaceReset } from '../../state/workspace';

/**
 * Where a new object goes: OWNER is the path of the object that holds its
 * collection ("/" for a database, the schema for a table, the table for a
 * column), COLLECTION that collection's segment ("tables").
 */
export interface CreateTarget {
  server: Server;
  kind: CreateKind;
  owner: string;
  collection: string;
}

export type DdlDialog =
  | ({ dialog: 'create' } & CreateTarget)
  | { dialog: 'alter'; server: Server; node: ObjectNode }
  | { dialog: 'maintenance'; server: Server; node: ObjectNode; action: MaintenanceAction }
  | { dialog: 'search'; server: Server; database: string };

export const ddlDialog = signal<DdlDialog | null>(null);

export function closeDdlDialog(): void {
  ddlDialog.value = null;
}

onWorkspaceReset(closeDdlDialog);
