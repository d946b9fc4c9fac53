// Hostile names for the parts of a table (columns, constraints, indexes,
// partitions, policies, rules, triggers, extended statistics) and of a
// domain (its constraints), on a table or domain with a hostile name: a
// trigger "a on b" beside "a ON b", and beside a trigger "a" on a table
// named "b", is the one dropped; a column "x.y" beside "x" and "y" is the
// one renamed (see tests/lib/hostile.mjs). Also: a 64-byte name is refused
// for create and rename instead of being cut by PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { open, exercise, ident, lit, arr, seg, HOSTILE, BAIT } from '../lib/hostile.mjs';

let api;
before(async () => {
  api = await open('hostile_parts');
});
after(async () => api.close());

const PARENT = 'T on "u".v';

/** Rows of parts that hang on a table, by table: its own under their name, table b's as "b/name". */
const onTables = (catalog, nameCol, relCol, extraWhere = '') => (schemas) =>
  `SELECT CASE WHEN c.relname = ${lit(PARENT)} THEN o.${nameCol} ELSE c.relname || '/' || o.${nameCol} END, NULL, NULL,
   obj_description(o.oid, '${catalog}') FROM ${catalog} o JOIN pg_class c ON c.oid = o.${relCol} JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = ANY(${arr(schemas)}) ${extraWhere}`;

const PART = { rename: true, comment: true };

const KINDS = [
  {
    kind: 'column',
    collection: 'columns',
    setup: (s) => `CREATE TABLE ${s}.${ident(PARENT)} (id int); CREATE TABLE ${s}.b ("a on b" int, a int)`,
    create: (s, n) => `ALTER TABLE ${s}.${ident(PARENT)} ADD COLUMN ${ident(n)} int`,
    rows: (schemas) =>
      `SELECT CASE WHEN c.relname = ${lit(PARENT)} THEN a.attname ELSE c.relname || '/' || a.attname END, NULL, NULL, col_description(c.oid, a.attnum)
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = ANY(${arr(schemas)}) AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND a.attname <> 'id'`,
    can: PART,
  },
  {
    kind: 'table constraint',
    collection: 'constraints',
    setup: (s) => `CREATE TABLE ${s}.${ident(PARENT)} (id int); CREATE TABLE ${s}.b (id int CONSTRAINT "a on b" CHECK (id > 0) CONSTRAINT a CHECK (id > 1))`,
    create: (s, n) => `ALTER TABLE ${s}.${ident(PARENT)} ADD CONSTRAINT ${ident(n)} CHECK (id > 0)`,
    rows: onTables('pg_constraint', 'conname', 'conrelid'),
    can: PART,
  },
  {
    // an index shares its schema's names with the tables: no table "b" here
    kind: 'index',
    collection: 'indexes',
    setup: (s) => `CREATE TABLE ${s}.${ident(PARENT)} (id int)`,
    create: (s, n) => `CREATE INDEX ${ident(n)} ON ${s}.${ident(PARENT)} (id)`,
    rows: (schemas) =>
      `SELECT ic.relname, NULL, NULL, obj_description(ic.oid, 'pg_class') FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_namespace n ON n.oid = ic.relnamespace WHERE n.nspname = ANY(${arr(schemas)})`,
    can: PART,
  },
  {
    kind: 'policy',
    collection: 'policies',
    setup: (s) => `CREATE TABLE ${s}.${ident(PARENT)} (id int); CREATE TABLE ${s}.b (id int); CREATE POLICY "a on b" ON ${s}.b; CREATE POLICY a ON ${s}.b`,
    create: (s, n) => `CREATE POLICY ${ident(n)} ON ${s}.${ident(PARENT)}`,
    rows: onTables('pg_policy', 'polname', 'polrelid'),
    can: PART,
  },
  {
    kind: 'rule',
    collection: 'rules',
    setup: (s) =>
      `CREATE TABLE ${s}.${ident(PARENT)} (id int); CREATE TABLE ${s}.b (id int); CREATE RULE "a on b" AS ON UPDATE TO ${s}.b DO ALSO NOTHING; CREATE RULE a AS ON UPDATE TO ${s}.b DO ALSO NOTHING`,
    create: (s, n) => `CREATE RULE ${ident(n)} AS ON UPDATE TO ${s}.${ident(PARENT)} DO ALSO NOTHING`,
    rows: onTables('pg_rewrite', 'rulename', 'ev_class'),
    can: PART,
  },
  {
    kind: 'trigger',
    collection: 'triggers',
    setup: (s) =>
      `CREATE TABLE ${s}.${ident(PARENT)} (id int); CREATE TABLE ${s}.b (id int);
       CREATE FUNCTION ${s}.trg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
       CREATE TRIGGER "a on b" BEFORE INSERT ON ${s}.b FOR EACH ROW EXECUTE FUNCTION ${s}.trg();
       CREATE TRIGGER a BEFORE INSERT ON ${s}.b FOR EACH ROW EXECUTE FUNCTION ${s}.trg()`,
    create: (s, n) => `CREATE TRIGGER ${ident(n)} BEFORE INSERT ON ${s}.${ident(PARENT)} FOR EACH ROW EXECUTE FUNCTION ${s}.trg()`,
    rows: onTables('pg_trigger', 'tgname', 'tgrelid', 'AND NOT o.tgisinternal'),
    can: PART,
  },
  {
    // statistics objects have an owner and a schema of their own, and stay under their table when moved
    kind: 'statistics',
    collection: 'statistics',
    movesInPlace: true,
    setup: (s) => `CREATE TABLE ${s}.${ident(PARENT)} (id int, v int)`,
    create: (s, n) => `CREATE STATISTICS ${s}.${ident(n)} ON id, v FROM ${s}.${ident(PARENT)}`,
    rows: (schemas) =>
      `SELECT o.stxname, n.nspname, pg_get_userbyid(o.stxowner), obj_description(o.oid, 'pg_statistic_ext') FROM pg_statistic_ext o
       JOIN pg_namespace n ON n.oid = o.stxnamespace WHERE n.nspname = ANY(${arr(schemas)})`,
    can: { rename: true, comment: true, owner: true, schema: true },
  },
  {
    // a partition is a table of its own: owner and comment too
    kind: 'partition',
    collection: 'partitions',
    setup: (s) => `CREATE TABLE ${s}.${ident(PARENT)} (k text) PARTITION BY LIST (k)`,
    create: (s, n) => `CREATE TABLE ${s}.${ident(n)} PARTITION OF ${s}.${ident(PARENT)} FOR VALUES IN (${lit(n)})`,
    rows: (schemas) =>
      `SELECT c.relname, n.nspname, pg_get_userbyid(c.relowner), obj_description(c.oid, 'pg_class') FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relispartition AND n.nspname = ANY(${arr(schemas)})`,
    can: { rename: true, comment: true, owner: true },
  },
];

for (const [i, k] of KINDS.entries()) {
  test(`${k.kind}: hostile names on a hostile table; the one named goes, its siblings stay`, async () => {
    const schema = `p${i} ${k.kind}.s on "y"`;
    const schema2 = `p${i} Ü2/%`;
    const s = ident(schema);
    api.sql(`CREATE SCHEMA ${s}; CREATE SCHEMA ${ident(schema2)}; ${k.setup(s)}`);
    api.sql([...HOSTILE, ...BAIT].map((n) => k.create(s, n)).join(';\n'));
    const table = `${api.dbPath}/schemas/${seg(schema)}/tables/${seg(PARENT)}/${k.collection}`;
    await exercise(api, k, { schema, schema2, collectionPath: table, collectionPath2: k.movesInPlace ? table : undefined });
  });
}

test('domain constraint: hostile names on a hostile domain; the one named goes, its siblings stay', async () => {
  const schema = 'd.s on "y"';
  const s = ident(schema);
  const domain = 'D on "e".f';
  api.sql(`CREATE SCHEMA ${s}; CREATE DOMAIN ${s}.${ident(domain)} AS int; CREATE DOMAIN ${s}.b AS int CONSTRAINT "a on b" CHECK (VALUE > 0) CONSTRAINT a CHECK (VALUE > 1)`);
  for (const n of [...HOSTILE, ...BAIT]) api.sql(`ALTER DOMAIN ${s}.${ident(domain)} ADD CONSTRAINT ${ident(n)} CHECK (VALUE > 0)`);
  const k = {
    kind: 'domain constraint',
    rows: (schemas) =>
      `SELECT CASE WHEN t.typname = ${lit(domain)} THEN o.conname ELSE t.typname || '/' || o.conname END, NULL, NULL, obj_description(o.oid, 'pg_constraint')
       FROM pg_constraint o JOIN pg_type t ON t.oid = o.contypid JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ANY(${arr(schemas)})`,
    can: PART,
  };
  await exercise(api, k, { schema, collectionPath: `${api.dbPath}/schemas/${seg(schema)}/domains/${seg(domain)}/domain_constraints` });
});

test('the statements for a table part name it by PostgreSQL quoting: "a on b", "x.y" and "c on d" as themselves', async () => {
  const schema = 'exact.s';
  const s = ident(schema);
  api.sql(`CREATE SCHEMA ${s}; CREATE TABLE ${s}.t (id int, "x.y" int CONSTRAINT "c on d" CHECK ("x.y" > 0));
    CREATE FUNCTION ${s}.trg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
    CREATE TRIGGER "a on b" BEFORE INSERT ON ${s}.t FOR EACH ROW EXECUTE FUNCTION ${s}.trg();
    CREATE TRIGGER "a ON b" BEFORE INSERT ON ${s}.t FOR EACH ROW EXECUTE FUNCTION ${s}.trg();`);
  const t = `${api.qi(schema)}.t`;
  const base = `${api.dbPath}/schemas/${seg(schema)}/tables/t`;
  const preview = async (path, want, verb = 'drop') => {
    const r = verb === 'drop' ? await api.drop(path, { preview: true }) : await api.alter(path, verb, true);
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.sql, want);
    assert.equal(r.body.transaction, true);
  };
  await preview(`${base}/triggers/a on b`, `DROP TRIGGER "a on b" ON ${t};`);
  await preview(`${base}/columns/x.y`, `ALTER TABLE ${t} DROP COLUMN "x.y";`);
  await preview(`${base}/constraints/c on d`, `ALTER TABLE ${t} DROP CONSTRAINT "c on d";`);
  await preview(`${base}/triggers/a on b`, `COMMENT ON TRIGGER "a on b" ON ${t} IS 'it''s';\nALTER TRIGGER "a on b" ON ${t} RENAME TO "c";`, { comment: "it's", name: 'c' });
  await preview(`${base}/columns/x.y`, `COMMENT ON COLUMN ${t}."x.y" IS NULL;\nALTER TABLE ${t} RENAME COLUMN "x.y" TO "y.x";`, { comment: null, name: 'y.x' });
  await preview(`${base}/constraints/c on d`, `COMMENT ON CONSTRAINT "c on d" ON ${t} IS 'c';\nALTER TABLE ${t} RENAME CONSTRAINT "c on d" TO "d on c";`, { comment: 'c', name: 'd on c' });
  // a path to a column that is not there names nothing, never its table
  const missing = await api.drop(`${base}/columns/nope`, { preview: true });
  assert.equal(missing.status, 404, missing.raw);
  assert.equal((await api.drop(`${base}/triggers/a on b`)).status, 200);
  assert.equal(api.sql(`SELECT string_agg(tgname, ',' ORDER BY tgname) FROM pg_trigger WHERE tgrelid = '${s}.t'::regclass`), 'a ON b');
});

test('a 64-byte name is refused for create and rename, not cut to 63 bytes by PostgreSQL', async () => {
  const schema = 'long.s';
  const s = ident(schema);
  api.sql(`CREATE SCHEMA ${s}; CREATE TABLE ${s}.keep (id int)`);
  const long64 = `${'ü'.repeat(31)}xy`; // 64 bytes
  const cut = `${'ü'.repeat(31)}x`; // what PostgreSQL would keep
  assert.equal(Buffer.byteLength(long64), 64);
  const none = () => api.sql(`SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ${lit(schema)} AND c.relname LIKE 'ü%'`);

  for (const preview of [true, false]) {
    const made = await api.create('table', { schema, name: long64, columns: [{ name: 'id', type: 'int' }] }, preview);
    assert.equal(made.status, 400, made.raw);
    assert.equal(made.body.error.code, 'name_too_long');
    assert.ok(made.body.error.message.includes(cut) && made.body.error.message.includes('63'), made.body.error.message);
  }
  assert.equal(none(), '0', 'nothing was created');
  const db = await api.create('database', { name: `${long64}` });
  assert.equal(db.status, 400, db.raw);
  assert.equal(db.body.error.code, 'name_too_long');

  const path = `${api.dbPath}/schemas/${seg(schema)}/tables/keep`;
  for (const preview of [true, false]) {
    const renamed = await api.alter(path, { name: long64 }, preview);
    assert.equal(renamed.status, 400, renamed.raw);
    assert.equal(renamed.body.error.code, 'name_too_long');
  }
  assert.equal(api.sql(`SELECT count(*) FROM pg_class WHERE relname = 'keep' AND relnamespace = ${lit(s)}::regnamespace`), '1', 'the table keeps its name');
  assert.equal(none(), '0');

  // any other name PostgreSQL cuts (a column's) stops the statement: nothing is created, the error says why
  const col = await api.create('table', { schema, name: 'cols', columns: [{ name: long64, type: 'int' }] });
  assert.equal(col.status, 409, col.raw);
  assert.equal(col.body.error.code, 'ddl_failed');
  assert.equal(col.body.error.sqlstate, '42622');
  assert.match(col.body.error.message, /will be truncated/);
  assert.equal(api.sql(`SELECT count(*) FROM pg_class WHERE relname = 'cols'`), '0', 'rolled back');
  // exactly 63 bytes is kept whole
  const ok = await api.create('table', { schema, name: cut, columns: [{ name: cut, type: 'int' }] });
  assert.equal(ok.status, 200, ok.raw);
  assert.equal(none(), '1');
});
