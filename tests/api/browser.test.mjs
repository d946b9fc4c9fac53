// Object browser tree: every collection under a database, a schema and a
// table, with counts, system objects hidden unless asked, odd names; the
// compact form of a collection's members and a collection's paged grid.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pg, psql, serverVersion } from '../lib/pg.mjs';
import { connectedAdmin } from '../lib/admin.mjs';

const DB = 'browser_tests';
const ODD = 'we%ird/sch "ema';
const ODD_SQL = '"we%ird/sch ""ema"';
const ODD_PATH = `/databases/${DB}/schemas/we%25ird%2Fsch "ema`;
let t, c, id;

before(async () => {
  if (!psql(`SELECT 1 FROM pg_database WHERE datname = '${DB}'`)) psql(`CREATE DATABASE ${DB}`);
  psql(readFileSync(new URL('../fixtures/catalog.sql', import.meta.url), 'utf8'), { db: DB });
  // a schema of odd names for the grid: quotes, a slash, a percent sign, a keyword, unicode
  psql(
    `DROP SCHEMA IF EXISTS ${ODD_SQL} CASCADE; CREATE SCHEMA ${ODD_SQL}; ` +
      `CREATE TABLE ${ODD_SQL}."select" (id int); CREATE TABLE ${ODD_SQL}."ünï cödé" (id int); ` +
      `CREATE TABLE ${ODD_SQL}."50%/off" (id int); COMMENT ON TABLE ${ODD_SQL}."select" IS 'it''s a keyword'; ` +
      `INSERT INTO ${ODD_SQL}."select" SELECT generate_series(1, 100); ANALYZE ${ODD_SQL}."select"`,
    { db: DB },
  );
  ({ t, c, id } = await connectedAdmin());
});

after(async () => assert.equal(await t.stop(), 0, t.output()));

async function children(path, extra = '') {
  const r = await c.get(`api/v1/servers/${id}/objects?path=${encodeURIComponent(path)}${extra}`);
  assert.equal(r.status, 200, `${path}: ${r.raw}`);
  return r.body.nodes;
}
const counts = (nodes) => Object.fromEntries(nodes.map((n) => [n.path.split('/').pop(), n.count]));
const labels = (nodes) => nodes.map((n) => n.label);

test('a database has its collections; schemas hide the catalogs unless asked', async () => {
  const db = await children(`/databases/${DB}`);
  assert.deepEqual(db.map((n) => n.path.split('/').pop()), ['schemas', 'extensions', 'casts', 'event_triggers', 'foreign_data_wrappers', 'languages', 'publications', 'subscriptions', 'access_methods', 'transforms', 'default_privileges']);
  assert.ok(db.every((n) => n.kind === 'collection' && typeof n.count === 'number'));
  const schemas = labels(await children(`/databases/${DB}/schemas`));
  assert.ok(schemas.includes('cat') && schemas.includes('public'));
  assert.ok(!schemas.includes('pg_catalog'));
  assert.ok(labels(await children(`/databases/${DB}/schemas`, '&system=true')).includes('pg_catalog'));
  const langs = labels(await children(`/databases/${DB}/languages`));
  assert.ok(langs.includes('plpgsql'));
});

test('a schema lists every kind with counts', async () => {
  const n = counts(await children(`/databases/${DB}/schemas/cat`));
  // a range type brings its multirange type from PostgreSQL 14 on: PostgreSQL's own, shown with system=true
  const multirange = serverVersion() >= 140000;
  // cat.seq and child's bigserial sequence; parent's identity sequence is its column's
  assert.deepEqual(n, {
    tables: 4, views: 1, materialized_views: 1, foreign_tables: 0, sequences: 2, functions: 1, procedures: 1,
    trigger_functions: 1, aggregates: 1, types: 3, domains: 1, collations: 1, operators: 1, operator_classes: 0,
    operator_families: 0, fts_configurations: 1, fts_dictionaries: 0, fts_parsers: 0, fts_templates: 0,
    schema_default_privileges: 0,
  });
  assert.deepEqual(labels(await children(`/databases/${DB}/schemas/cat/tables`)), ['child', 'events', 'odd/name "x"', 'parent']);
  assert.deepEqual(labels(await children(`/databases/${DB}/schemas/cat/functions`)), ['add(a integer, b integer)']);
  assert.deepEqual(labels(await children(`/databases/${DB}/schemas/cat/types`)), ['floatrange (range)', 'mood (enum)', 'pair (composite)']);
  assert.deepEqual(labels(await children(`/databases/${DB}/schemas/cat/types`, '&system=true')),
    [...(multirange ? ['floatmultirange (multirange)'] : []), 'floatrange (range)', 'mood (enum)', 'pair (composite)']);
  assert.deepEqual(labels(await children(`/databases/${DB}/schemas/cat/domains/posint/domain_constraints`)), ['posint_check']);
});

test('a table lists columns, constraints, indexes, partitions, policies, rules, triggers and statistics', async () => {
  const table = `/databases/${DB}/schemas/cat/tables/parent`;
  assert.deepEqual(counts(await children(table)), { columns: 5, constraints: 3, indexes: 3, partitions: 0, policies: 1, rules: 1, triggers: 1, statistics: 1 });
  assert.deepEqual(labels(await children(`${table}/columns`)), ['id integer not null', 'code text not null', 'amount numeric(10,2)', 'doubled numeric', 'mood cat.mood']);
  assert.deepEqual(labels(await children(`${table}/constraints`)), ['parent_amount_check (check)', 'parent_code_key (unique)', 'parent_pkey (primary key)']);
  const child = counts(await children(`/databases/${DB}/schemas/cat/tables/child`));
  assert.equal(child.constraints, 3, 'primary key, foreign key, exclusion');
  const parts = await children(`/databases/${DB}/schemas/cat/tables/events/partitions`);
  assert.deepEqual(labels(parts), ["events_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"]);
  assert.equal(parts[0].has_children, true, 'partitions nest');
});

test('odd names travel escaped in paths', async () => {
  const tables = await children(`/databases/${DB}/schemas/cat/tables`);
  const odd = tables.find((n) => n.label === 'odd/name "x"');
  assert.equal(odd.path, `/databases/${DB}/schemas/cat/tables/odd%2Fname "x"`);
  assert.deepEqual(labels(await children(`${odd.path}/columns`)), ['id integer']);
});

test('paths that name nothing are 404', async () => {
  for (const path of [`/databases/${DB}/nonsense`, `/databases/${DB}/schemas/cat/columns`, `/databases/${DB}/schemas/cat/tables/parent/tables`, '/databases/']) {
    const r = await c.get(`api/v1/servers/${id}/objects?path=${encodeURIComponent(path)}`);
    assert.equal(r.status, 404, path);
  }
});

async function facet(name, path) {
  const r = await c.get(`api/v1/servers/${id}/objects/${name}?path=${encodeURIComponent(path)}`);
  assert.equal(r.status, 200, `${name} ${path}: ${r.raw}`);
  return r.body;
}
const asMap = (list) => Object.fromEntries(list.map((p) => [p.name, p.value]));

test('properties of databases, tables, columns, functions and indexes', async () => {
  const db = asMap((await facet('properties', `/databases/${DB}`)).properties);
  assert.equal(db.name, DB);
  assert.equal(db.encoding, 'UTF8');
  assert.match(db.size, /\d+ (kB|MB)/);
  const table = asMap((await facet('properties', `/databases/${DB}/schemas/cat/tables/parent`)).properties);
  assert.equal(table.owner, pg.user);
  assert.equal(table.row_level_security, 't');
  assert.equal(table.columns, '5');
  assert.equal(table.table_kind, 'regular');
  const events = asMap((await facet('properties', `/databases/${DB}/schemas/cat/tables/events`)).properties);
  assert.equal(events.partition_key, 'RANGE (at)');
  const col = asMap((await facet('properties', `/databases/${DB}/schemas/cat/tables/parent/columns/doubled`)).properties);
  assert.equal(col.data_type, 'numeric');
  assert.equal(col.generated, 'stored');
  const fn = asMap((await facet('properties', `/databases/${DB}/schemas/cat/functions/add(a integer, b integer)`)).properties);
  assert.equal(fn.language, 'sql');
  assert.equal(fn.volatility, 'immutable');
  assert.equal(fn.returns, 'integer');
  const idx = asMap((await facet('properties', `/databases/${DB}/schemas/cat/tables/child/indexes/child_parent_idx`)).properties);
  assert.equal(idx.method, 'btree');
  assert.equal(idx.predicate, '(parent_id IS NOT NULL)');
  const lang = asMap((await facet('properties', `/databases/${DB}/languages/plpgsql`)).properties);
  assert.equal(lang.trusted, 't');
  assert.equal(lang.handler, 'plpgsql_call_handler');
  const coll = asMap((await facet('properties', `/databases/${DB}/schemas/cat/collations/ci`)).properties);
  assert.equal(coll.provider, 'icu');
  assert.equal(coll.deterministic, 'f');
  const op = asMap((await facet('properties', `/databases/${DB}/schemas/cat/operators/===(integer, integer)`)).properties);
  assert.equal(op.function, 'int4eq');
  assert.equal(op.result_type, 'boolean');
  const cfg = asMap((await facet('properties', `/databases/${DB}/schemas/cat/fts_configurations/simple_cfg`)).properties);
  assert.equal(cfg.parser, 'default');
  const agg = asMap((await facet('properties', `/databases/${DB}/schemas/cat/aggregates/total(integer)`)).properties);
  assert.equal(agg.returns, 'integer');
  const rule = asMap((await facet('properties', `/databases/${DB}/schemas/cat/tables/parent/rules/parent_rule`)).properties);
  assert.equal(rule.event, 'DELETE');
  const stx = asMap((await facet('properties', `/databases/${DB}/schemas/cat/tables/parent/statistics/parent_stats`)).properties);
  assert.equal(stx.columns, 'code, amount');
  const dc = asMap((await facet('properties', `/databases/${DB}/schemas/cat/domains/posint/domain_constraints/posint_check`)).properties);
  assert.equal(dc.definition, 'CHECK ((VALUE > 0))');
  assert.equal((await c.get(`api/v1/servers/${id}/objects/properties?path=${encodeURIComponent(`/databases/${DB}/schemas/cat/tables/none`)}`)).status, 404);
});

test('statistics and dependencies', async () => {
  psql('SELECT count(*) FROM cat.parent', { db: DB });
  const stats = asMap((await facet('statistics', `/databases/${DB}/schemas/cat/tables/parent`)).statistics);
  assert.ok(Number(stats.seq_scan) >= 0);
  assert.ok('dead_tuples' in stats && 'last_autovacuum' in stats);
  const dbstats = asMap((await facet('statistics', `/databases/${DB}`)).statistics);
  assert.ok(Number(dbstats.commits) > 0);
  const deps = await facet('dependencies', `/databases/${DB}/schemas/cat/tables/parent`);
  const on = deps.dependencies.map((d) => `${d.object}|${d.type}`);
  assert.ok(on.includes('schema cat|normal'), on.join('\n'));
  const by = deps.dependents.map((d) => d.object);
  assert.ok(by.some((o) => /rule _RETURN on view cat\.v_parent/.test(o)), by.join('\n'));
  assert.ok(by.some((o) => /constraint child_parent_id_fkey on table cat\.child/.test(o)), by.join('\n'));
});

test('the DDL of a database, and dependents listed once each', async () => {
  const r = await c.get(`api/v1/servers/${id}/objects/ddl?path=${encodeURIComponent(`/databases/${DB}`)}`);
  assert.equal(r.status, 200, r.raw);
  assert.match(r.raw, new RegExp(`^CREATE DATABASE ${DB} WITH OWNER = ${pg.user} ENCODING = 'UTF8'`));
  const deps = await facet('dependencies', `/databases/${DB}/schemas/cat/tables/parent`);
  const objects = deps.dependents.map((d) => `${d.object}|${d.type}`);
  assert.equal(new Set(objects).size, objects.length, objects.join('\n'));
});

test('a collection lists its members compactly on request', async () => {
  const path = `/databases/${DB}/schemas/cat/tables`;
  const r = await c.get(`api/v1/servers/${id}/objects?path=${encodeURIComponent(path)}&compact=true`);
  assert.equal(r.status, 200, r.raw);
  assert.deepEqual(r.body, {
    parent: path,
    kind: 'table',
    icon: 'table',
    has_children: true,
    members: ['child', 'events', ['odd%2Fname "x"', 'odd/name "x"'], 'parent'],
  });
  // the same paths and labels as the full form
  const full = await children(path);
  const expanded = r.body.members.map((m) => (typeof m === 'string' ? [m, m] : m)).map(([seg, label]) => ({ path: `${path}/${seg}`, label }));
  assert.deepEqual(expanded, full.map((n) => ({ path: n.path, label: n.label })));
  const cols = await c.get(`api/v1/servers/${id}/objects?path=${encodeURIComponent(`${path}/parent/columns`)}&compact=true`);
  assert.deepEqual(cols.body.members[0], ['id', 'id integer not null']);
  assert.equal(cols.body.has_children, false);
  // what is not one collection's members keeps the full form
  const db = await c.get(`api/v1/servers/${id}/objects?path=${encodeURIComponent(`/databases/${DB}`)}&compact=true`);
  assert.ok(Array.isArray(db.body.nodes) && db.body.nodes.every((n) => n.kind === 'collection'));
  const bad = await c.get(`api/v1/servers/${id}/objects?path=${encodeURIComponent(path)}&compact=yes`);
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'invalid_parameter');
});

async function grid(path, query = '') {
  const r = await c.get(`api/v1/servers/${id}/objects/collection?path=${encodeURIComponent(path)}${query}`);
  assert.equal(r.status, 200, `${path}${query}: ${r.raw}`);
  return r.body;
}
const names = (g) => g.rows.map((row) => row.values[0]);

test('a collection grid pages its members with their catalog facts', async () => {
  const path = `/databases/${DB}/schemas/cat/tables`;
  const all = await grid(path);
  assert.equal(all.total, 4);
  assert.equal(all.offset, 0);
  assert.deepEqual([all.kind, all.icon, all.has_children], ['table', 'table', true]);
  assert.deepEqual(all.columns, ['name', 'owner', 'estimated_rows', 'size', 'comment']);
  assert.deepEqual(names(all), ['child', 'events', 'odd/name "x"', 'parent']);
  const parent = all.rows.find((row) => row.values[0] === 'parent');
  assert.equal(parent.path, `${path}/parent`);
  assert.equal(parent.values[1], pg.user);
  assert.ok(Number(parent.values[3]) > 0, 'size in bytes');
  // pages: what the tree lists, cut where asked; past the end only the total
  const first = await grid(path, '&limit=2');
  const second = await grid(path, '&limit=2&offset=2');
  assert.deepEqual([...names(first), ...names(second)], names(all));
  assert.equal(second.offset, 2);
  const past = await grid(path, '&offset=10');
  assert.deepEqual([past.total, past.rows], [4, []]);
  // ordered by name either way, or by another column (then by name)
  assert.deepEqual(names(await grid(path, '&order=name&desc=true')), [...names(all)].reverse());
  const bySize = await grid(path, '&order=size&desc=true');
  const sizes = bySize.rows.map((row) => Number(row.values[3]));
  assert.deepEqual(sizes, [...sizes].sort((a, b) => b - a));
  // a table's columns keep their table order
  const cols = await grid(`${path}/parent/columns`);
  assert.deepEqual(cols.columns, ['name', 'data_type', 'not_null', 'default_value', 'comment']);
  assert.deepEqual(names(cols), ['id', 'code', 'amount', 'doubled', 'mood']);
  assert.deepEqual(cols.rows[2].values, ['amount', 'numeric(10,2)', 'f', '0', null]);
});

test('every collection has a grid with at least a name', async () => {
  for (const path of [`/databases/${DB}`, `/databases/${DB}/schemas/cat`, `/databases/${DB}/schemas/cat/tables/parent`]) {
    for (const node of await children(path)) {
      const g = await grid(node.path);
      assert.equal(g.columns[0], 'name', node.path);
      assert.equal(g.total, node.count, node.path);
      assert.equal(g.rows.length, Math.min(node.count, 100), node.path);
    }
  }
  const dbs = await grid('/databases');
  assert.ok(names(dbs).includes(DB));
  assert.deepEqual(dbs.columns, ['name', 'owner', 'encoding', 'comment']);
  assert.ok(names(await grid('/roles')).includes(pg.user));
  assert.ok(names(await grid('/tablespaces')).includes('pg_default'));
  // system objects only when asked
  const schemas = await grid(`/databases/${DB}/schemas`);
  assert.ok(!names(schemas).includes('pg_catalog'));
  assert.ok(names(await grid(`/databases/${DB}/schemas`, '&system=true')).includes('pg_catalog'));
});

test('odd names in a grid: quoted in SQL, escaped in paths that lead to the object', async () => {
  const g = await grid(`${ODD_PATH}/tables`);
  assert.deepEqual(names(g), ['50%/off', 'select', 'ünï cödé']);
  assert.deepEqual(g.rows.map((row) => row.path), [`${ODD_PATH}/tables/50%25%2Foff`, `${ODD_PATH}/tables/select`, `${ODD_PATH}/tables/ünï cödé`]);
  const select = g.rows[1];
  assert.equal(select.values[2], '100', 'estimated rows after ANALYZE');
  assert.equal(select.values[4], "it's a keyword");
  for (const row of g.rows) {
    const props = asMap((await facet('properties', row.path)).properties);
    assert.equal(props.name, row.values[0]);
    assert.equal(props.schema, ODD);
  }
  assert.deepEqual(names(await grid(`${ODD_PATH}/tables/select/columns`)), ['id']);
});

test('bad grid requests are 400 or 404 with a JSON error', async () => {
  const path = encodeURIComponent(`/databases/${DB}/schemas/cat/tables`);
  const cases = [
    [`offset=-1`, 400, 'invalid_offset'],
    [`offset=abc`, 400, 'invalid_offset'],
    [`offset=1.5`, 400, 'invalid_offset'],
    [`offset=99999999999`, 400, 'invalid_offset'],
    [`limit=0`, 400, 'invalid_limit'],
    [`limit=1001`, 400, 'invalid_limit'],
    [`limit=`, 400, 'invalid_limit'],
    [`limit=%2B5`, 400, 'invalid_limit'],
    [`order=nonsense`, 400, 'invalid_order'],
    [`order=x.name`, 400, 'invalid_order'],
    [`desc=maybe`, 400, 'invalid_parameter'],
  ];
  for (const [query, status, code] of cases) {
    const r = await c.get(`api/v1/servers/${id}/objects/collection?path=${path}&${query}`);
    assert.equal(r.status, status, `${query}: ${r.raw}`);
    assert.equal(r.body.error.code, code, query);
    assert.equal(typeof r.body.error.message, 'string');
  }
  for (const where of [`/databases/${DB}`, `/databases/${DB}/schemas/cat/tables/parent`, `/databases/${DB}/nonsense`, '/', '/nonsense']) {
    const r = await c.get(`api/v1/servers/${id}/objects/collection?path=${encodeURIComponent(where)}`);
    assert.equal(r.status, 404, `${where}: ${r.raw}`);
    assert.equal(r.body.error.code, 'not_found');
  }
  const none = await c.get(`api/v1/servers/${id}/objects/collection`);
  assert.equal(none.status, 400);
  assert.equal((await c.get(`api/v1/servers/999999/objects/collection?path=${path}`)).status, 404);
});
