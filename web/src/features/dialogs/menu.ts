// The explorer actions that change objects or act on them: Create ▸ <kind>,
// Properties…, Count Rows, Maintenance ▸ …, Scripts ▸ … and Search Objects.
// The explorer's own actions module lists them in its menus.
import { countRows, objectScript, type CreateKind, type MaintenanceAction, type ScriptKind } from '../../api/ddl';
import type { ObjectNode, Server } from '../../api/servers';
import { errorMessage } from '../../lib/format';
import { databaseOf, parentPath, qualifiedName, relationOf } from '../../lib/objectPath';
import { showToast } from '../../state/toasts';
import type { Action } from '../servers/action';
import { isCollection, type Entry } from '../browser/explorerModel';
import { KIND_LABELS } from './kinds';
import { ddlDialog } from './state';
import { lastName } from './tree';

const CREATE_IDS = {
  'create-database': 'database',
  'create-schema': 'schema',
  'create-table': 'table',
  'create-view': 'view',
  'create-materialized-view': 'materialized_view',
  'create-sequence': 'sequence',
  'create-extension': 'extension',
  'create-column': 'column',
  'create-index': 'index',
  'create-function': 'function',
  'create-procedure': 'procedure',
  'create-trigger-function': 'trigger_function',
  'create-type': 'type',
  'create-domain': 'domain',
  'create-trigger': 'trigger',
  'create-policy': 'policy',
} as const satisfies Record<string, CreateKind>;

const MAINTENANCE_IDS = {
  vacuum: 'vacuum',
  'vacuum-full': 'vacuum_full',
  'vacuum-analyze': 'vacuum_analyze',
  analyze: 'analyze',
  'refresh-view': 'refresh',
  truncate: 'truncate',
  'truncate-cascade': 'truncate_cascade',
} as const satisfies Record<string, MaintenanceAction>;

const SCRIPT_IDS = {
  'script-select': 'select',
  'script-insert': 'insert',
  'script-update': 'update',
  'script-delete': 'delete',
} as const satisfies Record<string, ScriptKind>;

type CreateId = keyof typeof CREATE_IDS;
type MaintenanceId = keyof typeof MAINTENANCE_IDS;
type ScriptId = keyof typeof SCRIPT_IDS;
export type DdlActionId = CreateId | MaintenanceId | ScriptId | 'properties' | 'count-rows' | 'search';

const MAINTENANCE_LABELS: Record<MaintenanceId, string> = {
  vacuum: 'Vacuum…',
  'vacuum-full': 'Vacuum Full…',
  'vacuum-analyze': 'Vacuum Analyze…',
  analyze: 'Analyze…',
  'refresh-view': 'Refresh Materialized View…',
  truncate: 'Truncate…',
  'truncate-cascade': 'Truncate Cascade…',
};

function actionsOf(): Record<DdlActionId, Action<DdlActionId>> {
  const all: Partial<Record<DdlActionId, Action<DdlActionId>>> = {};
  for (const [id, kind] of Object.entries(CREATE_IDS) as Array<[CreateId, CreateKind]>) {
    all[id] = { id, label: `${KIND_LABELS[kind]}…`, icon: 'plus', group: 'Create' };
  }
  for (const id of Object.keys(MAINTENANCE_IDS) as MaintenanceId[]) {
    all[id] = { id, label: MAINTENANCE_LABELS[id], icon: id.startsWith('truncate') ? 'trash' : 'refresh', group: 'Maintenance' };
  }
  for (const [id, kind] of Object.entries(SCRIPT_IDS) as Array<[ScriptId, ScriptKind]>) {
    all[id] = { id, label: kind.toUpperCase(), icon: 'query', group: 'Scripts' };
  }
  all.properties = { id: 'properties', label: 'Properties…', icon: 'edit', key: 'F2' };
  all['count-rows'] = { id: 'count-rows', label: 'Count Rows', icon: 'table' };
  all.search = { id: 'search', label: 'Search Objects…', icon: 'search', key: 'Ctrl+Shift+K' };
  return all as Record<DdlActionId, Action<DdlActionId>>;
}

export const DDL_ACTIONS = actionsOf();

export function isDdlAction(id: string): id is DdlActionId {
  return id in DDL_ACTIONS;
}

/** The collection each kind is listed in. */
const COLLECTION_OF: Record<CreateKind, string> = {
  database: 'databases',
  schema: 'schemas',
  table: 'tables',
  view: 'views',
  materialized_view: 'materialized_views',
  sequence: 'sequences',
  extension: 'extensions',
  column: 'columns',
  index: 'indexes',
  function: 'functions',
  procedure: 'procedures',
  trigger_function: 'trigger_functions',
  type: 'types',
  domain: 'domains',
  trigger: 'triggers',
  policy: 'policies',
};

const RELATIONS: CreateKind[] = ['table', 'view', 'materialized_view', 'sequence'];

/** What can be created on an object of a kind (the object owns the collections). */
const ON_OBJECT: Record<string, CreateKind[]> = {
  database: ['schema', 'extension'],
  schema: [...RELATIONS, 'function', 'procedure', 'trigger_function', 'type', 'domain'],
  table: ['column', 'index', 'trigger', 'policy'],
};

/** What can be created on a collection, by its segment. */
const ON_COLLECTION: Record<string, CreateKind[]> = {
  databases: ['database'],
  schemas: ['schema'],
  extensions: ['extension'],
  tables: RELATIONS,
  views: ['view'],
  materialized_views: ['materialized_view'],
  sequences: ['sequence'],
  columns: ['column'],
  indexes: ['index'],
  functions: ['function'],
  procedures: ['procedure'],
  trigger_functions: ['trigger_function'],
  types: ['type'],
  domains: ['domain'],
  triggers: ['trigger'],
  policies: ['policy'],
};

type ObjectEntry = Extract<Entry, { kind: 'object' }>;

/** Where a new KIND made from ENTRY goes: the owner path; null when ENTRY does not take one. */
function ownerFor(kind: CreateKind, entry: Entry | null): { server: Server; owner: string } | null {
  if (entry?.kind === 'server') return entry.server.connected && kind === 'database' ? { server: entry.server, owner: '/' } : null;
  if (entry?.kind !== 'object' || !entry.server.connected) return null;
  const { node } = entry;
  if (isCollection(node)) return ON_COLLECTION[lastName(node.path)]?.includes(kind) ? { server: entry.server, owner: parentPath(node.path) } : null;
  return ON_OBJECT[node.kind]?.includes(kind) ? { server: entry.server, owner: node.path } : null;
}

function objectEntry(entry: Entry | null): ObjectEntry | null {
  return entry?.kind === 'object' && !isCollection(entry.node) && entry.server.connected ? entry : null;
}

const MAINTAINABLE: Record<MaintenanceId, string[]> = {
  vacuum: ['table', 'materialized_view'],
  'vacuum-full': ['table', 'materialized_view'],
  'vacuum-analyze': ['table', 'materialized_view'],
  analyze: ['table', 'materialized_view'],
  'refresh-view': ['materialized_view'],
  truncate: ['table'],
  'truncate-cascade': ['table'],
};

/** A table, view or materialized view (rows to count, statements to write). */
function relation(entry: Entry | null): ObjectEntry | null {
  const e = objectEntry(entry);
  return e && relationOf(e.node.path) !== null ? e : null;
}

/** The database whose objects Search looks through: the one ENTRY lies in. */
function searchTarget(entry: Entry | null): { server: Server; database: string } | null {
  if (entry?.kind !== 'object' || !entry.server.connected) return null;
  const database = databaseOf(entry.node.path);
  return database === null ? null : { server: entry.server, database };
}

export function canRunDdl(id: DdlActionId, entry: Entry | null): boolean {
  if (id in CREATE_IDS) return ownerFor(CREATE_IDS[id as CreateId], entry) !== null;
  if (id in MAINTENANCE_IDS) {
    const e = objectEntry(entry);
    return e !== null && relationOf(e.node.path) !== null && MAINTAINABLE[id as MaintenanceId].includes(e.node.kind);
  }
  if (id in SCRIPT_IDS || id === 'count-rows') return relation(entry) !== null;
  if (id === 'search') return searchTarget(entry) !== null;
  return objectEntry(entry) !== null;
}

function openCreate(kind: CreateKind, entry: Entry | null): void {
  const where = ownerFor(kind, entry);
  if (where) ddlDialog.value = { dialog: 'create', kind, collection: COLLECTION_OF[kind], ...where };
}

async function count(server: Server, node: ObjectNode): Promise<void> {
  try {
    const { rows } = await countRows(server.id, node.path);
    const shown = /^\d+$/.test(rows) ? BigInt(rows).toLocaleString() : rows;
    showToast(`${qualifiedName(node.path)}: ${shown} ${rows === '1' ? 'row' : 'rows'}.`);
  } catch (err) {
    showToast(errorMessage(err), 'error');
  }
}

async function script(server: Server, node: ObjectNode, kind: ScriptKind): Promise<void> {
  const database = databaseOf(node.path);
  try {
    const sql = await objectScript(server.id, node.path, kind);
    const tabs = await import('../query/tabs');
    tabs.openQueryTab(server, database, sql);
  } catch (err) {
    showToast(errorMessage(err), 'error');
  }
}

export function runDdl(id: DdlActionId, entry: Entry | null): void {
  if (!canRunDdl(id, entry)) return;
  if (id in CREATE_IDS) {
    openCreate(CREATE_IDS[id as CreateId], entry);
    return;
  }
  if (id === 'search') {
    const target = searchTarget(entry)!;
    ddlDialog.value = { dialog: 'search', ...target };
    return;
  }
  const { server, node } = objectEntry(entry)!;
  if (id in MAINTENANCE_IDS) ddlDialog.value = { dialog: 'maintenance', server, node, action: MAINTENANCE_IDS[id as MaintenanceId] };
  else if (id in SCRIPT_IDS) void script(server, node, SCRIPT_IDS[id as ScriptId]);
  else if (id === 'count-rows') void count(server, node);
  else ddlDialog.value = { dialog: 'alter', server, node };
}

/** The groups these actions add to an object's menu, each only with what applies. */
export function ddlMenuGroups(entry: Entry): { create: DdlActionId[]; maintenance: DdlActionId[]; scripts: DdlActionId[]; tools: DdlActionId[]; properties: DdlActionId[] } {
  const only = (ids: DdlActionId[]) => ids.filter((id) => canRunDdl(id, entry));
  const isDatabase = entry.kind === 'object' && entry.node.kind === 'database';
  return {
    create: only(Object.keys(CREATE_IDS) as CreateId[]),
    maintenance: only(Object.keys(MAINTENANCE_IDS) as MaintenanceId[]),
    scripts: only(Object.keys(SCRIPT_IDS) as ScriptId[]),
    tools: only(isDatabase ? ['count-rows', 'search'] : ['count-rows']),
    properties: only(['properties']),
  };
}
