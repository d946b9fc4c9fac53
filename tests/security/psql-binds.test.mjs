// What the PSQL tool binds into psql's sandbox besides the system: psql's
// own program and libraries, and the files the server entry names. Two
// ways the outsider round read what is Tusk's through them:
// - psql installed beside Tusk's data (TUSK_PG_BIN_DIR=/opt/tusk/bin, data
//   in /opt/tusk/data): the whole /opt/tusk was bound, tusk.db and every
//   user's passfiles with it (script 15);
// - a client key of the operator's (TUSK_FILE_DIRS), which users may have
//   Tusk use but never read, was bound readable: `\! cat` printed it
//   (script 14).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../lib/tusk.mjs';
import { Terminal } from '../lib/psqltool.mjs';
import { world, ownServer, pg, token, upload } from './lib.mjs';

const worlds = [];
after(async () => {
  for (const w of worlds) assert.equal(await w.t.stop(), 0, w.t.output());
});

async function tuskWith(env, dataDir) {
  const w = await world({ env: { TUSK_ENABLE_PSQL: 'true', ...env }, dataDir });
  worlds.push(w);
  return w;
}

let runs = 0;
async function run(term, line) {
  const end = `END-${++runs}-${token()}`;
  return term.run(`${line}\n\\echo ${end}`, new RegExp(`[\\r\\n]${end}\\r\\n`));
}

/** What a \! shell sees of Tusk's data directory (and that it is there on the host). */
async function assertDataHidden(term, dataDir) {
  const out = await run(term, `\\! ls -a '${dataDir}' '${dataDir}/jobs' 2>&1; head -c 16 '${dataDir}/tusk.db' 2>&1; cat '${dataDir}'/jobs/*.pass 2>&1; echo "done=$((40+2))"`);
  assert.match(out, /done=42/);
  assert.doesNotMatch(out, /SQLite format/);
  assert.doesNotMatch(out, /\*:\*:\*:\*:/);
  assert.match(out, /No such file or directory/);
  return out;
}

test('psql linked from a folder beside the data directory (/opt/tusk/bin, /opt/tusk/data): the sandbox sees none of it', async () => {
  const root = join(realpathSync(tempDir('tusk-opt-')), 'opt/tusk');
  mkdirSync(join(root, 'bin'), { recursive: true });
  for (const p of ['psql', 'pg_dump', 'pg_restore', 'pg_dumpall']) symlinkSync(join(pg.bin, p), join(root, 'bin', p));
  const w = await tuskWith({ TUSK_PG_BIN_DIR: join(root, 'bin') }, join(root, 'data'));
  const server = await ownServer(w.user);
  const term = await Terminal.open(w.user, server);
  await term.waitFor(/postgres=#/);
  await assertDataHidden(term, join(root, 'data'));
  const listing = await run(term, `\\! ls '${root}' 2>&1; echo "done=$((40+2))"`);
  assert.match(listing, /No such file or directory/, 'not even the folder above bin/ is there');
  await term.close();
});

test('a psql built apart (/opt/tusk/bin/psql with its /opt/tusk/lib): the program and its lib/ are bound, the data beside them is not', async () => {
  const root = join(realpathSync(tempDir('tusk-opt-')), 'opt/tusk');
  mkdirSync(join(root, 'bin'), { recursive: true });
  mkdirSync(join(root, 'lib'), { recursive: true });
  mkdirSync(join(root, 'share'), { recursive: true });
  copyFileSync(realpathSync(join(pg.bin, 'psql')), join(root, 'bin/psql'));
  const libMarker = `lib-${token()}`;
  writeFileSync(join(root, 'lib/marker'), libMarker);
  writeFileSync(join(root, 'share/other'), 'share');
  writeFileSync(join(root, 'bin/neighbour'), 'neighbour');
  const w = await tuskWith({ TUSK_PG_BIN_DIR: join(root, 'bin') }, join(root, 'data'));
  const server = await ownServer(w.user);
  const term = await Terminal.open(w.user, server);
  await term.waitFor(/postgres=#/);
  await assertDataHidden(term, join(root, 'data'));
  const out = await run(term, `\\! ls '${root}'; ls '${root}/bin'; cat '${root}/lib/marker'; echo "done=$((40+2))"`);
  assert.match(out, new RegExp(libMarker), "psql's own lib/ is there");
  assert.doesNotMatch(out, /\bneighbour\b|\bshare\b|\bdata\b/, 'only bin/psql and lib/ are bound');
  await term.close();
});

test('a bound path that would hold the data directory is refused with a clear message', async () => {
  const root = realpathSync(tempDir('tusk-opt-'));
  mkdirSync(join(root, 'bin'), { recursive: true });
  copyFileSync(realpathSync(join(pg.bin, 'psql')), join(root, 'bin/psql'));
  symlinkSync('.', join(root, 'lib')); // psql's lib/ is the folder holding the data directory
  const w = await tuskWith({ TUSK_PG_BIN_DIR: join(root, 'bin') }, join(root, 'data'));
  const server = await ownServer(w.user);
  const res = await w.user.post(`api/v1/servers/${server}/psql`, { database: 'postgres', cols: 80, rows: 24 });
  assert.equal(res.status, 403, res.raw);
  assert.match(res.body.error.message, /psql's lib\/ folder/);
  assert.match(res.body.error.message, /data directory/);
});

test("an operator's client key (TUSK_FILE_DIRS) is never bound: the PSQL tool refuses the entry, certificates still work", async () => {
  const certs = realpathSync(tempDir('tusk-certs-'));
  const key = join(certs, 'client.key');
  const KEY = `OPERATOR-KEY-${token()}`;
  writeFileSync(key, `-----BEGIN PRIVATE KEY-----\n${KEY}\n-----END PRIVATE KEY-----\n`, { mode: 0o600 });
  const CA = `operator-ca-${token()}`;
  writeFileSync(join(certs, 'ca.crt'), `-----BEGIN CERTIFICATE-----\n${CA}\n-----END CERTIFICATE-----\n`);
  mkdirSync(join(certs, 'crl'));
  const w = await tuskWith({ TUSK_FILE_DIRS: certs });

  // the attack: the operator's key named by the user's own entry
  const withKey = await ownServer(w.user, { params: { sslmode: 'prefer', sslkey: key } });
  const res = await w.user.post(`api/v1/servers/${withKey}/psql`, { database: 'postgres', cols: 80, rows: 24 });
  assert.equal(res.status, 403, res.raw);
  assert.match(res.body.error.message, /client key \(sslkey\)/);
  assert.match(res.body.error.message, /TUSK_FILE_DIRS/);
  assert.doesNotMatch(res.raw, new RegExp(KEY));
  // a certificate of the operator's is bound alone (at /run/tusk/sslrootcert); the key beside it stays out
  const withCa = await ownServer(w.user, { params: { sslmode: 'prefer', sslrootcert: join(certs, 'ca.crt') } });
  const term = await Terminal.open(w.user, withCa);
  await term.waitFor(/postgres=#/);
  const out = await run(term, `\\! cat /run/tusk/sslrootcert; cat '${key}' 2>&1; ls '${certs}' 2>&1; echo "done=$((40+2))"`);
  assert.match(out, new RegExp(CA));
  assert.doesNotMatch(out, new RegExp(KEY));
  assert.doesNotMatch(out, /\bcrl\b/);
  await term.close();

  // a key of the user's own (their storage) is theirs to use and read
  const MINE = `my-own-key-${token()}`;
  await upload(w.user, 'keys/mine.key', MINE);
  const withMine = await ownServer(w.user, { params: { sslmode: 'prefer', sslkey: 'keys/mine.key' } });
  const own = await Terminal.open(w.user, withMine);
  await own.waitFor(/postgres=#/);
  const mine = await run(own, `\\! cat /run/tusk/sslkey; echo "done=$((40+2))"`);
  assert.match(mine, new RegExp(MINE));
  await own.close();
});

test("psql found as a link inside /usr (Debian's /usr/bin/psql wrapper) runs by the name it was found by", async () => {
  const w = await tuskWith({ TUSK_PG_BIN_DIR: '/usr/bin' });
  const server = await ownServer(w.user);
  const term = await Terminal.open(w.user, server);
  await term.waitFor(/postgres=#/);
  const out = await run(term, 'SELECT 40 + 2 AS answer;');
  assert.match(out, /\b42\b/);
  await term.close();
});
