// One user's PSQL tab cannot starve Tusk or the other tabs: each session
// runs under limits (1 GiB of address space, an hour of CPU, 64 processes,
// 64 MiB files, 256 open files) and its output is read at most 2 MiB a
// second after a 4 MiB burst. Replayed here: a memory bomb in psql (a
// query result, then a variable psql cannot hold), a fork bomb from \!, an
// output flood; meanwhile another tab answers at once and Tusk's own memory
// stays where it was. Tusk runs as uid 5050 with no capability and no_new_privs
// here, as the chart runs its container (as root the process limit would not
// show: the kernel exempts uid 0 from it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Terminal } from '../lib/psqltool.mjs';
import { world, ownServer, psql, token } from './lib.mjs';

const DB = 'sec_psql_limits';
let w, server, bystander;

before(async () => {
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  psql(`CREATE DATABASE ${DB}`);
  const env = { TUSK_ENABLE_PSQL: 'true', TUSK_MAX_PSQL_SESSIONS_PER_USER: '4' };
  if (process.getuid() === 0) {
    const base = mkdtempSync(join(tmpdir(), 'tusk-psql-5050-'));
    chmodSync(base, 0o755);
    const dataDir = join(base, 'data');
    mkdirSync(dataDir, { mode: 0o700 });
    chownSync(dataDir, 5050, 5050);
    // the chart's securityContext on the host: no capability, no privilege escalation
    const spawnWrap = (bin, argv) => ['setpriv', ['--reuid=5050', '--regid=5050', '--clear-groups', '--no-new-privs', '--inh-caps=-all', '--bounding-set=-all', bin, ...argv]];
    w = await world({ env, dataDir, spawnWrap });
  } else {
    w = await world({ env });
  }
  server = await ownServer(w.user, { database: DB });
  bystander = await Terminal.open(w.user, server, DB);
  await bystander.waitFor(/=#/);
});

after(async () => {
  await bystander?.close();
  assert.equal(await w.t.stop(), 0, w.t.output());
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

let runs = 0;
async function run(t, line, ms = 20000) {
  const end = `END-${++runs}-${token()}`;
  return t.run(`${line}\n\\echo ${end}`, new RegExp(`[\\r\\n]${end}\\r\\n`), ms);
}

/** Tusk's resident memory, in MiB. */
function tuskRss() {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${w.t.proc.pid}/status`, 'utf8'));
  return Number(m[1]) / 1024;
}

/** The other tab answers within a second or two. */
async function othersServed() {
  const t0 = Date.now();
  const out = await run(bystander, "SELECT 'still-' || 'served' AS s;", 5000);
  assert.match(out, /still-served/);
  assert.equal((await w.user.get('api/v1/auth/me')).status, 200);
  return Date.now() - t0;
}

test('the limits are in force inside the sandbox', async () => {
  const out = await run(bystander, "\\! bash -c 'echo v=$(ulimit -v) t=$(ulimit -t) f=$(ulimit -f) n=$(ulimit -n) u=$(ulimit -u) c=$(ulimit -c)'");
  assert.match(out, /v=1048576 t=3600 f=65536 n=256 u=64 c=0/, out);
  const big = await run(bystander, "\\! bash -c 'head -c 100000000 /dev/zero > /tmp/big; echo rc=$?; ls -l /tmp/big'");
  assert.match(big, /File too large/, big);
});

test('a memory bomb: a result psql cannot hold is refused, a variable it cannot hold ends psql with a clear message; Tusk is unmoved', async () => {
  const bomb = await Terminal.open(w.user, server, DB);
  try {
    await bomb.waitFor(/=#/);
    const rss0 = tuskRss();
    const result = await run(bomb, "SELECT repeat('x', 600000000);", 60000);
    assert.match(result, /out of memory for query result/, result.slice(0, 2000));
    assert.ok((await othersServed()) < 3000);
    const from = bomb.text.length;
    assert.equal((await bomb.type("SELECT repeat('x', 300000000) AS v \\gset\n")).status, 204);
    await bomb.until(() => bomb.exitCode !== null, 'psql to end', 60000);
    const said = bomb.text.slice(from);
    assert.match(said, /out of memory/);
    assert.match(said, /\[psql exited with code 1: psql ran out of the 1024 MiB of memory a PSQL session may use\]/, said);
    assert.ok((await othersServed()) < 3000);
    const grew = tuskRss() - rss0;
    assert.ok(grew < 64, `Tusk's memory grew by ${grew.toFixed(1)} MiB`);
  } finally {
    await bomb.close();
  }
});

/** Processes below pid (its whole tree) named comm. */
function descendants(pid, comm) {
  const parent = new Map();
  const name = new Map();
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      name.set(Number(p), stat.slice(stat.indexOf('(') + 1, close));
      parent.set(Number(p), Number(stat.slice(close + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out = [];
  for (const [p, n] of name) {
    if (n !== comm) continue;
    for (let q = parent.get(p); q; q = parent.get(q)) if (q === pid) { out.push(p); break; }
  }
  return out;
}

test('a fork bomb from \\! stops at the process limit; the tab and the others go on', async () => {
  const bomb = await Terminal.open(w.user, server, DB);
  try {
    await bomb.waitFor(/=#/);
    const out = await run(bomb, "\\! sh -c 'i=0; while [ $i -lt 200 ]; do sleep 30 >/dev/null 2>&1 & i=$((i+1)); done; echo spawned-$((100+100))' 2>&1 | tail -n 2", 30000);
    assert.match(out, /Cannot fork|Resource temporarily unavailable/, out);
    assert.doesNotMatch(out, /spawned-200/);
    const sleepers = descendants(w.t.proc.pid, 'sleep');
    assert.ok(sleepers.length > 0 && sleepers.length < 64, `${sleepers.length} sleeps`);
    assert.ok((await othersServed()) < 3000);
  } finally {
    await bomb.close();
  }
  // closing the tab ends what it started
  const until = Date.now() + 10000;
  while (descendants(w.t.proc.pid, 'sleep').length && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  assert.equal(descendants(w.t.proc.pid, 'sleep').length, 0, 'the sleeps ended with the session');
});

test('an output flood is read at 2 MiB a second at most; ^C stops it; the other tab is served meanwhile', async () => {
  const flood = await Terminal.open(w.user, server, DB);
  try {
    await flood.waitFor(/=#/);
    await run(flood, '\\set FETCH_COUNT 1000');
    const t0 = Date.now();
    const o0 = flood.offset;
    assert.equal((await flood.type("SELECT generate_series(1, 100000000) AS g, repeat('x', 1000) AS x;\n")).status, 204);
    await new Promise((r) => setTimeout(r, 3000)); // past the burst
    const t1 = Date.now();
    const o1 = flood.offset;
    const waited = await othersServed();
    assert.ok(waited < 3000, `the other tab answered in ${waited} ms`);
    await new Promise((r) => setTimeout(r, 4000));
    const t2 = Date.now();
    const o2 = flood.offset;
    const MiB = 1024 * 1024;
    const total = (o2 - o0) / MiB, steady = (o2 - o1) / MiB / ((t2 - t1) / 1000);
    console.log(`# flood: ${total.toFixed(1)} MiB in ${((t2 - t0) / 1000).toFixed(1)} s; ${steady.toFixed(2)} MiB/s after the burst`);
    assert.ok(total <= 4 + (2 * (t2 - t0)) / 1000 + 1, `${total.toFixed(1)} MiB in ${t2 - t0} ms`);
    assert.ok(steady <= 2.4, `${steady.toFixed(2)} MiB/s`);
    assert.ok(steady >= 1, `${steady.toFixed(2)} MiB/s: the flood goes on, slowed`);
    const from = flood.text.length;
    assert.equal((await flood.type('\x03')).status, 204);
    await flood.waitFor(/Cancel request sent|canceling statement due to user request/, 30000, from);
    await flood.waitFor(/=#\s*$/, 30000, from);
  } finally {
    await flood.close();
  }
});
