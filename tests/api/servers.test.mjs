// Servers and connections: CRUD, groups, pgAdmin import/export, connect,
// saved passwords, shared servers, failures, PostgreSQL restarts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { startTusk, tempDir, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { pg, psql, startCluster } from '../lib/pg.mjs';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/servers.json', import.meta.url), 'utf8'));

async function withTusk(opts, fn) {
  const t = await startTusk(opts);
  try {
    await fn(t);
  } finally {
    const code = await t.stop();
    assert.equal(code, 0, `tusk exited with ${code}:\n${t.output()}`);
  }
}

async function login(t, email = ADMIN.email, password = ADMIN.password) {
  const c = new Client(t.url);
  const res = await c.post('api/v1/auth/login', { email, password });
  assert.equal(res.status, 200, res.raw);
  c.csrf = res.body.csrf_token;
  return c;
}

const testServer = (extra = {}) => ({ name: 'test cluster', host: pg.host, port: pg.port, maintenance_db: 'postgres', username: pg.user, ...extra });

test('servers and groups: create, read, update, delete, with clear 4xx for bad fields', async () => {
  await withTusk({}, async (t) => {
    const c = await login(t);
    const made = await c.post('api/v1/servers', testServer({ group: 'Local', comment: 'mine', bg_color: '#336699', db_restriction: ['postgres'], connection_params: { sslmode: 'prefer', connect_timeout: 5 } }));
    assert.equal(made.status, 201, made.raw);
    const s = made.body.server;
    assert.equal(s.group, 'Local');
    assert.equal(s.port, pg.port);
    assert.deepEqual(s.connection_params, { connect_timeout: '5', sslmode: 'prefer' });
    assert.deepEqual(s.db_restriction, ['postgres']);
    assert.equal(s.owned, true);
    assert.equal(s.connected, false);
    assert.equal(s.has_saved_password, false);

    const list = (await c.get('api/v1/servers')).body;
    assert.deepEqual(list.groups.map((g) => g.name), ['Local']);
    assert.equal(list.servers.length, 1);

    const upd = await c.put(`api/v1/servers/${s.id}`, { name: 'renamed', port: 5433, group: 'Other' });
    assert.equal(upd.status, 200, upd.raw);
    assert.equal(upd.body.server.name, 'renamed');
    assert.equal(upd.body.server.port, 5433);
    assert.equal(upd.body.server.group, 'Other');
    assert.equal(upd.body.server.comment, 'mine', 'fields not sent stay');

    const bad = [
      [{ port: 70000 }, 'invalid_field', /port/],
      [{ connection_params: { sslmod: 'require' } }, 'invalid_parameter', /'sslmod'/],
      [{ connection_params: { sslmode: 'always' } }, 'invalid_parameter', /sslmode.*'always' is not one of/],
      [{ connection_params: { connect_timeout: 'soon' } }, 'invalid_parameter', /connect_timeout/],
      [{ bg_color: 'red' }, 'invalid_field', /#rrggbb/],
      [{ host: null, service: null }, 'invalid_field', /host/],
      [{ name: '' }, 'invalid_field', /name/],
      [{ db_restriction: 'postgres' }, 'invalid_field', /db_restriction/],
    ];
    for (const [body, code, msg] of bad) {
      const r = await c.put(`api/v1/servers/${s.id}`, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.code, code, JSON.stringify(body));
      assert.match(r.body.error.message, msg);
    }
    const share = await c.put(`api/v1/servers/${s.id}`, { shared: 'yes' });
    assert.equal(share.status, 400);

    const groups = (await c.get('api/v1/server-groups')).body.groups;
    const local = groups.find((g) => g.name === 'Local');
    const other = groups.find((g) => g.name === 'Other');
    assert.equal((await c.del(`api/v1/server-groups/${other.id}`)).body.error.code, 'group_not_empty');
    assert.equal((await c.put(`api/v1/server-groups/${local.id}`, { name: 'Other' })).status, 409);
    assert.equal((await c.put(`api/v1/server-groups/${local.id}`, { name: 'Renamed' })).body.group.name, 'Renamed');
    assert.equal((await c.del(`api/v1/server-groups/${local.id}`)).status, 204);
    assert.equal((await c.post('api/v1/server-groups', { name: 'Fresh' })).status, 201);

    assert.equal((await c.del(`api/v1/servers/${s.id}`)).status, 204);
    assert.equal((await c.get(`api/v1/servers/${s.id}`)).status, 404);
  });
});

test('pgAdmin servers.json: import every key, export without passwords, round trip', async () => {
  let exported;
  await withTusk({}, async (t) => {
    const c = await login(t);
    const res = await c.post('api/v1/servers/import', fixture);
    assert.equal(res.status, 200, res.raw);
    assert.equal(res.body.imported, 3);
    const { servers, groups } = (await c.get('api/v1/servers')).body;
    assert.deepEqual(groups.map((g) => g.name).sort(), ['Local', 'Platform']);
    const prod = servers.find((s) => s.name === 'prod (CNPG rw)');
    assert.equal(prod.host, 'postgresql-cluster-rw.cnpg-system.svc');
    assert.equal(prod.role, 'app_admin');
    assert.equal(prod.shared, true);
    assert.equal(prod.shared_username, 'readonly');
    assert.equal(prod.bg_color, '#ff6666');
    assert.deepEqual(prod.db_restriction, ['app', 'analytics']);
    assert.deepEqual(prod.connection_params, { application_name: 'tusk', connect_timeout: '10', keepalives: '1', keepalives_idle: '30', sslmode: 'require', sslrootcert: 'ca.crt', target_session_attrs: 'read-write' });
    const legacy = servers.find((s) => s.name === 'replica (legacy keys)');
    assert.deepEqual(legacy.connection_params, { connect_timeout: '5', hostaddr: '10.0.0.12', passfile: '/pgpass', sslcompression: '0', sslmode: 'verify-full', sslrootcert: 'ca.crt' });
    const svc = servers.find((s) => s.name === 'via service file');
    assert.equal(svc.service, 'analytics');
    assert.equal(svc.port, null);

    const ex = await c.get('api/v1/servers/export');
    assert.equal(ex.status, 200);
    assert.match(ex.headers.get('content-disposition'), /attachment; filename="servers.json"/);
    exported = ex.body;
    assert.equal(Object.keys(exported.Servers).length, 3);
    assert.doesNotMatch(ex.raw, /password"/i);
    const e = Object.values(exported.Servers).find((s) => s.Name === 'prod (CNPG rw)');
    assert.equal(e.Group, 'Platform');
    assert.equal(e.Port, 5432);
    assert.equal(e.DBRestriction, 'app analytics');
    assert.equal(e.Shared, true);
    assert.equal(e.ConnectionParameters.sslmode, 'require');
  });
  await withTusk({}, async (t) => {
    const c = await login(t);
    assert.equal((await c.post('api/v1/servers/import', exported)).body.imported, 3);
    const again = (await c.get('api/v1/servers/export')).body;
    assert.deepEqual(again, exported, 'import(export) gives the same export');
  });
});

test('an invalid servers.json is refused whole, with every problem named', async () => {
  await withTusk({}, async (t) => {
    const c = await login(t);
    const bad = {
      Servers: {
        1: { Name: 'ok', Host: 'h', Port: 5432 },
        2: { Name: 'bad port', Host: 'h', Port: 99999 },
        3: { Host: 'no name' },
        4: { Name: 'tunnel', Host: 'h', UseSSHTunnel: 1, TunnelHost: 'jump' },
        5: { Name: 'typo', Host: 'h', Hots: 'x' },
        6: { Name: 'params', Host: 'h', ConnectionParameters: { sslmode: 'maybe', nope: 1 } },
        7: { Name: 'nowhere' },
        8: { Name: 'colour', Host: 'h', BGColor: 'blue' },
      },
    };
    const res = await c.post('api/v1/servers/import', bad);
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'invalid_import');
    const got = res.body.error.details.map((d) => `${d.entry}:${d.key}`);
    for (const want of ['2:Port', '3:Name', '4:TunnelUsername', '5:Hots', '6:ConnectionParameters.sslmode', '6:ConnectionParameters.nope', '7:Host', '8:BGColor']) {
      assert.ok(got.includes(want), `${want} in ${got}`);
    }
    assert.ok(!got.some((g) => g.startsWith('1:')), 'the good entry has no problem');
    assert.equal((await c.get('api/v1/servers')).body.servers.length, 0, 'nothing imported');
    const notJson = await c.request('POST', 'api/v1/servers/import', { body: '{"Servers":', headers: { 'content-type': 'application/json' } });
    assert.equal(notJson.status, 400);
    assert.equal((await c.post('api/v1/servers/import', { servers: {} })).body.error.code, 'invalid_import');
  });
});

test('connect: password prompt, wrong password, right password, databases; saved password survives a restart and is not in the store file', async () => {
  const dataDir = join(tempDir(), 'data');
  let c, id;
  await withTusk({ dataDir }, async (t) => {
    c = await login(t);
    id = (await c.post('api/v1/servers', testServer())).body.server.id;
    assert.equal((await c.get(`api/v1/servers/${id}/objects?path=/`)).body.error.code, 'not_connected');
    const none = await c.post(`api/v1/servers/${id}/connect`, {});
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'password_required');
    const wrong = await c.post(`api/v1/servers/${id}/connect`, { password: 'not it' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'authentication_failed');
    assert.match(wrong.body.error.message, /password authentication failed for user "postgres"/);
    const ok = await c.post(`api/v1/servers/${id}/connect`, { password: pg.password, save_password: true });
    assert.equal(ok.status, 200, ok.raw);
    assert.match(ok.body.server_version, /^\d+/);
    assert.ok(ok.body.server_version_num >= 130000);
    const server = (await c.get(`api/v1/servers/${id}`)).body.server;
    assert.equal(server.connected, true);
    assert.equal(server.has_saved_password, true);

    const top = (await c.get(`api/v1/servers/${id}/objects?path=/`)).body.nodes;
    assert.deepEqual(top.map((n) => n.path), ['/databases', '/roles', '/tablespaces']);
    const seen = psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'Tusk - Object Explorer - admin@tusk.local' AND backend_type = 'client backend'");
    assert.ok(Number(seen) >= 1, 'browsing connections say what they are and whose');
    assert.ok(top[0].count >= 1);
    const dbs = (await c.get(`api/v1/servers/${id}/objects?path=/databases`)).body.nodes;
    assert.ok(dbs.some((n) => n.label === 'postgres' && n.kind === 'database'));
    const roles = (await c.get(`api/v1/servers/${id}/objects?path=/roles`)).body.nodes;
    assert.ok(roles.some((n) => n.label === 'postgres' && n.kind === 'login_role'));
    assert.equal((await c.get(`api/v1/servers/${id}/objects?path=/nothing`)).status, 404);

    assert.equal((await c.post(`api/v1/servers/${id}/disconnect`, {})).status, 200);
    assert.equal((await c.get(`api/v1/servers/${id}`)).body.server.connected, false);
  });
  for (const file of ['tusk.db', 'tusk.db-wal']) {
    const path = join(dataDir, file);
    if (existsSync(path)) assert.ok(!readFileSync(path).includes(Buffer.from(pg.password)), `${file} holds the password in clear`);
  }
  await withTusk({ dataDir }, async (t) => {
    c.base = t.url;
    const again = await c.post(`api/v1/servers/${id}/connect`, {});
    assert.equal(again.status, 200, `the saved password connects after a restart: ${again.raw}`);
  });
  const log = readFileSync(`${dataDir}.log`, 'utf8');
  assert.ok(!log.includes(pg.password), 'the password is not in the log');
});

test('common connection failures get their own codes and libpq text', async () => {
  psql("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'limited') THEN CREATE ROLE limited LOGIN PASSWORD 'limited pw' CONNECTION LIMIT 0; END IF; END $$");
  await withTusk({}, async (t) => {
    const c = await login(t);
    const cases = [
      [testServer({ port: 1 }), 502, 'connection_failed', /Connection refused|connection to server/],
      [testServer({ host: 'no-such-host.invalid' }), 502, 'connection_failed', /could not translate host name/],
      [testServer({ maintenance_db: 'no_such_db' }), 502, 'database_missing', /database "no_such_db" does not exist/],
      [testServer({ connection_params: { sslmode: 'require' } }), 502, 'ssl_failed', /SSL/],
      [testServer({ username: 'limited' }), 503, 'too_many_connections', /too many connections for role "limited"/],
    ];
    for (const [body, status, code, msg] of cases) {
      const id = (await c.post('api/v1/servers', body)).body.server.id;
      const password = body.username === 'limited' ? 'limited pw' : pg.password;
      const r = await c.post(`api/v1/servers/${id}/connect`, { password });
      assert.equal(r.status, status, `${code}: ${r.raw}`);
      assert.equal(r.body.error.code, code);
      assert.match(r.body.error.message, msg);
    }
  });
});

test('file parameters (passfile, sslrootcert...) name files in the user\'s storage, as in pgAdmin; nothing outside it', async () => {
  await withTusk({}, async (t) => {
    const c = await login(t);
    const upload = (path, body) => c.request('PUT', `api/v1/files/upload?path=${encodeURIComponent(path)}&overwrite=true`, { body });
    const server = async (params) => (await c.post('api/v1/servers', testServer({ name: `files ${JSON.stringify(params)}`, connection_params: params }))).body.server.id;
    const connect = (id) => c.post(`api/v1/servers/${id}/connect`, {});

    // pgAdmin's servers.json writes "/pgpass": the storage's root, not the machine's
    const id = await server({ passfile: '/secrets/pgpass' });
    let r = await connect(id);
    assert.equal(r.status, 422, r.raw);
    assert.equal(r.body.error.code, 'file_not_found');
    assert.match(r.body.error.message, /passfile '\/secrets\/pgpass' is not a file in your storage/);
    assert.equal((await c.post('api/v1/files/folders', { path: 'secrets' })).status, 201);
    assert.equal((await upload('secrets/pgpass', `${pg.host}:${pg.port}:*:${pg.user}:${pg.password}\n`)).status, 201);
    r = await connect(id);
    assert.equal(r.status, 200, r.raw);
    // the password came from the user's own file: a query works
    const dbs = await c.get(`api/v1/servers/${id}/objects?path=/databases`);
    assert.equal(dbs.status, 200, dbs.raw);
    assert.ok(dbs.body.nodes.some((n) => n.label === 'postgres'), dbs.raw);

    // nothing outside the area: not Tusk's files, not another user's, not the machine's
    for (const path of ['../../tusk.db', '/etc/passwd', 'secrets/../../x', '../2/pgpass']) {
      const bad = await connect(await server({ passfile: path }));
      assert.equal(bad.status, 422, `${path}: ${bad.raw}`);
      assert.equal(bad.body.error.code, 'file_not_found', path);
    }
    // a root certificate from storage reaches libpq (this server has no TLS, so the handshake is what fails)
    const tls = await server({ sslmode: 'verify-full', sslrootcert: 'certs/ca.crt' });
    assert.equal((await connect(tls)).body.error.code, 'file_not_found');
    assert.equal((await c.post('api/v1/files/folders', { path: 'certs' })).status, 201);
    assert.equal((await upload('certs/ca.crt', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')).status, 201);
    r = await connect(tls);
    assert.equal(r.status, 502, r.raw);
    assert.equal(r.body.error.code, 'ssl_failed');
    // libpq's own store stays reachable by its name
    r = await connect(await server({ sslmode: 'verify-full', sslrootcert: 'system' }));
    assert.notEqual(r.body.error?.code, 'file_not_found', r.raw);
  });
});

test('TUSK_FILE_DIRS lets servers name the operator\'s files (a mounted Secret) by absolute path, and nothing else', async () => {
  const mounted = tempDir('mounted-');
  const elsewhere = tempDir('elsewhere-');
  const line = `${pg.host}:${pg.port}:*:${pg.user}:${pg.password}\n`;
  writeFileSync(join(mounted, 'pgpass'), line, { mode: 0o600 });
  writeFileSync(join(elsewhere, 'pgpass'), line, { mode: 0o600 });
  symlinkSync(join(elsewhere, 'pgpass'), join(mounted, 'link-out'));
  await withTusk({ env: { TUSK_FILE_DIRS: `/nonexistent:${mounted}` } }, async (t) => {
    const c = await login(t);
    const connect = async (passfile) => {
      const id = (await c.post('api/v1/servers', testServer({ name: passfile, connection_params: { passfile } }))).body.server.id;
      return c.post(`api/v1/servers/${id}/connect`, {});
    };
    assert.equal((await connect(join(mounted, 'pgpass'))).status, 200);
    for (const path of [join(elsewhere, 'pgpass'), join(mounted, 'link-out'), join(mounted, '..', elsewhere.split('/').pop(), 'pgpass')]) {
      const r = await connect(path);
      assert.equal(r.status, 422, `${path}: ${r.raw}`);
      assert.equal(r.body.error.code, 'file_not_found');
    }
  });
});

test('desktop mode: an absolute file parameter is the one user\'s own path; a relative one is in storage', async () => {
  const own = tempDir('own-');
  writeFileSync(join(own, 'pgpass'), `${pg.host}:${pg.port}:*:${pg.user}:${pg.password}\n`, { mode: 0o600 });
  await withTusk({ args: ['--desktop'], env: { PGADMIN_DEFAULT_EMAIL: undefined, PGADMIN_DEFAULT_PASSWORD: undefined } }, async (t) => {
    let m;
    for (let i = 0; i < 50 && !(m = t.output().match(/#key=([A-Za-z0-9_-]{43})/)); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(m, t.output());
    const c = new Client(t.url);
    const res = await c.post('api/v1/auth/desktop', { key: m[1] });
    assert.equal(res.status, 200, res.raw);
    c.csrf = res.body.csrf_token;
    const connect = async (passfile) => {
      const id = (await c.post('api/v1/servers', testServer({ name: passfile, connection_params: { passfile } }))).body.server.id;
      return c.post(`api/v1/servers/${id}/connect`, {});
    };
    assert.equal((await connect(join(own, 'pgpass'))).status, 200);
    const rel = await connect('pgpass');
    assert.equal(rel.status, 422, rel.raw);
    assert.equal(rel.body.error.code, 'file_not_found');
  });
});

test('a database restriction limits the databases shown', async () => {
  psql("SELECT 1 FROM pg_database WHERE datname = 'restricted_other'") || psql('CREATE DATABASE restricted_other');
  await withTusk({}, async (t) => {
    const c = await login(t);
    const id = (await c.post('api/v1/servers', testServer({ db_restriction: ['postgres'] }))).body.server.id;
    assert.equal((await c.post(`api/v1/servers/${id}/connect`, { password: pg.password })).status, 200);
    const dbs = (await c.get(`api/v1/servers/${id}/objects?path=/databases`)).body.nodes.map((n) => n.label);
    assert.deepEqual(dbs, ['postgres']);
    const top = (await c.get(`api/v1/servers/${id}/objects?path=/`)).body.nodes;
    assert.equal(top[0].count, 1);
  });
});

test('shared servers: everyone sees them and brings their own credentials; private ones stay private', async () => {
  psql("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'reader') THEN CREATE ROLE reader LOGIN PASSWORD 'reader pw'; END IF; END $$");
  await withTusk({}, async (t) => {
    const admin = await login(t);
    await admin.post('api/v1/users', { email: 'erin@tusk.local', password: 'erin password', role: 'user' });
    const shared = (await admin.post('api/v1/servers', testServer({ name: 'team db', shared: true, shared_username: 'reader' }))).body.server;
    const mine = (await admin.post('api/v1/servers', testServer({ name: 'admin only' }))).body.server;
    assert.equal((await admin.post(`api/v1/servers/${shared.id}/connect`, { password: pg.password, save_password: true })).status, 200);

    const erin = await login(t, 'erin@tusk.local', 'erin password');
    const seen = (await erin.get('api/v1/servers')).body.servers;
    assert.deepEqual(seen.map((s) => s.name), ['team db']);
    assert.equal(seen[0].owned, false);
    assert.equal(seen[0].has_saved_password, false, "the admin's saved password is not erin's");
    assert.equal(seen[0].connected, false);
    assert.equal((await erin.get(`api/v1/servers/${mine.id}`)).status, 404);
    assert.equal((await erin.post(`api/v1/servers/${mine.id}/connect`, {})).status, 404);
    assert.equal((await erin.put(`api/v1/servers/${shared.id}`, { name: 'mine now' })).status, 403);
    assert.equal((await erin.del(`api/v1/servers/${shared.id}`)).status, 403);
    const own = (await erin.post('api/v1/servers', testServer({ name: 'erin private' }))).body.server;
    assert.equal((await erin.post('api/v1/servers', testServer({ name: 'x', shared: true }))).status, 403, 'users cannot share');

    // erin logs in as the shared username with her own password
    const wrong = await erin.post(`api/v1/servers/${shared.id}/connect`, { password: pg.password });
    assert.equal(wrong.status, 401, 'the admin password is not reader\'s');
    assert.match(wrong.body.error.message, /user "reader"/);
    assert.equal((await erin.post(`api/v1/servers/${shared.id}/connect`, { password: 'reader pw', save_password: true })).status, 200);
    const whoami = (await erin.get(`api/v1/servers/${shared.id}/objects?path=/databases`)).status;
    assert.equal(whoami, 200);
    assert.equal((await admin.get(`api/v1/servers/${own.id}`)).status, 404, "the admin does not see erin's private server");
    assert.equal((await admin.get('api/v1/servers')).body.servers.filter((s) => s.name === 'erin private').length, 0);
  });
});

test('a PostgreSQL restart while Tusk runs is survived: the next request reconnects', async () => {
  const cluster = startCluster();
  try {
    await withTusk({}, async (t) => {
      const c = await login(t);
      const id = (await c.post('api/v1/servers', { name: 'restarting', host: cluster.host, port: cluster.port, username: cluster.user })).body.server.id;
      assert.equal((await c.post(`api/v1/servers/${id}/connect`, { password: cluster.password })).status, 200);
      assert.equal((await c.get(`api/v1/servers/${id}/objects?path=/databases`)).status, 200);
      cluster.stop();
      const down = await c.get(`api/v1/servers/${id}/objects?path=/databases`);
      assert.equal(down.status, 502, 'reported clearly while down');
      assert.match(down.body.error.message, /connect|server|terminat/i);
      cluster.start();
      const back = await c.get(`api/v1/servers/${id}/objects?path=/databases`);
      assert.equal(back.status, 200, `reconnected: ${back.raw}`);
    });
  } finally {
    cluster.destroy();
  }
});

test('PGADMIN_SERVER_JSON_FILE loads once for the first administrator; REPLACE reloads without duplicates', async () => {
  const file = join(tempDir(), 'servers.json');
  writeFileSync(file, JSON.stringify(fixture));
  const dataDir = join(tempDir(), 'data');
  const count = async (t) => (await (await login(t)).get('api/v1/servers')).body.servers.length;
  await withTusk({ dataDir, env: { PGADMIN_SERVER_JSON_FILE: file } }, async (t) => assert.equal(await count(t), 3));
  await withTusk({ dataDir, env: { PGADMIN_SERVER_JSON_FILE: file } }, async (t) => assert.equal(await count(t), 3, 'not loaded twice'));
  for (let i = 0; i < 2; i++) {
    await withTusk({ dataDir, env: { PGADMIN_SERVER_JSON_FILE: file, PGADMIN_REPLACE_SERVERS_ON_STARTUP: 'True' } }, async (t) => assert.equal(await count(t), 3, 'replaced, not added'));
  }
  const broken = join(tempDir(), 'broken.json');
  writeFileSync(broken, JSON.stringify({ Servers: { 1: { Name: 'x', Port: 'abc' } } }));
  await withTusk({ env: { PGADMIN_SERVER_JSON_FILE: broken } }, async (t) => {
    assert.equal(await count(t), 0);
    assert.match(t.output(), /servers file entry refused .*entry="1 Port"/);
  });
});
