// make test-fresh, inside the fresh Debian 12: once `make run` printed that Tusk is ready, what a
// newcomer does next. /misc/ping answers; the login make run printed works; the demo PostgreSQL is
// registered and connects (its passfile, as root with the clone under /root). Runs on the Node.js
// that make run installed (Debian 12's 18). Exit 0 when all of that holds.
//   node tests/fresh/check-run.mjs RUN-LOG
import { readFileSync } from 'node:fs';

const log = readFileSync(process.argv[2], 'utf8');
const fail = (msg) => {
  console.error(`check-run: ${msg}\n--- make run's output ---\n${log.split('\n').slice(-40).join('\n')}`);
  process.exit(1);
};

const ready = /tusk ready url=(\S+)/.exec(log);
if (!ready) fail('make run printed no "tusk ready" line');
const base = ready[1];
const login = /First start: log in as (\S+) with password (\S+)/.exec(log);
if (!login) fail('make run printed no first-start login');
const [, email, password] = login;

const ping = await fetch(`${base}misc/ping`);
const pong = await ping.text();
if (ping.status !== 200 || pong !== 'PING') fail(`/misc/ping answered ${ping.status} ${pong}`);
console.log(`check-run: ${base}misc/ping answers PING`);

const res = await fetch(`${base}api/v1/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ email, password }),
});
if (res.status !== 200) fail(`logging in as ${email} with the printed password: ${res.status} ${await res.text()}`);
const session = await res.json();
const cookie = res.headers.get('set-cookie').split(';')[0];
const headers = { cookie, 'x-csrf-token': session.csrf_token, 'content-type': 'application/json' };
console.log(`check-run: logged in as ${email} with the printed password`);

const servers = await (await fetch(`${base}api/v1/servers`, { headers })).json();
const demo = servers.servers.find((s) => s.name === 'Demo PostgreSQL');
if (!demo) fail(`no demo server registered: ${JSON.stringify(servers)}`);
const conn = await fetch(`${base}api/v1/servers/${demo.id}/connect`, { method: 'POST', headers, body: '{}' });
if (conn.status !== 200) fail(`connecting the demo server: ${conn.status} ${await conn.text()}`);
const dbs = await (await fetch(`${base}api/v1/servers/${demo.id}/objects?path=/databases`, { headers })).json();
if (!dbs.nodes?.some((n) => n.label === 'demo')) fail(`the demo database is not listed: ${JSON.stringify(dbs)}`);
console.log('check-run: the demo PostgreSQL connects and lists its database demo');
