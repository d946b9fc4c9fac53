// The PSQL tool's ways out, each tried by an ordinary user as they would
// type it into the tab: psql's shell escapes (\!, \o |cmd, \g |cmd, \copy
// ... program), its client-side files (\copy to/from a path, \i, \w, \o,
// \lo_export), \setenv, and /proc. psql runs in a bubblewrap sandbox: each
// is refused there, or confined to the sandbox's own empty, throw-away
// files, and the checks look at the host (marker files, Tusk's process).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../lib/tusk.mjs';
import { Terminal } from '../lib/psqltool.mjs';
import { world, ownServer, psql, token, upload } from './lib.mjs';

const DB = 'sec_psql';
const SECRET = `metrics-${token()}`;
let w, server, term, secretFile, secret, hostDir;

before(async () => {
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  psql(`CREATE DATABASE ${DB}`);
  psql("CREATE TABLE t (n int); INSERT INTO t VALUES (42); SELECT lo_from_bytea(424242, 'large object');", { db: DB });
  w = await world({ env: { TUSK_ENABLE_PSQL: 'true', TUSK_METRICS_TOKEN: SECRET } });
  server = await ownServer(w.user, { database: DB });
  // a file of Tusk's in its data directory, and a folder of the host's outside both
  secret = `tusk-data-${token()}`;
  secretFile = join(w.t.dataDir, 'secret-marker.txt');
  writeFileSync(secretFile, secret);
  hostDir = tempDir('tusk-sec-psql-');
  term = await Terminal.open(w.user, server, DB);
  await term.waitFor(new RegExp(`${DB}=#`));
});

after(async () => {
  await term?.close();
  assert.equal(await w.t.stop(), 0, w.t.output());
  psql(`SELECT lo_unlink(424242)`, { db: DB });
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

let runs = 0;
/** Runs a line (or lines) and returns the output up to a marker echoed after it. */
async function run(line) {
  const end = `END-${++runs}-${token()}`;
  return term.run(`${line}\n\\echo ${end}`, new RegExp(`[\\r\\n]${end}\\r\\n`));
}

test("\\! runs a shell that sees none of Tusk's files: not its data directory, not other users' storage", async () => {
  const out = await run(`\\! cat '${secretFile}'; echo "rc=$?"; ls '${w.t.dataDir}' 2>&1; id -u`);
  assert.doesNotMatch(out, new RegExp(secret));
  assert.match(out, /No such file or directory/);
  assert.match(out, /rc=1/);
  assert.match(out, /\b65534\b/, 'psql runs as nobody inside its own user namespace');
  const tusk = await run(`\\! ls -la / ; cat '${w.t.dataDir}/tusk.db' 2>&1 | head -c 200`);
  assert.doesNotMatch(tusk, /SQLite format/);
});

test("\\! env holds nothing of Tusk's environment: no TUSK_*, PGADMIN_*, PG* variable, no secret", async () => {
  const out = await run('\\! env; echo END-OF-ENV');
  assert.match(out, /END-OF-ENV/);
  assert.doesNotMatch(out, new RegExp(SECRET));
  assert.doesNotMatch(out, /TUSK_|PGADMIN_/);
  // psql sets PGLOCALEDIR and PGSYSCONFDIR for its children itself (its build's own folders)
  const vars = out.split(/\r?\n/).map((l) => l.replace(/^.*\r/, '')).filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l));
  assert.ok(vars.length >= 5, out);
  for (const line of vars)
    assert.match(line, /^(PATH|HOME|TERM|COLORTERM|LANG|PSQL_HISTORY|PWD|SHLVL|_|OLDPWD|COLUMNS|LINES|PGLOCALEDIR|PGSYSCONFDIR)=/, line);
});

test("Tusk's process is out of sight: /proc/<tusk pid>/environ, kill, and the PID namespace", async () => {
  const pid = w.t.proc.pid;
  const out = await run(`\\! cat /proc/${pid}/environ 2>&1; kill -9 ${pid} 2>&1; echo "procs=$(ls /proc | grep -c '^[0-9]')"`);
  assert.doesNotMatch(out, new RegExp(SECRET));
  assert.match(out, /No such file or directory/);
  const procs = Number(/procs=(\d+)/.exec(out)[1]);
  assert.ok(procs < 10, `only the sandbox's own processes are visible (${procs})`);
  assert.equal(w.t.proc.exitCode, null, 'Tusk is still running');
  // the host sees Tusk's environment (Tusk wipes its secrets from it; its settings stay)
  assert.match(readFileSync(`/proc/${pid}/environ`, 'utf8'), /TUSK_ENABLE_PSQL=true/);
  assert.doesNotMatch(out, /TUSK_ENABLE_PSQL/);
});

test('\\o |cmd, \\g |cmd and \\copy ... program run inside the sandbox: nothing reaches the host', async () => {
  const viaO = join(hostDir, 'via-o');
  const viaG = join(hostDir, 'via-g');
  const viaCopy = join(hostDir, 'via-copy');
  await run(`\\o | cat > '${viaO}'`);
  await run('SELECT 1;');
  const back = await run('\\o');
  await run(`SELECT 2 \\g | cat > '${viaG}'`);
  const copy = await run(`\\copy t to program 'cat > ${viaCopy}'`);
  const from = await run(`\\copy t from program 'cat ${secretFile}'`);
  for (const p of [viaO, viaG, viaCopy]) assert.equal(existsSync(p), false, `${p} was written on the host`);
  assert.match(`${back}${copy}`, /No such file or directory|could not|cannot/);
  assert.match(from, /No such file or directory|could not|ERROR/);
  assert.equal(psql('SELECT count(*) FROM t', { db: DB }), '1', 'nothing of the file was copied in');
});

test('client-side files: \\copy to/from, \\i, \\w, \\o, \\lo_export and \\lo_import reach no host path', async () => {
  const copied = join(w.t.dataDir, 'copied.csv');
  const written = join(hostDir, 'written.sql');
  const exported = join(hostDir, 'exported.bin');
  const toData = await run(`\\copy t to '${copied}'`);
  assert.match(toData, /No such file or directory|Read-only|Permission denied/);
  const fromData = await run(`\\copy t from '${secretFile}'`);
  assert.match(fromData, /No such file or directory/);
  const inc = await run(`\\i ${secretFile}`);
  assert.match(inc, /No such file or directory/);
  assert.doesNotMatch(inc, new RegExp(secret));
  await run(`\\w ${written}`);
  await run(`\\o ${join(hostDir, 'out.txt')}`);
  await run('SELECT 3;');
  await run('\\o');
  await run(`\\lo_export 424242 '${exported}'`);
  const imported = await run(`\\lo_import '${secretFile}'`);
  assert.match(imported, /could not open file/);
  assert.equal(psql(`SELECT count(*) FROM pg_largeobject_metadata`, { db: DB }), '1', 'no large object was made from a host file');
  for (const p of [copied, written, exported, join(hostDir, 'out.txt')]) assert.equal(existsSync(p), false, `${p} was written on the host`);
  // the system's files are read-only inside
  const usr = await run('\\! touch /usr/bin/planted 2>&1; echo "rc=$?"');
  assert.match(usr, /Read-only file system|Permission denied/);
  assert.equal(existsSync('/usr/bin/planted'), false);
});

test("\\setenv changes psql's own environment only, not Tusk's; the sandbox's HOME is empty", async () => {
  const out = await run(`\\setenv TUSK_DATA_DIR /\n\\setenv LD_PRELOAD /nonexistent.so\n\\! echo "home=$HOME"; ls -A $HOME | wc -l`);
  assert.match(out, /home=\/home\/psql/);
  const tuskEnv = readFileSync(`/proc/${w.t.proc.pid}/environ`, 'utf8');
  assert.doesNotMatch(tuskEnv, /nonexistent\.so/);
  // Tusk still answers
  assert.equal((await w.user.get('api/v1/auth/me')).status, 200);
});

test("the passfile holds the user's own password only, in the sandbox's memory: never a file on the host's disk", async () => {
  const jobsDir = join(w.t.dataDir, 'jobs');
  const passfiles = () => readdirSync(jobsDir).filter((f) => f.endsWith('.pass'));
  const before = passfiles();
  const t2 = await Terminal.open(w.user, server, DB);
  await t2.waitFor(/=#/);
  const inside = await t2.run('\\! ls -l /run/tusk; echo "tmp=$(ls -A /tmp | wc -l) done=$((40+2))"', /done=42\r\n/);
  assert.match(inside, /-r.{8} .* pgpass/, 'the passfile is readable at its sandbox path');
  assert.match(inside, /tmp=0 /, "/tmp is the sandbox's own, empty (the test's data directory lives under the host's /tmp)");
  assert.deepEqual(passfiles(), before, 'no passfile in the data directory while psql runs');
  assert.equal((await t2.close()).status, 204);
});

test("files the server entry names (sslrootcert) are there, read-only; the rest of the user's storage is not", async () => {
  const ca = `ca-${token()}`;
  const other = `other-${token()}`;
  await upload(w.user, 'certs/ca.crt', ca);
  await upload(w.user, 'certs/other.txt', other);
  const withCa = await ownServer(w.user, { database: DB, params: { sslmode: 'prefer', sslrootcert: 'certs/ca.crt' } });
  const t4 = await Terminal.open(w.user, withCa, DB);
  try {
    await t4.waitFor(/=#/);
    // bound at a fixed path of the sandbox's (the service file names it)
    const out = await t4.run('\\! for f in $(find / -path /proc -prune -o \\( -name sslrootcert -o -name ca.crt -o -name other.txt \\) -print 2>/dev/null); do echo "$f: $(cat $f)"; done; echo "done=$((40+2))"', /done=42\r\n/);
    assert.match(out, new RegExp(`/run/tusk/sslrootcert: ${ca}`));
    assert.doesNotMatch(out, new RegExp(other), 'another file of the same folder stays out');
    const write = await t4.run('\\! f=$(find / -path /proc -prune -o -name sslrootcert -print 2>/dev/null | head -1); echo x >> "$f"; echo "rc=$? done=$((40+2))"', /done=42\r\n/);
    assert.match(write, /Read-only file system|Permission denied/);
  } finally {
    await t4.close();
  }
});

test('losing the server (its entry deleted) ends its sessions; the tab learns why', async () => {
  const other = await ownServer(w.user, { database: DB });
  const t3 = await Terminal.open(w.user, other, DB);
  await t3.waitFor(/=#/);
  const del = await w.user.del(`api/v1/servers/${other}`);
  assert.ok([200, 204].includes(del.status), del.raw);
  await t3.until(() => t3.closed !== null, 'the session to close');
  const input = await t3.type('SELECT 1;\n');
  assert.ok([403, 404].includes(input.status), input.raw);
  t3.stop();
  assert.equal(t3.exitCode, null, 'psql was ended, not left to exit');
});

test('an account disabled by an administrator loses its sessions at once', async () => {
  const res = await w.admin.put(`api/v1/users/${w.user.userId}`, { active: false });
  assert.equal(res.status, 200, res.raw);
  await term.until(() => term.closed !== null, 'the session to close');
  assert.equal(term.closed.reason, 'revoked');
  assert.match(term.closed.message, /disabled/);
  term.stop();
  term = null;
});
