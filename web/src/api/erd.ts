// Schema diagrams: the tables of one or more schemas with their columns and
// keys, and the foreign keys that start or end at them (docs/api.md, "Schema
// diagrams"); and the DDL of the tables shown, through the object DDL endpoint.
import { request, requestText } from './client';
import { listObjects } from './servers';

export type RelationKind = 'table' | 'partitioned_table' | 'view' | 'materialized_view' | 'foreign_table';

export interface ErdColumn {
  name: string;
  type: string;
  not_null: boolean;
  default: string | null;
  generated: string | null;
  identity: 'always' | 'by default' | null;
  /** Position in the primary key, from 1. */
  pk: number | null;
  /** A one-column unique index (not the primary key) covers it. */
  unique: boolean;
  comment: string | null;
}

export interface ErdKey {
  name: string;
  columns: string[];
}

export interface ErdTable {
  schema: string;
  name: string;
  kind: RelationKind;
  comment: string | null;
  rows_estimate: number | null;
  primary_key: ErdKey | null;
  unique: ErdKey[];
  columns: ErdColumn[];
}

export type FkAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';

export interface ErdForeignKey {
  name: string;
  schema: string;
  table: string;
  columns: string[];
  ref_schema: string;
  ref_table: string;
  ref_columns: string[];
  on_update: FkAction;
  on_delete: FkAction;
  match: 'simple' | 'full' | 'partial';
  deferrable: boolean;
  initially_deferred: boolean;
  validated: boolean;
  /** One end lies outside the tables answered. */
  external: boolean;
}

export interface Erd {
  database: string;
  schemas: string[];
  tables: ErdTable[];
  foreign_keys: ErdForeignKey[];
}

/** A list parameter: names joined by commas, a comma or backslash inside a name escaped with a backslash. */
export function nameList(names: readonly string[]): string {
  return names.map((n) => n.replace(/[\\,]/g, (c) => `\\${c}`)).join(',');
}

/** The diagram of SCHEMAS in DATABASE, or of the TABLES named in them. */
export function loadErd(serverId: number, database: string, schemas: readonly string[], tables?: readonly string[]): Promise<Erd> {
  const query = { database, schema: nameList(schemas), tables: tables?.length ? nameList(tables) : undefined };
  return request<Erd>('GET', `servers/${serverId}/erd`, { query });
}

/** A name as a segment of an object path: '%' and '/' percent-escaped. */
function segment(name: string): string {
  return name.replace(/%/g, '%25').replace(/\//g, '%2F');
}

const COLLECTIONS: Record<RelationKind, string> = {
  table: 'tables',
  partitioned_table: 'tables',
  view: 'views',
  materialized_view: 'materialized_views',
  foreign_table: 'foreign_tables',
};

/** The explorer path of a relation, for the object endpoints. */
export function relationPath(database: string, schema: string, name: string, kind: RelationKind): string {
  return `/databases/${segment(database)}/schemas/${segment(schema)}/${COLLECTIONS[kind]}/${segment(name)}`;
}

/** The DDL that recreates one relation (text). */
export function relationDdl(serverId: number, database: string, table: Pick<ErdTable, 'schema' | 'name' | 'kind'>): Promise<string> {
  return requestText(`servers/${serverId}/objects/ddl`, { query: { path: relationPath(database, table.schema, table.name, table.kind) } });
}

/** The schemas of DATABASE a diagram can show (catalog schemas left out), by name. */
export async function listSchemas(serverId: number, database: string): Promise<string[]> {
  return (await listObjects(serverId, `/databases/${segment(database)}/schemas`)).map((n) => n.label);
}
