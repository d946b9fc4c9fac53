// Attack: names and options a user gives a job (schema, table, index,
// columns, role, COPY's delimiter/null/quote/escape/encoding, pg_dump's
// patterns) crafted to end a quoted string and start a psql command, sent
// through a server entry with standard_conforming_strings off (the quoting
// that assumed it on was the hole). Every job kind runs its statement on the
// hostile objects or fails in PostgreSQL; nothing reaches a shell.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { world, ownServer, upload, startJob, finished, marker, assertAbsent, loggedDatabase, psql } from './lib.mjs';

const DB = 'sec_names';
const M = marker('names', { short: true });
// ends a '...' string under either setting, then a psql shell escape
const EVIL = `x\\'; \\! touch ${M} #`;
const EVIL_TABLE = `t\\'; \\! touch ${M} #"`;
const EVIL_INDEX = `i\\'; \\! touch ${M} #`;
const EVIL_COLUMN = `c\\'; \\! touch ${M} #`;
let w, server;

const ident = (s) => `"${s.replaceAll('"', '""')}"`;

before(async () => {
  loggedDatabase(DB);
  psql(
    `SET standard_conforming_strings = on;
     CREATE SCHEMA ${ident(EVIL)};
     CREATE TABLE ${ident(EVIL)}.${ident(EVIL_TABLE)} (id int PRIMARY KEY, ${ident(EVIL_COLUMN)} text);
     CREATE INDEX ${ident(EVIL_INDEX)} ON ${ident(EVIL)}.${ident(EVIL_TABLE)} (${ident(EVIL_COLUMN)});
     INSERT INTO ${ident(EVIL)}.${ident(EVIL_TABLE)} SELECT g, 'v' || g FROM generate_series(1, 50) g;`,
    { db: DB },
  );
  w = await world();
  server = await ownServer(w.user, { database: DB, params: { options: '-c standard_conforming_strings=off' } });
});

after(async () => {
  assert.equal(await w.t.stop(), 0, w.t.output());
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  assertAbsent(M, 'any job');
});

async function run(kind, spec, expect = 'succeeded') {
  const res = await startJob(w.user, server, kind, DB, spec);
  assert.equal(res.status, 201, res.raw);
  const job = await finished(w.user, res.body.job.id);
  const log = (await w.user.get(`api/v1/jobs/${job.id}/log`)).raw;
  assert.equal(job.state, expect, `${kind} ${JSON.stringify(spec)}: ${job.reason}\n${log}`);
  assertAbsent(M, `${kind} ${JSON.stringify(spec)}`);
  return { job, log };
}

test('maintenance on a hostile schema, table and index runs on them, quoted by libpq on the live connection', async () => {
  const table = { schema: EVIL, table: EVIL_TABLE };
  const { log } = await run('maintenance', { operation: 'vacuum', ...table, analyze: true, verbose: true });
  assert.match(log, /VACUUM \(ANALYZE, VERBOSE\) "x\\'; \\! touch \S+ #"\."t\\'; \\! touch \S+ #"""/);
  await run('maintenance', { operation: 'analyze', schema: EVIL });
  await run('maintenance', { operation: 'vacuum', schema: EVIL, full: true });
  await run('maintenance', { operation: 'reindex', schema: EVIL, index: EVIL_INDEX });
  await run('maintenance', { operation: 'reindex', ...table, concurrently: true });
  await run('maintenance', { operation: 'reindex', schema: EVIL });
  await run('maintenance', { operation: 'cluster', ...table, index: EVIL_INDEX });
  await run('maintenance', { operation: 'cluster', schema: EVIL });
  assert.equal(psql(`SELECT count(*) FROM pg_index WHERE indisclustered AND indexrelid = (SELECT oid FROM pg_class WHERE relname = '${EVIL_INDEX.replaceAll("'", "''")}')`, { db: DB }), '1');
});

test('a hostile role name is one identifier: SET ROLE fails in PostgreSQL', async () => {
  const { job } = await run('maintenance', { operation: 'analyze', schema: EVIL, role: EVIL }, 'failed');
  assert.match(job.reason, /role "x\\'; \\! touch [^"]+" does not exist/);
});

test('COPY out and in with hostile names and options: the rows go and come back, nothing runs', async () => {
  const spec = { schema: EVIL, table: EVIL_TABLE, columns: ['id', EVIL_COLUMN], format: 'csv', header: true, null: EVIL, escape: '\\', delimiter: '|' };
  const out = await run('export', { ...spec, file: 'evil.csv' });
  assert.match(out.log, /NULL +E'x\\\\'';/, 'the NULL string is an escaped literal');
  psql(`TRUNCATE ${ident(EVIL)}.${ident(EVIL_TABLE)}`, { db: DB });
  await run('import', { ...spec, file: 'evil.csv' });
  assert.equal(psql(`SELECT count(*) FROM ${ident(EVIL)}.${ident(EVIL_TABLE)}`, { db: DB }), '50');
  // an encoding name is a literal too: PostgreSQL refuses it
  await run('export', { ...spec, file: 'evil2.csv', encoding: EVIL }, 'failed');
});

test('backups and restores take hostile names as exact names, each one argument', async () => {
  const { job } = await run('backup', { file: 'one.dump', format: 'custom', tables: [{ schema: EVIL, name: EVIL_TABLE }] });
  assert.ok(job.command.includes(`'--table="x\\'\\''; \\! touch`), job.command);
  await run('backup', { file: 'pattern.sql', format: 'plain', schemas: [{ name: EVIL }], exclude_tables: ["x\\'; \\! *"] });
  psql(`DROP SCHEMA ${ident(EVIL)} CASCADE`, { db: DB });
  await run('restore', { file: 'one.dump', schemas: [EVIL], tables: [EVIL_TABLE] }, 'failed'); // the schema is gone
  psql(`CREATE SCHEMA ${ident(EVIL)}`, { db: DB });
  await run('restore', { file: 'one.dump', tables: [EVIL_TABLE] });
  assert.equal(psql(`SELECT count(*) FROM ${ident(EVIL)}.${ident(EVIL_TABLE)}`, { db: DB }), '50');
});

test('an uploaded CSV whose contents look like psql commands is data', async () => {
  await upload(w.user, 'rows.csv', `id;c\n1000;\\! touch ${M}\n1001;"x\\'; \\! touch ${M} #"\n`);
  await run('import', { schema: EVIL, table: EVIL_TABLE, columns: ['id', EVIL_COLUMN], format: 'csv', header: true, delimiter: ';', file: 'rows.csv' });
  assert.equal(psql(`SELECT count(*) FROM ${ident(EVIL)}.${ident(EVIL_TABLE)} WHERE id >= 1000`, { db: DB }), '2');
  assert.ok(!readFileSync(w.t.logPath, 'utf8').includes(M));
});
