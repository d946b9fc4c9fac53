// What every security test starts from: a real tusk in server mode, its
// administrator, and an ordinary user (the attacker) with a server entry of
// their own to the test cluster. Attacks are sent as that user would send
// them; the checks look at the host (marker files), PostgreSQL's own log
// and catalog, and the store.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTusk, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { pg, psql } from '../lib/pg.mjs';

export { pg, psql, ADMIN };

export const ATTACKER = { email: 'mallory@tusk.local', password: 'mallory password 1' };

export async function login(t, who) {
  const c = new Client(t.url);
  const res = await c.post('api/v1/auth/login', who);
  assert.equal(res.status, 200, res.raw);
  c.csrf = res.body.csrf_token;
  c.userId = res.body.user.id;
  return c;
}

/** A tusk, its administrator, and a logged-in ordinary user. */
export async function world({ env = {}, args = [], spawnWrap, dataDir } = {}) {
  const t = await startTusk({ env: { TUSK_PG_BIN_DIR: pg.bin, ...env }, args, spawnWrap, dataDir });
  const admin = await login(t, ADMIN);
  const made = await admin.post('api/v1/users', { ...ATTACKER, role: 'user' });
  assert.equal(made.status, 201, made.raw);
  const user = await login(t, ATTACKER);
  return { t, admin, user };
}

/** A server entry of c's own; connected with the cluster's password unless told otherwise. */
export async function ownServer(c, { params = {}, connect = true, database = 'postgres', ...fields } = {}) {
  const res = await c.post('api/v1/servers', {
    name: `srv-${randomBytes(3).toString('hex')}`,
    host: pg.host,
    port: pg.port,
    username: pg.user,
    maintenance_db: database,
    connection_params: params,
    ...fields,
  });
  assert.equal(res.status, 201, res.raw);
  const id = res.body.server.id;
  if (connect) {
    const con = await c.post(`api/v1/servers/${id}/connect`, { password: pg.password });
    assert.equal(con.status, 200, con.raw);
  }
  return id;
}

export const q = (path) => encodeURIComponent(path);

export async function upload(c, path, body) {
  const parts = path.split('/').slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    const made = await c.post('api/v1/files/folders', { path: parts.slice(0, i).join('/') });
    assert.ok([201, 409].includes(made.status), made.raw);
  }
  const res = await c.request('PUT', `api/v1/files/upload?path=${q(path)}&overwrite=true`, { body });
  assert.equal(res.status, 201, res.raw);
}

export async function startJob(c, serverId, kind, database, spec) {
  return c.post(`api/v1/servers/${serverId}/jobs`, { kind, database, spec });
}

export async function finished(c, jobId, ms = 60000) {
  const until = Date.now() + ms;
  for (;;) {
    const job = (await c.get(`api/v1/jobs/${jobId}`)).body.job;
    if (!['queued', 'running'].includes(job.state)) return job;
    if (Date.now() > until) throw new Error(`job ${jobId} still ${job.state}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function waitFor(check, what = 'a condition', ms = 20000) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A path on the host that an attack would create; absent at the start. short: in /tmp, for
 *  attacks hidden in names (PostgreSQL cuts names at 63 bytes). */
export function marker(name = 'marker', { short = false } = {}) {
  const path = short ? join('/tmp', `tsk-${randomBytes(4).toString('hex')}`) : join(tmpdir(), `tusk-sec-${name}-${randomBytes(6).toString('hex')}`);
  rmSync(path, { force: true });
  return path;
}

export function assertAbsent(path, what) {
  assert.ok(!existsSync(path), `${what}: ${path} was created on the host`);
}

/** A fresh database with log_statement=all, so PostgreSQL's log shows what ran in it. */
export function loggedDatabase(name) {
  psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  psql(`CREATE DATABASE ${name}`);
  psql(`ALTER DATABASE ${name} SET log_statement = 'all'`);
  psql('CREATE TABLE sec_marker (n int)', { db: name });
}

/** PostgreSQL's server log (the throwaway cluster's). */
export function serverLog() {
  return pg.dir && existsSync(join(pg.dir, 'server.log')) ? readFileSync(join(pg.dir, 'server.log'), 'utf8') : '';
}

/** A token no statement has carried yet: a script with it leaves it in the log only if it ran. */
export function token() {
  return `sec_${randomBytes(8).toString('hex')}`;
}
