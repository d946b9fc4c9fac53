// A Tusk with the test administrator logged in and the test cluster
// registered and connected as server "pg": what most API tests start from.
import assert from 'node:assert/strict';
import { startTusk, ADMIN } from './tusk.mjs';
import { Client } from './http.mjs';
import { pg } from './pg.mjs';

/** Starts Tusk (OPTS as startTusk takes them); {t, c (logged in, CSRF set), id (the connected server)}. */
export async function connectedAdmin(opts = {}) {
  const t = await startTusk(opts);
  const c = new Client(t.url);
  c.csrf = (await c.post('api/v1/auth/login', ADMIN)).body.csrf_token;
  const id = (await c.post('api/v1/servers', { name: 'pg', host: pg.host, port: pg.port, username: pg.user })).body.server.id;
  assert.equal((await c.post(`api/v1/servers/${id}/connect`, { password: pg.password })).status, 200);
  return { t, c, id };
}
