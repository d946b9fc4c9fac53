// SSH tunnels with real parts: Debian's sshd on loopback (tests/lib/sshd.mjs)
// forwarding to the test cluster, and a Tusk whose TUSK_ALLOWED_HOSTS names
// only the SSH server, so the PostgreSQL server is reachable only through
// the tunnel. Trust on first use of the host key, a changed key refused,
// password and key (with passphrase) logins, wrong ones refused with
// libssh's reason, a query tab, browsing and a backup job through the
// tunnel, the tunnel reopened after sshd restarts, and servers.json with
// pgAdmin's tunnel keys both ways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTusk, ADMIN, pgStore } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { pg } from '../lib/pg.mjs';
import { startSshd, sshdAvailable } from '../lib/sshd.mjs';

const isRoot = process.getuid && process.getuid() === 0;
let sshd, t, c, uid;

before(async () => {
  assert.ok(sshdAvailable(), 'openssh-server is needed (scripts/install-deps.sh --test installs it)');
  assert.ok(!pg.host.startsWith('/'), 'the test cluster must listen on TCP for sshd to forward to it');
  sshd = await startSshd({ target: { host: pg.host, port: pg.port } });
  t = await startTusk({ env: { TUSK_ALLOWED_HOSTS: `127.0.0.1:${sshd.port}`, TUSK_PG_BIN_DIR: pg.bin } });
  c = new Client(t.url);
  const login = await c.post('api/v1/auth/login', ADMIN);
  c.csrf = login.body.csrf_token;
  uid = login.body.user.id;
});

after(async () => {
  const code = await t.stop();
  await sshd.cleanup();
  assert.equal(code, 0, t.output());
});

const tunnelOf = (extra) => ({
  host: pg.host, port: pg.port, username: pg.user, use_ssh_tunnel: true,
  tunnel_host: '127.0.0.1', tunnel_port: sshd.port, tunnel_keepalive: 30, ...extra,
});

async function create(name, extra) {
  const r = await c.post('api/v1/servers', { name, ...tunnelOf(extra) });
  assert.equal(r.status, 201, r.raw);
  return r.body.server;
}

const connect = (id, body = {}) => c.post(`api/v1/servers/${id}/connect`, { password: pg.password, ...body });

async function upload(path, body) {
  const r = await c.request('PUT', `api/v1/files/upload?path=${encodeURIComponent(path)}&overwrite=true`, { body });
  assert.equal(r.status, 201, r.raw);
}

async function query(id, sql) {
  const s = await c.post(`api/v1/servers/${id}/sessions`, { database: 'postgres' });
  assert.equal(s.status, 201, s.raw);
  const sid = s.body.session_id;
  assert.equal((await c.post(`api/v1/sessions/${sid}/execute`, { sql })).status, 202);
  const until = Date.now() + 30000;
  let st;
  while ((st = (await c.get(`api/v1/sessions/${sid}/status`)).body).state === 'running') {
    assert.ok(Date.now() < until, 'query still running');
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(st.error, null, JSON.stringify(st.error));
  const rows = (await c.get(`api/v1/sessions/${sid}/results/0/rows?offset=0&limit=10`)).body.rows;
  rows.count = st.results[0].row_count;
  await c.request('DELETE', `api/v1/sessions/${sid}`);
  return rows;
}

test('without the tunnel the allowed hosts refuse the PostgreSQL server itself', async () => {
  const r = await c.post('api/v1/servers', { name: 'direct', host: pg.host, port: pg.port, username: pg.user });
  assert.equal(r.status, 201, r.raw);
  const con = await connect(r.body.server.id);
  assert.equal(con.status, 422, con.raw);
  assert.equal(con.body.error.code, 'host_not_allowed');
  assert.equal((await c.request('DELETE', `api/v1/servers/${r.body.server.id}`)).status, 204);
});

test('the tunnel fields are checked and shown, the password never', async () => {
  const bad = await c.post('api/v1/servers', { name: 'x', ...tunnelOf({ tunnel_host: '' }) });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /TunnelHost/);
  const badPort = await c.post('api/v1/servers', { name: 'x', ...tunnelOf({ tunnel_port: 70000 }) });
  assert.equal(badPort.status, 400);
  const noFile = await c.post('api/v1/servers', { name: 'x', ...tunnelOf({ tunnel_username: 'u', tunnel_authentication: 1 }) });
  assert.equal(noFile.status, 400);
  assert.match(noFile.body.error.message, /identity file/);
  const sv = await create('shown', { tunnel_username: 'someone', tunnel_password: 'not-shown-1' });
  assert.equal(sv.use_ssh_tunnel, true);
  assert.equal(sv.tunnel_port, sshd.port);
  assert.equal(sv.tunnel_username, 'someone');
  assert.equal(sv.tunnel_authentication, 0);
  assert.equal(sv.tunnel_keepalive, 30);
  assert.equal(sv.tunnel_host_key, null);
  assert.equal(sv.has_tunnel_password, true);
  const listed = (await c.get('api/v1/servers')).raw;
  assert.ok(!listed.includes('not-shown-1'), 'the tunnel password is never answered');
  // kept encrypted: the store holds no clear text of it
  if (!pgStore) {
    for (const f of ['tusk.db', 'tusk.db-wal'].map((n) => join(t.dataDir, n)).filter(existsSync))
      assert.ok(!readFileSync(f).includes(Buffer.from('not-shown-1')), `${f} holds the tunnel password encrypted`);
  }
  const forged = await c.request('PUT', `api/v1/servers/${sv.id}`, { json: { tunnel_host_key: 'SHA256:forged' } });
  assert.equal(forged.status, 400, 'a host key is accepted by connecting, not written');
  assert.equal((await c.request('DELETE', `api/v1/servers/${sv.id}`)).status, 204);
});

test('password login: the host key is accepted on first use, then the tunnel carries queries, browsing and a backup', { skip: !isRoot && 'password logins need sshd as root' }, async () => {
  const sv = await create('by password', { tunnel_username: sshd.passwordUser });
  // first use: 409 with the fingerprint, nothing kept
  const first = await connect(sv.id, { tunnel_password: sshd.password });
  assert.equal(first.status, 409, first.raw);
  assert.equal(first.body.error.code, 'ssh_host_key_unknown');
  assert.equal(first.body.error.fingerprint, sshd.fingerprint, 'the fingerprint ssh-keygen -l shows');
  assert.match(first.body.error.message, /fingerprint/);
  assert.equal((await c.get(`api/v1/servers/${sv.id}`)).body.server.tunnel_host_key, null);
  // a wrong password is refused with libssh's reason, once the key is accepted
  const wrong = await connect(sv.id, { tunnel_password: 'wrong', accept_host_key: sshd.fingerprint });
  assert.equal(wrong.status, 401, wrong.raw);
  assert.equal(wrong.body.error.code, 'ssh_authentication_failed');
  assert.match(wrong.body.error.message, /refused the password for user tuskssh_pw/);
  assert.equal((await c.get(`api/v1/servers/${sv.id}`)).body.server.tunnel_host_key, null, 'a failed connect keeps no key');
  // accepted: connected, the key kept, the password saved encrypted
  const ok = await connect(sv.id, { tunnel_password: sshd.password, accept_host_key: sshd.fingerprint, save_password: true });
  assert.equal(ok.status, 200, ok.raw);
  const shown = (await c.get(`api/v1/servers/${sv.id}`)).body.server;
  assert.equal(shown.tunnel_host_key, sshd.fingerprint);
  assert.equal(shown.has_tunnel_password, true);

  const before = (sshd.log().match(/direct-tcpip/g) || []).length;
  const rows = await query(sv.id, "SELECT 'through the tunnel', host(inet_client_addr())");
  assert.equal(rows[0][0], 'through the tunnel');
  assert.equal(rows[0][1], '127.0.0.1', 'PostgreSQL sees sshd on loopback');
  const dbs = await c.get(`api/v1/servers/${sv.id}/objects?path=${encodeURIComponent('/databases')}`);
  assert.equal(dbs.status, 200, dbs.raw);
  assert.ok(dbs.body.nodes.some((d) => d.label === 'postgres'), dbs.raw);
  const after = (sshd.log().match(/direct-tcpip/g) || []).length;
  assert.ok(after > before, `sshd opened channels for these connections:\n${sshd.log().slice(-2000)}`);
  assert.match(sshd.log(), new RegExp(`Accepted password for ${sshd.passwordUser}`));

  // a dashboard's samples come through the same tunnel
  const ctrl = new AbortController();
  const res = await fetch(new URL(`api/v1/servers/${sv.id}/dashboard/events?database=postgres`, t.url), { headers: { cookie: c.cookieHeader() }, signal: ctrl.signal });
  assert.equal(res.status, 200);
  const reader = res.body.getReader();
  let text = '';
  while (!/event: sample\ndata: \{/.test(text)) {
    const { value, done } = await reader.read();
    assert.ok(!done, `the dashboard stream ended: ${text}`);
    text += new TextDecoder().decode(value);
    assert.ok(!/event: error/.test(text), text);
  }
  ctrl.abort();

  // a backup job (pg_dump, a program of its own, fenced in by Landlock where the kernel has it)
  // through the same tunnel
  const job = await c.post(`api/v1/servers/${sv.id}/jobs`, { kind: 'backup', database: 'postgres', spec: { file: 'tunnel.sql', format: 'plain' } });
  assert.equal(job.status, 201, job.raw);
  let done;
  const until = Date.now() + 60000;
  while (['queued', 'running'].includes((done = (await c.get(`api/v1/jobs/${job.body.job.id}`)).body.job).state)) {
    assert.ok(Date.now() < until, 'backup still running');
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(done.state, 'succeeded', `${done.reason}\n${(await c.get(`api/v1/jobs/${done.id}/log`)).raw}`);
  const dumped = readFileSync(`${t.dataDir}/storage/${uid}/tunnel.sql`, 'utf8');
  assert.match(dumped, /PostgreSQL database dump/);

  // sshd restarts and its sessions end: the tunnel reopens for the next connection
  await sshd.restart();
  let again;
  const retryUntil = Date.now() + 20000;
  for (;;) {
    try {
      again = await query(sv.id, 'SELECT 2');
      break;
    } catch (e) {
      if (Date.now() > retryUntil) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  assert.equal(again[0][0], '2');

  // disconnect, then connect with the saved password: no prompt for it
  assert.equal((await c.post(`api/v1/servers/${sv.id}/disconnect`, {})).status, 200);
  const saved = await connect(sv.id);
  assert.equal(saved.status, 200, saved.raw);
  assert.equal((await c.post(`api/v1/servers/${sv.id}/disconnect`, {})).status, 200);
});

test('key login with a passphrase from the storage; a wrong passphrase is refused clearly', async () => {
  await upload('bastion_key', readFileSync(sshd.key.path));
  const sv = await create('by key', { tunnel_username: sshd.keyUser, tunnel_authentication: 1, tunnel_identity_file: 'bastion_key' });
  const wrong = await connect(sv.id, { tunnel_password: 'not the phrase', accept_host_key: sshd.fingerprint });
  assert.equal(wrong.status, 401, wrong.raw);
  assert.equal(wrong.body.error.code, 'ssh_authentication_failed');
  assert.match(wrong.body.error.message, /passphrase is wrong/);
  const missing = await create('missing key', { tunnel_username: sshd.keyUser, tunnel_authentication: 1, tunnel_identity_file: 'no_such_key' });
  const nf = await connect(missing.id, { accept_host_key: sshd.fingerprint });
  assert.equal(nf.status, 422, nf.raw);
  assert.equal(nf.body.error.code, 'file_not_found');
  const ok = await connect(sv.id, { tunnel_password: sshd.keyPassphrase, accept_host_key: sshd.fingerprint });
  assert.equal(ok.status, 200, ok.raw);
  assert.equal((await query(sv.id, 'SELECT current_user'))[0][0], pg.user);
  // a large result streams through the tunnel whole (about 25 MB)
  const started = Date.now();
  const big = await query(sv.id, "SELECT count(*), sum(length(t)) FROM (SELECT repeat('x', 120) AS t FROM generate_series(1, 200000)) s");
  assert.deepEqual(big[0], ['200000', '24000000']);
  const rows = await query(sv.id, "SELECT g, repeat('y', 120) FROM generate_series(1, 200000) g ORDER BY g DESC");
  assert.equal(rows[0][0], '200000');
  assert.equal(rows.count, 200000, 'every row came through');
  console.log(`# 200000 rows of 120 bytes through the tunnel: ${Date.now() - started} ms`);
  assert.match(sshd.log(), new RegExp(`Accepted publickey for ${sshd.keyUser}`));
  // another user's key is refused by the SSH server with libssh's reason
  await upload('other_key', readFileSync(`${sshd.dir}/host_ed25519`));
  const other = await create('other key', { tunnel_username: sshd.keyUser, tunnel_authentication: 1, tunnel_identity_file: 'other_key' });
  const refused = await connect(other.id, { accept_host_key: sshd.fingerprint });
  assert.equal(refused.status, 401, refused.raw);
  assert.match(refused.body.error.message, /refused the identity file's key/);
});

test('a changed host key is refused, never replaced; forgetting it lets the owner accept the new one', async () => {
  const sv = await create('rotated', { tunnel_username: sshd.keyUser, tunnel_authentication: 1, tunnel_identity_file: 'bastion_key', tunnel_password: sshd.keyPassphrase });
  const ok = await connect(sv.id, { accept_host_key: sshd.fingerprint });
  assert.equal(ok.status, 200, ok.raw);
  const old = sshd.fingerprint;
  await sshd.rotateHostKey();
  assert.notEqual(sshd.fingerprint, old);
  // the tunnel's session ended with the old sshd: reopening it for a new connection sees the
  // new key and fails closed
  const s = await c.post(`api/v1/servers/${sv.id}/sessions`, { database: 'postgres' });
  assert.equal(s.status, 502, s.raw);
  assert.equal((await c.post(`api/v1/servers/${sv.id}/disconnect`, {})).status, 200);
  const changed = await connect(sv.id, { accept_host_key: sshd.fingerprint });
  assert.equal(changed.status, 409, changed.raw);
  assert.equal(changed.body.error.code, 'ssh_host_key_changed');
  assert.ok(changed.body.error.message.includes(sshd.fingerprint) && changed.body.error.message.includes(old), changed.body.error.message);
  assert.equal((await c.get(`api/v1/servers/${sv.id}`)).body.server.tunnel_host_key, old, 'the trusted key stays');
  assert.match(t.output(), /ssh tunnel not reopened/);
  // the owner forgets the key on purpose, then accepts the new one
  const forget = await c.request('PUT', `api/v1/servers/${sv.id}`, { json: { tunnel_host_key: '' } });
  assert.equal(forget.status, 200, forget.raw);
  assert.equal(forget.body.server.tunnel_host_key, null);
  const fresh = await connect(sv.id);
  assert.equal(fresh.status, 409);
  assert.equal(fresh.body.error.fingerprint, sshd.fingerprint);
  assert.equal((await connect(sv.id, { accept_host_key: sshd.fingerprint })).status, 200);
});

test('TUSK_ALLOWED_HOSTS applies to the bastion', async () => {
  const sv = await create('unlisted bastion', { tunnel_host: '127.0.0.2', tunnel_username: sshd.keyUser });
  const r = await connect(sv.id);
  assert.equal(r.status, 422, r.raw);
  assert.equal(r.body.error.code, 'host_not_allowed');
});

test('only the owner of a shared server accepts its host key; others then use it with their own secrets', async () => {
  const sv = await create('shared tunnel', { tunnel_username: sshd.keyUser, tunnel_authentication: 1, tunnel_identity_file: 'bastion_key', shared: true });
  const alice = new Client(t.url);
  assert.equal((await c.post('api/v1/users', { email: 'alice@tusk.local', password: 'alice password 1', role: 'user' })).status, 201);
  alice.csrf = (await alice.post('api/v1/auth/login', { email: 'alice@tusk.local', password: 'alice password 1' })).body.csrf_token;
  // alice's identity file is in her storage, her passphrase her own
  const up = await alice.request('PUT', 'api/v1/files/upload?path=bastion_key', { body: readFileSync(sshd.key.path) });
  assert.equal(up.status, 201, up.raw);
  const shown = await alice.post(`api/v1/servers/${sv.id}/connect`, { password: pg.password });
  assert.equal(shown.status, 409, shown.raw);
  assert.equal(shown.body.error.fingerprint, sshd.fingerprint);
  const refused = await alice.post(`api/v1/servers/${sv.id}/connect`, { password: pg.password, accept_host_key: sshd.fingerprint });
  assert.equal(refused.status, 403, refused.raw);
  assert.equal((await c.get(`api/v1/servers/${sv.id}`)).body.server.tunnel_host_key, null);
  assert.equal((await connect(sv.id, { accept_host_key: sshd.fingerprint, tunnel_password: sshd.keyPassphrase })).status, 200);
  const noPhrase = await alice.post(`api/v1/servers/${sv.id}/connect`, { password: pg.password });
  assert.equal(noPhrase.status, 401, 'the owner\'s saved passphrase is not hers');
  const ok = await alice.post(`api/v1/servers/${sv.id}/connect`, { password: pg.password, tunnel_password: sshd.keyPassphrase });
  assert.equal(ok.status, 200, ok.raw);
  assert.equal((await alice.post(`api/v1/servers/${sv.id}/disconnect`, {})).status, 200);
});

test('servers.json: pgAdmin\'s tunnel keys imported and exported', async () => {
  const doc = {
    Servers: {
      1: {
        Name: 'json tunnel', Group: 'Bastions', Host: 'db.internal', Port: 5433, MaintenanceDB: 'postgres', Username: 'app',
        UseSSHTunnel: 1, TunnelHost: 'bastion.example.com', TunnelPort: '2222', TunnelUsername: 'jump',
        TunnelAuthentication: 1, TunnelIdentityFile: '/keys/bastion', TunnelKeepAlive: 15,
      },
    },
  };
  const imp = await c.post('api/v1/servers/import', doc);
  assert.equal(imp.status, 200, imp.raw);
  const sv = (await c.get('api/v1/servers')).body.servers.find((s) => s.name === 'json tunnel');
  assert.equal(sv.use_ssh_tunnel, true);
  assert.equal(sv.tunnel_host, 'bastion.example.com');
  assert.equal(sv.tunnel_port, 2222);
  assert.equal(sv.tunnel_username, 'jump');
  assert.equal(sv.tunnel_authentication, 1);
  assert.equal(sv.tunnel_identity_file, '/keys/bastion');
  assert.equal(sv.tunnel_keepalive, 15);
  const exp = await c.get('api/v1/servers/export');
  const e = Object.values(JSON.parse(exp.raw).Servers).find((s) => s.Name === 'json tunnel');
  for (const [k, v] of Object.entries(doc.Servers[1])) assert.equal(String(e[k]), String(v), k);
  // a tunnel without its host is refused with the key at fault
  const bad = await c.post('api/v1/servers/import', { Servers: { 1: { ...doc.Servers[1], TunnelHost: '' } } });
  assert.equal(bad.status, 400, bad.raw);
  assert.ok(bad.body.error.details.some((d) => d.key === 'TunnelHost'), bad.raw);
  // a tunnel password in the file is not kept in clear: a note says so
  const pw = await c.post('api/v1/servers/import', { Servers: { 1: { ...doc.Servers[1], Name: 'json pw', TunnelPassword: 'x-secret' } } });
  assert.equal(pw.status, 200, pw.raw);
  assert.ok(pw.body.notes.some((n) => /tunnel password/.test(n)), pw.raw);
  assert.ok(!(await c.get('api/v1/servers/export')).raw.includes('x-secret'));
});

test('the tunnel listens on a socket in a folder only Tusk\'s user can enter', async () => {
  const all = (await c.get('api/v1/servers')).body.servers;
  for (const s of all.filter((x) => x.connected)) assert.equal((await c.post(`api/v1/servers/${s.id}/disconnect`, {})).status, 200);
  const sv = all.find((s) => s.name === 'rotated');
  assert.equal((await connect(sv.id)).status, 200);
  const dirs = readdirSync(tmpdir()).filter((n) => n.startsWith('tusk-ssh-')).map((n) => join(tmpdir(), n));
  assert.equal(dirs.length, 1, dirs.join(' '));
  assert.equal(statSync(dirs[0]).mode & 0o777, 0o700);
  // each tunnel listens in a folder of its own, so no other tunnel (of any user) can ever be
  // given its socket's path (attacker round 4: a shared, wrapping port counter handed a live
  // tunnel's path to another user, whose listener then received the victim's password)
  const own = readdirSync(dirs[0]);
  assert.equal(own.length, 1, 'one tunnel for this user and server');
  assert.deepEqual(readdirSync(join(dirs[0], own[0])), ['.s.PGSQL.5432']);
  assert.equal(statSync(join(dirs[0], own[0])).mode & 0o777, 0o700);
  assert.ok(statSync(join(dirs[0], own[0], '.s.PGSQL.5432')).isSocket());
  assert.equal((await c.post(`api/v1/servers/${sv.id}/disconnect`, {})).status, 200);
  assert.deepEqual(readdirSync(dirs[0]), [], 'disconnecting closes the tunnel and removes its folder');
});

test('one user holds at most 16 tunnels; each in a folder of its own (attacker round 4)', async () => {
  const made = [];
  try {
    for (let i = 0; i < 17; i++) {
      made.push(await create(`many ${i}`, { tunnel_username: sshd.keyUser, tunnel_authentication: 1, tunnel_identity_file: 'bastion_key', tunnel_password: sshd.keyPassphrase }));
    }
    for (let i = 0; i < 16; i++) {
      const r = await connect(made[i].id, { accept_host_key: sshd.fingerprint });
      assert.equal(r.status, 200, `${i}: ${r.raw}`);
    }
    const over = await connect(made[16].id, { accept_host_key: sshd.fingerprint });
    assert.equal(over.status, 429, over.raw);
    assert.equal(over.body.error.code, 'too_many_tunnels');
    const root = readdirSync(tmpdir()).filter((n) => n.startsWith('tusk-ssh-')).map((n) => join(tmpdir(), n))[0];
    const folders = readdirSync(root);
    assert.equal(new Set(folders).size, 16, 'sixteen tunnels, sixteen folders');
    for (const f of folders) assert.deepEqual(readdirSync(join(root, f)), ['.s.PGSQL.5432']);
    // one closed makes room
    assert.equal((await c.post(`api/v1/servers/${made[0].id}/disconnect`, {})).status, 200);
    assert.equal((await connect(made[16].id, { accept_host_key: sshd.fingerprint })).status, 200);
  } finally {
    for (const sv of made) {
      await c.post(`api/v1/servers/${sv.id}/disconnect`, {});
      await c.del(`api/v1/servers/${sv.id}`);
    }
  }
});
