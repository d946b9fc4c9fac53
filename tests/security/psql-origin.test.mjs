// Whose file the PSQL tool may bind is decided by origin, not location
// (second outside round, issue 21):
// - the operator's client key (TUSK_FILE_DIRS) was refused as sslkey only:
//   named as sslrootcert, sslcert or sslcrl (sslmode=disable) it was bound
//   and `\! cat` printed it (script 21);
// - with TUSK_FILE_DIRS inside the data directory (<data>/certs, the one
//   volume a container has) any file under the data directory counted as
//   the user's own storage, the key included (script 28).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, runTusk } from '../lib/tusk.mjs';
import { Terminal } from '../lib/psqltool.mjs';
import { world, ownServer, token, upload } from './lib.mjs';

const worlds = [];
after(async () => {
  for (const w of worlds) assert.equal(await w.t.stop(), 0, w.t.output());
});

let runs = 0;
async function run(term, line) {
  const end = `END-${++runs}-${token()}`;
  const seen = await term.run(`${line}\n\\echo ${end}`, new RegExp(`[\\r\\n]${end}\\r\\n`));
  return seen.slice(seen.indexOf('\x1b[?2004l')); // what the line printed, not its echo
}

const pem = (label, body) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;

test("an operator's key named as any file parameter is never bound; certificates alone are, at a fixed path", async () => {
  const certs = realpathSync(tempDir('tusk-certs-'));
  const KEY = `OPERATOR-KEY-${token()}`;
  const key = join(certs, 'client.key');
  writeFileSync(key, pem('PRIVATE KEY', KEY), { mode: 0o600 });
  const MIXED = `MIXED-KEY-${token()}`;
  const mixed = join(certs, 'client-with-key.pem'); // a certificate with its key in one file
  writeFileSync(mixed, pem('CERTIFICATE', 'MIIBcert') + pem('RSA PRIVATE KEY', MIXED), { mode: 0o600 });
  const RAW = `RAW-${token()}`;
  const raw = join(certs, 'notes.txt'); // no certificate at all
  writeFileSync(raw, RAW);
  const CA = `OPERATOR-CA-${token()}`;
  writeFileSync(join(certs, 'ca.crt'), pem('CERTIFICATE', CA));
  const w = await world({ env: { TUSK_ENABLE_PSQL: 'true', TUSK_FILE_DIRS: certs } });
  worlds.push(w);

  for (const [file, secret] of [[key, KEY], [mixed, MIXED], [raw, RAW]])
    for (const param of ['sslkey', 'sslrootcert', 'sslcert', 'sslcrl']) {
      const srv = await ownServer(w.user, { params: { sslmode: 'disable', [param]: file } });
      const res = await w.user.post(`api/v1/servers/${srv}/psql`, { database: 'postgres', cols: 80, rows: 24 });
      assert.equal(res.status, 403, `${param}=${file}: ${res.raw}`);
      assert.match(res.body.error.message, /TUSK_FILE_DIRS/);
      assert.doesNotMatch(res.raw, new RegExp(secret));
    }

  const withCa = await ownServer(w.user, { params: { sslmode: 'disable', sslrootcert: join(certs, 'ca.crt') } });
  const term = await Terminal.open(w.user, withCa);
  await term.waitFor(/postgres=#/);
  const out = await run(term, `\\! cat /run/tusk/sslrootcert; cat '${key}' 2>&1; ls '${certs}' 2>&1; echo "done=$((40+2))"`);
  assert.match(out, new RegExp(CA), 'the certificate is there, at /run/tusk/sslrootcert');
  assert.doesNotMatch(out, new RegExp(`${KEY}|${MIXED}|${RAW}`));
  assert.match(out, /No such file or directory/, 'nothing at its host path');
  await term.close();

  // the user's own key (their storage) is theirs to use and read
  const MINE = `my-own-key-${token()}`;
  await upload(w.user, 'keys/mine.key', MINE);
  const withMine = await ownServer(w.user, { params: { sslmode: 'disable', sslkey: 'keys/mine.key' } });
  const own = await Terminal.open(w.user, withMine);
  await own.waitFor(/postgres=#/);
  const mine = await run(own, `\\! cat /run/tusk/sslkey; echo "done=$((40+2))"`);
  assert.match(mine, new RegExp(MINE));
  await own.close();
});

test('a TUSK_FILE_DIRS folder inside the data directory (or holding it) is refused at start, saying why', async () => {
  const data = join(realpathSync(tempDir('tusk-data-')), 'data');
  mkdirSync(join(data, 'certs'), { recursive: true });
  writeFileSync(join(data, 'certs/client.key'), pem('PRIVATE KEY', 'x'), { mode: 0o600 });
  for (const dirs of [join(data, 'certs'), data, `/nonexistent-${token()}:${join(data, '..')}`]) {
    const r = await runTusk({ env: { TUSK_FILE_DIRS: dirs }, args: ['--data-dir', data, '--port', '0'] });
    assert.notEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, /TUSK_FILE_DIRS folder .* (lies in|holds) Tusk's data directory/);
  }
  // a folder beside it is fine
  const beside = realpathSync(tempDir('tusk-certs-'));
  const w = await world({ env: { TUSK_ENABLE_PSQL: 'true', TUSK_FILE_DIRS: beside }, dataDir: join(data, '..', 'data2') });
  worlds.push(w);
});
