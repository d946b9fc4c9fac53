// The one "object" tab: it follows the explorer's selection (like pgAdmin's
// panels) and shows the selected object's properties, SQL, statistics or
// dependencies, loading only the section in view; for a collection
// ("Tables"), the grid of its members.
import { batch, signal } from '@preact/signals';
import { ApiError } from '../../api/client';
import {
  objectDdl,
  objectDependencies,
  objectProperties,
  objectStatistics,
  type Dependencies,
  type NamedValue,
} from '../../api/objects';
import type { ObjectNode, Server } from '../../api/servers';
import { errorMessage } from '../../lib/format';
import { isUnder, parentPath, qualifiedName } from '../../lib/objectPath';
import { activeTabId, closeTab, onWorkspaceReset, openTab, retitleTab, setCloseHandler, tabs } from '../../state/workspace';
import { isCollection, objectIcon } from './explorerModel';

export type Section = 'properties' | 'sql' | 'statistics' | 'dependencies';

interface SectionValues {
  properties: NamedValue[];
  sql: string;
  statistics: NamedValue[];
  dependencies: Dependencies;
}

/**
 * A section's content. "unavailable" is the server saying it has nothing of
 * that kind for this object (a language's DDL, a view's statistics): shown
 * calmly in place, not as a failure.
 */
export type SectionLoad<T> =
  | { status: 'loading' }
  | { status: 'ready'; value: T }
  | { status: 'unavailable'; message: string }
  | { status: 'error'; message: string };

type SectionLoads = { [K in Section]?: SectionLoad<SectionValues[K]> };

export interface ObjectTarget {
  server: Server;
  node: ObjectNode;
}

export const OBJECT_TAB_ID = 'object';
/** A pause before loading, so moving through the tree with the arrow keys does not fire a request per row. */
const SETTLE_MS = 80;

export const objectTarget = signal<ObjectTarget | null>(null);
/** The server whose properties the object tab shows (a server node selected), instead of an object. */
export const serverShown = signal<Server | null>(null);
export const objectSection = signal<Section>('properties');
export const sectionLoads = signal<SectionLoads>({});
/** Bumped when the shown collection's grid is to be fetched again. */
export const gridVersion = signal(0);

/** The latest load of each section: older answers are dropped. */
const tickets: Record<Section, number> = { properties: 0, sql: 0, statistics: 0, dependencies: 0 };
let settleTimer = 0;

const FETCH: { [K in Section]: (serverId: number, path: string) => Promise<SectionValues[K]> } = {
  properties: objectProperties,
  sql: objectDdl,
  statistics: objectStatistics,
  dependencies: objectDependencies,
};

/** "table", "materialized view", "login role". */
export function kindLabel(node: ObjectNode): string {
  return node.kind.replace(/_/g, ' ');
}

/** Where a collection hangs, as the user names it: "cat", "cat.parent"; empty at the top of a server. */
export function collectionOwner(node: ObjectNode): string {
  return qualifiedName(parentPath(node.path));
}

/** The tab's title, which says what it shows: "table cat.parent", "Tables in cat". */
export function objectTitle(node: ObjectNode): string {
  if (isCollection(node)) {
    const owner = collectionOwner(node);
    return owner ? `${node.label} in ${owner}` : node.label;
  }
  return `${kindLabel(node)} ${qualifiedName(node.path)}`;
}

function setLoad<K extends Section>(section: K, load: SectionLoad<SectionValues[K]>): void {
  sectionLoads.value = { ...sectionLoads.value, [section]: load };
}

/** 422 (nothing of that kind yet) and 404 (no such thing for this object) are answers, not failures. */
function isUnavailable(err: unknown): err is ApiError {
  return err instanceof ApiError && (err.status === 422 || err.status === 404);
}

async function load<K extends Section>(section: K): Promise<void> {
  const target = objectTarget.value;
  if (!target || isCollection(target.node)) return;
  const mine = ++tickets[section];
  setLoad(section, { status: 'loading' });
  let result: SectionLoad<SectionValues[K]>;
  try {
    result = { status: 'ready', value: await FETCH[section](target.server.id, target.node.path) };
  } catch (err) {
    result = isUnavailable(err) ? { status: 'unavailable', message: err.message } : { status: 'error', message: errorMessage(err) };
  }
  if (mine === tickets[section] && sameObject(objectTarget.value, target)) setLoad(section, result);
}

function loadSoon(): void {
  window.clearTimeout(settleTimer);
  settleTimer = window.setTimeout(() => void load(objectSection.value), SETTLE_MS);
}

function sameObject(a: ObjectTarget | null, b: ObjectTarget): boolean {
  return a !== null && a.server.id === b.server.id && a.node.path === b.node.path;
}

/**
 * Shows an object (or a collection's grid) in the object tab, opening the
 * tab when it is closed. The tab comes to the front unless a query tab is
 * there: a click in the tree never hides the query the user is working on.
 */
export function showObject(server: Server, node: ObjectNode): void {
  serverShown.value = null;
  const next = { server, node };
  const title = objectTitle(node);
  const icon = objectIcon(node);
  const front = tabs.value.find((t) => t.id === activeTabId.value)?.kind !== 'query';
  if (sameObject(objectTarget.value, next)) {
    objectTarget.value = next;
  } else if (isCollection(node)) {
    window.clearTimeout(settleTimer);
    batch(() => {
      objectTarget.value = next;
      sectionLoads.value = {};
    });
  } else {
    batch(() => {
      objectTarget.value = next;
      sectionLoads.value = { [objectSection.value]: { status: 'loading' } };
    });
    loadSoon();
  }
  if (tabs.value.some((t) => t.id === OBJECT_TAB_ID)) {
    retitleTab(OBJECT_TAB_ID, title, icon);
    if (front) activeTabId.value = OBJECT_TAB_ID;
  } else {
    openTab({ id: OBJECT_TAB_ID, kind: 'object', title, icon }, front);
  }
}

/** Shows a server's entry and, connected, what its PostgreSQL says of itself, in the object tab. */
export function showServer(server: Server): void {
  const front = tabs.value.find((t) => t.id === activeTabId.value)?.kind !== 'query';
  batch(() => {
    objectTarget.value = null;
    serverShown.value = server;
  });
  const title = `server ${server.name}`;
  if (tabs.value.some((t) => t.id === OBJECT_TAB_ID)) {
    retitleTab(OBJECT_TAB_ID, title, 'servers');
    if (front) activeTabId.value = OBJECT_TAB_ID;
  } else {
    openTab({ id: OBJECT_TAB_ID, kind: 'object', title, icon: 'servers' }, front);
  }
}

/** Brings the object tab to the front (Enter on an object in the tree). */
export function frontObjectTab(): void {
  if (tabs.value.some((t) => t.id === OBJECT_TAB_ID)) activeTabId.value = OBJECT_TAB_ID;
}

export function selectSection(section: Section): void {
  objectSection.value = section;
  const current = sectionLoads.value[section];
  if (!current || current.status === 'error') void load(section);
}

/** Loads the section in view (or the grid) again and forgets the others. */
export function refreshObject(): void {
  const target = objectTarget.value;
  if (target && isCollection(target.node)) {
    gridVersion.value++;
    return;
  }
  sectionLoads.value = {};
  void load(objectSection.value);
}

/** Refreshes the tab when it shows the object at PATH. */
export function refreshObjectAt(serverId: number, path: string): void {
  const target = objectTarget.value;
  if (target && target.server.id === serverId && target.node.path === path) refreshObject();
}

/** An object was dropped: the tab stops showing it (or anything inside it); the grid of its collection loses a row. */
export function forgetObject(serverId: number, path: string): void {
  const target = objectTarget.value;
  if (target && target.server.id === serverId && target.node.path === parentPath(path)) refreshObject();
  if (!target || target.server.id !== serverId || !isUnder(target.node.path, path)) return;
  clear();
  retitleTab(OBJECT_TAB_ID, 'Object', 'object');
}

function clear(): void {
  window.clearTimeout(settleTimer);
  batch(() => {
    objectTarget.value = null;
    sectionLoads.value = {};
  });
}

setCloseHandler('object', (id) => {
  clear();
  closeTab(id);
});

onWorkspaceReset(clear);
