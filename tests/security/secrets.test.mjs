// Secrets at rest. A client key's passphrase (sslpassword) is kept encrypted
// with its user's key: it is never returned, exported, or readable in the
// store (SQLite file or PostgreSQL store), and it still opens an encrypted
// client key over TLS. Passwords typed into statements are redacted from
// history and the audit log. CSRF tokens are not stored. Every file and
// folder Tusk makes is private whatever the umask.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTusk, storeUrlFor, tempDir, ADMIN } from '../lib/tusk.mjs';
import { startCluster } from '../lib/pg.mjs';
import { world, login, ATTACKER, ownServer, upload, startJob, finished, psql, pg, token } from './lib.mjs';

const running = [];
let tls = null;
after(async () => {
  for (const t of running) await t.stop();
  tls?.destroy();
});

const PHRASE = `key-phrase-${token()}`;

/** A private cluster that takes client certificates over TLS, and a client key under PHRASE. */
function tlsCluster() {
  const cluster = startCluster();
  const dir = tempDir('tusk-sec-certs-');
  const ssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=tusk-test-ca');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2');
  ssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-aes256', '-pass', `pass:${PHRASE}`, '-out', 'client.key');
  ssl('req', '-new', '-key', 'client.key', '-passin', `pass:${PHRASE}`, '-out', 'client.csr', '-subj', `/CN=${cluster.user}`);
  ssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-days', '2');
  const data = join(cluster.dir, 'data');
  for (const f of ['server.crt', 'server.key', 'ca.crt']) copyFileSync(join(dir, f), join(data, f));
  if (process.getuid() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    for (const f of ['server.crt', 'server.key', 'ca.crt']) chownSync(join(data, f), uid, gid);
  }
  chmodSync(join(data, 'server.key'), 0o600);
  writeFileSync(join(data, 'postgresql.conf'), `${readFileSync(join(data, 'postgresql.conf'), 'utf8')}\nssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\nssl_ca_file = 'ca.crt'\n`);
  const hba = readFileSync(join(data, 'pg_hba.conf'), 'utf8');
  writeFileSync(join(data, 'pg_hba.conf'), `hostssl all ${cluster.user} 127.0.0.1/32 cert\n${hba}`);
  cluster.stop();
  cluster.start();
  return Object.assign(cluster, { certs: dir });
}

/** Every byte of the store: the SQLite files, or a dump of the PostgreSQL store. */
function storeBytes(t, storeUrl) {
  if (storeUrl) {
    return execFileSync(join(pg.bin, 'pg_dump'), ['--no-password', '-d', storeUrl], { encoding: 'utf8', maxBuffer: 64 << 20 });
  }
  return readdirSync(t.dataDir).filter((f) => f.startsWith('tusk.db')).map((f) => readFileSync(join(t.dataDir, f)).toString('latin1')).join('');
}

for (const backend of ['sqlite', 'postgres']) {
  test(`sslpassword is kept encrypted for its user and opens an encrypted client key (${backend} store)`, async () => {
    tls ??= tlsCluster();
    const storeUrl = backend === 'postgres' ? storeUrlFor(join(tempDir('tusk-sec-store-'), 'data')) : undefined;
    const w = await world({ env: storeUrl ? { TUSK_STORE_URL: storeUrl } : { TUSK_STORE_URL: '' } });
    running.push(w.t);
    for (const f of ['ca.crt', 'client.crt', 'client.key']) await upload(w.user, `certs/${f}`, readFileSync(join(tls.certs, f)));
    const params = { sslmode: 'verify-ca', sslrootcert: 'certs/ca.crt', sslcert: 'certs/client.crt', sslkey: 'certs/client.key', sslpassword: PHRASE };
    const made = await w.user.post('api/v1/servers', { name: 'tls', host: '127.0.0.1', port: tls.port, username: tls.user, connection_params: params });
    assert.equal(made.status, 201, made.raw);
    assert.ok(!made.raw.includes(PHRASE), 'not in the answer');
    assert.equal(made.body.server.has_sslpassword, true);
    assert.equal(made.body.server.connection_params.sslpassword, undefined);
    const id = made.body.server.id;
    // the certificate logs in: no password, the key opened with the kept passphrase
    const con = await w.user.post(`api/v1/servers/${id}/connect`, {});
    assert.equal(con.status, 200, con.raw);
    for (const path of ['api/v1/servers', `api/v1/servers/${id}`, 'api/v1/servers/export']) {
      assert.ok(!(await w.user.get(path)).raw.includes(PHRASE), `not in ${path}`);
    }
    assert.ok(!storeBytes(w.t, storeUrl).includes(PHRASE), 'not readable in the store');
    // a new login session unwraps the key again; editing the server without the row keeps it
    const again = await login(w.t, ATTACKER);
    const kept = { ...params };
    delete kept.sslpassword;
    assert.equal((await again.put(`api/v1/servers/${id}`, { connection_params: kept })).status, 200);
    assert.equal((await again.post(`api/v1/servers/${id}/connect`, {})).status, 200);
    // sending it empty forgets it: the key cannot be opened any more
    const forgot = await again.put(`api/v1/servers/${id}`, { connection_params: { ...kept, sslpassword: '' } });
    assert.equal(forgot.body.server.has_sslpassword, false);
    assert.notEqual((await again.post(`api/v1/servers/${id}/connect`, {})).status, 200);
    // given at connect, it works once and is kept when asked to
    assert.equal((await again.post(`api/v1/servers/${id}/connect`, { sslpassword: PHRASE, save_password: true })).status, 200);
    assert.equal((await again.get(`api/v1/servers/${id}`)).body.server.has_sslpassword, true);
    // an import does not take it in: the answer says so
    const imported = await again.post('api/v1/servers/import', { Servers: { 1: { Name: 'imp', Group: 'g', Host: '127.0.0.1', Port: tls.port, MaintenanceDB: 'postgres', Username: 'u', ConnectionParameters: { sslmode: 'require', sslpassword: PHRASE } } } });
    assert.equal(imported.status, 200, imported.raw);
    assert.match(imported.body.notes[0], /imp: its sslpassword .* was not imported/);
    assert.ok(!storeBytes(w.t, storeUrl).includes(PHRASE), 'still not readable in the store');
  });
}

test('an encrypted client key without its passphrase fails at once, never asking on Tusk\'s terminal', async () => {
  tls ??= tlsCluster();
  // Tusk with a controlling terminal, as under `make run`: OpenSSL's own fallback would ask there
  const quote = (a) => `'${a.replaceAll("'", "'\\''")}'`;
  // (script copies the terminal to its stdout; the test harness reads readiness from stderr)
  const t = await startTusk({ spawnWrap: (bin, argv) => ['sh', ['-c', 'exec script -qfec "$0" /dev/null 1>&2', [bin, ...argv].map(quote).join(' ')]] });
  try {
    const admin = await login(t, ADMIN);
    for (const f of ['ca.crt', 'client.crt', 'client.key']) await upload(admin, `certs/${f}`, readFileSync(join(tls.certs, f)));
    const made = await admin.post('api/v1/servers', {
      name: 'tls-no-phrase', host: '127.0.0.1', port: tls.port, username: tls.user,
      connection_params: { sslmode: 'verify-ca', sslrootcert: 'certs/ca.crt', sslcert: 'certs/client.crt', sslkey: 'certs/client.key' },
    });
    const started = Date.now();
    const con = await admin.post(`api/v1/servers/${made.body.server.id}/connect`, {});
    assert.notEqual(con.status, 200, con.raw);
    assert.ok(Date.now() - started < 15000, `the answer came after ${Date.now() - started} ms`);
    assert.doesNotMatch(t.output(), /pass ?phrase/i, 'nothing asked on the terminal');
  } finally {
    await t.stop();
  }
});

test('passwords typed into statements are redacted from history and the audit log', async () => {
  const w = await world();
  running.push(w.t);
  const id = await ownServer(w.user);
  const role = `sec_${token()}`;
  psql('CREATE EXTENSION IF NOT EXISTS postgres_fdw');
  const secrets = ['Hunter-pw-1', 'Hunter-pw-2', 'Hunter-pw-3', 'Hunter-pw-4', 'Hunter-pw-5'];
  const statements = [
    `CREATE ROLE ${role} LOGIN PASSWORD '${secrets[0]}'`,
    `ALTER ROLE ${role} WITH ENCRYPTED PASSWORD E'${secrets[1]}'`,
    `CREATE SERVER ${role}_srv FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'h'); CREATE USER MAPPING FOR ${role} SERVER ${role}_srv OPTIONS (user 'x', password '${secrets[2]}')`,
    `SELECT 'host=h user=u password=${secrets[3]} dbname=d' AS conninfo`,
    `SELECT 'postgresql://u:${secrets[4]}@h:5432/d' AS uri`,
  ];
  const sid = (await w.user.post(`api/v1/servers/${id}/sessions`, { database: 'postgres' })).body.session_id;
  for (const sql of statements) {
    assert.equal((await w.user.post(`api/v1/sessions/${sid}/execute`, { sql })).status, 202);
    for (;;) {
      const s = (await w.user.get(`api/v1/sessions/${sid}/status`)).body;
      if (!['running', 'queued'].includes(s.state)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  let history;
  for (let i = 0; i < 100; i++) {
    history = (await w.user.get('api/v1/history?limit=50'));
    if (history.body.entries.length >= statements.length) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  history = history.raw;
  const audit = (await w.admin.get('api/v1/audit?limit=200')).raw;
  const store = storeBytes(w.t);
  for (const s of secrets) {
    assert.ok(!history.includes(s), `${s} in history`);
    assert.ok(!audit.includes(s), `${s} in the audit log`);
    assert.ok(!store.includes(s), `${s} in the store`);
  }
  assert.match(history, /PASSWORD <redacted>/);
  assert.match(history, /password=<redacted>/);
  assert.match(history, /postgresql:\/\/u:<redacted>@h/);
  psql(`DROP USER MAPPING IF EXISTS FOR ${role} SERVER ${role}_srv; DROP SERVER IF EXISTS ${role}_srv; DROP ROLE IF EXISTS ${role}`);
});

test('CSRF tokens are derived from the session, never stored; another session\'s token is refused', async () => {
  const w = await world();
  running.push(w.t);
  const rows = execFileSync('sqlite3', [join(w.t.dataDir, 'tusk.db'), 'SELECT count(*), sum(length(csrf_token)) FROM sessions'], { encoding: 'utf8' }).trim();
  assert.match(rows, /^[1-9]\d*\|0$/, `sessions keep no CSRF token: ${rows}`);
  const me = await w.user.get('api/v1/auth/me');
  assert.equal(me.body.csrf_token, w.user.csrf, 'the session answers the same token');
  const stolen = w.user.csrf;
  w.user.csrf = w.admin.csrf;
  assert.equal((await w.user.post('api/v1/servers', { name: 'x', host: 'h' })).status, 403);
  w.user.csrf = stolen;
  assert.equal((await w.user.post('api/v1/servers', { name: 'x', host: 'h' })).status, 201);
});

test('every file and folder Tusk makes is private, whatever the umask; an old world-readable store is made private', async () => {
  const dataDir = join(tempDir('tusk-sec-modes-'), 'data');
  const umask022 = (bin, argv) => ['sh', ['-c', 'umask 022; exec "$0" "$@"', bin, ...argv]];
  let w = await world({ dataDir, spawnWrap: umask022 });
  const id = await ownServer(w.user);
  await upload(w.user, 'dir/up.txt', 'hello');
  const job = await startJob(w.user, id, 'backup', 'postgres', { file: 'dir/b.sql', format: 'plain', schema_only: true });
  assert.equal((await finished(w.user, job.body.job.id)).state, 'succeeded');
  await w.t.stop();
  chmodSync(join(dataDir, 'tusk.db'), 0o644);
  const t = await startTusk({ dataDir, spawnWrap: umask022 });
  running.push(t);
  const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() && !e.isSymbolicLink() ? [p, ...walk(p)] : [p];
  });
  for (const p of [dataDir, ...walk(dataDir)]) {
    const mode = statSync(p).mode & 0o777;
    assert.equal(mode & 0o077, 0, `${p} is ${mode.toString(8)}`);
  }
  assert.ok(existsSync(join(dataDir, 'storage')));
});
