// The DDL of objects other than tables (domains and their constraints, extended statistics,
// publications, privileges and default privileges, operator classes and families, access
// methods, transforms, casts, operators, aggregates, views with their rules and triggers),
// in several shapes and schemas (tests/fixtures/ddl-objects.sql): applied to an empty
// database with an empty search_path, Tusk's DDL must give the same `pg_dump --schema-only`
// as the original; and the tree lists these objects and hides what PostgreSQL makes itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from '../lib/tusk.mjs';
import { pg, psql, serverVersion, pgDumpMajor } from '../lib/pg.mjs';
import { connectedAdmin } from '../lib/admin.mjs';

const SRC = 'ddl_obj_src', DST = 'ddl_obj_dst';
const FIXTURE = new URL('../fixtures/ddl-objects.sql', import.meta.url).pathname;
let t, c, id, version;

const env = () => ({ ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password });

/**
 * Runs a file of SQL in db with an empty search_path, stopping at the first error; function
 * bodies are not checked, as in pg_dump's scripts (a body is text that names what it calls as
 * its author wrote it: pg_dump does not qualify it either).
 */
function apply(db, file) {
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db, '-f', file], {
    env: { ...env(), PGOPTIONS: '-c search_path= -c check_function_bodies=off' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function dump(db) {
  const out = execFileSync('pg_dump', ['--schema-only', '-d', db], { env: env(), encoding: 'utf8' });
  return out.split('\n').filter((l) => !l.startsWith('--') && !/^SET (?!SESSION AUTHORIZATION)|^SELECT pg_catalog.set_config|^\\(un)?restrict /.test(l)).join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

before(async () => {
  version = serverVersion();
  for (const db of [SRC, DST]) {
    psql(`DROP DATABASE IF EXISTS ${db}`);
    psql(`CREATE DATABASE ${db}`);
  }
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', SRC, '-f', FIXTURE], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  ({ t, c, id } = await connectedAdmin());
});

after(async () => {
  if (t) assert.equal(await t.stop(), 0, t.output());
  for (const db of [SRC, DST]) psql(`DROP DATABASE IF EXISTS ${db}`);
  psql('DROP ROLE IF EXISTS obj_reader; DROP ROLE IF EXISTS "Obj Owner"; DROP ROLE IF EXISTS "o""dd for x"');
});

async function ddl(path) {
  const r = await c.get(`api/v1/servers/${id}/objects/ddl?path=${encodeURIComponent(path)}`);
  assert.equal(r.status, 200, `${path}: ${r.raw}`);
  return r.raw;
}

/** The names (last path segments, decoded) of a collection's members. */
async function names(path, system = false) {
  const r = await c.get(`api/v1/servers/${id}/objects?path=${encodeURIComponent(path)}${system ? '&system=true' : ''}`);
  assert.equal(r.status, 200, `${path}: ${r.raw}`);
  return r.body.nodes.map((n) => decodeURIComponent(n.path.slice(n.path.lastIndexOf('/') + 1)));
}

async function props(path) {
  const r = await c.get(`api/v1/servers/${id}/objects/properties?path=${encodeURIComponent(path)}`);
  assert.equal(r.status, 200, `${path}: ${r.raw}`);
  return Object.fromEntries(r.body.properties.map((p) => [p.name, p.value]));
}

const db = `/databases/${SRC}`;
const P = `${db}/schemas/public`, A = `${db}/schemas/obj_a`, B = `${db}/schemas/Obj B`, C = `${db}/schemas/obj_c`;

test('domain constraints and extended statistics have DDL of their own', async () => {
  assert.equal(await ddl(`${A}/domains/email/domain_constraints/email_at`),
    "ALTER DOMAIN obj_a.email ADD CONSTRAINT email_at CHECK ((VALUE ~ '@'::text));\n" +
    "COMMENT ON CONSTRAINT email_at ON DOMAIN obj_a.email IS 'needs an at sign';\n");
  assert.equal(await ddl(`${A}/domains/posint/domain_constraints/posint_small`),
    'ALTER DOMAIN obj_a.posint ADD CONSTRAINT posint_small CHECK ((VALUE < 1000000)) NOT VALID;\n');
  const domain = await ddl(`${C}/domains/even`);
  assert.ok(domain.startsWith('CREATE DOMAIN obj_c.even AS integer DEFAULT 0\n\tCONSTRAINT "even check" CHECK (obj_c.is_even(VALUE));'), domain);
  assert.match(domain, /REVOKE USAGE ON TYPE obj_c\.even FROM PUBLIC;/);
  const email = await ddl(`${A}/domains/email`);
  assert.match(email, /COMMENT ON CONSTRAINT email_at ON DOMAIN obj_a\.email IS 'needs an at sign';/);
  assert.match(email, /COLLATE pg_catalog\."C"|COLLATE "C"/);
  const stats = await ddl(`${A}/tables/items/statistics/items_all`);
  assert.equal(stats.split('\n')[0], 'CREATE STATISTICS "Obj B".items_all ON code, qty, price FROM obj_a.items;');
  assert.match(stats, /ALTER STATISTICS "Obj B"\.items_all SET STATISTICS 500;/);
  assert.match(await ddl(`${A}/tables/items/statistics/items_dep`), /CREATE STATISTICS obj_a\.items_dep \(dependencies\) ON code, qty FROM obj_a\.items;\nALTER STATISTICS obj_a\.items_dep OWNER TO .*;\nCOMMENT ON STATISTICS obj_a\.items_dep IS 'code decides qty';/);
});

test('publications: tables added after, with column lists and row filters; whole schemas; all tables', async () => {
  assert.equal(await ddl(`${db}/publications/obj_pub_plain`).then((s) => s.split('\n').filter((l) => l.startsWith('ALTER PUBLICATION obj_pub_plain ADD')).join('\n')),
    'ALTER PUBLICATION obj_pub_plain ADD TABLE ONLY "Obj B".events;\nALTER PUBLICATION obj_pub_plain ADD TABLE ONLY obj_a.items;');
  assert.match(await ddl(`${db}/publications/obj_pub_all`), /^CREATE PUBLICATION obj_pub_all FOR ALL TABLES WITH \(publish = 'insert, update'\);/);
  if (version < 150000) return;
  const cols = await ddl(`${db}/publications/obj_pub_cols`);
  assert.match(cols, /ALTER PUBLICATION obj_pub_cols ADD TABLE ONLY obj_a\.items \(id, code, qty\) WHERE \(\(\(qty > 0\) AND \(code <> 'x'::text\)\)\);/);
  assert.match(cols, /ALTER PUBLICATION obj_pub_cols ADD TABLE ONLY "Obj B"\.events \(id, what\);/);
  const schemas = await ddl(`${db}/publications/obj_pub_schema`);
  assert.match(schemas, /ALTER PUBLICATION obj_pub_schema ADD TABLES IN SCHEMA "Obj B";\nALTER PUBLICATION obj_pub_schema ADD TABLES IN SCHEMA obj_c;/);
  assert.match(await ddl(`${db}/publications/pub "odd" name`), /ALTER PUBLICATION "pub ""odd"" name" ADD TABLE ONLY "Obj B"\."Ev ""2""" \("Id", "wh\.at"\) WHERE \(\(\("Id" > 0\) AND \("wh\.at" <> 'x'::text\)\)\);/);
  const dq = await ddl(`${B}/domains/d "q"`);
  assert.match(dq, /^CREATE DOMAIN "Obj B"\."d ""q""" AS text\n\tCONSTRAINT "c ""1"" on x" CHECK \(\(VALUE <> ''::text\)\);/);
  assert.match(dq, /ALTER DOMAIN "Obj B"\."d ""q""" ADD CONSTRAINT "nv\.2" CHECK \(\(length\(VALUE\) < 9\)\) NOT VALID;/);
  assert.match(dq, /COMMENT ON CONSTRAINT "c ""1"" on x" ON DOMAIN "Obj B"\."d ""q""" IS 'not empty';/);
  const p = await props(`${db}/publications/obj_pub_cols`);
  assert.equal(p.name, 'obj_pub_cols');
});

test('privileges taken away come out as REVOKE; default privileges are tree nodes with DDL', async () => {
  const pub = await ddl(`${db}/schemas/public`);
  assert.doesNotMatch(pub, /CREATE SCHEMA/);
  assert.match(pub, /REVOKE (USAGE, CREATE|USAGE) ON SCHEMA public FROM PUBLIC;/); // CREATE too before 15
  if (version >= 150000) assert.match(pub, /REVOKE CREATE ON SCHEMA public FROM pg_database_owner;/);
  assert.match(pub, /GRANT USAGE ON SCHEMA public TO obj_reader;/);
  assert.match(await ddl(A), /REVOKE CREATE ON SCHEMA obj_a FROM postgres;|REVOKE CREATE ON SCHEMA obj_a FROM \S+;/);
  const fn = await ddl(`${C}/functions/is_even(integer)`);
  assert.match(fn, /REVOKE EXECUTE ON FUNCTION obj_c\.is_even\(integer\) FROM PUBLIC;\nGRANT EXECUTE ON FUNCTION obj_c\.is_even\(integer\) TO obj_reader WITH GRANT OPTION;/);
  const [tick] = await names(`${B}/procedures`); // "tick(IN n integer)" from 14, "tick(n integer)" before
  assert.match(await ddl(`${B}/procedures/${tick}`), /REVOKE EXECUTE ON PROCEDURE "Obj B"\.tick\((IN )?n integer\) FROM PUBLIC;/);
  assert.match(await ddl(`${B}/types/color`), /REVOKE USAGE ON TYPE "Obj B"\.color FROM PUBLIC;\nGRANT USAGE ON TYPE "Obj B"\.color TO obj_reader;/);

  const owner = psql('SELECT current_user');
  assert.deepEqual((await names(`${db}/default_privileges`)).sort(),
    [`functions for ${owner}`, 'schemas for Obj Owner', 'sequences for Obj Owner', `types for ${owner}`, 'types for o"dd for x'].sort());
  assert.equal(await ddl(`${db}/default_privileges/types for o"dd for x`), 'ALTER DEFAULT PRIVILEGES FOR ROLE "o""dd for x" REVOKE USAGE ON TYPES FROM PUBLIC;\n');
  assert.equal(await ddl(`${C}/schema_default_privileges/types for o"dd for x`), 'ALTER DEFAULT PRIVILEGES FOR ROLE "o""dd for x" IN SCHEMA obj_c GRANT USAGE ON TYPES TO PUBLIC;\n');
  assert.equal(await ddl(`${db}/default_privileges/functions for ${owner}`),
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;\n`);
  assert.equal(await ddl(`${B}/schema_default_privileges/tables for Obj Owner`),
    'ALTER DEFAULT PRIVILEGES FOR ROLE "Obj Owner" IN SCHEMA "Obj B" GRANT INSERT, SELECT ON TABLES TO obj_reader WITH GRANT OPTION;\n');
  assert.equal(await ddl(`${db}/default_privileges/sequences for Obj Owner`),
    'ALTER DEFAULT PRIVILEGES FOR ROLE "Obj Owner" GRANT SELECT, USAGE ON SEQUENCES TO obj_reader;\n' +
    'ALTER DEFAULT PRIVILEGES FOR ROLE "Obj Owner" GRANT SELECT, UPDATE ON SEQUENCES TO "o""dd for x" WITH GRANT OPTION;\n');
  // grouped per grantee; granted by another role than the owner: made as that role
  const a = await ddl(A);
  assert.match(a, /GRANT USAGE ON SCHEMA obj_a TO "Obj Owner" WITH GRANT OPTION;\nSET SESSION AUTHORIZATION "Obj Owner";\nGRANT USAGE ON SCHEMA obj_a TO "o""dd for x";\nRESET SESSION AUTHORIZATION;/);
  assert.match(await ddl(C), /GRANT USAGE, CREATE ON SCHEMA obj_c TO "o""dd for x" WITH GRANT OPTION;/);
  assert.match(await ddl(`${A}/functions/shout(t text)`), /GRANT EXECUTE ON FUNCTION obj_a\.shout\(t text\) TO "Obj Owner" WITH GRANT OPTION;\nSET SESSION AUTHORIZATION "Obj Owner";\nGRANT EXECUTE ON FUNCTION obj_a\.shout\(t text\) TO obj_reader;\nRESET SESSION AUTHORIZATION;/);
  assert.match(await ddl(`${A}/types/pt`), /SET SESSION AUTHORIZATION "Obj Owner";\nGRANT USAGE ON TYPE obj_a\.pt TO obj_reader WITH GRANT OPTION;\nRESET SESSION AUTHORIZATION;/);
  const p = await props(`${A}/schema_default_privileges/tables for ${owner}`);
  assert.equal(p.role, owner);
  assert.equal(p.schema, 'obj_a');
  assert.equal(p.objects, 'tables');
});

test('names in DDL are schema-qualified: views, functions, casts, operators, aggregates', async () => {
  const view = await ddl(`${A}/views/cheap`);
  assert.match(view, /obj_a\.shout\((i\.)?code\)/);
  assert.match(view, /obj_a\.first_color\(\)/);
  assert.match(view, /FROM obj_a\.items i/);
  assert.match(view, /CREATE TRIGGER cheap_upd INSTEAD OF UPDATE ON obj_a\.cheap FOR EACH ROW EXECUTE FUNCTION obj_a\.cheap_upd\(\);/);
  assert.match(await ddl(`${B}/views/recent`), /CREATE RULE recent_ins AS\s+ON INSERT TO "Obj B"\.recent DO INSTEAD  INSERT INTO "Obj B"\.events/);
  assert.match(await ddl(`${A}/functions/first_color()`), /RETURNS "Obj B"\.color/);
  assert.match(await ddl(`${db}/casts/"Obj B".color->integer`), /CREATE CAST \("Obj B"\.color AS integer\) WITH FUNCTION obj_a\.color_num\("Obj B"\.color\);/);
  const op = await ddl(`${B}/operators/=~=(obj_a.pt, obj_a.pt)`);
  assert.match(op, /FUNCTION = obj_c\.pt_eq/);
  assert.match(op, /COMMUTATOR = OPERATOR\("Obj B"\.=~=\)/);
  assert.match(await ddl(`${A}/aggregates/count_colors("Obj B".color)`), /SFUNC = obj_c\.add_color,/);
});

test('objects in public, made on its search_path, are named with their schema in DDL and without it in the tree', async () => {
  assert.ok((await names(`${P}/functions`)).includes('mood_num(mood)'));
  assert.ok((await names(`${db}/casts`)).includes('mood->integer'));
  assert.match(await ddl(`${P}/functions/mood_num(mood)`), /^CREATE OR REPLACE FUNCTION public\.mood_num\(public\.mood\)/);
  assert.match(await ddl(`${db}/casts/mood->integer`), /^CREATE CAST \(public\.mood AS integer\) WITH FUNCTION public\.mood_num\(public\.mood\);/);
  assert.match(await ddl(`${P}/domains/happy`), /^CREATE DOMAIN public\.happy AS public\.mood DEFAULT 'ok'::public\.mood\n\tCONSTRAINT happy_not_sad CHECK \(\(VALUE <> 'sad'::public\.mood\)\);/);
  const op = await ddl(`${P}/operators/===(mood, mood)`);
  assert.match(op, /CREATE OPERATOR public\.=== \(\n {4}FUNCTION = public\.mood_eq,\n {4}LEFTARG = public\.mood,\n {4}RIGHTARG = public\.mood/);
  assert.match(await ddl(`${P}/aggregates/sum_moods(mood)`), /CREATE AGGREGATE public\.sum_moods\(public\.mood\) \(\n {4}SFUNC = public\.add_mood,/);
  assert.match(await ddl(`${P}/views/diary_v`), /public\.mood_num\((d\.)?m\) AS n,\s+(d\.)?m OPERATOR\(public\.===\) 'ok'::public\.mood AS fine\s+FROM public\.diary d;/);
  assert.equal((await props(`${P}/functions/mood_num(mood)`)).name, 'mood_num');
});

test('the tree lists operator classes and families, access methods, transforms, window functions, shell types, view children', async () => {
  assert.ok((await names(`${A}/functions`)).includes('win_rank()'), 'a window function is a function');
  assert.deepEqual(await names(`${A}/operator_classes`), ['pt_ops (btree)']);
  assert.deepEqual(await names(`${A}/operator_families`), ['pt_family (btree)']);
  assert.match(await ddl(`${A}/operator_classes/pt_ops (btree)`), /^CREATE OPERATOR CLASS obj_a\.pt_ops FOR TYPE obj_a\.pt USING btree FAMILY obj_a\.pt_family AS\n {4}OPERATOR 3 "Obj B"\.=~=\(obj_a\.pt,obj_a\.pt\),\n {4}FUNCTION 1 \(obj_a\.pt, obj_a\.pt\) obj_a\.pt_cmp\(obj_a\.pt,obj_a\.pt\);/);
  assert.equal((await props(`${A}/operator_classes/pt_ops (btree)`)).family, 'obj_a.pt_family');
  assert.match(await ddl(`${A}/operator_families/pt_family (btree)`), /^CREATE OPERATOR FAMILY obj_a\.pt_family USING btree;\nALTER OPERATOR FAMILY obj_a\.pt_family USING btree ADD\n {4}FUNCTION 4 \(obj_a\.pt, obj_a\.pt\) btequalimage\(oid\);/);
  assert.deepEqual(await names(`${B}/operator_classes`), ['a.b on c (hash)']);
  assert.match(await ddl(`${B}/operator_classes/a.b on c (hash)`), /^CREATE OPERATOR CLASS "Obj B"\."a\.b on c" FOR TYPE obj_a\.pt USING hash AS\n/);
  assert.ok((await names(`${db}/access_methods`)).includes('obj_btree'));
  assert.ok(!(await names(`${db}/access_methods`)).includes('btree'), 'built-in methods are system objects');
  assert.ok((await names(`${db}/access_methods`, true)).includes('btree'));
  assert.match(await ddl(`${db}/access_methods/obj_btree`), /^CREATE ACCESS METHOD obj_btree TYPE INDEX HANDLER bthandler;/);
  assert.deepEqual(await names(`${db}/transforms`), ['obj_c.num4 (plpgsql)']);
  assert.equal(await ddl(`${db}/transforms/obj_c.num4 (plpgsql)`),
    'CREATE TRANSFORM FOR obj_c.num4 LANGUAGE plpgsql (FROM SQL WITH FUNCTION obj_c.from_sql(internal), TO SQL WITH FUNCTION obj_c.to_sql(internal));\n');
  const types = await names(`${C}/types`);
  assert.ok(types.includes('later'), 'a shell type is listed');
  assert.equal(await ddl(`${C}/types/later`), 'CREATE TYPE obj_c.later;\nALTER TYPE obj_c.later OWNER TO ' + psql('SELECT quote_ident(current_user)') + ';\n');
  // views have rules and INSTEAD OF triggers, materialized views indexes
  const view = (await c.get(`api/v1/servers/${id}/objects?path=${encodeURIComponent(`${B}/views/recent`)}`)).body.nodes.map((n) => n.label);
  assert.deepEqual(view, ['Rules', 'Triggers']);
  assert.deepEqual(await names(`${B}/views/recent/rules`), ['recent_ins']);
  assert.deepEqual(await names(`${A}/views/cheap/triggers`), ['cheap_upd']);
  assert.match(await ddl(`${A}/views/cheap/triggers/cheap_upd`), /^CREATE TRIGGER cheap_upd INSTEAD OF UPDATE ON obj_a\.cheap/);
  assert.match(await ddl(`${B}/views/recent/rules/recent_ins`), /^CREATE RULE recent_ins AS/);
  assert.deepEqual(await names(`${C}/materialized_views/totals/indexes`), ['totals_tone']);
  assert.match(await ddl(`${C}/materialized_views/totals/indexes/totals_tone`), /^CREATE INDEX totals_tone ON obj_c\.totals USING btree \(tone\);/);
});

test('the tree leaves out what PostgreSQL makes itself, unless system=true; inheritance children are not partitions', async () => {
  assert.deepEqual(await names(`${C}/tables/log/partitions`), [], 'an inheritance child is no partition');
  assert.ok((await names(`${C}/tables`)).includes('log_child'));
  // a shell operator (made by NEGATOR before its operator exists)
  const ops = await names(`${A}/operators`);
  assert.ok(ops.includes('<<<(integer, integer)'));
  assert.ok(!ops.includes('>>>(integer, integer)'), 'a shell operator is hidden');
  assert.ok((await names(`${A}/operators`, true)).includes('>>>(integer, integer)'));
  if (version < 140000) return; // multiranges came with 14
  assert.ok(!(await names(`${A}/types`)).includes('fr_multirange'));
  assert.ok((await names(`${A}/types`, true)).includes('fr_multirange'));
  assert.ok(!(await names(`${db}/casts`)).includes('obj_a.fr->obj_a.fr_multirange'));
  assert.ok((await names(`${db}/casts`, true)).includes('obj_a.fr->obj_a.fr_multirange'));
});

test('operator classes and families, access methods and transforms are dropped, renamed and commented on by their own names', async () => {
  const drop = async (path) => {
    const r = await c.post(`api/v1/servers/${id}/objects/drop`, { path, preview: true });
    assert.equal(r.status, 200, `${path}: ${r.raw}`);
    return r.body.sql;
  };
  assert.equal(await drop(`${A}/operator_classes/pt_ops (btree)`), 'DROP OPERATOR CLASS obj_a.pt_ops USING btree;');
  assert.equal(await drop(`${A}/operator_families/pt_family (btree)`), 'DROP OPERATOR FAMILY obj_a.pt_family USING btree;');
  assert.equal(await drop(`${db}/access_methods/obj_btree`), 'DROP ACCESS METHOD obj_btree;');
  assert.equal(await drop(`${db}/transforms/obj_c.num4 (plpgsql)`), 'DROP TRANSFORM FOR obj_c.num4 LANGUAGE plpgsql;');
  const refused = await c.post(`api/v1/servers/${id}/objects/drop`, { path: `${db}/default_privileges/${(await names(`${db}/default_privileges`))[0]}`, preview: true });
  assert.equal(refused.status, 422, refused.raw);
  const alter = await c.post(`api/v1/servers/${id}/objects/alter`, {
    path: `${A}/operator_classes/pt_ops (btree)`, changes: { name: 'pt ops', comment: "it's" }, preview: true,
  });
  assert.equal(alter.status, 200, alter.raw);
  assert.equal(alter.body.sql, "COMMENT ON OPERATOR CLASS obj_a.pt_ops USING btree IS 'it''s';\nALTER OPERATOR CLASS obj_a.pt_ops USING btree RENAME TO \"pt ops\";");
});

const dumpable = () => pgDumpMajor() >= Math.floor(version / 10000);

test('round trip: each object\'s DDL, applied with an empty search_path, gives the same pg_dump --schema-only', async (ctx) => {
  const v14 = version >= 140000, v15 = version >= 150000;
  const paths = [
    `${db}/schemas/public`, A, B, C,
    `${B}/types/color`, `${C}/types/later`, null /* the base type's shell */,
    `${C}/functions/num4_in(cstring)`, `${C}/functions/num4_out(obj_c.num4)`, `${C}/types/num4`,
    `${A}/types/pt`, `${A}/types/fr`,
    `${C}/functions/is_even(integer)`, `${A}/functions/shout(t text)`, `${A}/functions/first_color()`,
    `${A}/functions/win_rank()`, v14 && `${A}/functions/twice(i integer)`, `${B}/procedures/${(await names(`${B}/procedures`))[0]}`,
    `${A}/functions/color_num("Obj B".color)`, `${C}/functions/pt_eq(obj_a.pt, obj_a.pt)`,
    `${C}/functions/add_color(integer, "Obj B".color)`, `${A}/functions/pt_cmp(obj_a.pt, obj_a.pt)`,
    `${A}/trigger_functions/cheap_upd()`, `${C}/functions/from_sql(internal)`, `${C}/functions/to_sql(internal)`,
    `${A}/functions/lt3(integer, integer)`,
    `${A}/domains/posint`, `${A}/domains/email`, `${B}/domains/Warm`, `${C}/domains/even`, `${B}/domains/d "q"`,
    `${db}/casts/"Obj B".color->integer`, `${db}/casts/obj_a.pt->text`,
    `${B}/operators/=~=(obj_a.pt, obj_a.pt)`, `${A}/operators/<<<(integer, integer)`, `${A}/aggregates/count_colors("Obj B".color)`,
    `${A}/operator_families/pt_family (btree)`, `${A}/operator_classes/pt_ops (btree)`,
    `${C}/functions/pt_hash(obj_a.pt)`, `${B}/operator_families/a.b on c (hash)`, `${B}/operator_classes/a.b on c (hash)`,
    `${db}/access_methods/obj_btree`, `${db}/transforms/obj_c.num4 (plpgsql)`,
    `${A}/tables/items`, `${B}/tables/events`, `${B}/tables/Ev "2"`, `${C}/tables/log`, `${C}/tables/log_child`,
    `${A}/views/cheap`, `${B}/views/recent`, `${C}/materialized_views/totals`,
    `${db}/publications/obj_pub_plain`, `${db}/publications/obj_pub_all`,
    `${P}/types/mood`, `${P}/domains/happy`, `${P}/functions/mood_num(mood)`, `${P}/functions/mood_eq(mood, mood)`,
    `${P}/functions/add_mood(integer, mood)`, `${db}/casts/mood->integer`, `${P}/operators/===(mood, mood)`,
    `${P}/aggregates/sum_moods(mood)`, `${P}/tables/diary`, `${P}/views/diary_v`,
    v15 && `${db}/publications/obj_pub_cols`, v15 && `${db}/publications/obj_pub_schema`, v15 && `${db}/publications/obj_pub_mixed`, v15 && `${db}/publications/pub "odd" name`,
  ].filter((p) => p !== false);
  let script = '';
  for (const p of paths) script += p === null ? 'CREATE TYPE obj_c.num4;\n' : `${await ddl(p)}\n`;
  // parts with DDL of their own, applied again after their owner's is taken back
  const parts = [
    [`${A}/domains/email/domain_constraints/email_at`, 'ALTER DOMAIN obj_a.email DROP CONSTRAINT email_at;'],
    [`${A}/domains/posint/domain_constraints/posint_small`, 'ALTER DOMAIN obj_a.posint DROP CONSTRAINT posint_small;'],
    [`${B}/domains/d "q"/domain_constraints/c "1" on x`, 'ALTER DOMAIN "Obj B"."d ""q""" DROP CONSTRAINT "c ""1"" on x";'],
    [`${B}/domains/d "q"/domain_constraints/nv.2`, 'ALTER DOMAIN "Obj B"."d ""q""" DROP CONSTRAINT "nv.2";'],
    [`${A}/tables/items/statistics/items_dep`, 'DROP STATISTICS obj_a.items_dep;'],
    [`${A}/tables/items/statistics/items_all`, 'DROP STATISTICS "Obj B".items_all;'],
    ...(v14 ? [[`${A}/tables/items/statistics/items_expr`, 'DROP STATISTICS obj_c.items_expr;']] : []),
    [`${A}/views/cheap/triggers/cheap_upd`, 'DROP TRIGGER cheap_upd ON obj_a.cheap;'],
    [`${B}/views/recent/rules/recent_ins`, 'DROP RULE recent_ins ON "Obj B".recent;'],
    [`${C}/materialized_views/totals/indexes/totals_tone`, 'DROP INDEX obj_c.totals_tone;'],
  ];
  for (const [p, drop] of parts) script += `${drop}\n${await ddl(p)}\n`;
  for (const p of await names(`${db}/default_privileges`)) script += await ddl(`${db}/default_privileges/${p}`);
  for (const s of [A, B, C]) for (const p of await names(`${s}/schema_default_privileges`)) script += await ddl(`${s}/schema_default_privileges/${p}`);
  const file = join(tempDir(), 'ddl-objects.sql');
  writeFileSync(file, script);
  try {
    apply(DST, file);
  } catch (e) {
    assert.fail(`the DDL did not apply: ${e.stderr}\n--- Tusk DDL ---\n${script}`);
  }
  if (!dumpable()) {
    ctx.skip(`applied; pg_dump ${pgDumpMajor()} cannot dump PostgreSQL ${Math.floor(version / 10000)} to compare`);
    return;
  }
  const want = dump(SRC), got = dump(DST);
  if (want !== got) {
    const a = want.split('\n'), b = got.split('\n');
    const i = a.findIndex((l, k) => l !== b[k]);
    assert.fail(`dumps differ at line ${i}:\n  original: ${a.slice(i - 3, i + 3).join('\n            ')}\n  from Tusk: ${b.slice(i - 3, i + 3).join('\n            ')}\n--- Tusk DDL ---\n${script}`);
  }
});
