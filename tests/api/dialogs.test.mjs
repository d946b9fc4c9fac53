// Create and alter dialogs: SQL built from a spec with names and literals
// quoted by libpq, previewed, run in a transaction, PostgreSQL's error in place.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pg, psql } from '../lib/pg.mjs';
import { connectedAdmin } from '../lib/admin.mjs';

const DB = 'dialog_tests';
let t, c, id;

before(async () => {
  psql('DROP DATABASE IF EXISTS "dlg new db"');
  if (!psql(`SELECT 1 FROM pg_database WHERE datname = '${DB}'`)) psql(`CREATE DATABASE ${DB}`);
  psql(`DROP SCHEMA IF EXISTS "Sales Dept" CASCADE; DROP SCHEMA IF EXISTS moved CASCADE; DROP EXTENSION IF EXISTS pg_trgm;
    DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dlg_owner') THEN CREATE ROLE dlg_owner; END IF; END $$;`, { db: DB });
  ({ t, c, id } = await connectedAdmin());
});

after(async () => {
  assert.equal(await t.stop(), 0, t.output());
  psql('DROP DATABASE IF EXISTS "dlg new db"');
});

const create = (kind, spec, preview = false, database = DB) => c.post(`api/v1/servers/${id}/objects/create`, { database, kind, spec, preview });
const alter = (path, changes, preview = false) => c.post(`api/v1/servers/${id}/objects/alter`, { path, changes, preview });
const yes = (sql) => psql(sql, { db: DB }) === 't';

test('create a schema and a table: preview, then run', async () => {
  const schema = await create('schema', { name: 'Sales Dept', comment: "the sales team's", owner: 'dlg_owner' }, true);
  assert.equal(schema.status, 200, schema.raw);
  assert.equal(schema.body.sql, `CREATE SCHEMA "Sales Dept";\nCOMMENT ON SCHEMA "Sales Dept" IS 'the sales team''s';\nALTER SCHEMA "Sales Dept" OWNER TO "dlg_owner";`);
  assert.ok(yes("SELECT NOT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'Sales Dept')"), 'the preview ran nothing');
  assert.equal((await create('schema', { name: 'Sales Dept', comment: "the sales team's" })).body.done, true);
  const spec = {
    schema: 'Sales Dept', name: 'customers', comment: 'people',
    columns: [
      { name: 'id', type: 'bigint', identity: 'always', primary_key: true },
      { name: 'email', type: 'text', not_null: true, unique: true },
      { name: 'created', type: 'timestamptz', default: 'now()', not_null: true },
    ],
  };
  const made = await create('table', spec);
  assert.equal(made.status, 200, made.raw);
  assert.match(made.body.sql, /^CREATE TABLE "Sales Dept"\."customers" \(\n {4}"id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,/);
  const orders = await create('table', {
    schema: 'Sales Dept', name: 'orders',
    columns: [{ name: 'id', type: 'int', primary_key: true }, { name: 'customer_id', type: 'bigint' }, { name: 'amount', type: 'numeric(10,2)' }],
    constraints: [
      { type: 'foreign_key', name: 'orders_customer_fk', columns: ['customer_id'], references: { schema: 'Sales Dept', table: 'customers', columns: ['id'] }, on_delete: 'CASCADE' },
      { type: 'check', name: 'amount_positive', expression: 'amount > 0' },
    ],
  });
  assert.equal(orders.status, 200, orders.raw);
  assert.ok(yes(`SELECT count(*) = 2 FROM pg_constraint WHERE conrelid = '"Sales Dept".orders'::regclass AND contype IN ('f', 'c')`));
  const ddl = await c.get(`api/v1/servers/${id}/objects/ddl?path=${encodeURIComponent(`/databases/${DB}/schemas/Sales Dept/tables/customers`)}`);
  assert.match(ddl.raw, /COMMENT ON TABLE "Sales Dept".customers IS 'people';/);
});

test('a failing create reports PostgreSQL with its position and creates nothing', async () => {
  const r = await create('table', { schema: 'Sales Dept', name: 'broken', columns: [{ name: 'a', type: 'int' }, { name: 'b', type: 'nosuchtype' }], comment: 'x' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'ddl_failed');
  assert.equal(r.body.error.sqlstate, '42704');
  assert.match(r.body.error.message, /type "nosuchtype" does not exist/);
  assert.ok(r.body.error.position > 0);
  assert.ok(yes(`SELECT to_regclass('"Sales Dept".broken') IS NULL`));
  const bad = await create('table', { schema: 'Sales Dept', columns: [] });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'invalid_spec');
  assert.match(bad.body.error.message, /'name' is required/);
  assert.equal((await create('cast', { name: 'x' })).status, 400);
});

test('create a column, an index, views, a sequence, an extension and a database', async () => {
  const steps = [
    ['column', { schema: 'Sales Dept', table: 'customers', name: 'Nick Name', type: 'varchar(40)', default: "''", comment: 'shown' }],
    ['index', { schema: 'Sales Dept', table: 'customers', name: 'customers_created_idx', columns: ['created'], where: '"Nick Name" <> \'\'' }],
    ['view', { schema: 'Sales Dept', name: 'recent', definition: 'SELECT * FROM "Sales Dept".customers WHERE created > now() - interval \'1 day\';' }],
    ['materialized_view', { schema: 'Sales Dept', name: 'totals', definition: 'SELECT count(*) AS n FROM "Sales Dept".orders' }],
    ['sequence', { schema: 'Sales Dept', name: 'tickets', start: 100, increment: 5, cycle: true }],
    ['extension', { name: 'pg_trgm', schema: 'Sales Dept' }],
  ];
  const previews = [
    /^ALTER TABLE "Sales Dept"\."customers" ADD COLUMN "Nick Name" varchar\(40\) DEFAULT '';\nCOMMENT ON COLUMN "Sales Dept"\."customers"\."Nick Name" IS 'shown';$/,
    /^CREATE INDEX "customers_created_idx" ON "Sales Dept"\."customers" \("created"\) WHERE "Nick Name" <> '';$/,
    /^CREATE VIEW "Sales Dept"\."recent" AS\nSELECT \* FROM "Sales Dept"\.customers WHERE created > now\(\) - interval '1 day';$/,
    /^CREATE MATERIALIZED VIEW "Sales Dept"\."totals" AS\nSELECT count\(\*\) AS n FROM "Sales Dept"\.orders;$/,
    /^CREATE SEQUENCE "Sales Dept"\."tickets" INCREMENT BY 5 START WITH 100 CYCLE;$/,
    /^CREATE EXTENSION "pg_trgm" WITH SCHEMA "Sales Dept";$/,
  ];
  for (const [i, [kind, spec]] of steps.entries()) {
    const pre = await create(kind, spec, true);
    assert.equal(pre.status, 200, `${kind}: ${pre.raw}`);
    assert.equal(pre.body.done, false);
    assert.match(pre.body.sql, previews[i], kind);
    const r = await create(kind, spec);
    assert.equal(r.status, 200, `${kind}: ${r.raw}`);
    assert.equal(r.body.sql, pre.body.sql, `${kind}: the preview is what ran`);
  }
  assert.ok(yes(`SELECT col_description('"Sales Dept".customers'::regclass, 4) = 'shown'`));
  assert.ok(yes(`SELECT pg_get_indexdef('"Sales Dept".customers_created_idx'::regclass) LIKE '%WHERE%'`));
  assert.ok(yes(`SELECT increment_by = 5 AND cycle FROM pg_sequences WHERE sequencename = 'tickets'`));
  assert.ok(yes(`SELECT extnamespace::regnamespace::text = '"Sales Dept"' FROM pg_extension WHERE extname = 'pg_trgm'`));
  const db = await create('database', { name: 'dlg new db', encoding: 'UTF8' }, false, null);
  assert.equal(db.status, 200, db.raw);
  assert.equal(db.body.sql, `CREATE DATABASE "dlg new db" ENCODING 'UTF8';`);
  assert.equal(psql("SELECT count(*) FROM pg_database WHERE datname = 'dlg new db'"), '1');
});

test('create a partitioned table with storage parameters, and a partition of it', async () => {
  const parent = await create('table', {
    schema: 'Sales Dept', name: 'events', columns: [{ name: 'at', type: 'date', not_null: true }, { name: 'what', type: 'text' }],
    partition_by: { strategy: 'range', columns: ['at'] },
  });
  assert.equal(parent.status, 200, parent.raw);
  assert.match(parent.body.sql, /\n\) PARTITION BY RANGE \("at"\);$/);
  const part = await create('table', {
    schema: 'Sales Dept', name: 'events 2026', partition_of: { table: 'events' }, bound: "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
    storage: { fillfactor: 70, autovacuum_enabled: false, 'toast.autovacuum_enabled': false }, tablespace: 'pg_default', comment: 'this year',
  }, true);
  assert.equal(part.status, 200, part.raw);
  assert.equal(part.body.sql, [
    `CREATE TABLE "Sales Dept"."events 2026" PARTITION OF "Sales Dept"."events"`,
    `    FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')`,
    '    WITH (fillfactor = 70, autovacuum_enabled = false, toast.autovacuum_enabled = false)',
    '    TABLESPACE "pg_default";',
    `COMMENT ON TABLE "Sales Dept"."events 2026" IS 'this year';`,
  ].join('\n'));
  assert.equal((await create('table', { schema: 'Sales Dept', name: 'events 2026', partition_of: { table: 'events' }, bound: "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')", storage: { fillfactor: 70 } })).status, 200);
  assert.ok(yes(`SELECT relispartition AND reloptions = '{fillfactor=70}' FROM pg_class WHERE relname = 'events 2026'`));
  const plain = await create('table', { schema: 'Sales Dept', name: 'notes', columns: [{ name: 'n', type: 'text' }], storage: { fillfactor: 50 } }, true);
  assert.equal(plain.body.sql, 'CREATE TABLE "Sales Dept"."notes" (\n    "n" text\n)\n    WITH (fillfactor = 50);');
  for (const [spec, why] of [
    [{ partition_of: { table: 'events' } }, /'bound' is required/],
    [{ storage: { 'fill factor': 1 } }, /not a storage parameter/],
    [{ storage: { fillfactor: [1] } }, /'storage.fillfactor' is a number/],
  ]) {
    const r = await create('table', { schema: 'Sales Dept', name: 'x', columns: [{ name: 'a', type: 'int' }], ...spec });
    assert.equal(r.status, 400, r.raw);
    assert.match(r.body.error.message, why);
  }
});

test('alter: rename, owner, schema and comment of tables, columns and constraints', async () => {
  const base = `/databases/${DB}/schemas/Sales Dept`;
  const pre = await alter(`${base}/tables/orders`, { name: 'Orders 2', owner: 'dlg_owner', comment: 'all orders' }, true);
  assert.equal(pre.status, 200, pre.raw);
  assert.equal(pre.body.sql, `COMMENT ON TABLE "Sales Dept".orders IS 'all orders';\nALTER TABLE "Sales Dept".orders OWNER TO "dlg_owner";\nALTER TABLE "Sales Dept".orders RENAME TO "Orders 2";`);
  assert.equal((await alter(`${base}/tables/orders`, { name: 'Orders 2', owner: 'dlg_owner', comment: 'all orders' })).status, 200);
  assert.ok(yes(`SELECT pg_get_userbyid(relowner) = 'dlg_owner' AND obj_description(oid, 'pg_class') = 'all orders' FROM pg_class WHERE relname = 'Orders 2'`));
  const col = await alter(`${base}/tables/Orders 2/columns/amount`, { name: 'Amount EUR', comment: null });
  assert.equal(col.status, 200, col.raw);
  assert.equal(col.body.sql, `COMMENT ON COLUMN "Sales Dept"."Orders 2".amount IS NULL;\nALTER TABLE "Sales Dept"."Orders 2" RENAME COLUMN amount TO "Amount EUR";`);
  const con = await alter(`${base}/tables/Orders 2/constraints/amount_positive`, { name: 'amount_gt_zero' });
  assert.equal(con.body.sql, 'ALTER TABLE "Sales Dept"."Orders 2" RENAME CONSTRAINT amount_positive TO "amount_gt_zero";');
  psql('CREATE SCHEMA moved', { db: DB });
  assert.equal((await alter(`${base}/sequences/tickets`, { schema: 'moved' })).status, 200);
  assert.ok(yes("SELECT to_regclass('moved.tickets') IS NOT NULL"));
  const clash = await alter(`${base}/tables/customers`, { name: 'Orders 2' });
  assert.equal(clash.status, 409);
  assert.equal(clash.body.error.sqlstate, '42P07');
  assert.equal((await alter(`${base}/tables/customers`, {})).status, 400);
});

test('create functions, procedures and trigger functions: preview, quoting, dollar tags, comment and owner', async () => {
  const spec = {
    schema: 'Sales Dept', name: 'Add Tax', returns: 'numeric', language: 'sql', volatility: 'immutable', strict: true, parallel: 'safe',
    arguments: [{ name: 'amount', type: 'numeric' }, { name: 'rate', type: 'numeric', default: '0.2' }],
    definition: "SELECT amount * (1 + rate) -- it's $function$ inside",
    comment: "adds the shop's tax", owner: 'dlg_owner', set: { search_path: ['pg_catalog', 'Sales Dept'] },
  };
  const pre = await create('function', spec, true);
  assert.equal(pre.status, 200, pre.raw);
  assert.equal(pre.body.sql, [
    'CREATE FUNCTION "Sales Dept"."Add Tax"("amount" numeric, "rate" numeric DEFAULT 0.2)',
    '    RETURNS numeric', '    LANGUAGE "sql"', '    IMMUTABLE', '    STRICT', '    PARALLEL SAFE',
    "    SET search_path TO 'pg_catalog', 'Sales Dept'",
    "AS $function1$\nSELECT amount * (1 + rate) -- it's $function$ inside$function1$;",
    `COMMENT ON FUNCTION "Sales Dept"."Add Tax"(numeric, numeric) IS 'adds the shop''s tax';`,
    'ALTER FUNCTION "Sales Dept"."Add Tax"(numeric, numeric) OWNER TO "dlg_owner";',
  ].join('\n'));
  assert.ok(yes(`SELECT to_regproc('"Sales Dept"."Add Tax"') IS NULL`), 'the preview ran nothing');
  const made = await create('function', spec);
  assert.equal(made.status, 200, made.raw);
  assert.equal(psql(`SELECT "Sales Dept"."Add Tax"(100)`, { db: DB }), '120.0');
  assert.ok(yes(`SELECT provolatile = 'i' AND proisstrict AND pg_get_userbyid(proowner) = 'dlg_owner' AND obj_description(oid, 'pg_proc') = 'adds the shop''s tax' FROM pg_proc WHERE proname = 'Add Tax'`));
  // the tree and the SQL tab see it
  const listed = await c.get(`api/v1/servers/${id}/objects?path=${encodeURIComponent(`/databases/${DB}/schemas/Sales Dept/functions`)}`);
  const node = listed.body.nodes.find((n) => n.label.startsWith('Add Tax'));
  assert.ok(node, listed.raw);
  const ddl = await c.get(`api/v1/servers/${id}/objects/ddl?path=${encodeURIComponent(node.path)}`);
  assert.match(ddl.raw, /SECURITY|IMMUTABLE/);
  // CREATE OR REPLACE changes the body in place
  const replaced = await create('function', { ...spec, or_replace: true, definition: 'SELECT amount * (1 + rate) + 1', comment: '', owner: '' });
  assert.equal(replaced.status, 200, replaced.raw);
  assert.match(replaced.body.sql, /^CREATE OR REPLACE FUNCTION/);
  assert.equal(psql(`SELECT "Sales Dept"."Add Tax"(100)`, { db: DB }), '121.0');

  const proc = await create('procedure', {
    schema: 'Sales Dept', name: 'archive', language: 'plpgsql', security_definer: true,
    arguments: [{ mode: 'inout', name: 'moved', type: 'integer' }],
    definition: 'BEGIN moved := 7; END',
  });
  assert.equal(proc.status, 200, proc.raw);
  assert.match(proc.body.sql, /^CREATE PROCEDURE "Sales Dept"\."archive"\(INOUT "moved" integer\)\n {4}LANGUAGE "plpgsql"\n {4}SECURITY DEFINER\nAS \$function\$/);
  assert.equal(psql('CALL "Sales Dept".archive(1)', { db: DB }), '7');

  const trig = await create('trigger_function', {
    schema: 'Sales Dept', name: 'stamp',
    definition: "BEGIN NEW.\"Nick Name\" := coalesce(NEW.\"Nick Name\", '') || '*'; RETURN NEW; END",
  });
  assert.equal(trig.status, 200, trig.raw);
  assert.match(trig.body.sql, /RETURNS trigger\n {4}LANGUAGE "plpgsql"/);

  for (const [kind, bad, why] of [
    ['function', { schema: 'Sales Dept', name: 'f', definition: 'SELECT 1' }, /'returns' is required/],
    ['function', { schema: 'Sales Dept', name: 'f', returns: 'int', definition: 'SELECT 1', volatility: 'sometimes' }, /'volatility' must be VOLATILE, STABLE or IMMUTABLE/],
    ['function', { schema: 'Sales Dept', name: 'f', returns: 'int', definition: 'SELECT 1', arguments: [{ mode: 'sideways', type: 'int' }] }, /'mode' must be/],
    ['function', { schema: 'Sales Dept', name: 'f', returns: 'int', definition: 'SELECT 1', cost: 'lots' }, /'cost' must be a whole number/],
    ['function', { schema: 'Sales Dept', name: 'f', returns: 'int', definition: 'SELECT 1', set: { 'x; DROP': 'y' } }, /parameter name/],
    ['procedure', { schema: 'Sales Dept', name: 'p', returns: 'int', definition: 'SELECT 1' }, /returns nothing/],
    ['trigger_function', { schema: 'Sales Dept', name: 't', returns: 'int', definition: 'BEGIN END' }, /returns trigger or event_trigger/],
  ]) {
    const r = await create(kind, bad);
    assert.equal(r.status, 400, `${kind}: ${r.raw}`);
    assert.equal(r.body.error.code, 'invalid_spec');
    assert.match(r.body.error.message, why);
  }
  const failed = await create('function', { schema: 'Sales Dept', name: 'broken', returns: 'int', definition: 'SELECT nosuchcolumn' });
  assert.equal(failed.status, 409);
  assert.match(failed.body.error.message, /nosuchcolumn/);
  assert.ok(yes(`SELECT to_regproc('"Sales Dept".broken') IS NULL`));
});

test('create composite, enum and range types and a domain with checks', async () => {
  const composite = await create('type', {
    schema: 'Sales Dept', name: 'Money Pair', form: 'composite', comment: 'two amounts',
    attributes: [{ name: 'net', type: 'numeric(10,2)' }, { name: 'Label', type: 'text', collation: 'C' }],
  });
  assert.equal(composite.status, 200, composite.raw);
  assert.equal(composite.body.sql, `CREATE TYPE "Sales Dept"."Money Pair" AS (\n    "net" numeric(10,2),\n    "Label" text COLLATE "C"\n);\nCOMMENT ON TYPE "Sales Dept"."Money Pair" IS 'two amounts';`);
  const en = await create('type', { schema: 'Sales Dept', name: 'mood', form: 'enum', labels: ['sad', "it's ok", 'happy'] });
  assert.equal(en.status, 200, en.raw);
  assert.equal(psql(`SELECT string_agg(enumlabel, '|' ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = '"Sales Dept".mood'::regtype`, { db: DB }), "sad|it's ok|happy");
  const range = await create('type', { schema: 'Sales Dept', name: 'price_range', form: 'range', subtype: 'float8', subtype_diff: 'pg_catalog.float8mi' });
  assert.equal(range.status, 200, range.raw);
  assert.equal(psql(`SELECT '[1,5)'::"Sales Dept".price_range @> 3::float8`, { db: DB }), 't');
  assert.match((await create('type', { schema: 'Sales Dept', name: 'x', form: 'shell' })).body.error.message, /'form' must be composite, enum or range/);
  assert.match((await create('type', { schema: 'Sales Dept', name: 'x', form: 'composite', attributes: [] })).body.error.message, /'attributes' must list/);

  const domain = await create('domain', {
    schema: 'Sales Dept', name: 'Positive Amount', type: 'numeric(10,2)', default: '0', not_null: true, owner: 'dlg_owner',
    constraints: [{ name: 'is positive', check: 'VALUE >= 0' }, { check: "VALUE < 1000000" }],
  }, true);
  assert.equal(domain.status, 200, domain.raw);
  assert.equal(domain.body.sql, `CREATE DOMAIN "Sales Dept"."Positive Amount" AS numeric(10,2)\n    DEFAULT 0\n    NOT NULL\n    CONSTRAINT "is positive" CHECK (VALUE >= 0)\n    CHECK (VALUE < 1000000);\nALTER DOMAIN "Sales Dept"."Positive Amount" OWNER TO "dlg_owner";`);
  assert.equal((await create('domain', { schema: 'Sales Dept', name: 'Positive Amount', type: 'numeric(10,2)', constraints: [{ name: 'is positive', check: 'VALUE >= 0' }] })).status, 200);
  assert.throws(() => psql(`SELECT (-1)::"Sales Dept"."Positive Amount"`, { db: DB }), /violates check constraint "is positive"/);
  assert.match((await create('domain', { schema: 'Sales Dept', name: 'd2' })).body.error.message, /'type' is required/);

  // alter: enum values, domain default and not null and a new check
  const base = `/databases/${DB}/schemas/Sales Dept`;
  const addv = await alter(`${base}/types/mood`, { add_values: ['ecstatic'] });
  assert.equal(addv.status, 200, addv.raw);
  assert.equal(addv.body.sql, `ALTER TYPE "Sales Dept".mood ADD VALUE IF NOT EXISTS 'ecstatic';`);
  const dom = await alter(`${base}/domains/Positive Amount`, { default: '1', not_null: true, add_constraints: [{ name: 'small', check: 'VALUE < 500', not_valid: true }] });
  assert.equal(dom.status, 200, dom.raw);
  assert.equal(dom.body.sql, [
    'ALTER DOMAIN "Sales Dept"."Positive Amount" SET DEFAULT 1;',
    'ALTER DOMAIN "Sales Dept"."Positive Amount" SET NOT NULL;',
    'ALTER DOMAIN "Sales Dept"."Positive Amount" ADD CONSTRAINT "small" CHECK (VALUE < 500) NOT VALID;',
  ].join('\n'));
  assert.ok(yes(`SELECT typnotnull AND typdefault = '1' FROM pg_type WHERE typname = 'Positive Amount'`));
  assert.equal((await alter(`${base}/domains/Positive Amount`, { default: null })).body.sql, 'ALTER DOMAIN "Sales Dept"."Positive Amount" DROP DEFAULT;');
  const props = (await c.get(`api/v1/servers/${id}/objects/properties?path=${encodeURIComponent(`${base}/domains/Positive Amount`)}`)).body.properties;
  const prop = (name) => props.find((p) => p.name === name)?.value;
  assert.equal(prop('base_type'), 'numeric(10,2)');
  assert.equal(prop('not_null'), 't');
  assert.equal(prop('default_value'), null);
});

test('create triggers and policies on a table, then alter them', async () => {
  const table = 'customers';
  const trig = await create('trigger', {
    schema: 'Sales Dept', table, name: 'Stamp Nick', timing: 'before', events: ['insert', 'update'], update_columns: ['Nick Name'],
    for_each: 'row', when: 'NEW."Nick Name" IS NOT NULL', function_schema: 'Sales Dept', function: 'stamp', comment: 'marks nicknames',
  });
  assert.equal(trig.status, 200, trig.raw);
  assert.equal(trig.body.sql, [
    'CREATE TRIGGER "Stamp Nick"', '    BEFORE INSERT OR UPDATE OF "Nick Name"', '    ON "Sales Dept"."customers"', '    FOR EACH ROW',
    '    WHEN (NEW."Nick Name" IS NOT NULL)', '    EXECUTE FUNCTION "Sales Dept"."stamp"();',
    `COMMENT ON TRIGGER "Stamp Nick" ON "Sales Dept"."customers" IS 'marks nicknames';`,
  ].join('\n'));
  psql(`INSERT INTO "Sales Dept".customers (email, "Nick Name") VALUES ('a@x', 'al')`, { db: DB });
  assert.equal(psql(`SELECT "Nick Name" FROM "Sales Dept".customers WHERE email = 'a@x'`, { db: DB }), 'al*');
  const constraint = await create('trigger', {
    schema: 'Sales Dept', table, name: 'late check', timing: 'AFTER', events: ['DELETE'], for_each: 'row', constraint: true, deferrable: true,
    initially_deferred: true, function_schema: 'Sales Dept', function: 'stamp', arguments: ["it's"],
  }, true);
  assert.match(constraint.body.sql, /^CREATE CONSTRAINT TRIGGER "late check"\n {4}AFTER DELETE\n {4}ON "Sales Dept"\."customers"\n {4}DEFERRABLE INITIALLY DEFERRED\n {4}FOR EACH ROW\n {4}EXECUTE FUNCTION "Sales Dept"\."stamp"\('it''s'\);$/);
  for (const [bad, why] of [
    [{ timing: 'during', events: ['INSERT'] }, /'timing' must be/],
    [{ timing: 'AFTER', events: [] }, /'events' must list/],
    [{ timing: 'AFTER', events: ['SELECT'] }, /'events' must be INSERT, UPDATE, DELETE or TRUNCATE/],
  ]) {
    const r = await create('trigger', { schema: 'Sales Dept', table, name: 't', function: 'stamp', ...bad });
    assert.equal(r.status, 400, r.raw);
    assert.match(r.body.error.message, why);
  }
  const base = `/databases/${DB}/schemas/Sales Dept/tables/${table}`;
  const off = await alter(`${base}/triggers/Stamp Nick`, { enabled: false });
  assert.equal(off.status, 200, off.raw);
  assert.equal(off.body.sql, 'ALTER TABLE "Sales Dept".customers DISABLE TRIGGER "Stamp Nick";');
  assert.ok(yes(`SELECT tgenabled = 'D' FROM pg_trigger WHERE tgname = 'Stamp Nick'`));

  const policy = await create('policy', {
    schema: 'Sales Dept', table, name: 'own rows', command: 'select', as: 'restrictive', roles: ['dlg_owner', 'public'],
    using: "email = current_user || '@x'", enable_rls: true, comment: 'each sees theirs',
  });
  assert.equal(policy.status, 200, policy.raw);
  assert.equal(policy.body.sql, [
    'ALTER TABLE "Sales Dept"."customers" ENABLE ROW LEVEL SECURITY;',
    'CREATE POLICY "own rows" ON "Sales Dept"."customers"', '    AS RESTRICTIVE', '    FOR SELECT', '    TO "dlg_owner", PUBLIC',
    "    USING (email = current_user || '@x');",
    `COMMENT ON POLICY "own rows" ON "Sales Dept"."customers" IS 'each sees theirs';`,
  ].join('\n'));
  assert.ok(yes(`SELECT relrowsecurity FROM pg_class WHERE oid = '"Sales Dept".customers'::regclass`));
  assert.ok(yes(`SELECT polpermissive = false AND polcmd = 'r' FROM pg_policy WHERE polname = 'own rows'`));
  assert.match((await create('policy', { schema: 'Sales Dept', table, name: 'p', command: 'SELECT', check: 'true' })).body.error.message, /no WITH CHECK/);
  assert.match((await create('policy', { schema: 'Sales Dept', table, name: 'p', command: 'INSERT', using: 'true' })).body.error.message, /no USING/);
  const ins = await create('policy', { schema: 'Sales Dept', table, name: 'inserts', command: 'INSERT', check: 'true' });
  assert.equal(ins.status, 200, ins.raw);
  const changed = await alter(`${base}/policies/own rows`, { using: 'true', roles: ['dlg_owner'], name: 'all rows' });
  assert.equal(changed.status, 200, changed.raw);
  assert.equal(changed.body.sql, `ALTER POLICY "own rows" ON "Sales Dept".customers TO "dlg_owner" USING (true);\nALTER POLICY "own rows" ON "Sales Dept".customers RENAME TO "all rows";`);
  assert.ok(yes(`SELECT pg_get_expr(polqual, polrelid) = 'true' FROM pg_policy WHERE polname = 'all rows'`));
});
