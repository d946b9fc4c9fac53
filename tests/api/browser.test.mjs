// Object browser tree: every collection under a database, a schema and a
// table, with counts, system objects hidden unless asked, odd names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startTusk, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { pg, psql, serverVersion } from '../lib/pg.mjs';

const DB = 'browser_tests';
let t, c, id;

before(async () => {
  if (!psql(`SELECT 1 FROM pg_database WHERE datname = '${DB}'`)) psql(`CREATE DATABASE ${DB}`);
  psql(readFileSync(new URL('../fixtures/catalog.sql', import.meta.url), 'utf8'), { db: DB });
  t = await startTusk({});
  c = new Client(t.url);
  c.csrf = (await c.post('api/v1/auth/login', ADMIN)).body.csrf_token;
  id = (await c.post('api/v1/servers', { name: 'pg', host: pg.host, port: pg.port, username: pg.user })).body.server.id;
  assert.equal((await c.post(`api/v1/servers/${id}/connect`, { password: pg.password })).status, 200);
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
  assert.deepEqual(db.map((n) => n.path.split('/').pop()), ['schemas', 'extensions', 'casts', 'event_triggers', 'foreign_data_wrappers', 'languages', 'publications', 'subscriptions']);
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
  // a range type brings its multirange type from PostgreSQL 14 on
  const multirange = serverVersion() >= 140000;
  assert.deepEqual(n, {
    tables: 4, views: 1, materialized_views: 1, foreign_tables: 0, sequences: 3, functions: 1, procedures: 1,
    trigger_functions: 1, aggregates: 1, types: multirange ? 4 : 3, domains: 1, collations: 1, operators: 1,
    fts_configurations: 1, fts_dictionaries: 0, fts_parsers: 0, fts_templates: 0,
  });
  assert.deepEqual(labels(await children(`/databases/${DB}/schemas/cat/tables`)), ['child', 'events', 'odd/name "x"', 'parent']);
  assert.deepEqual(labels(await children(`/databases/${DB}/schemas/cat/functions`)), ['add(a integer, b integer)']);
  assert.deepEqual(labels(await children(`/databases/${DB}/schemas/cat/types`)),
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
