// A PSQL tab whose psql stops reading its terminal (stopped from its own
// \! shell, or a \! command that reads nothing in raw mode) must not hold
// Tusk's connections: an input POST used to block in write() on the pty for
// ever, 72 of them filled TUSK_MAX_CONNECTIONS for everyone, and they kept
// Tusk from stopping on SIGTERM. Now an input gives up after 2 s without
// progress (409, saying so), another input of the same tab meanwhile is
// answered 409 at once, and closing the tab or stopping Tusk wakes a waiting
// one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Terminal } from '../lib/psqltool.mjs';
import { world, ownServer } from './lib.mjs';

const MAXC = 16;
const CHUNK = 'x'.repeat(60000);
let w, server;

before(async () => {
  w = await world({ env: { TUSK_ENABLE_PSQL: 'true', TUSK_MAX_CONNECTIONS: String(MAXC) } });
  server = await ownServer(w.user);
});

after(async () => {
  if (w.t.proc.exitCode === null && w.t.proc.signalCode === null) assert.equal(await w.t.stop(), 0, w.t.output());
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A tab whose psql no longer reads what is typed (trick: a line typed into it). */
async function deafTab(trick) {
  const term = await Terminal.open(w.user, server);
  await term.waitFor(/postgres=#/);
  assert.equal((await term.type(`${trick}\n`)).status, 204);
  await sleep(500);
  return term;
}

const timed = async (p) => {
  const t0 = Date.now();
  const res = await p;
  return { res, ms: Date.now() - t0 };
};

test('a paste of 60 KB into a psql that reads goes in whole (the bounded wait refuses nothing that moves)', async () => {
  const term = await Terminal.open(w.user, server);
  await term.waitFor(/postgres=#/);
  const res = await term.type(`SELECT length('${CHUNK}') AS pasted;\n`);
  assert.equal(res.status, 204, res.raw);
  await term.waitFor(/\b60000\b/, 20000);
  await term.close();
});

test(`psql stopped (kill -STOP): ${MAXC + 8} inputs are all answered within seconds, the others keep being served`, async () => {
  const term = await deafTab('\\! stty raw -echo; kill -STOP $PPID');
  const t0 = Date.now();
  const inputs = [];
  for (let i = 0; i < MAXC + 8; i++) {
    inputs.push(w.user.post(`api/v1/psql/${term.sid}/input`, { data: CHUNK }).catch((e) => ({ status: String(e) })));
    await sleep(20);
  }
  // while they are under way, an administrator and an anonymous client are answered
  const probe = await timed(w.admin.get('api/v1/auth/me'));
  assert.equal(probe.res.status, 200);
  assert.ok(probe.ms < 3000, `the administrator waited ${probe.ms} ms`);
  const health = await timed(fetch(new URL('healthz', w.t.url)));
  assert.equal(health.res.status, 200);
  const answers = await Promise.all(inputs);
  const took = Date.now() - t0;
  assert.ok(took < 15000, `the inputs took ${took} ms to be answered`);
  const statuses = answers.map((r) => r.status);
  for (const s of statuses) assert.ok(s === 204 || s === 409, `an input answered ${s}: ${statuses.join(',')}`);
  const refused = answers.filter((r) => r.status === 409);
  assert.ok(refused.length >= MAXC, `most inputs are refused: ${statuses.join(',')}`);
  for (const r of refused) {
    assert.equal(r.body.error.code, 'busy', r.raw);
    assert.match(r.body.error.message, /still being delivered|not reading what you type/);
  }
  assert.ok(refused.some((r) => /not reading what you type.*\d+ of 60000 bytes went in/.test(r.body.error.message)),
    'one input says psql stopped reading, and how much went in');
  // the connection table was never full: a new client is served at once
  const after = await timed(w.admin.get('api/v1/auth/me'));
  assert.equal(after.res.status, 200);
  assert.equal((await term.close()).status, 204);
});

test('\\! stty raw; sleep: the input waits 2 s at most, and closing the tab wakes it at once', async () => {
  const term = await deafTab('\\! stty raw -echo; sleep 100000');
  // fill the terminal's buffer: what psql does not read
  let stalled = null;
  for (let i = 0; i < 6 && !stalled; i++) {
    const { res, ms } = await timed(term.type(CHUNK));
    assert.ok(ms < 5000, `an input took ${ms} ms`);
    if (res.status === 409) stalled = { res, ms };
    else assert.equal(res.status, 204, res.raw);
  }
  assert.ok(stalled, 'the terminal buffer filled and an input was refused');
  assert.match(stalled.res.body.error.message, /psql is not reading what you type/);
  assert.ok(stalled.ms >= 1500, `it waited for psql first (${stalled.ms} ms)`);
  // another waits; the tab is closed meanwhile: the input ends with the session, not 2 s later
  const pending = timed(term.type(CHUNK));
  await sleep(300);
  const closedAt = Date.now();
  assert.equal((await term.close()).status, 204);
  const { res } = await pending;
  const woke = Date.now() - closedAt;
  assert.ok(woke < 1000, `the waiting input was answered ${woke} ms after the close`);
  assert.equal(res.status, 409, res.raw);
  assert.match(res.body.error.message, /psql has ended/);
});

test('SIGTERM stops Tusk while an input waits on a deaf psql', async () => {
  const term = await deafTab('\\! stty raw -echo; kill -STOP $PPID');
  const pending = [];
  for (let i = 0; i < 4; i++) pending.push(term.type(CHUNK).catch((e) => ({ status: String(e) })));
  await sleep(300);
  const t0 = Date.now();
  term.stop();
  const code = await w.t.stop('SIGTERM');
  const took = Date.now() - t0;
  assert.equal(code, 0, w.t.output());
  assert.ok(took < 10000, `Tusk took ${took} ms to stop`);
  await Promise.all(pending);
});
