// The PSQL tool's way to its server: psql in its own network namespace
// connects to 127.0.0.1:5432 there, and Tusk relays the bytes to the
// entry's host. TLS runs end to end between psql and the server: against a
// cluster that refuses every connection without TLS, sslmode=require and
// verify-full (by name, and by name with a hostaddr) work, the server sees
// TLS, and verify-full still checks the certificate against the entry's
// host name, not the relay's address. Through an SSH tunnel, psql reaches
// the server that only the bastion can reach; Ctrl+C's cancel request takes
// the relay too; a server that stops answering gives psql a clear error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTusk, ADMIN, tempDir } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { pg, startCluster } from '../lib/pg.mjs';
import { Terminal } from '../lib/psqltool.mjs';
import { startSshd, sshdAvailable } from '../lib/sshd.mjs';

const isRoot = process.getuid && process.getuid() === 0;
let tls, certs, t, c;

/** A private cluster that accepts TLS connections only; its certificate names localhost alone. */
function tlsCluster() {
  const cluster = startCluster();
  const dir = tempDir('tusk-psql-certs-');
  const ssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=tusk-psql-test-ca');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName = DNS:localhost\n');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'san.ext');
  const data = join(cluster.dir, 'data');
  for (const f of ['server.crt', 'server.key']) copyFileSync(join(dir, f), join(data, f));
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    for (const f of ['server.crt', 'server.key']) chownSync(join(data, f), uid, gid);
  }
  chmodSync(join(data, 'server.key'), 0o600);
  writeFileSync(join(data, 'postgresql.conf'), `${readFileSync(join(data, 'postgresql.conf'), 'utf8')}\nssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n`);
  const hba = readFileSync(join(data, 'pg_hba.conf'), 'utf8');
  writeFileSync(join(data, 'pg_hba.conf'), `hostnossl all all 0.0.0.0/0 reject\nhostnossl all all ::/0 reject\n${hba}`);
  cluster.stop();
  cluster.start();
  return { cluster, dir };
}

before(async () => {
  ({ cluster: tls, dir: certs } = tlsCluster());
  t = await startTusk({ env: { TUSK_ENABLE_PSQL: 'true', TUSK_PG_BIN_DIR: pg.bin } });
  c = new Client(t.url);
  c.csrf = (await c.post('api/v1/auth/login', ADMIN)).body.csrf_token;
  assert.equal((await c.post('api/v1/files/folders', { path: 'certs' })).status, 201);
  const up = await c.request('PUT', `api/v1/files/upload?path=${encodeURIComponent('certs/ca.crt')}&overwrite=true`, { body: readFileSync(join(certs, 'ca.crt')) });
  assert.equal(up.status, 201, up.raw);
});

after(async () => {
  assert.equal(await t.stop(), 0, t.output());
  tls?.destroy();
});

async function entry(name, fields, params) {
  const r = await c.post('api/v1/servers', { name, port: tls.port, username: tls.user, connection_params: params, ...fields });
  assert.equal(r.status, 201, r.raw);
  const id = r.body.server.id;
  const con = await c.post(`api/v1/servers/${id}/connect`, { password: tls.password });
  assert.equal(con.status, 200, con.raw);
  return id;
}

let runs = 0;
async function run(term, line, ms = 20000) {
  const end = `END-${++runs}`;
  return term.run(`${line}\n\\echo ${end}`, new RegExp(`[\\r\\n]${end}\\r\\n`), ms);
}

/** psql says TLS, and the server sees its own backend on TLS. */
async function assertTls(term) {
  const info = await run(term, '\\conninfo');
  assert.match(info, /SSL connection \(protocol: TLSv1\.[23]/, info);
  const seen = await run(term, "SELECT 'tls=' || ssl AS s FROM pg_stat_ssl WHERE pid = pg_backend_pid();");
  assert.match(seen, /tls=(t|true)\b/, seen);
}

test('sslmode=require: TLS end to end through the relay (the server refuses anything else)', async () => {
  const id = await entry('tls require', { host: '127.0.0.1' }, { sslmode: 'require' });
  const term = await Terminal.open(c, id, 'postgres');
  try {
    await term.waitFor(/postgres=#/);
    await assertTls(term);
    const where = await run(term, "SELECT 'port=' || inet_server_port() AS p;");
    assert.match(where, new RegExp(`port=${tls.port}\\b`), 'the entry\'s server, not the relay\'s 5432');
  } finally {
    await term.close();
  }
});

test("verify-full checks the server's certificate against the entry's host name, with and without hostaddr", async () => {
  const byName = await entry('tls verify-full', { host: 'localhost' }, { sslmode: 'verify-full', sslrootcert: 'certs/ca.crt' });
  const term = await Terminal.open(c, byName, 'postgres');
  try {
    await term.waitFor(/postgres=#/);
    await assertTls(term);
    // the same relay reached under another name: the certificate (localhost only) does not match it
    const mismatch = await run(term, '\\c - - 127.0.0.1');
    assert.match(mismatch, /server certificate for "localhost"( \(and 1 other name\))? does not match host name "127\.0\.0\.1"/, mismatch);
    assert.match(mismatch, /Previous connection kept/);
  } finally {
    await term.close();
  }
  const withAddr = await entry('tls verify-full hostaddr', { host: 'localhost' }, { hostaddr: '127.0.0.1', sslmode: 'verify-full', sslrootcert: 'certs/ca.crt' });
  const t2 = await Terminal.open(c, withAddr, 'postgres');
  try {
    await t2.waitFor(/postgres=#/);
    await assertTls(t2);
  } finally {
    await t2.close();
  }
});

test("Ctrl+C cancels a running query: psql's cancel request takes the relay too", async () => {
  const id = await entry('tls cancel', { host: '127.0.0.1' }, { sslmode: 'require' });
  const term = await Terminal.open(c, id, 'postgres');
  try {
    await term.waitFor(/postgres=#/);
    const from = term.text.length;
    assert.equal((await term.type('SELECT pg_sleep(60);\n')).status, 204);
    await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    assert.equal((await term.type('\x03')).status, 204);
    await term.waitFor(/canceling statement due to user request/, 10000, from);
    assert.ok(Date.now() - t0 < 10000);
  } finally {
    await term.close();
  }
});

test('a server that stops answering: psql shows why, and connects again once it is back', async () => {
  const id = await entry('tls restart', { host: '127.0.0.1' }, { sslmode: 'require' });
  const term = await Terminal.open(c, id, 'postgres');
  try {
    await term.waitFor(/postgres=#/);
    tls.stop();
    const out = await run(term, '\\c postgres');
    // libpq shows no error sent in answer to its TLS request (it cannot trust it): the terminal shows Tusk's
    assert.match(out, /\[Tusk did not relay this connection to the server: Tusk could not connect to the server at 127\.0\.0\.1 .* Connection refused\]/, out);
    assert.match(out, /Previous connection kept/);
    tls.start();
    const back = await run(term, '\\c postgres');
    assert.match(back, /You are now connected to database "postgres"/, back);
    await assertTls(term);
  } finally {
    await term.close();
  }
});

test('through an SSH tunnel: psql reaches the server only the bastion can reach', { skip: !sshdAvailable() && 'openssh-server is not installed' }, async () => {
  assert.ok(!pg.host.startsWith('/'), 'the test cluster must listen on TCP for sshd to forward to it');
  const sshd = await startSshd({ target: { host: pg.host, port: pg.port } });
  const tt = await startTusk({ env: { TUSK_ENABLE_PSQL: 'true', TUSK_PG_BIN_DIR: pg.bin, TUSK_ALLOWED_HOSTS: `127.0.0.1:${sshd.port}` } });
  try {
    const a = new Client(tt.url);
    a.csrf = (await a.post('api/v1/auth/login', ADMIN)).body.csrf_token;
    const key = await a.request('PUT', `api/v1/files/upload?path=bastion_key&overwrite=true`, { body: readFileSync(sshd.key.path) });
    assert.equal(key.status, 201, key.raw);
    const made = await a.post('api/v1/servers', {
      name: 'tunnelled', host: pg.host, port: pg.port, username: pg.user, use_ssh_tunnel: true,
      tunnel_host: '127.0.0.1', tunnel_port: sshd.port, tunnel_username: sshd.keyUser, tunnel_authentication: 1, tunnel_identity_file: 'bastion_key',
    });
    assert.equal(made.status, 201, made.raw);
    const id = made.body.server.id;
    const con = await a.post(`api/v1/servers/${id}/connect`, { password: pg.password, tunnel_password: sshd.keyPassphrase, accept_host_key: sshd.fingerprint });
    assert.equal(con.status, 200, con.raw);
    const before = (sshd.log().match(/direct-tcpip/g) || []).length;
    const term = await Terminal.open(a, id, 'postgres');
    try {
      await term.waitFor(/postgres=#/);
      const out = await run(term, "SELECT 'via=' || inet_server_port() || '/' || host(inet_client_addr()) AS v;");
      assert.match(out, new RegExp(`via=${pg.port}/127\\.0\\.0\\.1`), out);
      const after = (sshd.log().match(/direct-tcpip/g) || []).length;
      assert.ok(after > before, 'sshd opened a channel for psql\'s connection');
      // the server itself, past the bastion, is not reachable from psql's namespace
      const direct = await run(term, `\\c "host=${pg.host} port=${pg.port} dbname=postgres user=${pg.user} password=${pg.password}"`);
      assert.match(direct, /Connection refused/, direct);
    } finally {
      await term.close();
    }
  } finally {
    assert.equal(await tt.stop(), 0, tt.output());
    await sshd.cleanup();
  }
});
