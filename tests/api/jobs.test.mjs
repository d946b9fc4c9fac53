// Background jobs against the real cluster: backups in every format restored
// into empty databases with identical pg_dump output, pg_dumpall globals,
// cancelling a backup (its process group gone, the partial file removed),
// maintenance, CSV export and import, the password kept out of command lines
// and logs, the client program chosen by version, and a restart settling a
// job whose process vanished.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, linkSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startTusk, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { pg, psql } from '../lib/pg.mjs';

const SRC = 'jobs_src';
const targets = ['jobs_dst_c', 'jobs_dst_d', 'jobs_dst_t', 'jobs_dst_p', 'jobs_dst_globals'];
let t, c, id, uid;

const FIXTURE = `
CREATE SCHEMA shop;
CREATE TYPE shop.mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE shop.customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, mood shop.mood DEFAULT 'ok', joined date DEFAULT '2026-01-01');
CREATE TABLE shop.orders (id serial PRIMARY KEY, customer_id bigint REFERENCES shop.customers (id) ON DELETE CASCADE, amount numeric(10,2) CHECK (amount > 0), note text, tags text[]);
CREATE INDEX orders_customer ON shop.orders (customer_id) WHERE note IS NOT NULL;
CREATE VIEW shop.big_orders AS SELECT * FROM shop.orders WHERE amount > 100;
CREATE FUNCTION shop.total(c bigint) RETURNS numeric LANGUAGE sql STABLE AS $$ SELECT sum(amount) FROM shop.orders WHERE customer_id = c $$;
COMMENT ON TABLE shop.orders IS 'every order, with "quotes" and ''apostrophes''';
INSERT INTO shop.customers (name, mood) SELECT 'customer ' || g, (ARRAY['sad','ok','happy'])[1 + g % 3]::shop.mood FROM generate_series(1, 200) g;
INSERT INTO shop.orders (customer_id, amount, note, tags) SELECT 1 + g % 200, g * 1.5, CASE WHEN g % 2 = 0 THEN 'note ' || g || E' with a tab\\t' END, ARRAY['a', 'b,c'] FROM generate_series(1, 2000) g;
CREATE TABLE public."Odd Name" ("a b" int, "ü" text);
INSERT INTO public."Odd Name" VALUES (1, 'ä, "x"'), (2, NULL), (3, E'line\\nbreak');
`;

function dump(db) {
  const out = execFileSync(join(pg.bin, 'pg_dump'), ['--no-password', '-d', db], {
    env: { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password },
    encoding: 'utf8', maxBuffer: 64 << 20,
  });
  // pg_dump 17.6+/15.14+ writes a random \restrict key; the rest must match
  return out.split('\n').filter((l) => !/^\\(un)?restrict /.test(l)).join('\n');
}

before(async () => {
  for (const db of [SRC, ...targets]) psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  psql(`CREATE DATABASE ${SRC}`);
  psql(FIXTURE, { db: SRC });
  t = await startTusk({ env: { TUSK_PG_BIN_DIR: pg.bin } });
  c = new Client(t.url);
  const login = await c.post('api/v1/auth/login', ADMIN);
  c.csrf = login.body.csrf_token;
  uid = login.body.user.id;
  id = (await c.post('api/v1/servers', { name: 'pg', host: pg.host, port: pg.port, username: pg.user })).body.server.id;
  assert.equal((await c.post(`api/v1/servers/${id}/connect`, { password: pg.password })).status, 200);
});

after(async () => {
  assert.equal(await t.stop(), 0, t.output());
  for (const db of [SRC, ...targets]) psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
});

const start = (kind, database, spec) => c.post(`api/v1/servers/${id}/jobs`, { kind, database, spec });

async function finished(jobId, ms = 60000) {
  const until = Date.now() + ms;
  for (;;) {
    const r = await c.get(`api/v1/jobs/${jobId}`);
    assert.equal(r.status, 200, r.raw);
    if (!['queued', 'running'].includes(r.body.job.state)) return r.body.job;
    if (Date.now() > until) throw new Error(`job ${jobId} still ${r.body.job.state}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

const storage = () => join(t.dataDir, 'storage', String(uid));

test('backup in every format, restore into empty databases: identical pg_dump', async () => {
  const original = dump(SRC);
  for (const [format, file, target] of [
    ['custom', 'backups/src.dump', 'jobs_dst_c'],
    ['directory', 'backups/src.dir', 'jobs_dst_d'],
    ['tar', 'backups/src.tar', 'jobs_dst_t'],
    ['plain', 'backups/src.sql', 'jobs_dst_p'],
  ]) {
    const b = await start('backup', SRC, { file, format, ...(format === 'directory' ? { jobs: 2 } : {}), ...(format === 'custom' ? { compress: 6 } : {}) });
    assert.equal(b.status, 201, b.raw);
    assert.equal(b.body.job.kind, 'backup');
    assert.match(b.body.job.description, new RegExp(`Backup of ${SRC} \\(${format}\\) to ${file.replace('.', '\\.')}`));
    const done = await finished(b.body.job.id);
    assert.equal(done.state, 'succeeded', `${format}: ${done.reason}\n${(await c.get(`api/v1/jobs/${done.id}/log`)).raw}`);
    assert.equal(done.exit_code, 0);
    assert.ok(done.output_size > 0, `${format}: output size`);
    assert.ok(existsSync(join(storage(), file)));
    psql(`CREATE DATABASE ${target}`);
    const r = await start('restore', target, { file, exit_on_error: true, ...(format === 'directory' ? { jobs: 2 } : { single_transaction: true }) });
    assert.equal(r.status, 201, r.raw);
    const restored = await finished(r.body.job.id);
    assert.equal(restored.state, 'succeeded', `${format} restore: ${restored.reason}\n${(await c.get(`api/v1/jobs/${restored.id}/log`)).raw}`);
    assert.equal(dump(target), original, `${format}: the restored database dumps the same`);
  }
  // the archive's contents, to pick from
  const list = await c.get(`api/v1/servers/${id}/archive?path=${encodeURIComponent('backups/src.dump')}`);
  assert.equal(list.status, 200, list.raw);
  const table = list.body.entries.find((e) => e.type === 'TABLE' && e.name === 'orders');
  assert.equal(table.schema, 'shop');
  assert.ok(list.body.entries.some((e) => e.type === 'TABLE DATA' && e.name === 'Odd Name'));
  assert.equal((await c.get(`api/v1/servers/${id}/archive?path=${encodeURIComponent('backups/src.sql')}`)).body.error.code, 'not_an_archive');
  // a selective restore: one schema's table, data only
  const sel = await start('restore', 'jobs_dst_p', { file: 'backups/src.dump', data_only: true, tables: ['Odd Name'], schemas: ['public'] });
  assert.equal(sel.status, 201, sel.raw);
  assert.match(sel.body.job.command, /--data-only --schema=public '--table=Odd Name'/);
  const selDone = await finished(sel.body.job.id);
  assert.equal(selDone.state, 'succeeded', selDone.reason);
  assert.equal(psql('SELECT count(*) FROM public."Odd Name"', { db: 'jobs_dst_p' }), '6', 'only that table\'s rows were added again');
  assert.equal(psql('SELECT count(*) FROM shop.orders', { db: 'jobs_dst_p' }), '2000');
});

test('pg_dumpall: globals, and options that need each other are refused', async () => {
  psql(`DROP ROLE IF EXISTS jobs_role; CREATE ROLE jobs_role NOLOGIN`);
  const g = await start('backup_server', null, { file: 'globals.sql', mode: 'globals' });
  assert.equal(g.status, 201, g.raw);
  const done = await finished(g.body.job.id);
  assert.equal(done.state, 'succeeded', done.reason);
  const text = readFileSync(join(storage(), 'globals.sql'), 'utf8');
  assert.match(text, /CREATE ROLE jobs_role;/);
  assert.doesNotMatch(text, /CREATE DATABASE/);
  for (const [kind, db, spec, why] of [
    ['backup', SRC, { file: 'x.dump', format: 'custom', jobs: 2 }, /directory format/],
    ['backup', SRC, { file: 'x.dump', schema_only: true, data_only: true }, /exclude each other/],
    ['backup', SRC, { file: 'x.dump', if_exists: true }, /needs 'clean'/],
    ['backup', SRC, { file: 'x.dump', format: 'zip' }, /'format' is one of custom, directory, tar, plain/],
    ['backup', SRC, { file: 'x.dump', compress: 12 }, /'compress' is a whole number from 0 to 9/],
    ['backup', SRC, {}, /'file' is required/],
    ['restore', SRC, { file: 'backups/src.sql', clean: true }, /needs an archive/],
    ['maintenance', SRC, { operation: 'defrag' }, /'operation' is one of/],
    ['maintenance', SRC, { operation: 'analyze', full: true }, /options of vacuum/],
    ['teleport', SRC, { file: 'x' }, /'kind' is one of/],
  ]) {
    const r = await start(kind, db, spec);
    assert.equal(r.status, 400, `${JSON.stringify(spec)}: ${r.raw}`);
    assert.match(r.body.error.message, why);
  }
  for (const file of ['../escape.sql', '/etc/passwd', 'a/../../b.sql']) {
    const r = await start('backup', SRC, { file });
    assert.equal(r.status, 400, r.raw);
    assert.equal(r.body.error.code, 'invalid_path');
  }
  const exists = await start('backup', SRC, { file: 'globals.sql' });
  assert.equal(exists.status, 409);
  assert.equal(exists.body.error.code, 'file_exists');
  // overwriting replaces the file: another name of it (a hard link, as pgAdmin's storage brings) keeps its bytes
  const before = readFileSync(join(storage(), 'globals.sql'), 'utf8');
  linkSync(join(storage(), 'globals.sql'), join(storage(), 'globals-link.sql'));
  const refused = await start('backup_server', null, { file: 'globals.sql', mode: 'everything', overwrite: true });
  assert.equal(refused.status, 400, refused.raw);
  assert.ok(existsSync(join(storage(), 'globals.sql')), 'a refused job leaves the file alone');
  const over = await start('backup_server', null, { file: 'globals.sql', mode: 'roles', overwrite: true });
  assert.equal(over.status, 201, over.raw);
  assert.equal((await finished(over.body.job.id)).state, 'succeeded');
  assert.match(readFileSync(join(storage(), 'globals.sql'), 'utf8'), /CREATE ROLE jobs_role;/);
  assert.equal(statSync(join(storage(), 'globals.sql')).nlink, 1, 'a new file, not the old one written through');
  assert.equal(readFileSync(join(storage(), 'globals-link.sql'), 'utf8'), before);
  const missing = await start('restore', SRC, { file: 'nope.dump' });
  assert.equal(missing.status, 404);
  assert.equal((await c.request('POST', `api/v1/servers/${id}/jobs`, { json: { kind: 'backup', database: SRC, spec: { file: 'y.dump' } }, csrf: false })).status, 403);
});

test('cancel a running backup: the process group goes, the partial file is removed, no password anywhere', async () => {
  // a lock makes pg_dump wait, so the job is still running when cancelled
  const holder = spawn('psql', ['-X', '-d', SRC, '-c', 'BEGIN; LOCK TABLE shop.orders IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60);'], {
    env: { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password },
    stdio: 'ignore',
  });
  try {
    await waitFor(() => psql(`SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'orders' AND l.mode = 'AccessExclusiveLock' AND l.granted`, { db: SRC }) === '1');
    const b = await start('backup', SRC, { file: 'blocked.dump', format: 'custom' });
    assert.equal(b.status, 201, b.raw);
    const jobId = b.body.job.id;
    let job;
    await waitFor(async () => (job = (await c.get(`api/v1/jobs/${jobId}`)).body.job).state === 'running');
    await waitFor(() => psql(`SELECT count(*) FROM pg_stat_activity WHERE datname = '${SRC}' AND application_name = 'pg_dump' AND wait_event_type = 'Lock'`) === '1');
    // the child's command line and environment hold no password
    const children = execFileSync('pgrep', ['-f', 'blocked.dump'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
    assert.ok(children.length >= 1, 'pg_dump runs');
    for (const p of children) {
      const cmdline = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      assert.ok(!cmdline.includes(pg.password), 'no password on the command line');
      const environ = readFileSync(`/proc/${p}/environ`, 'utf8');
      assert.ok(!environ.includes(pg.password), 'no password in the environment');
      assert.doesNotMatch(environ, /(^|\0)(PG|TUSK_|TEST_)/, 'no libpq variable and none of Tusk\'s settings');
      assert.match(environ, new RegExp(`(^|\0)HOME=${t.dataDir}/child-home\0`), 'an empty home of its own');
      assert.match(cmdline, /passfile=\S+\/jobs\/[0-9a-f]+\.pass/, 'the conninfo names the job\'s passfile');
    }
    const passfiles = readdirSync(join(t.dataDir, 'jobs')).filter((f) => f.endsWith('.pass'));
    assert.equal(passfiles.length, 1, 'a passfile while it runs');
    // watch it: the SSE stream sends the job and its log
    const ctrl = new AbortController();
    const res = await fetch(new URL(`api/v1/jobs/${jobId}/events`, t.url), { headers: { cookie: c.cookieHeader() }, signal: ctrl.signal });
    const reader = res.body.getReader();
    let seen = '';
    const dec = new TextDecoder();
    while (!/event: job/.test(seen) || !/event: log/.test(seen)) seen += dec.decode((await reader.read()).value);
    assert.match(seen, /pg_dump/);

    const cancel = await c.post(`api/v1/jobs/${jobId}/cancel`, {});
    assert.equal(cancel.status, 202, cancel.raw);
    const done = await finished(jobId);
    assert.equal(done.state, 'cancelled');
    assert.match(done.reason, /Cancelled by the user; the partial output was removed/);
    while (!/event: end/.test(seen)) seen += dec.decode((await reader.read()).value);
    ctrl.abort();
    for (const p of children) assert.ok(!existsSync(`/proc/${p}`) || /^Z/.test(readFileSync(`/proc/${p}/stat`, 'utf8').split(' ')[2]), `process ${p} is gone`);
    assert.ok(!existsSync(join(storage(), 'blocked.dump')), 'the partial file is removed');
    assert.equal(readdirSync(join(t.dataDir, 'jobs')).filter((f) => f.endsWith('.pass')).length, 0, 'the passfile is removed');
    assert.equal((await c.post(`api/v1/jobs/${jobId}/cancel`, {})).status, 409);
    // the password is in no log: the job's, nor Tusk's
    const log = (await c.get(`api/v1/jobs/${jobId}/log`)).raw;
    // the connection's keepalive settings come first, then the server's own parameters
    assert.match(log, /^\$ \S*pg_dump --no-password '--dbname=(?:\S+ )*host=\S+ port=\d+ user=\S+ .*dbname=jobs_src[^']*' --file=\S+blocked\.dump --format=c\n/);
    assert.ok(!log.includes(pg.password));
    assert.ok(!done.command.includes(pg.password));
    assert.ok(!t.output().includes(pg.password), 'not in the server log');
  } finally {
    release(holder);
  }
});

/* Ends a lock holder: its psql and its backend, which pg_sleep keeps alive otherwise. */
function release(holder) {
  holder.kill('SIGKILL');
  psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%LOCK TABLE shop.%pg_sleep(60)%' AND pid <> pg_backend_pid()");
}

async function waitFor(check, ms = 20000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((res) => setTimeout(res, 100));
  }
}

test('maintenance: vacuum, analyze a schema, reindex, cluster, with the server’s output in the log', async () => {
  const steps = [
    [{ operation: 'vacuum', schema: 'shop', table: 'orders', analyze: true, verbose: true, index_cleanup: 'on' }, /VACUUM \(ANALYZE, VERBOSE, INDEX_CLEANUP on\) "shop"\."orders"/, /INFO: {2}vacuuming/],
    [{ operation: 'analyze', schema: 'shop', verbose: true, skip_locked: true }, /ANALYZE \(VERBOSE, SKIP_LOCKED\) "shop"\."customers"/, /INFO: {2}analyzing "shop\.orders"/],
    [{ operation: 'reindex', schema: 'shop', concurrently: true, verbose: true }, /REINDEX \(VERBOSE\) SCHEMA CONCURRENTLY "shop"/, /INFO: {2}index "shop\.orders_pkey" was reindexed/],
    [{ operation: 'cluster', schema: 'shop', table: 'orders', index: 'orders_pkey', verbose: true }, /CLUSTER (\(VERBOSE\)|VERBOSE) "shop"\."orders" USING "orders_pkey"/, /clustering "shop\.orders"/],
    [{ operation: 'vacuum', full: true, freeze: true }, /VACUUM \(FULL, FREEZE\);/, /VACUUM/],
  ];
  for (const [spec, statement, output] of steps) {
    const r = await start('maintenance', SRC, spec);
    assert.equal(r.status, 201, r.raw);
    const done = await finished(r.body.job.id);
    const log = (await c.get(`api/v1/jobs/${done.id}/log`)).raw;
    assert.equal(done.state, 'succeeded', `${JSON.stringify(spec)}: ${done.reason}\n${log}`);
    assert.match(log, statement);
    assert.match(log, output);
  }
  assert.equal(psql(`SELECT indisclustered FROM pg_index WHERE indexrelid = 'shop.orders_pkey'::regclass`, { db: SRC }), 't');
  // PostgreSQL's refusal is the job's failure, with its message
  const bad = await start('maintenance', SRC, { operation: 'vacuum', schema: 'shop', table: 'nope' });
  const failed = await finished(bad.body.job.id);
  assert.equal(failed.state, 'failed');
  assert.match(failed.reason, /tusk sql-client exited with code 3: ERROR: {2}relation "shop\.nope" does not exist/);
});

test('export a table to CSV, import it into an empty copy: the same rows', async () => {
  psql('CREATE TABLE shop.orders_copy (LIKE shop.orders)', { db: SRC });
  psql('CREATE TABLE public."Odd Copy" (LIKE public."Odd Name")', { db: SRC });
  for (const [table, copy, options] of [
    ['orders', 'orders_copy', { header: true, delimiter: ';', null: 'NULL' }],
    ['Odd Name', 'Odd Copy', { header: true, encoding: 'LATIN1' }],
  ]) {
    const schema = table === 'orders' ? 'shop' : 'public';
    const file = `exports/${table}.csv`;
    const ex = await start('export', SRC, { schema, table, file, format: 'csv', ...options });
    assert.equal(ex.status, 201, ex.raw);
    const e = await finished(ex.body.job.id);
    assert.equal(e.state, 'succeeded', `${e.reason}\n${(await c.get(`api/v1/jobs/${e.id}/log`)).raw}`);
    assert.ok(e.output_size > 0);
    const im = await start('import', SRC, { schema, table: copy, file, format: 'csv', ...options });
    assert.equal(im.status, 201, im.raw);
    const i = await finished(im.body.job.id);
    assert.equal(i.state, 'succeeded', `${i.reason}\n${(await c.get(`api/v1/jobs/${i.id}/log`)).raw}`);
    const q = (t2) => psql(`SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) FROM ${schema}.${t2.includes(' ') ? `"${t2}"` : t2} x`, { db: SRC });
    assert.equal(q(copy), q(table), `${table}: the same rows`);
  }
  const csv = readFileSync(join(storage(), 'exports/orders.csv'), 'utf8');
  assert.match(csv.split('\n')[0], /^id;customer_id;amount;note;tags$/);
  assert.match(csv, /;NULL;/);
  const latin1 = readFileSync(join(storage(), 'exports/Odd Name.csv'));
  assert.ok(latin1.includes(Buffer.from([0xe4])), 'ä written in LATIN1');
  const binary = await start('export', SRC, { schema: 'shop', table: 'orders', file: 'x.bin', format: 'binary', header: true });
  assert.equal(binary.status, 400);
  assert.match(binary.body.error.message, /no header/);
});

test('a running import shows how far it has read its file', async () => {
  const holder = spawn('psql', ['-X', '-d', SRC, '-c', 'BEGIN; LOCK TABLE shop.orders_copy IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60);'], {
    env: { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password },
    stdio: 'ignore',
  });
  try {
    await waitFor(() => psql(`SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'orders_copy' AND l.mode = 'AccessExclusiveLock' AND l.granted`, { db: SRC }) === '1');
    const im = await start('import', SRC, { schema: 'shop', table: 'orders_copy', file: 'exports/orders.csv', format: 'csv', header: true, delimiter: ';', null: 'NULL' });
    assert.equal(im.status, 201, im.raw);
    assert.equal(im.body.job.input_path, 'exports/orders.csv');
    const size = readFileSync(join(storage(), 'exports/orders.csv')).length;
    let job;
    // psql has the file open and waits for the lock before it reads a byte
    await waitFor(async () => (job = (await c.get(`api/v1/jobs/${im.body.job.id}`)).body.job).input_read !== null);
    assert.equal(job.state, 'running');
    assert.equal(job.input_size, size);
    assert.equal(job.input_read, 0);
  } finally {
    release(holder);
  }
});

test('jobs list, acknowledge and delete; a missing client program names the version needed', async () => {
  const list = await c.get('api/v1/jobs');
  assert.equal(list.status, 200);
  assert.ok(list.body.jobs.length >= 10);
  assert.ok(list.body.jobs[0].id > list.body.jobs.at(-1).id, 'newest first');
  const one = list.body.jobs.find((j) => j.state === 'succeeded');
  const ack = await c.post(`api/v1/jobs/${one.id}/acknowledge`, {});
  assert.equal(ack.body.job.acknowledged, true);
  assert.equal((await c.del(`api/v1/jobs/${one.id}`)).status, 204);
  assert.equal((await c.get(`api/v1/jobs/${one.id}`)).status, 404);

  const other = await startTusk({ env: { TUSK_PG_BIN_DIR: '/nonexistent/bin' } });
  try {
    const c2 = new Client(other.url);
    c2.csrf = (await c2.post('api/v1/auth/login', ADMIN)).body.csrf_token;
    const sid = (await c2.post('api/v1/servers', { name: 'pg', host: pg.host, port: pg.port, username: pg.user })).body.server.id;
    await c2.post(`api/v1/servers/${sid}/connect`, { password: pg.password });
    const r = await c2.post(`api/v1/servers/${sid}/jobs`, { kind: 'backup', database: SRC, spec: { file: 'a.dump' } });
    assert.equal(r.status, 422, r.raw);
    assert.equal(r.body.error.code, 'program_missing');
    const major = Number(psql('SHOW server_version_num')) / 10000 | 0;
    assert.match(r.body.error.message, new RegExp(`pg_dump for PostgreSQL ${major} or newer is needed .*found none.*TUSK_PG_BIN_DIR`));
  } finally {
    await other.stop();
  }
});

test('a Tusk killed while a job runs marks it failed on restart, with the reason', async () => {
  const holder = spawn('psql', ['-X', '-d', SRC, '-c', 'BEGIN; LOCK TABLE shop.customers IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60);'], {
    env: { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password },
    stdio: 'ignore',
  });
  const other = await startTusk({ env: { TUSK_PG_BIN_DIR: pg.bin } });
  let again;
  try {
    await waitFor(() => psql(`SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'customers' AND l.mode = 'AccessExclusiveLock' AND l.granted`, { db: SRC }) === '1');
    const c2 = new Client(other.url);
    c2.csrf = (await c2.post('api/v1/auth/login', ADMIN)).body.csrf_token;
    const sid = (await c2.post('api/v1/servers', { name: 'pg', host: pg.host, port: pg.port, username: pg.user })).body.server.id;
    await c2.post(`api/v1/servers/${sid}/connect`, { password: pg.password });
    const b = await c2.post(`api/v1/servers/${sid}/jobs`, { kind: 'backup', database: SRC, spec: { file: 'orphan.dump' } });
    assert.equal(b.status, 201, b.raw);
    await waitFor(async () => (await c2.get(`api/v1/jobs/${b.body.job.id}`)).body.job.state === 'running');
    await other.stop('SIGKILL');
    again = await startTusk({ dataDir: other.dataDir, env: { TUSK_PG_BIN_DIR: pg.bin } });
    const c3 = new Client(again.url);
    c3.csrf = (await c3.post('api/v1/auth/login', ADMIN)).body.csrf_token;
    const job = (await c3.get(`api/v1/jobs/${b.body.job.id}`)).body.job;
    assert.equal(job.state, 'failed');
    assert.match(job.reason, /Tusk restarted while the job ran/);
    await waitFor(() => psql(`SELECT count(*) FROM pg_stat_activity WHERE datname = '${SRC}' AND application_name = 'pg_dump'`) === '0');
  } finally {
    release(holder);
    await again?.stop();
  }
});

