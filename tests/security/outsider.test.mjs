// What an outside tester with an ordinary account found, replayed:
// A. a job's database name with \f (or \v, \r) added connection parameters
//    (user=postgres, passfile=the host's) to the programs' connection string;
// B. an sslkey named "file:x" made libpq load an uploaded library as an
//    OpenSSL engine inside Tusk;
// C. a directory-format "backup" whose table of contents names ../../file
//    made pg_restore read any file Tusk's OS user can read;
// D. PG* variables dropped at start stayed readable in /proc/<tusk>/environ.
// Round 3 (the one stream, database drops, server actions):
// E. a drop of a database the role may not drop closed every other user's
//    idle connections to it before PostgreSQL refused;
// F. a dashboard topic with a 1 MiB database name (and many of them) held
//    2 MB and a sampling thread each (tests/api/stream.test.mjs replays it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { tempDir } from '../lib/tusk.mjs';
import { world, ownServer, upload, startJob, finished, marker, assertAbsent, psql, pg, token } from './lib.mjs';

const DB = 'sec_outsider';
let w, t, user, server, scratch;

before(async () => {
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  psql(`DROP ROLE IF EXISTS sec_plain`);
  psql(`CREATE ROLE sec_plain LOGIN PASSWORD 'sec-plain-pw'`);
  psql(`CREATE DATABASE ${DB} OWNER sec_plain`);
  psql('CREATE TABLE loot (t text); ALTER TABLE loot OWNER TO sec_plain;', { db: DB });
  scratch = tempDir('tusk-sec-outsider-');
  w = await world({ env: { PGPASSWORD: pg.password, PGUSER: pg.user } });
  ({ t, user } = w);
  server = await ownServer(user, { username: 'sec_plain', database: DB, connect: false });
  assert.equal((await user.post(`api/v1/servers/${server}/connect`, { password: 'sec-plain-pw' })).status, 200);
});

after(async () => {
  await w.t.stop();
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  psql('DROP ROLE IF EXISTS sec_plain');
});

test('A: a database name with \\f, \\v or \\r stays one name: no parameter of its own reaches the programs', async () => {
  // a passfile with the superuser's password where Tusk's OS user could read it
  writeFileSync(join(scratch, 'pgpass'), `*:*:*:*:${pg.password}\n`, { mode: 0o600 });
  for (const blank of ['\f', '\v', '\r']) {
    const evil = [DB, `user=${pg.user}`, `passfile=${join(scratch, 'pgpass')}`, 'dbname=postgres'].join(blank);
    const file = `inj-${token()}.sql`;
    const res = await startJob(user, server, 'backup', evil, { file, format: 'plain', schema_only: true });
    assert.equal(res.status, 201, res.raw);
    const job = await finished(user, res.body.job.id);
    assert.equal(job.state, 'failed', JSON.stringify(job));
    assert.match(job.reason, /database "[\s\S]*" does not exist/);
    assert.match(job.command, /dbname='\\''sec_outsider/, 'the name is one quoted value');
  }
  // the same through a server's own fields
  const odd = await ownServer(user, { username: `sec_plain\fuser=${pg.user}`, database: DB, connect: false });
  const con = await user.post(`api/v1/servers/${odd}/connect`, { password: 'sec-plain-pw' });
  assert.notEqual(con.status, 200, con.raw);
});

/** A TCP server that says yes to TLS and then waits: libpq sets up its client key next. */
function sslYes() {
  const srv = net.createServer((sock) => sock.once('data', () => sock.write('S')));
  return new Promise((res) => srv.listen(0, '127.0.0.1', () => res(srv)));
}

test('B: an sslkey that names an OpenSSL engine ("file:key") is refused; the library is never loaded', async (ctx) => {
  const m = marker('engine');
  const src = join(scratch, 'evil.c');
  writeFileSync(src, `#include <stdio.h>\n__attribute__((constructor)) static void run(void) { FILE *f = fopen("${m}", "w"); if (f) fclose(f); }\n`);
  const so = join(scratch, 'evil.so');
  try {
    execFileSync('cc', ['-shared', '-fPIC', '-o', so, src]);
  } catch {
    ctx.skip('no C compiler to build the library');
    return;
  }
  const fake = await sslYes();
  try {
    await upload(user, 'evil.so', readFileSync(so));
    await upload(user, 'evil.so:x', 'x');
    await upload(user, 'cert.pem', 'not a certificate');
    const made = await user.post('api/v1/servers', {
      name: 'engine', host: '127.0.0.1', port: fake.address().port, username: 'sec_plain',
      connection_params: { sslmode: 'require', sslcert: 'cert.pem', sslkey: 'evil.so:x' },
    });
    assert.equal(made.status, 201, made.raw);
    const con = await user.post(`api/v1/servers/${made.body.server.id}/connect`, { password: 'x' });
    assert.equal(con.status, 422, con.raw);
    assert.match(con.body.error.message, /OpenSSL engine/);
    assertAbsent(m, 'the engine library ran');
  } finally {
    fake.close();
  }
});

test('C: a directory archive naming ../../ files reads nothing outside the user\'s storage', async () => {
  const secret = `SECRET-LOOT-${token()}`;
  writeFileSync(join(scratch, 'secret.txt'), `${secret}\n`);
  // a real directory backup of loot, its data file renamed in the table of contents
  const dir = join(scratch, 'arch');
  execFileSync(join(pg.bin, 'pg_dump'), ['--no-password', '-Fd', '-Z', '0', '-t', 'loot', '--data-only', '-f', dir, '-d', DB], {
    env: { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password },
  });
  const toc = readFileSync(join(dir, 'toc.dat'));
  const name = toc.toString('latin1').match(/\d+\.dat/)[0];
  const at = toc.indexOf(Buffer.from(name, 'latin1'));
  assert.equal(toc.readInt32LE(at - 4), name.length, 'a length-prefixed file name');
  const target = Buffer.from(`${'../'.repeat(30)}${join(scratch, 'secret.txt').slice(1)}`, 'latin1');
  const len = Buffer.alloc(4);
  len.writeInt32LE(target.length);
  const patched = Buffer.concat([toc.subarray(0, at - 4), len, target, toc.subarray(at + name.length)]);
  await user.post('api/v1/files/folders', { path: 'trav' });
  await upload(user, 'trav/toc.dat', patched);
  const res = await startJob(user, server, 'restore', DB, { file: 'trav', data_only: true });
  assert.equal(res.status, 201, res.raw);
  const job = await finished(user, res.body.job.id);
  const log = (await user.get(`api/v1/jobs/${job.id}/log`)).raw;
  assert.equal(job.state, 'failed', `${JSON.stringify(job)}\n${log}`);
  // a newer pg_restore (15.20+) refuses such a name itself; an older one meets the fence
  assert.match(log, /could not open input file|invalid file name in archive/);
  assert.equal(psql('SELECT count(*) FROM loot', { db: DB }), '0', 'nothing of the file was read');
  assert.ok(!log.includes(secret));
});

test('D: the libpq variables Tusk drops at start are not left in its environment block', async () => {
  const environ = readFileSync(`/proc/${t.proc.pid}/environ`, 'utf8').split('\0');
  assert.deepEqual(environ.filter((v) => /^PG(PASSWORD|USER)=/.test(v)), ['PGPASSWORD=', 'PGUSER='], 'only their empty names are left');
});

test('E: a drop PostgreSQL refuses (not the owner) closes nobody else\'s connections to the database', async () => {
  psql('DROP DATABASE IF EXISTS sec_keep WITH (FORCE)');
  psql('CREATE DATABASE sec_keep'); // owned by the superuser, not by sec_plain
  try {
    // one shared entry: the admin uses it as the superuser, mallory as sec_plain
    const made = await w.admin.post('api/v1/servers', { name: 'team', host: pg.host, port: pg.port, username: pg.user, shared: true, shared_username: 'sec_plain' });
    assert.equal(made.status, 201, made.raw);
    const id = made.body.server.id;
    assert.equal((await w.admin.post(`api/v1/servers/${id}/connect`, { password: pg.password })).status, 200);
    assert.equal((await user.post(`api/v1/servers/${id}/connect`, { password: 'sec-plain-pw' })).status, 200);
    assert.equal((await w.admin.get(`api/v1/servers/${id}/objects?path=${encodeURIComponent('/databases/sec_keep/schemas')}`)).status, 200);
    const admins = () => Number(psql(`SELECT count(*) FROM pg_stat_activity WHERE datname = 'sec_keep' AND usename = '${pg.user}' AND application_name LIKE 'Tusk - Object Explorer - %'`));
    assert.ok(admins() >= 1, 'the admin\'s tree holds a connection');
    for (let i = 0; i < 3; i++) {
      const r = await user.post(`api/v1/servers/${id}/objects/drop`, { path: '/databases/sec_keep', force: true });
      assert.equal(r.status, 409, r.raw);
      assert.equal(r.body.error.sqlstate, '42501');
    }
    assert.ok(admins() >= 1, 'the admin\'s idle connection is still there');
    assert.equal(psql("SELECT count(*) FROM pg_database WHERE datname = 'sec_keep'"), '1');
  } finally {
    psql('DROP DATABASE IF EXISTS sec_keep WITH (FORCE)');
  }
});
