// Passwords in clear and what the host's other users see:
// - a PSQL tab's passfile was a file in <data>/jobs that a killed Tusk left
//   behind, with the user's password in clear (script 08): now it never
//   touches the disk (bubblewrap writes it from a descriptor into the
//   sandbox's memory);
// - jobs' passfiles are on disk only while their program runs (not while
//   queued), and those a killed Tusk left are removed when Tusk starts again,
//   but not those of a Tusk still running on the same data directory
//   (replicas sharing it);
// - the sandbox's command line, which any user of the host reads in /proc,
//   showed the data directory's paths and the connection string (script 09
//   of the round's notes): bwrap now reads its options from a descriptor and
//   psql its connection from a service file inside the sandbox.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTusk, pgStore } from '../lib/tusk.mjs';
import { Terminal } from '../lib/psqltool.mjs';
import { world, ownServer, pg, psql, startJob, token, upload, waitFor } from './lib.mjs';

const DB = 'sec_psql_secrets';
const kids = [];
const tusks = [];
after(async () => {
  for (const k of kids) if (k.exitCode === null) k.kill('SIGKILL');
  for (const t of tusks) if (t.proc.exitCode === null && t.proc.signalCode === null) assert.equal(await t.stop(), 0, t.output());
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

const passfiles = (dataDir) => readdirSync(join(dataDir, 'jobs')).filter((f) => f.endsWith('.pass'));

/** Every process below pid (its children, theirs...). */
function descendants(pid) {
  const parents = new Map();
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      parents.set(Number(p), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out = [];
  const walk = (q) => {
    for (const [child, parent] of parents) if (parent === q) { out.push(child); walk(child); }
  };
  walk(pid);
  return out;
}

test("a PSQL tab's password is never a file of the host's, and a killed Tusk leaves none", async () => {
  const w = await world({ env: { TUSK_ENABLE_PSQL: 'true' } });
  tusks.push(w.t);
  const server = await ownServer(w.user);
  const term = await Terminal.open(w.user, server);
  await term.waitFor(/postgres=#/);
  const inside = await term.run('\\! cat /run/tusk/pgpass; echo "done=$((40+2))"', /done=42\r\n/);
  assert.match(inside, new RegExp(`\\*:\\*:\\*:\\*:${pg.password.replace(/[\\:]/g, '\\\\$&')}`), 'psql has its passfile');
  assert.deepEqual(passfiles(w.t.dataDir), [], 'no passfile in the data directory while psql runs');
  term.stop();
  w.t.proc.kill('SIGKILL');
  await w.t.exited;
  assert.deepEqual(passfiles(w.t.dataDir), [], 'none after SIGKILL either');
});

test("the sandbox's command lines show neither the data directory nor the connection", async () => {
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  psql(`CREATE DATABASE ${DB}`);
  const w = await world({ env: { TUSK_ENABLE_PSQL: 'true' } });
  tusks.push(w.t);
  await upload(w.user, 'certs/root.crt', 'not really a certificate');
  // an entry whose connection names a file of the user's storage (a path in the data directory)
  const server = await ownServer(w.user, { database: DB, params: { sslmode: 'disable', sslrootcert: 'certs/root.crt' } });
  const term = await Terminal.open(w.user, server, DB);
  await term.waitFor(new RegExp(`${DB}=#`));
  const lines = descendants(w.t.proc.pid).map((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      return '';
    }
  });
  const bwrap = lines.filter((l) => l.startsWith('/usr/bin/bwrap'));
  const psqls = lines.filter((l) => /\/psql /.test(l) && !l.startsWith('/usr/bin/bwrap'));
  assert.ok(bwrap.length >= 1 && psqls.length >= 1, lines.join('\n'));
  for (const l of lines) {
    assert.ok(!l.includes(w.t.dataDir), `a command line shows the data directory: ${l}`);
    assert.doesNotMatch(l, /--ro-bind|passfile|sslrootcert|host=|dbname=/, l);
  }
  assert.match(psqls[0], /-d service=tusk/);
  // psql is connected as the entry says, through the service file
  const who = await term.run('SELECT current_database() AS db, current_setting(\'port\') AS port;', new RegExp(`${DB} +\\| +${pg.port}`));
  assert.match(who, new RegExp(DB));
  await term.close();
});

test("jobs' passfiles: on disk only while the program runs, and a killed Tusk's are removed at the next start", async () => {
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  psql(`CREATE DATABASE ${DB}`);
  psql('CREATE TABLE t (n int)', { db: DB });
  const w = await world({ env: { TUSK_MAX_JOBS: '1' } });
  tusks.push(w.t);
  const dataDir = w.t.dataDir;
  const server = await ownServer(w.user, { database: DB });
  // a session holds the table: pg_dump waits for it, so the job keeps running
  const holder = spawn(join(pg.bin, 'psql'), ['-X', '-q', '-d', DB, '-c', 'BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(120);'], {
    env: { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password },
    stdio: 'ignore',
  });
  kids.push(holder);
  await waitFor(() => psql(`SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 't' AND l.mode = 'AccessExclusiveLock'`, { db: DB }).trim() === '1', 'the lock');
  const spec = { file: `t-${token()}.dump`, format: 'custom' };
  const first = await startJob(w.user, server, 'backup', DB, spec);
  assert.equal(first.status, 201, first.raw);
  await waitFor(() => passfiles(dataDir).length === 1, "the running job's passfile");
  // a second job waits for the only slot: no passfile of it yet
  const second = await startJob(w.user, server, 'backup', DB, { file: `u-${token()}.dump`, format: 'custom' });
  assert.equal(second.status, 201, second.raw);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await w.user.get(`api/v1/jobs/${second.body.job.id}`)).body.job.state, 'queued');
  assert.equal(passfiles(dataDir).length, 1, 'a queued job has no passfile');
  const left = passfiles(dataDir)[0];
  assert.match(readFileSync(join(dataDir, 'jobs', left), 'utf8'), /^\*:\*:\*:\*:/);

  // passfiles of another Tusk on the same data directory: one alive (its marker locked), one gone
  const alive = 'a1a1a1a1a1a1a1a1', dead = 'd0d0d0d0d0d0d0d0';
  for (const tag of [alive, dead]) {
    writeFileSync(join(dataDir, 'jobs', `${tag}.live`), '');
    writeFileSync(join(dataDir, 'jobs', `${tag}0123456789abcdef01234567.pass`), '*:*:*:*:secret\n', { mode: 0o600 });
  }
  const locker = spawn('flock', ['-x', join(dataDir, 'jobs', `${alive}.live`), 'sleep', '120'], { stdio: 'ignore' });
  kids.push(locker);
  await waitFor(() => {
    try {
      return readFileSync('/proc/locks', 'utf8').includes('FLOCK');
    } catch {
      return false;
    }
  }, 'the lock of the live marker');
  await new Promise((r) => setTimeout(r, 300));
  // and a passfile of the older naming (no tag)
  const legacy = '0123456789abcdef01234567.pass';
  writeFileSync(join(dataDir, 'jobs', legacy), '*:*:*:*:old\n', { mode: 0o600 });

  w.t.proc.kill('SIGKILL');
  await w.t.exited;
  holder.kill('SIGKILL');
  assert.ok(existsSync(join(dataDir, 'jobs', left)), "the killed Tusk's passfile is still there");
  const t2 = await startTusk({ env: { TUSK_PG_BIN_DIR: pg.bin }, dataDir });
  tusks.push(t2);
  const now = passfiles(dataDir);
  assert.ok(!now.includes(left), `the killed Tusk's passfile is removed at start: ${now}`);
  assert.ok(!now.includes(`${dead}0123456789abcdef01234567.pass`), 'a gone Tusk\'s passfile is removed');
  assert.ok(now.includes(`${alive}0123456789abcdef01234567.pass`), "a running Tusk's passfile stays");
  assert.equal(now.includes(legacy), pgStore, 'an untagged passfile goes (kept a day only when replicas may share the directory)');
  assert.match(t2.output(), /removed passfiles a Tusk that was killed left behind/);
  locker.kill('SIGKILL');
});

test('a database name with a line break cannot add lines to the service file: psql connects to that very database', async () => {
  const name = 'sec_psql_inj\nhost=203.0.113.1';
  const quoted = `"${name.replace(/"/g, '""')}"`;
  psql(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
  psql(`CREATE DATABASE ${quoted}`);
  try {
    const w = await world({ env: { TUSK_ENABLE_PSQL: 'true' } });
    tusks.push(w.t);
    const server = await ownServer(w.user);
    const term = await Terminal.open(w.user, server, name);
    await term.waitFor(/=#/);
    const out = await term.run("SELECT current_database() = E'sec_psql_inj\\nhost=203.0.113.1' AS same, inet_server_port() AS port;", /\b(t|f) +\| +\d+/);
    assert.match(out, new RegExp(`\\bt +\\| +${pg.port}`));
    await term.close();
  } finally {
    psql(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
  }
});
