// Bringing the explorer up to date after a change, and opening the tree down
// to an object: every path used here comes from the server (a node's path,
// a search result) and is only cut back to its parents.
import { effect } from '@preact/signals';
import type { ObjectNode, Server } from '../../api/servers';
import { decodeSegment, parentPath } from '../../lib/objectPath';
import {
  ensureObjects,
  objectChildren,
  objectNodeId,
  refreshObjects,
  reloadObjects,
  selectedId,
  serverNodeId,
  setExpanded,
} from '../../state/servers';
import { refreshObjectAt, showObject } from '../browser/objectPanel';

/** The children of PATH once loaded (loading them if need be); null when the load failed. */
function childrenOf(serverId: number, path: string): Promise<ObjectNode[] | null> {
  ensureObjects(serverId, path);
  return new Promise((resolve) => {
    let stop: (() => void) | null = null;
    let done = false;
    stop = effect(() => {
      const state = objectChildren.value.get(objectNodeId(serverId, path));
      if (done || !state || state.status === 'loading') return;
      done = true;
      resolve(state.status === 'ready' ? state.value : null);
      queueMicrotask(() => stop?.());
    });
  });
}

/** The last segment of a server path, decoded: the object's own name. */
export function lastName(path: string): string {
  const parts = path.split('/').filter((p) => p !== '');
  return decodeSegment(parts[parts.length - 1] ?? '');
}

function select(server: Server, node: ObjectNode): void {
  selectedId.value = objectNodeId(server.id, node.path);
  if (node.kind !== 'collection') showObject(server, node);
}

/** Opens every parent of PATH in the tree and selects it; false when it is not there (any more). */
export async function revealPath(server: Server, path: string): Promise<boolean> {
  const chain: string[] = [];
  for (let p = parentPath(path); p !== '/'; p = parentPath(p)) chain.unshift(p);
  setExpanded(serverNodeId(server.id), true);
  let siblings = await childrenOf(server.id, '/');
  for (const p of chain) {
    setExpanded(objectNodeId(server.id, p), true);
    siblings = await childrenOf(server.id, p);
    if (!siblings) return false;
  }
  const node = siblings?.find((n) => n.path === path);
  if (!node) return false;
  select(server, node);
  return true;
}

/**
 * A new object NAME was created in COLLECTION of OWNER: reloads the
 * collection (and the owner, whose count changed), opens it and selects the
 * new node.
 */
export async function objectCreated(server: Server, owner: string, collection: string, name: string): Promise<void> {
  if (owner === '/') setExpanded(serverNodeId(server.id), true);
  else setExpanded(objectNodeId(server.id, owner), true);
  reloadObjects(server.id, owner);
  const holders = await childrenOf(server.id, owner);
  const holder = holders?.find((n) => lastName(n.path) === collection && parentPath(n.path) === owner);
  if (!holder) return;
  setExpanded(objectNodeId(server.id, holder.path), true);
  refreshObjects(server.id, holder.path);
  const made = (await childrenOf(server.id, holder.path))?.find((n) => lastName(n.path) === name);
  if (made) select(server, made);
}

/** An object changed (renamed, moved): reloads what lists it and follows it when it moved. */
export async function objectAltered(server: Server, node: ObjectNode, name: string | null, schema: string | null): Promise<void> {
  const collection = parentPath(node.path);
  if (schema !== null) {
    // Moved to another schema: everything loaded of its database may have changed.
    const database = collection.split('/').slice(0, 3).join('/');
    refreshObjects(server.id, database);
    return;
  }
  refreshObjects(server.id, collection);
  reloadObjects(server.id, parentPath(collection));
  if (name === null) {
    refreshObjectAt(server.id, node.path);
    return;
  }
  // A function's segment carries its arguments: "total(integer)".
  const found = (await childrenOf(server.id, collection))?.find((n) => lastName(n.path) === name || lastName(n.path).startsWith(`${name}(`));
  if (found) select(server, found);
}
