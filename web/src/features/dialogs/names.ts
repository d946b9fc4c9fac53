// Suggestions for the dialogs' name fields (roles, schemas, columns), read
// from the explorer API; a failure only means no suggestions.
import { useEffect, useState } from 'preact/hooks';
import { listObjects } from '../../api/servers';
import { parentPath } from '../../lib/objectPath';
import { lastName } from './tree';

async function collectionNames(serverId: number, owner: string, collection: string): Promise<string[]> {
  const holder = (await listObjects(serverId, owner)).find((n) => lastName(n.path) === collection && n.kind === 'collection');
  return holder ? (await listObjects(serverId, holder.path)).map((n) => lastName(n.path)) : [];
}

/**
 * The names in COLLECTION ("roles", "schemas", "columns") of the object at
 * OWNER ("/" for the server's); OWNER null: none wanted.
 */
export function useNames(serverId: number, owner: string | null, collection: string): string[] {
  const [names, setNames] = useState<string[]>([]);
  useEffect(() => {
    if (owner === null) return undefined;
    let live = true;
    collectionNames(serverId, owner, collection).then(
      (found) => live && setNames(found),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [serverId, owner, collection]);
  return names;
}

/** The path of the database PATH lies in ("/databases/app"), cut back from PATH; null outside one. */
export function databasePath(path: string): string | null {
  for (let p = path; p !== '/'; p = parentPath(p)) {
    const parts = p.split('/').filter((s) => s !== '');
    if (parts.length === 2 && parts[0] === 'databases') return p;
  }
  return null;
}

/** The path of the schema PATH lies in ("/databases/d/schemas/s"), cut back from PATH. */
export function schemaPath(path: string): string {
  return path.split('/').slice(0, 5).join('/');
}

/** The types most tables use, offered in every type field. */
export const COMMON_TYPES = [
  'bigint',
  'integer',
  'smallint',
  'numeric',
  'numeric(12,2)',
  'real',
  'double precision',
  'boolean',
  'text',
  'varchar(255)',
  'char(1)',
  'uuid',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'interval',
  'jsonb',
  'json',
  'bytea',
  'inet',
  'cidr',
  'text[]',
  'integer[]',
  'tsvector',
];

export const TYPES_LIST_ID = 'ddl-common-types';
