// What the object panels show of one object of a connected server: its
// properties, DDL, statistics and dependencies, and dropping it; and of a
// collection, its members page by page.
import { request, requestText } from './client';
import type { DdlAnnotation } from './ddl';

export interface NamedValue {
  name: string;
  value: string | null;
}

export interface Dependency {
  object: string;
  type: string;
}

export interface Dependencies {
  dependencies: Dependency[];
  dependents: Dependency[];
}

export interface DropAnswer {
  sql: string;
  done: boolean;
  /** true: it runs in a transaction block; false: alone, as PostgreSQL requires (DROP TABLESPACE, DROP SUBSCRIPTION). */
  transaction: boolean;
  /** The statement with what it costs on the server (docs/api.md, "annotations"). */
  annotations?: DdlAnnotation[];
}

export async function objectProperties(serverId: number, path: string): Promise<NamedValue[]> {
  return (await request<{ properties: NamedValue[] }>('GET', `servers/${serverId}/objects/properties`, { query: { path } })).properties;
}

export async function objectStatistics(serverId: number, path: string): Promise<NamedValue[]> {
  return (await request<{ statistics: NamedValue[] }>('GET', `servers/${serverId}/objects/statistics`, { query: { path } })).statistics;
}

export function objectDdl(serverId: number, path: string): Promise<string> {
  return requestText(`servers/${serverId}/objects/ddl`, { query: { path } });
}

export function objectDependencies(serverId: number, path: string): Promise<Dependencies> {
  return request<Dependencies>('GET', `servers/${serverId}/objects/dependencies`, { query: { path } });
}

/** The DROP statement for PATH; it runs only when PREVIEW is false. */
export function dropObject(serverId: number, path: string, cascade: boolean, preview: boolean, force = false): Promise<DropAnswer> {
  return request<DropAnswer>('POST', `servers/${serverId}/objects/drop`, { body: { path, cascade, preview, ...(force ? { force } : {}) } });
}

/** Closes the user's idle tree connections to a database (Disconnect Database). */
export function releaseDatabase(serverId: number, database: string): Promise<{ closed: number }> {
  return request<{ closed: number }>('POST', `servers/${serverId}/objects/release`, { body: { database } });
}

/** One page of a collection's grid: its members' names and catalog facts, as text. */
export interface CollectionPage {
  /** Members in the whole collection. */
  total: number;
  offset: number;
  /** What the members are, for opening one. */
  kind: string;
  icon: string;
  has_children: boolean;
  /** "name", then the kind's own ("owner", "estimated_rows", "size", "comment"...). */
  columns: string[];
  rows: Array<{ path: string; values: Array<string | null> }>;
}

export interface CollectionQuery {
  offset: number;
  limit: number;
  /** A column to order by; the tree's order when absent. */
  order?: string;
  desc?: boolean;
  system?: boolean;
}

export function collectionPage(serverId: number, path: string, q: CollectionQuery): Promise<CollectionPage> {
  const query = {
    path,
    offset: q.offset,
    limit: q.limit,
    order: q.order,
    desc: q.desc ? 'true' : undefined,
    system: q.system ? 'true' : undefined,
  };
  return request<CollectionPage>('GET', `servers/${serverId}/objects/collection`, { query });
}
