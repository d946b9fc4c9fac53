// tusk doctor: the checks of pgAdmin's troubleshooting runbook (tests/fixtures/runbook.txt:
// permission denied, secret errors, connection failures, login failures), one line each with
// the fix, against a real data directory, store and PostgreSQL. make test-deploy runs it in
// the image through exec, as kubectl exec would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { startTusk, runTusk, tempDir, ADMIN, pgStore } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { pg } from '../lib/pg.mjs';

const isRoot = process.getuid() === 0;

async function closedPort() {
  return new Promise((res) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

function lines(out) {
  return out.split('\n').filter((l) => /^ {2}(ok|FAIL) /.test(l));
}
function find(out, re) {
  const l = lines(out).find((x) => re.test(x));
  assert.ok(l, `no line matching ${re} in:\n${out}`);
  return l;
}

test('tusk doctor: the volume, the Secret, each server (DNS, TCP, login) and the store, one line each with the fix', async () => {
  const files = tempDir('doctor-files-');
  const pgpass = join(files, 'pgpass');
  writeFileSync(pgpass, `${pg.host}:${pg.port}:*:${pg.user}:${pg.password}\n`, { mode: 0o600 });
  const dataDir = join(tempDir(), 'data');
  const env = { TUSK_FILE_DIRS: files };
  const t = await startTusk({ dataDir, env });
  let port;
  try {
    const c = new Client(t.url);
    const r = await c.post('api/v1/auth/login', ADMIN);
    assert.equal(r.status, 200);
    c.csrf = r.body.csrf_token;
    port = await closedPort();
    const servers = [
      { name: 'with passfile', host: pg.host, port: pg.port, username: pg.user, maintenance_db: 'postgres', connection_params: { passfile: pgpass, sslmode: 'disable' } },
      { name: 'no password', host: pg.host, port: pg.port, username: pg.user, maintenance_db: 'postgres', connection_params: { sslmode: 'disable' } },
      { name: 'no database', host: pg.host, port: pg.port, username: pg.user, maintenance_db: 'no_such_db', connection_params: { passfile: pgpass, sslmode: 'disable' } },
      { name: 'unknown host', host: 'no-such-host.invalid', port: 5432, username: 'postgres', maintenance_db: 'postgres' },
      { name: 'closed port', host: '127.0.0.1', port, username: 'postgres', maintenance_db: 'postgres' },
    ];
    for (const s of servers) assert.equal((await c.post('api/v1/servers', s)).status, 201, s.name);
  } finally {
    assert.equal(await t.stop(), 0);
  }

  const doctor = (extra = {}) => runTusk({ env: { ...env, ...extra }, args: ['doctor', '--data-dir', dataDir], timeoutMs: 60000 });
  const d = await doctor();
  const out = d.stdout;
  assert.equal(d.code, 1, `problems make exit 1:\n${out}\n${d.stderr}`);
  // the runbook's sections, in its order
  const heads = out.split('\n').filter((l) => /^[A-Z]/.test(l));
  assert.deepEqual(heads.slice(0, 5).map((h) => h.replace(/ \(.*$/, '')), [
    'Permission denied', 'Secret errors', 'Connection and login failures', 'Login failures', 'The store',
  ]);
  assert.match(find(out, /process:/), /^ {2}ok {4}process: uid \d+ gid \d+/);
  assert.match(find(out, /data volume:/), new RegExp(`^  ok    data volume: ${dataDir} \\(owner \\d+:\\d+, mode 0700\\) is writable`));
  assert.match(find(out, /admin e-mail:/), /ok +admin e-mail: admin@tusk\.local/);
  assert.match(find(out, /admin Secret:/), /ok +admin Secret: the password is given by PGADMIN_DEFAULT_PASSWORD$/);
  assert.doesNotMatch(out, new RegExp(ADMIN.password), 'no password is printed');
  assert.match(find(out, /admin account:/), /ok +admin account: the Secret's password opens admin@tusk\.local$/);

  assert.match(find(out, /"with passfile" DNS/), /ok +server "with passfile" DNS: 127\.0\.0\.1 is an address/);
  assert.match(find(out, /"with passfile" TCP/), new RegExp(`ok +server "with passfile" TCP: 127\\.0\\.0\\.1 port ${pg.port} accepts connections`));
  assert.match(find(out, /"with passfile" login/), /ok +server "with passfile" login: postgres logs in to database postgres \(PostgreSQL \d+\)/);
  assert.match(find(out, /"no password" login/), /ok +server "no password" login: PostgreSQL answers and asks postgres for a password/);
  assert.match(find(out, /"no database" login/), /FAIL +server "no database" login: .*database "no_such_db" does not exist.*Fix: correct the server's user name or maintenance database/);
  assert.match(find(out, /"unknown host"/), /FAIL +server "unknown host" DNS: no-such-host\.invalid does not resolve \(.+\)\. Fix: check the Service's name and namespace/);
  assert.equal(lines(out).filter((l) => /"unknown host"/.test(l)).length, 1, 'no TCP or login line after a failed lookup');
  assert.match(find(out, /"closed port" TCP/), new RegExp(`FAIL +server "closed port" TCP: 127\\.0\\.0\\.1 port ${port}: Connection refused\\. Fix: check that PostgreSQL listens there`));
  assert.match(find(out, /store:/), pgStore ? /ok +store: postgresql/ : /ok +store: sqlite:.*tusk\.db, schema \d+ of \d+, 1 account\(s\)/);
  assert.match(out, /\n3 problems found\n$/);

  // a rotated Secret: the value no longer opens the account, and the fix says how to set it
  const rotated = await doctor({ PGADMIN_DEFAULT_PASSWORD: 'rotated-in-the-secret-9' });
  assert.match(find(rotated.stdout, /admin account:/), /FAIL +admin account: the Secret's password does not open admin@tusk\.local: Tusk reads the Secret on the first start only.*Fix: .*tusk user set-password admin@tusk\.local/);

  // a Secret file that is not there (the volume that projects it is missing a key)
  const missing = await doctor({ PGADMIN_DEFAULT_PASSWORD: undefined, PGADMIN_DEFAULT_PASSWORD_FILE: '/nonexistent/secret/password' });
  assert.equal(missing.code, 1);
  assert.match(find(missing.stdout, /settings:/), /FAIL +settings: cannot read secret file \/nonexistent\/secret\/password: No such file or directory\. Fix: check that the Secret exists and has that key/);
  // the other checks still ran
  assert.match(missing.stdout, /server "with passfile" login: postgres logs in/);
  assert.match(find(missing.stdout, /admin Secret:/), /ok +admin Secret: none given; not needed now: the store has 1 account\(s\)/);
});

test('tusk doctor with nothing wrong exits 0; a volume this uid cannot write is a failure with the chown fix', async () => {
  const dataDir = join(tempDir(), 'data');
  const t = await startTusk({ dataDir });
  assert.equal(await t.stop(), 0);
  const ok = await runTusk({ args: ['doctor', '--data-dir', dataDir] });
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /servers: none registered yet/);
  assert.match(ok.stdout, /\n0 problems found\n$/);

  // a fresh volume, before the first start: nothing is made by the doctor
  const fresh = join(tempDir(), 'fresh');
  const before = await runTusk({ args: ['doctor', '--data-dir', fresh], env: { PGADMIN_DEFAULT_PASSWORD: undefined } });
  assert.match(find(before.stdout, /data volume:/), /FAIL +data volume: .*fresh: No such file or directory\. Fix: mount the volume there/);
  assert.match(find(before.stdout, /admin Secret:/), /FAIL +admin Secret: no password is given and no account exists/);

  if (isRoot || pgStore) return; // root writes anywhere; the image's test (uid 5050) covers it there
  chmodSync(dataDir, 0o500);
  try {
    const ro = await runTusk({ args: ['doctor', '--data-dir', dataDir] });
    assert.equal(ro.code, 1);
    assert.match(find(ro.stdout, /data volume:/), /FAIL +data volume: .* cannot be written by uid \d+ gid \d+: Permission denied\. Fix: chown -R \d+:\d+ /);
  } finally {
    chmodSync(dataDir, 0o700);
  }
});

test('the docs show tusk doctor where the runbook has its Python line', () => {
  const runbook = readFileSync(new URL('../fixtures/runbook.txt', import.meta.url), 'utf8');
  assert.match(runbook, /kubectl exec -n pgadmin4 deployment\/pgadmin4 -- python -c/);
  const docs = readFileSync(new URL('../../docs/deployment.md', import.meta.url), 'utf8');
  assert.match(docs, /kubectl exec -n pgadmin4 deployment\/pgadmin4 -- tusk doctor/);
  for (const section of ['Permission denied', 'Secret errors', 'Connection and login failures', 'Login failures']) assert.ok(docs.includes(section), section);
});
