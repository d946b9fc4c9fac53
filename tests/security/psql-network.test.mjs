// The PSQL tool's network, attacked from inside the tab as a user would:
// psql runs in a network namespace of its own with loopback only, and
// reaches its server entry's host through Tusk's relay on 127.0.0.1:5432
// there. \connect to another cluster on this host (by address or by its
// socket directory), to the entry's server by its real address, to the
// cloud's metadata address, to Tusk's own HTTP port, and a shell's
// /dev/tcp: each is refused; the relay leads to the entry's server and
// nowhere else, and checks each connection when it is made (a user who
// disconnected the server gets Tusk's reason as psql's error).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster } from '../lib/pg.mjs';
import { Terminal } from '../lib/psqltool.mjs';
import { world, ownServer, pg, psql, token } from './lib.mjs';

const DB = 'sec_psql_net';
let w, server, term, other;

before(async () => {
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  psql(`CREATE DATABASE ${DB}`);
  other = startCluster(); // another PostgreSQL on this host that the user has no entry for
  w = await world({ env: { TUSK_ENABLE_PSQL: 'true' } });
  server = await ownServer(w.user, { database: DB });
  term = await Terminal.open(w.user, server, DB);
  await term.waitFor(new RegExp(`${DB}=#`));
});

after(async () => {
  await term?.close();
  assert.equal(await w.t.stop(), 0, w.t.output());
  other?.destroy();
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

let runs = 0;
/** Runs a line in t and returns its output up to a marker echoed after it. */
async function run(line, t = term, ms = 20000) {
  const end = `END-${++runs}-${token()}`;
  return t.run(`${line}\n\\echo ${end}`, new RegExp(`[\\r\\n]${end}\\r\\n`), ms);
}

/** The session is still connected to its own server and database. */
async function stillHome(t = term) {
  const out = await run("SELECT current_database() || '@' || inet_server_port() AS home;", t);
  assert.match(out, new RegExp(`${DB}@${pg.port}`), out);
}

test('\\connect to another cluster on this host is refused, by address and by socket directory', async () => {
  const byAddr = await run(`\\c "host=127.0.0.1 port=${other.port} dbname=postgres user=${other.user} password=${other.password}"`);
  assert.match(byAddr, /Connection refused/, byAddr);
  assert.match(byAddr, /Previous connection kept/);
  const byName = await run(`\\c "host=localhost port=${other.port} dbname=postgres user=${other.user} password=${other.password}"`);
  assert.match(byName, /Connection refused|Cannot assign requested address|could not connect/, byName);
  assert.doesNotMatch(byName, /You are now connected/);
  const bySocket = await run(`\\c "host=${other.dir}/socket port=${other.port} dbname=postgres user=${other.user} password=${other.password}"`);
  assert.match(bySocket, /No such file or directory/, bySocket);
  assert.doesNotMatch(bySocket, /You are now connected/);
  await stillHome();
});

test("the entry's server by its real address is refused too; the sandbox's 127.0.0.1:5432 leads to it alone", async () => {
  if (pg.port !== 5432) {
    const real = await run(`\\c "host=127.0.0.1 port=${pg.port} dbname=postgres user=${pg.user}"`);
    assert.match(real, /Connection refused/, real);
  }
  const other5433 = await run(`\\c "host=127.0.0.1 port=5433 dbname=postgres user=${pg.user}"`);
  assert.match(other5433, /Connection refused/, other5433);
  // another database of the same server: through the relay, as psql was told
  const relayed = await run(`\\c "host=127.0.0.1 port=5432 dbname=postgres user=${pg.user} passfile=/run/tusk/pgpass"`);
  assert.match(relayed, /You are now connected to database "postgres"/, relayed);
  const where = await run("SELECT 'port=' || inet_server_port() AS p;");
  assert.match(where, new RegExp(`port=${pg.port}\\b`));
  await run(`\\c ${DB}`);
  await stillHome();
});

test('the cloud metadata address is unreachable at once: no route leaves the namespace', async () => {
  const t0 = Date.now();
  const out = await run('\\c "host=169.254.169.254 port=80 dbname=x connect_timeout=5"');
  assert.match(out, /Network is unreachable/, out);
  const shell = await run("\\! bash -c 'exec 3<>/dev/tcp/169.254.169.254/80 && echo opened-$((6*7))' 2>&1; echo shell-done");
  assert.match(shell, /Network is unreachable/, shell);
  assert.doesNotMatch(shell, /opened-42/);
  assert.ok(Date.now() - t0 < 5000, 'refused by the kernel at once, not after a timeout');
  await stillHome();
});

test("Tusk's own HTTP port is out of reach from psql and from its shell", async () => {
  const port = new URL(w.t.url).port;
  const out = await run(`\\c "host=127.0.0.1 port=${port} dbname=x"`);
  assert.match(out, /Connection refused/, out);
  const shell = await run(`\\! bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port} && echo opened-$((6*7))' 2>&1; echo shell-done`);
  assert.match(shell, /Connection refused/, shell);
  assert.doesNotMatch(shell, /opened-42/);
  // the namespace has loopback alone: any other address of this host is unreachable
  const lan = await run("\\! bash -c 'exec 3<>/dev/tcp/10.255.255.1/5432 && echo opened-$((6*7))' 2>&1; echo shell-done");
  assert.match(lan, /Network is unreachable/, lan);
  await stillHome();
});

test("\\setenv PGHOST and PGPORT lead nowhere else: psql's libpq sees the sandbox's network only", async () => {
  const out = await run(`\\setenv PGHOST 127.0.0.1\n\\setenv PGPORT ${other.port}\n\\! ${pg.bin}/psql -X -w -d postgres -c 'SELECT 1' 2>&1; echo shell-done`);
  assert.match(out, /Connection refused/, out);
});

test('each connection is checked when psql makes it: after the user disconnects the server, \\connect gets Tusk\'s reason', async () => {
  const mine = await ownServer(w.user, { database: DB });
  const t2 = await Terminal.open(w.user, mine, DB);
  try {
    await t2.waitFor(/=#/);
    const res = await w.user.post(`api/v1/servers/${mine}/disconnect`, {});
    assert.ok([200, 204].includes(res.status), res.raw);
    const out = await run(`\\c ${DB}`, t2);
    assert.match(out, /FATAL:\s+Tusk did not relay this connection to the server: Connect to this server first/, out);
    assert.doesNotMatch(out, /You are now connected/);
    // connected again: the next \connect goes through
    const con = await w.user.post(`api/v1/servers/${mine}/connect`, { password: pg.password });
    assert.equal(con.status, 200, con.raw);
    const again = await run(`\\c ${DB}`, t2);
    assert.match(again, /You are now connected/, again);
  } finally {
    await t2.close();
  }
});
