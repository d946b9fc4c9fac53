// Attack: an ordinary user uploads a plain SQL "backup" holding psql
// meta-commands (a shell escape, a pipe, a client-side file read or write,
// an environment change) and restores it. Each is refused before a single
// statement runs: the job fails and says why, no marker appears on the host,
// the script's SQL is in neither the table it writes nor PostgreSQL's log.
// Also when the user's server entry turns standard_conforming_strings off to
// make Tusk and the server disagree on where a string ends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  world, ownServer, upload, startJob, finished, marker, assertAbsent, loggedDatabase, serverLog, token, psql,
} from './lib.mjs';

const DB = 'sec_restore';
let w, plain, sccOff;

before(async () => {
  loggedDatabase(DB);
  w = await world();
  plain = await ownServer(w.user, { database: DB });
  sccOff = await ownServer(w.user, { database: DB, params: { options: '-c standard_conforming_strings=off' } });
});

after(async () => {
  assert.equal(await w.t.stop(), 0, w.t.output());
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

/** The attacks: each a script whose meta-command would touch the marker path m. */
const attacks = [
  ['shell escape', (m) => `\\! touch ${m}`],
  ['shell escape after blanks', (m) => `   \\! touch ${m}`],
  ['output to a pipe', (m) => `\\o |touch ${m}\nSELECT 1;`],
  ['query output to a pipe', (m) => `SELECT 1 \\g |touch ${m}`],
  ['query output to a file', (m) => `SELECT 1 \\g ${m}`],
  ['buffer written to a file', (m) => `SELECT 1\n\\w ${m}`],
  ['client-side COPY to a program', (m) => `\\copy (SELECT 1) TO PROGRAM 'touch ${m}'`],
  ['client-side COPY to a file', (m) => `\\copy (SELECT 1) TO '${m}'`],
  ['an environment variable, then a shell', (m) => `\\setenv PAGER 'touch ${m}'\n\\! true`],
  ['reading a host file', () => '\\i /etc/passwd'],
  ["reading Tusk's environment", () => '\\i /proc/self/environ'],
  ['a variable and gexec', () => "\\set x 1\nSELECT 'SELECT 1' \\gexec"],
  ['large object export', (m) => `\\lo_export 1 '${m}'`],
  ['changing directory', () => '\\cd /'],
  ['connecting to another host', () => '\\connect -reuse-previous=on "host=127.0.0.1 dbname=postgres"'],
  ['connecting as another user', () => '\\connect postgres postgres'],
  ['a meta-command after COPY data', (m) => `COPY sec_marker FROM stdin;\n7\n\\.\n\\! touch ${m}`],
  ['a meta-command behind an escaped quote', (m) => `SELECT 'a\\'; \\! touch ${m} #';`],
  ['a meta-command after a string continued on the next line', (m) => `SELECT 'a'\n'b';\n\\! touch ${m}`],
];

for (const [name, attack] of attacks) {
  test(`a restored script is refused before it runs: ${name}`, async () => {
    const m = marker('restore');
    const tok = token();
    const script = `-- looks like a dump\nINSERT INTO sec_marker VALUES (1); SELECT '${tok}';\n${attack(m)}\nSELECT '${tok}_after';\n`;
    await upload(w.user, 'evil.sql', script);
    for (const server of [plain, sccOff]) {
      for (const spec of [{}, { single_transaction: true }, { exit_on_error: true }]) {
        const res = await startJob(w.user, server, 'restore', DB, { file: 'evil.sql', ...spec });
        assert.equal(res.status, 201, res.raw);
        const job = await finished(w.user, res.body.job.id);
        assert.equal(job.state, 'failed', `${name}: ${JSON.stringify(job)}`);
        assert.match(job.reason, /tusk sql-client exited with code 1: line \d+: the script holds the psql command \\.*refused.*Nothing was run/);
        assertAbsent(m, name);
        assert.equal(psql('SELECT count(*) FROM sec_marker', { db: DB }), '0', 'no statement of the script ran');
      }
    }
    assert.ok(!serverLog().includes(tok), `PostgreSQL's log shows none of the script (${name})`);
  });
}

test('a script that turns standard_conforming_strings off runs as SQL: its backslashes never reach psql', async () => {
  const m = marker('scs');
  const tok = token();
  // with the setting off, the whole line is one string literal; nothing here is a psql command
  const script = `SET standard_conforming_strings = off;\nSELECT '${tok} \\' \\! touch ${m} #';\n`;
  await upload(w.user, 'scs.sql', script);
  const res = await startJob(w.user, plain, 'restore', DB, { file: 'scs.sql', exit_on_error: true });
  const job = await finished(w.user, res.body.job.id);
  assert.equal(job.state, 'succeeded', JSON.stringify(job));
  assertAbsent(m, 'string literal with a backslash');
  assert.ok(serverLog().includes(tok), 'the SELECT ran as one statement');
});

test('what pg_dump writes still restores: \\connect, \\restrict, COPY data with backslashes', async () => {
  const tok = token();
  const script = [
    '\\restrict AbC123',
    'SET standard_conforming_strings = on;',
    `CREATE TABLE IF NOT EXISTS sec_copy (t text);`,
    'COPY sec_copy (t) FROM stdin;',
    `${tok}\\tx\\\\y`,
    '\\N',
    '\\.',
    `\\connect ${DB}`,
    `\\connect -reuse-previous=on "dbname='${DB}'"`,
    `SELECT '${tok}_connected';`,
    '\\unrestrict AbC123',
    '',
  ].join('\n');
  await upload(w.user, 'dump.sql', script);
  const res = await startJob(w.user, plain, 'restore', DB, { file: 'dump.sql', exit_on_error: true });
  const job = await finished(w.user, res.body.job.id);
  const log = (await w.user.get(`api/v1/jobs/${job.id}/log`)).raw;
  assert.equal(job.state, 'succeeded', `${JSON.stringify(job)}\n${log}`);
  assert.equal(psql(`SELECT count(*) FROM sec_copy WHERE t = E'${tok}\\tx\\\\y'`, { db: DB }), '1');
  assert.equal(psql('SELECT count(*) FROM sec_copy WHERE t IS NULL', { db: DB }), '1');
  assert.match(log, /You are now connected to database "sec_restore"/);
  assert.ok(serverLog().includes(`${tok}_connected`));
  psql('DROP TABLE sec_copy', { db: DB });
});

test('the job log names the refused line and command, and Tusk\'s own log holds none of the script', async () => {
  const m = marker('log');
  await upload(w.user, 'evil2.sql', `SELECT 1;\nSELECT 2;\n\\! touch ${m}\n`);
  const res = await startJob(w.user, plain, 'restore', DB, { file: 'evil2.sql' });
  const job = await finished(w.user, res.body.job.id);
  const log = (await w.user.get(`api/v1/jobs/${job.id}/log`)).raw;
  assert.match(log, /line 3: the script holds the psql command \\!, which is refused/);
  assertAbsent(m, 'shell escape');
  assert.ok(!readFileSync(w.t.logPath, 'utf8').includes(m), 'the marker path is not in Tusk\'s log');
});
