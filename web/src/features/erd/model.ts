// From the server's answer to what the diagram draws: table boxes measured
// for their text, foreign keys as edges from the referenced row to the
// referencing one, stubs for tables outside the diagram, the neighbours of
// each table, and the order the DDL of a set of tables runs in.
import type { Erd, ErdColumn, ErdForeignKey, ErdTable, RelationKind } from '../../api/erd';

export const HEADER = 28;
export const ROW = 20;
export const PAD_BOTTOM = 4;
export const GUTTER = 22;
export const PAD_X = 8;
const GAP = 14;
const MIN_WIDTH = 150;
const MAX_WIDTH = 380;
const MAX_TYPE = 150;

export interface Column {
  name: string;
  type: string;
  /** As drawn: shortened with an ellipsis when too long. */
  label: string;
  typeLabel: string;
  pk: boolean;
  fk: boolean;
  unique: boolean;
  notNull: boolean;
  title: string;
}

export interface Node {
  id: string;
  schema: string;
  name: string;
  /** The table as the diagram names it (schema-qualified when the diagram spans several, or for a stub). */
  title: string;
  titleLabel: string;
  kind: RelationKind | 'external';
  table: ErdTable | null;
  columns: Column[];
  width: number;
  height: number;
}

export interface Edge {
  id: string;
  fk: ErdForeignKey;
  /** The referenced table's node, and the referencing one's. */
  parent: string;
  child: string;
  /** The rows the edge meets: an index into the node's columns, -1 for the header. */
  parentRow: number;
  childRow: number;
  /** A referencing column may be null: the parent end is "zero or one". */
  optional: boolean;
  /** The referencing columns are unique: the child end is "one", not "many". */
  oneToOne: boolean;
}

export interface Diagram {
  nodes: Node[];
  edges: Edge[];
  byId: Map<string, Node>;
  /** Tables joined to each by a foreign key, either way. */
  neighbours: Map<string, Set<string>>;
  edgesOf: Map<string, Edge[]>;
  hiddenViews: number;
  external: number;
}

export type Detail = 'all' | 'keys';

export interface DiagramOptions {
  views: boolean;
  external: boolean;
  detail: Detail;
  /** Only these tables and those this many foreign keys away from them. */
  focus: { keys: readonly string[]; depth: number } | null;
}

/** Text widths in the fonts the diagram uses. */
export interface Measure {
  title(text: string): number;
  name(text: string): number;
  type(text: string): number;
}

export function tableKey(schema: string, name: string): string {
  return `${schema}\u0000${name}`;
}

export function isView(kind: Node['kind']): boolean {
  return kind === 'view' || kind === 'materialized_view';
}

/** TEXT cut with an ellipsis to fit MAX pixels. */
function fit(text: string, max: number, width: (s: string) => number): string {
  if (width(text) <= max) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (width(`${text.slice(0, mid)}…`) <= max) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

/** PostgreSQL's short spellings of the long type names format_type gives: the box stays narrow, the tooltip keeps the long one. */
const SHORT_TYPES: Array<[RegExp, string]> = [
  [/^timestamp(\(\d+\))? with time zone/, 'timestamptz$1'],
  [/^timestamp(\(\d+\))? without time zone/, 'timestamp$1'],
  [/^time(\(\d+\))? with time zone/, 'timetz$1'],
  [/^time(\(\d+\))? without time zone/, 'time$1'],
  [/^character varying/, 'varchar'],
  [/^character(?=\(|$|\[)/, 'char'],
  [/^bit varying/, 'varbit'],
  [/^double precision/, 'float8'],
];

export function shortType(type: string): string {
  for (const [long, short] of SHORT_TYPES) if (long.test(type)) return type.replace(long, short);
  return type;
}

function columnTitle(c: ErdColumn, fk: boolean): string {
  const facts = [
    c.pk ? `primary key${c.pk > 1 ? ` (${c.pk})` : ''}` : '',
    fk ? 'foreign key' : '',
    c.unique ? 'unique' : '',
    c.not_null ? 'not null' : 'nullable',
    c.identity ? `identity ${c.identity}` : '',
    c.generated !== null ? `generated as ${c.generated}` : '',
    c.default !== null ? `default ${c.default}` : '',
  ].filter(Boolean);
  return `${c.name} ${c.type}\n${facts.join(', ')}${c.comment ? `\n${c.comment}` : ''}`;
}

function sizeNode(node: Node, measure: Measure): void {
  let width = GUTTER + measure.title(node.title) + PAD_X * 2;
  for (const c of node.columns) width = Math.max(width, GUTTER + measure.name(c.name) + GAP + Math.min(MAX_TYPE, measure.type(c.type)) + PAD_X);
  node.width = Math.ceil(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, width)));
  node.titleLabel = fit(node.title, node.width - GUTTER - PAD_X * 2, measure.title);
  for (const c of node.columns) {
    c.typeLabel = fit(c.type, MAX_TYPE, measure.type);
    c.label = fit(c.name, node.width - GUTTER - PAD_X - GAP - measure.type(c.typeLabel), measure.name);
  }
  node.height = node.kind === 'external' ? HEADER : HEADER + node.columns.length * ROW + PAD_BOTTOM;
}

/** The foreign keys' referencing columns, per table key. */
function fkColumns(erd: Erd): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const fk of erd.foreign_keys) {
    const key = tableKey(fk.schema, fk.table);
    const set = out.get(key) ?? new Set<string>();
    fk.columns.forEach((c) => set.add(c));
    out.set(key, set);
  }
  return out;
}

function tableNode(t: ErdTable, id: string, qualify: boolean, fks: Set<string> | undefined, detail: Detail): Node {
  const columns = t.columns
    .map((c): Column => {
      const fk = fks?.has(c.name) ?? false;
      const type = shortType(c.type);
      return { name: c.name, type, label: c.name, typeLabel: type, pk: c.pk !== null, fk, unique: c.unique, notNull: c.not_null, title: columnTitle(c, fk) };
    })
    .filter((c) => detail === 'all' || c.pk || c.fk || c.unique);
  const title = qualify ? `${t.schema}.${t.name}` : t.name;
  return { id, schema: t.schema, name: t.name, title, titleLabel: title, kind: t.kind, table: t, columns, width: 0, height: 0 };
}

/** The keys within DEPTH foreign keys of those in START. */
function neighbourhood(start: readonly string[], depth: number, fks: readonly ErdForeignKey[]): Set<string> {
  const adjacent = new Map<string, string[]>();
  const link = (a: string, b: string) => adjacent.set(a, [...(adjacent.get(a) ?? []), b]);
  for (const fk of fks) {
    const a = tableKey(fk.schema, fk.table);
    const b = tableKey(fk.ref_schema, fk.ref_table);
    link(a, b);
    link(b, a);
  }
  const seen = new Set(start);
  let frontier = [...start];
  for (let d = 0; d < depth && frontier.length; d++) {
    const next: string[] = [];
    for (const k of frontier) for (const n of adjacent.get(k) ?? []) if (!seen.has(n)) seen.add(n), next.push(n);
    frontier = next;
  }
  return seen;
}

function rowOf(node: Node, columns: readonly string[]): number {
  return columns.length ? node.columns.findIndex((c) => c.name === columns[0]) : -1;
}

function isUniqueSet(t: ErdTable | null, columns: readonly string[]): boolean {
  if (!t) return false;
  const same = (key: readonly string[]) => key.length === columns.length && key.every((c) => columns.includes(c));
  if (t.primary_key && same(t.primary_key.columns)) return true;
  if (t.unique.some((u) => same(u.columns))) return true;
  return columns.length === 1 && t.columns.some((c) => c.name === columns[0] && c.unique);
}

export function buildDiagram(erd: Erd, options: DiagramOptions, measure: Measure): Diagram {
  const qualify = erd.schemas.length > 1;
  const fks = fkColumns(erd);
  const inFocus = options.focus ? neighbourhood(options.focus.keys, options.focus.depth, erd.foreign_keys) : null;
  const nodes: Node[] = [];
  const byKey = new Map<string, Node>();
  let hiddenViews = 0;
  for (const t of erd.tables) {
    const key = tableKey(t.schema, t.name);
    if (inFocus && !inFocus.has(key)) continue;
    if (!options.views && isView(t.kind)) {
      hiddenViews++;
      continue;
    }
    const node = tableNode(t, `n${nodes.length}`, qualify, fks.get(key), options.detail);
    nodes.push(node);
    byKey.set(key, node);
  }
  const stub = (schema: string, name: string): Node | null => {
    const key = tableKey(schema, name);
    if (!options.external || (inFocus && !inFocus.has(key))) return null;
    let node = byKey.get(key);
    if (!node) {
      const title = `${schema}.${name}`;
      node = { id: `n${nodes.length}`, schema, name, title, titleLabel: title, kind: 'external', table: null, columns: [], width: 0, height: 0 };
      nodes.push(node);
      byKey.set(key, node);
    }
    return node;
  };
  const edges: Edge[] = [];
  let external = 0;
  const tables = new Map(erd.tables.map((t) => [tableKey(t.schema, t.name), t]));
  erd.foreign_keys.forEach((fk, i) => {
    const childKey = tableKey(fk.schema, fk.table);
    const parentKey = tableKey(fk.ref_schema, fk.ref_table);
    const outside = (key: string) => !tables.has(key);
    const child = outside(childKey) ? stub(fk.schema, fk.table) : byKey.get(childKey);
    const parent = outside(parentKey) ? stub(fk.ref_schema, fk.ref_table) : byKey.get(parentKey);
    if (!child || !parent) return;
    if (child.kind === 'external' || parent.kind === 'external') external++;
    const childTable = tables.get(childKey) ?? null;
    const optional = childTable ? fk.columns.some((c) => !childTable.columns.find((x) => x.name === c)?.not_null) : false;
    edges.push({
      id: `e${i}`,
      fk,
      parent: parent.id,
      child: child.id,
      parentRow: rowOf(parent, fk.ref_columns),
      childRow: rowOf(child, fk.columns),
      optional,
      oneToOne: isUniqueSet(childTable, fk.columns),
    });
  });
  for (const n of nodes) sizeNode(n, measure);
  const neighbours = new Map<string, Set<string>>(nodes.map((n) => [n.id, new Set<string>()]));
  const edgesOf = new Map<string, Edge[]>(nodes.map((n) => [n.id, []]));
  for (const e of edges) {
    neighbours.get(e.parent)!.add(e.child);
    neighbours.get(e.child)!.add(e.parent);
    edgesOf.get(e.parent)!.push(e);
    if (e.child !== e.parent) edgesOf.get(e.child)!.push(e);
  }
  return { nodes, edges, byId: new Map(nodes.map((n) => [n.id, n])), neighbours, edgesOf, hiddenViews, external };
}

/** Canvas text metrics in the page's fonts. */
export function canvasMeasure(uiFont: string, monoFont: string): Measure {
  const ctx = document.createElement('canvas').getContext('2d');
  const cache = new Map<string, number>();
  const width = (font: string) => (text: string) => {
    if (!ctx) return text.length * 7;
    const key = `${font}|${text}`;
    let w = cache.get(key);
    if (w === undefined) {
      ctx.font = font;
      w = ctx.measureText(text).width;
      cache.set(key, w);
    }
    return w;
  };
  return { title: width(`600 12px ${uiFont}`), name: width(`12px ${uiFont}`), type: width(`11px ${monoFont}`) };
}

/**
 * TABLES in an order their DDL can run in: a referenced table before the
 * tables referencing it (tables in a cycle of foreign keys by name, after).
 */
export function ddlOrder(tables: readonly ErdTable[], fks: readonly ErdForeignKey[]): ErdTable[] {
  const byKey = new Map(tables.map((t) => [tableKey(t.schema, t.name), t]));
  const waitingOn = new Map<string, number>([...byKey.keys()].map((k) => [k, 0]));
  const dependents = new Map<string, string[]>();
  for (const fk of fks) {
    const child = tableKey(fk.schema, fk.table);
    const parent = tableKey(fk.ref_schema, fk.ref_table);
    if (child === parent || !byKey.has(child) || !byKey.has(parent)) continue;
    waitingOn.set(child, waitingOn.get(child)! + 1);
    dependents.set(parent, [...(dependents.get(parent) ?? []), child]);
  }
  const ready = [...waitingOn].filter(([, n]) => n === 0).map(([k]) => k);
  const order: string[] = [];
  while (ready.length) {
    const k = ready.shift()!;
    order.push(k);
    for (const d of dependents.get(k) ?? []) {
      const n = waitingOn.get(d)! - 1;
      waitingOn.set(d, n);
      if (n === 0) ready.push(d);
    }
  }
  const placed = new Set(order);
  const rest = [...byKey.keys()].filter((k) => !placed.has(k));
  return [...order, ...rest].map((k) => byKey.get(k)!);
}
