// What psql's sandbox shows of the host, replayed from the second outside
// round (issue 21):
// - bwrap maps psql's uid to Tusk's: under a root Tusk (CI, `make run`)
//   psql is the host's uid 0, and the kernel lets uid 0 write /proc/sys
//   without any capability. `printf '|cmd' > /proc/sys/kernel/core_pattern`
//   then a crash ran a command as root on the host (scripts 25, 26). The
//   replay writes back the value already there (harmless if it succeeds).
// - /usr and /etc/ssl were bound whole: a data directory under /usr
//   (tusk.db) and a key in /etc/ssl/private were readable (script 24).
// - the sandbox's service file named <data>/child-home/none (script 23).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Terminal } from '../lib/psqltool.mjs';
import { world, ownServer, token } from './lib.mjs';

const worlds = [];
const made = [];
after(async () => {
  for (const w of worlds) assert.equal(await w.t.stop(), 0, w.t.output());
  for (const p of made) rmSync(p, { recursive: true, force: true });
});

async function tuskWith(env = {}, dataDir) {
  const w = await world({ env: { TUSK_ENABLE_PSQL: 'true', ...env }, dataDir });
  worlds.push(w);
  return w;
}

let runs = 0;
async function run(term, line) {
  const end = `END-${++runs}-${token()}`;
  const seen = await term.run(`${line}\n\\echo ${end}`, new RegExp(`[\\r\\n]${end}\\r\\n`));
  return seen.slice(seen.indexOf('\x1b[?2004l')); // what the line printed, not its echo
}

test('no /proc file takes a write from the sandbox: no sysctl (core_pattern, ip_forward), no sysrq-trigger', async () => {
  const w = await tuskWith();
  const server = await ownServer(w.user);
  const term = await Terminal.open(w.user, server);
  await term.waitFor(/postgres=#/);
  // the attack's first step, writing back what is there: the host's uid 0 could before
  const out = await run(
    term,
    `\\! for f in /proc/sys/kernel/core_pattern /proc/sys/net/ipv4/ip_forward /proc/sys/vm/drop_caches /proc/sys/kernel/hostname; do ` +
      `v=$(cat $f 2>/dev/null); if [ "$f" = /proc/sys/vm/drop_caches ]; then v=1; fi; ` +
      `if printf '%s\\n' "$v" > $f 2>/dev/null; then printf 'WRO-%s %s\\n' TE $f; else echo "refused $f"; fi; done; ` +
      `printf x > /proc/sysrq-trigger 2>/dev/null && printf 'WRO-%s %s\\n' TE /proc/sysrq-trigger; ` +
      `find /proc -path '/proc/[0-9]*' -prune -o -writable -type f -print 2>/dev/null | head | while read f; do echo "WRIT-""ABLE $f"; done; ` +
      `echo "uid=$(id -u) done=$((40+2))"`,
  );
  assert.match(out, /done=42/);
  assert.match(out, /refused \/proc\/sys\/kernel\/core_pattern/);
  assert.doesNotMatch(out, /WRO-TE|WRIT-ABLE/);
  await term.close();
  if (process.getuid() === 0) assert.match(w.t.output(), /Tusk runs as root: the PSQL tool's psql then runs as the host's uid 0/);
});

test("/etc/ssl/private is not in the sandbox (a key of Tusk's or the operator's there stayed readable)", async () => {
  const dir = '/etc/ssl/private';
  const name = `tusk-test-${token()}.key`;
  const KEY = `HOST-KEY-${token()}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), `-----BEGIN PRIVATE KEY-----\n${KEY}\n-----END PRIVATE KEY-----\n`, { mode: 0o600 });
  made.push(join(dir, name));
  const w = await tuskWith({ TUSK_LDAP_KEY_FILE: join(dir, name) });
  const server = await ownServer(w.user);
  const term = await Terminal.open(w.user, server);
  await term.waitFor(/postgres=#/);
  const out = await run(term, `\\! cat '${join(dir, name)}' 2>&1; ls /etc/ssl 2>&1; ls /etc/ssl/certs | head -3; echo "done=$((40+2))"`);
  assert.match(out, /done=42/);
  assert.doesNotMatch(out, new RegExp(KEY));
  assert.doesNotMatch(out, /(^|\s)private(\s|$)/m, "ls /etc/ssl lists no private/");
  assert.match(out, /No such file or directory/);
  await term.close();
});

test('a data directory under /usr (started from a folder there): the PSQL tool is refused, saying why, and tusk.db stays out', async () => {
  const root = `/usr/local/tusk-test-${token()}`;
  made.push(root);
  mkdirSync(root, { recursive: true });
  const data = join(root, 'data');
  const w = await tuskWith({}, data);
  assert.match(w.t.output(), /the PSQL tool is refused while a file of Tusk's lies where its sandbox shows/);
  const server = await ownServer(w.user);
  const res = await w.user.post(`api/v1/servers/${server}/psql`, { database: 'postgres', cols: 80, rows: 24 });
  assert.equal(res.status, 403, res.raw);
  assert.match(res.body.error.message, /data directory/);
  assert.match(res.body.error.message, /lies in \/usr/);
});

test('a secret or TUSK_FILE_DIRS folder under /usr: the PSQL tool is refused, saying which', async () => {
  const certs = `/usr/local/share/tusk-test-${token()}`;
  made.push(certs);
  mkdirSync(certs, { recursive: true });
  writeFileSync(join(certs, 'client.key'), `-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n`, { mode: 0o600 });
  const w = await tuskWith({ TUSK_FILE_DIRS: certs });
  const server = await ownServer(w.user);
  const res = await w.user.post(`api/v1/servers/${server}/psql`, { database: 'postgres', cols: 80, rows: 24 });
  assert.equal(res.status, 403, res.raw);
  assert.match(res.body.error.message, /TUSK_FILE_DIRS/);
  assert.match(res.body.error.message, new RegExp(`${certs}, lies in /usr`));
});

test("the sandbox's service file names fixed paths of the sandbox's, never Tusk's data directory", async () => {
  const w = await tuskWith();
  const server = await ownServer(w.user, { params: { sslmode: 'prefer' } });
  const term = await Terminal.open(w.user, server);
  await term.waitFor(/postgres=#/);
  const out = await run(term, `\\! cat /run/tusk/pg_service.conf; echo "done=$((40+2))"`);
  assert.match(out, /done=42/);
  assert.match(out, /\[tusk\]/);
  assert.doesNotMatch(out, new RegExp(w.t.dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.doesNotMatch(out, /child-home/);
  assert.match(out, /=\/run\/tusk\/none\r?\n/, 'the files the entry leaves unset name a fixed missing path');
  await term.close();
});
