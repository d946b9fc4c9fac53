// Every program Tusk starts for a user (pg_dump, pg_dumpall and the pg_dump
// it starts, pg_restore, Tusk's own sql-client for scripts, maintenance and
// COPY, and the short pg_restore --list / --version runs) gets nothing of
// Tusk's: its environment holds no PG*, TUSK_*, PGADMIN_* variable and no
// secret, its HOME is an empty folder, it holds no descriptor Tusk holds,
// and it leads a session and process group of its own. Each is caught while
// it waits on a lock, and /proc tells the truth about it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, ADMIN } from '../lib/tusk.mjs';
import { world, ownServer, upload, startJob, finished, waitFor, psql, pg } from './lib.mjs';

const DB = 'sec_children';
const ALLOWED = /^(PATH|HOME|LANG|LANGUAGE|TZ|TMPDIR|LC_[A-Z_]+|KRB5CCNAME|KRB5_CLIENT_KTNAME)$/;
let w, server, wrappers;

before(async () => {
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  psql(`CREATE DATABASE ${DB}`);
  psql('CREATE TABLE t (n int); INSERT INTO t SELECT generate_series(1, 100);', { db: DB });
  // the programs wrapped: pg_restore pauses first, so that its short runs (--version,
  // --list) can be caught and looked at from outside, as the long ones are
  wrappers = tempDir('tusk-sec-wrap-');
  chmodSync(wrappers, 0o755);
  for (const name of ['pg_restore', 'pg_dump', 'pg_dumpall']) {
    writeFileSync(join(wrappers, name), `#!/bin/sh\n${name === 'pg_restore' ? 'sleep 1\n' : ''}exec env -u PWD "${pg.bin}/${name}" "$@"\n`);
    chmodSync(join(wrappers, name), 0o755);
  }
  w = await world({ env: { TUSK_PG_BIN_DIR: wrappers, TUSK_METRICS_TOKEN: 'children-metrics-token' } });
  server = await ownServer(w.user, { database: DB });
});

after(async () => {
  assert.equal(await w.t.stop(), 0, w.t.output());
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

function lockTable() {
  const holder = spawn('psql', ['-X', '-d', DB, '-c', 'BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(120);'], {
    env: { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password },
    stdio: 'ignore',
  });
  return {
    ready: () => waitFor(() => psql("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 't' AND l.mode = 'AccessExclusiveLock' AND l.granted", { db: DB }) === '1', 'the lock'),
    release() {
      holder.kill('SIGKILL');
      psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%LOCK TABLE t IN%' AND pid <> pg_backend_pid()");
    },
  };
}

/** Every descendant of pid (children first). */
function descendants(pid) {
  const all = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  const parent = new Map();
  for (const p of all) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      parent.set(Number(p), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out = [];
  const walk = (p) => {
    for (const [child, pp] of parent) if (pp === p) {
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

/** (dev:ino) of each descriptor a process holds. */
function heldObjects(pid) {
  const held = new Map();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const st = statSync(`/proc/${pid}/fd/${fd}`);
      held.set(`${st.dev}:${st.ino}`, readlinkSync(`/proc/${pid}/fd/${fd}`));
    } catch {
      // closed meanwhile
    }
  }
  return held;
}

// what a PostgreSQL program sets for the programs it starts itself (pg_dumpall
// runs its pg_dump through /bin/sh, which adds PWD)
const SET_BY_POSTGRES = /^(PGLOCALEDIR|PGSYSCONFDIR|PWD)$/;

function checkEnviron(what, text, direct = true) {
  const names = text.split(/\0|\n/).filter(Boolean).map((l) => l.split('=')[0]);
  for (const n of names) assert.ok(ALLOWED.test(n) || (!direct && SET_BY_POSTGRES.test(n)), `${what}: ${n} is passed on`);
  assert.ok(text.includes(`HOME=${join(w.t.dataDir, 'child-home')}`), `${what}: HOME is the empty child home`);
  for (const secret of [pg.password, ADMIN.password, 'children-metrics-token']) assert.ok(!text.includes(secret), `${what}: a secret in the environment`);
}

/** Inspects a running child: environment, descriptors, session. */
function inspect(what, pid, direct) {
  checkEnviron(what, readFileSync(`/proc/${pid}/environ`, 'utf8'), direct);
  const tusk = heldObjects(w.t.proc.pid);
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let st, target;
    try {
      st = statSync(`/proc/${pid}/fd/${fd}`);
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    if (Number(fd) === 0) assert.equal(target, '/dev/null', `${what}: stdin`);
    else if (Number(fd) <= 2) assert.match(target, /\/jobs\/\d+\.log$/, `${what}: fd ${fd} is the job's log`);
    else assert.ok(!tusk.has(`${st.dev}:${st.ino}`), `${what}: fd ${fd} (${target}) is one Tusk holds`);
    assert.ok(!/tusk\.db|\/spool\/|anon_inode/.test(target), `${what}: fd ${fd} is ${target}`);
  }
}

async function caught(kind, spec, programs) {
  const lock = lockTable();
  try {
    await lock.ready();
    const res = await startJob(w.user, server, kind, kind === 'backup_server' ? null : DB, spec);
    assert.equal(res.status, 201, res.raw);
    const id = res.body.job.id;
    await waitFor(() => psql(`SELECT count(*) FROM pg_stat_activity WHERE datname = '${DB}' AND wait_event_type = 'Lock'`) !== '0', `${kind} to wait`);
    const kids = descendants(w.t.proc.pid).filter((p) => {
      try {
        return programs.test(readFileSync(`/proc/${p}/cmdline`, 'utf8').replaceAll('\0', ' '));
      } catch {
        return false;
      }
    });
    assert.ok(kids.length >= 1, `${kind}: its program runs`);
    for (const p of kids) inspect(`${kind} (${p})`, p, p === kids[0]);
    // the job's own program leads its session and group
    const top = kids[0];
    const stat = readFileSync(`/proc/${top}/stat`, 'utf8').slice(readFileSync(`/proc/${top}/stat`, 'utf8').lastIndexOf(')') + 2).split(' ');
    assert.equal(Number(stat[2]), top, `${kind}: its own process group`);
    assert.equal(Number(stat[3]), top, `${kind}: its own session`);
    assert.equal((await w.user.post(`api/v1/jobs/${id}/cancel`, {})).status, 202);
    await finished(w.user, id);
  } finally {
    lock.release();
  }
}

test('pg_dump, pg_dumpall (and its pg_dump) and pg_restore hold nothing of Tusk\'s', async () => {
  await caught('backup', { file: 'b.dump', format: 'custom' }, /pg_dump .*--file=/);
  await caught('backup_server', { file: 'all.sql', mode: 'full' }, /pg_dump(all)? /);
  // an archive of t to restore into t while it is locked
  const made = await startJob(w.user, server, 'backup', DB, { file: 't.dump', format: 'custom', tables: [{ schema: 'public', name: 't' }], data_only: true });
  assert.equal((await finished(w.user, made.body.job.id)).state, 'succeeded');
  await caught('restore', { file: 't.dump', data_only: true }, /pg_restore .*t\.dump/);
});

test('tusk sql-client holds nothing of Tusk\'s: a plain script, maintenance, import and export', async () => {
  await upload(w.user, 'insert.sql', 'INSERT INTO t VALUES (0);\n');
  await caught('restore', { file: 'insert.sql' }, /sql-client .*--script=/);
  await caught('maintenance', { operation: 'vacuum', schema: 'public', table: 't' }, /sql-client .*--maintenance=/);
  await upload(w.user, 'rows.csv', '1\n2\n');
  await caught('import', { schema: 'public', table: 't', file: 'rows.csv' }, /sql-client .*--copy-from=/);
  await caught('export', { schema: 'public', table: 't', file: 'out.csv' }, /sql-client .*--copy-to=/);
});

test('the short runs (pg_restore --version, --list) get the same environment and no descriptor of Tusk\'s', async () => {
  const listing = w.user.get(`api/v1/servers/${server}/archive?path=t.dump`);
  const seen = new Set();
  const until = Date.now() + 20000;
  while (seen.size < 2 && Date.now() < until) {
    for (const p of descendants(w.t.proc.pid)) {
      let cmdline;
      try {
        cmdline = readFileSync(`/proc/${p}/cmdline`, 'utf8').replaceAll('\0', ' ');
      } catch {
        continue;
      }
      const run = /pg_restore (--version|--list)/.exec(cmdline)?.[1];
      if (!run || seen.has(run) || !cmdline.includes(wrappers)) continue;
      checkEnviron(`pg_restore ${run}`, readFileSync(`/proc/${p}/environ`, 'utf8'));
      const tusk = heldObjects(w.t.proc.pid);
      for (const fd of readdirSync(`/proc/${p}/fd`)) {
        let st, target;
        try {
          st = statSync(`/proc/${p}/fd/${fd}`);
          target = readlinkSync(`/proc/${p}/fd/${fd}`);
        } catch {
          continue;
        }
        if (Number(fd) <= 2) continue;
        // the shell's own: the wrapper it reads
        assert.equal(target, join(wrappers, 'pg_restore'), `pg_restore ${run} holds fd ${fd}: ${target}`);
        assert.ok(!tusk.has(`${st.dev}:${st.ino}`));
      }
      seen.add(run);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual([...seen].sort(), ['--list', '--version']);
  assert.equal((await listing).status, 200);
});
