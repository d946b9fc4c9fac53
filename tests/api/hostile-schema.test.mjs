// Hostile names for every kind that lives in a schema (tables, views,
// materialized views, foreign tables, sequences, functions, procedures,
// trigger functions, aggregates, types, domains, collations, operators,
// text search objects): each is listed by a path that finds it again, its
// properties and DDL answer, and comment, owner, rename, move to another
// schema and drop change that object alone, its siblings staying (see
// tests/lib/hostile.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { open, exercise, ident, lit, arr, seg, HOSTILE, BAIT } from '../lib/hostile.mjs';

let api;
before(async () => {
  api = await open('hostile_schema');
});
after(async () => api.close());

const ALL = { rename: true, comment: true, owner: true, schema: true };

const relRows = (relkind) => (schemas, names) =>
  `SELECT c.relname, n.nspname, pg_get_userbyid(c.relowner), obj_description(c.oid, 'pg_class') FROM pg_class c
   JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = '${relkind}' AND n.nspname = ANY(${arr(schemas)}) AND c.relname = ANY(${arr(names)})`;

/** A routine kind: each name made twice, (integer) acted on and (text) its sibling. */
function routines(kind, collection, prokind, make) {
  // how the tree spells the (integer) one's arguments (procedures say IN on some versions)
  let spelled;
  const args = () =>
    (spelled ??= api.sql(`SELECT pg_get_function_identity_arguments(p.oid) FROM pg_proc p WHERE p.proname = 'a' AND p.prokind = '${prokind}'
      AND p.proargtypes[0] = 'integer'::regtype LIMIT 1`));
  return {
    kind,
    collection,
    create: (s, n) => `${make(s, n, 'integer')}; ${make(s, n, 'text')}`,
    segment: (n) => `${seg(n)}(${args()})`,
    key: (n) => `${n}(${args()})`,
    rows: (schemas, names) =>
      `SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', n.nspname, pg_get_userbyid(p.proowner), obj_description(p.oid, 'pg_proc')
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind = '${prokind}' AND n.nspname = ANY(${arr(schemas)}) AND p.proname = ANY(${arr(names)})`,
    can: ALL,
  };
}

const typeRows = (cond) => (schemas, names) =>
  `SELECT t.typname, n.nspname, pg_get_userbyid(t.typowner), obj_description(t.oid, 'pg_type') FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
   WHERE ${cond} AND n.nspname = ANY(${arr(schemas)}) AND t.typname = ANY(${arr(names)})`;

/** A text search kind, from its catalog and column prefix; parsers and templates have no owner. */
function textSearch(kind, collection, table, p, create, owned) {
  return {
    kind,
    collection,
    create,
    rows: (schemas, names) =>
      `SELECT o.${p}name, n.nspname, ${owned ? `pg_get_userbyid(o.${p}owner)` : 'NULL'}, obj_description(o.oid, '${table}') FROM ${table} o
       JOIN pg_namespace n ON n.oid = o.${p}namespace WHERE n.nspname = ANY(${arr(schemas)}) AND o.${p}name = ANY(${arr(names)})`,
    can: { rename: true, comment: true, owner: owned, schema: true },
  };
}

// Operators are named by symbols: '/' and '%' are the hostile ones (path
// escapes), and a prefix and an infix operator of one name are siblings
// that only their arguments tell apart.
const OPERATOR_KEY = /^(.*)\((NONE|integer), integer\)$/;
const operators = {
  kind: 'operator',
  collection: 'operators',
  hostile: ['#/%(NONE, integer)', '@%/(integer, integer)'],
  bait: ['#/%(integer, integer)', '@%/(NONE, integer)', '#(integer, integer)', '/%(NONE, integer)'],
  create: (s, key) => {
    const [, name, left] = key.match(OPERATOR_KEY);
    return left === 'NONE'
      ? `CREATE OPERATOR ${s}.${name} (RIGHTARG = integer, FUNCTION = int4um)`
      : `CREATE OPERATOR ${s}.${name} (LEFTARG = integer, RIGHTARG = integer, FUNCTION = int4pl)`;
  },
  rows: (schemas) =>
    `SELECT o.oprname || '(' || CASE WHEN o.oprleft = 0 THEN 'NONE' ELSE format_type(o.oprleft, NULL) END || ', ' || format_type(o.oprright, NULL) || ')', n.nspname,
     pg_get_userbyid(o.oprowner), obj_description(o.oid, 'pg_operator') FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
     WHERE n.nspname = ANY(${arr(schemas)})`,
  can: { comment: true, owner: true, schema: true }, // PostgreSQL renames no operator
};

const KINDS = [
  { kind: 'table', collection: 'tables', create: (s, n) => `CREATE TABLE ${s}.${ident(n)} (id int)`, rows: relRows('r'), can: ALL },
  { kind: 'view', collection: 'views', create: (s, n) => `CREATE VIEW ${s}.${ident(n)} AS SELECT 1 AS one`, rows: relRows('v'), can: ALL },
  { kind: 'materialized view', collection: 'materialized_views', create: (s, n) => `CREATE MATERIALIZED VIEW ${s}.${ident(n)} AS SELECT 1 AS one`, rows: relRows('m'), can: ALL },
  {
    kind: 'foreign table',
    collection: 'foreign_tables',
    setup: 'CREATE FOREIGN DATA WRAPPER "hn ft w"; CREATE SERVER "hn ft s" FOREIGN DATA WRAPPER "hn ft w";',
    create: (s, n) => `CREATE FOREIGN TABLE ${s}.${ident(n)} (id int) SERVER "hn ft s"`,
    rows: relRows('f'),
    can: ALL,
  },
  { kind: 'sequence', collection: 'sequences', create: (s, n) => `CREATE SEQUENCE ${s}.${ident(n)}`, rows: relRows('S'), can: ALL },
  routines('function', 'functions', 'f', (s, n, a) => `CREATE FUNCTION ${s}.${ident(n)}(${a}) RETURNS int LANGUAGE sql AS 'SELECT 1'`),
  routines('procedure', 'procedures', 'p', (s, n, a) => `CREATE PROCEDURE ${s}.${ident(n)}(${a}) LANGUAGE sql AS ''`),
  {
    kind: 'trigger function',
    collection: 'trigger_functions',
    create: (s, n) => `CREATE FUNCTION ${s}.${ident(n)}() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'`,
    segment: (n) => `${seg(n)}()`,
    rows: (schemas, names) =>
      `SELECT p.proname, n.nspname, pg_get_userbyid(p.proowner), obj_description(p.oid, 'pg_proc') FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname = ANY(${arr(schemas)}) AND p.proname = ANY(${arr(names)})`,
    can: ALL,
  },
  // an aggregate of no arguments is written name(*); its (integer) twin is the sibling
  {
    kind: 'aggregate',
    collection: 'aggregates',
    create: (s, n) =>
      `CREATE AGGREGATE ${s}.${ident(n)}(*) (SFUNC = int8inc, STYPE = int8, INITCOND = '0'); CREATE AGGREGATE ${s}.${ident(n)}(integer) (SFUNC = int4larger, STYPE = int4)`,
    segment: (n) => `${seg(n)}()`,
    key: (n) => `${n}()`,
    rows: (schemas, names) =>
      `SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', n.nspname, pg_get_userbyid(p.proowner), obj_description(p.oid, 'pg_proc')
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind = 'a' AND n.nspname = ANY(${arr(schemas)}) AND p.proname = ANY(${arr(names)})`,
    can: ALL,
  },
  { kind: 'composite type', collection: 'types', create: (s, n) => `CREATE TYPE ${s}.${ident(n)} AS (a int)`, rows: typeRows("t.typtype = 'c'"), can: ALL },
  { kind: 'enum type', collection: 'types', create: (s, n) => `CREATE TYPE ${s}.${ident(n)} AS ENUM ('v')`, rows: typeRows("t.typtype = 'e'"), can: ALL },
  { kind: 'domain', collection: 'domains', create: (s, n) => `CREATE DOMAIN ${s}.${ident(n)} AS int`, rows: typeRows("t.typtype = 'd'"), can: ALL },
  {
    kind: 'collation',
    collection: 'collations',
    create: (s, n) => `CREATE COLLATION ${s}.${ident(n)} (provider = libc, locale = 'C')`,
    rows: (schemas, names) =>
      `SELECT o.collname, n.nspname, pg_get_userbyid(o.collowner), obj_description(o.oid, 'pg_collation') FROM pg_collation o
       JOIN pg_namespace n ON n.oid = o.collnamespace WHERE n.nspname = ANY(${arr(schemas)}) AND o.collname = ANY(${arr(names)})`,
    can: ALL,
  },
  operators,
  textSearch('text search configuration', 'fts_configurations', 'pg_ts_config', 'cfg', (s, n) => `CREATE TEXT SEARCH CONFIGURATION ${s}.${ident(n)} (COPY = pg_catalog.simple)`, true),
  textSearch('text search dictionary', 'fts_dictionaries', 'pg_ts_dict', 'dict', (s, n) => `CREATE TEXT SEARCH DICTIONARY ${s}.${ident(n)} (TEMPLATE = pg_catalog.simple)`, true),
  textSearch('text search parser', 'fts_parsers', 'pg_ts_parser', 'prs',
    (s, n) => `CREATE TEXT SEARCH PARSER ${s}.${ident(n)} (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end, LEXTYPES = prsd_lextype)`, false),
  textSearch('text search template', 'fts_templates', 'pg_ts_template', 'tmpl', (s, n) => `CREATE TEXT SEARCH TEMPLATE ${s}.${ident(n)} (LEXIZE = dsimple_lexize)`, false),
];

for (const [i, k] of KINDS.entries()) {
  test(`${k.kind}: hostile names round-trip through the tree, comment, owner, rename, schema and drop; siblings stay`, async () => {
    // the schemas are hostile too: a dot, " on ", quotes, a slash and a percent sign
    const schema = `k${i} ${k.kind}.s on "y" 'z'`;
    const schema2 = `k${i} Ü2/%`;
    api.sql(`CREATE SCHEMA ${ident(schema)}; CREATE SCHEMA ${ident(schema2)}; ${k.setup ?? ''}`);
    api.sql([...(k.hostile ?? HOSTILE), ...(k.bait ?? BAIT)].map((n) => k.create(ident(schema), n)).join(';\n'));
    const base = `${api.dbPath}/schemas`;
    await exercise(api, k, {
      schema,
      schema2,
      collectionPath: `${base}/${seg(schema)}/${k.collection}`,
      collectionPath2: `${base}/${seg(schema2)}/${k.collection}`,
    });
  });
}

test('statements name parts by PostgreSQL quoting, not by the identity text', async () => {
  const s = 'exact.s on t';
  api.sql(`CREATE SCHEMA ${ident(s)};
    CREATE FUNCTION ${ident(s)}.${ident('f(x)')}(integer, text) RETURNS int LANGUAGE sql AS 'SELECT 1';
    CREATE AGGREGATE ${ident(s)}.cnt(*) (SFUNC = int8inc, STYPE = int8, INITCOND = '0');
    CREATE OPERATOR ${ident(s)}.#/% (RIGHTARG = integer, FUNCTION = int4um);`);
  const qs = api.qi(s);
  const base = `${api.dbPath}/schemas/${seg(s)}`;
  const cases = [
    [`${base}/functions/${seg('f(x)')}(integer, text)`, `DROP FUNCTION ${qs}.${api.qi('f(x)')}(integer, pg_catalog.text);`],
    [`${base}/aggregates/cnt()`, `DROP AGGREGATE ${qs}.cnt(*);`],
    [`${base}/operators/${seg('#/%(NONE, integer)')}`, `DROP OPERATOR ${qs}.#/% (NONE, integer);`],
  ];
  for (const [path, want] of cases) {
    const r = await api.drop(path, { preview: true });
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.sql, want);
    assert.equal((await api.drop(path)).status, 200, path);
  }
  assert.equal(api.sql(`SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ${lit(s)}`), '0');
});

test('search gives paths that find tables, columns and indexes with "/" and "%" in their names', async () => {
  const s = 'srch/%.s';
  api.sql(`CREATE SCHEMA ${ident(s)}; CREATE TABLE ${ident(s)}."zq a/b%" ("zq c/d" int); CREATE INDEX "zq i/%" ON ${ident(s)}."zq a/b%" ("zq c/d")`);
  const r = await api.c.get(`api/v1/servers/${api.id}/objects/search?database=${api.db}&q=zq`);
  assert.equal(r.status, 200, r.raw);
  const table = `${api.dbPath}/schemas/${seg(s)}/tables/${seg('zq a/b%')}`;
  assert.deepEqual(r.body.results.map((x) => [x.kind, x.path]).sort(), [
    ['column', `${table}/columns/${seg('zq c/d')}`],
    ['index', `${table}/indexes/${seg('zq i/%')}`],
    ['table', table],
  ]);
  for (const { path } of r.body.results) {
    const props = await api.c.get(`api/v1/servers/${api.id}/objects/properties?path=${encodeURIComponent(path)}`);
    assert.equal(props.status, 200, `${path}: ${props.raw}`);
  }
});
