// Attack: a value someone stored (any user who can write a table another
// one exports) crafted to break out of its literal when the SQL export is
// run in a session with standard_conforming_strings off. The export writes
// values that read the same under either setting: running it inserts the
// value as it was and runs nothing else.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { world, ownServer, psql, pg } from './lib.mjs';

const DB = 'sec_exports';
let w;
after(async () => {
  await w?.t.stop();
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

test('an INSERT export of a hostile value runs safely with standard_conforming_strings off', async () => {
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  psql(`CREATE DATABASE ${DB}`);
  psql("CREATE TABLE victim (n int); INSERT INTO victim VALUES (1); CREATE TABLE copy (v text);", { db: DB });
  const evil = "x\\'); DROP TABLE victim; --";
  w = await world();
  const id = await ownServer(w.user, { database: DB });
  const sid = (await w.user.post(`api/v1/servers/${id}/sessions`, { database: DB })).body.session_id;
  assert.equal((await w.user.post(`api/v1/sessions/${sid}/execute`, { sql: `SELECT '${evil.replaceAll("'", "''")}'::text AS v` })).status, 202);
  for (;;) {
    const s = (await w.user.get(`api/v1/sessions/${sid}/status`)).body;
    if (s.state !== 'running') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const sql = (await w.user.get(`api/v1/sessions/${sid}/results/0/export?format=sql&table=copy`)).raw;
  const run = (setting) =>
    execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', DB, '-c', `SET standard_conforming_strings = ${setting}`, '-f', '-'], {
      input: sql,
      env: { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password },
      encoding: 'utf8',
    });
  run('off');
  run('on');
  assert.equal(psql('SELECT count(*) FROM victim', { db: DB }), '1', 'the victim table is still there');
  assert.equal(psql(`SELECT count(*) FROM copy WHERE v = '${evil.replaceAll("'", "''")}'`, { db: DB }), '2', 'the value, as it was, twice');
});
