// Attack (outsider round 5): the owner of a shared server collected the passwords other users had
// saved for it. bob saved his password for the team's shared server; its owner changed the
// server's port to a listener of theirs that asks for a clear-text password, and bob's next
// connect handed it over. Now a change of the address (host, port, hostaddr, service, TLS
// settings, SSH tunnel) forgets every user's saved secrets for that server; other edits keep them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startTusk } from '../lib/tusk.mjs';
import { world, login, pg, psql, ADMIN } from './lib.mjs';

/** A listener that speaks just enough PostgreSQL to ask for a clear-text password; `got` holds what arrived. */
async function passwordTrap() {
  const got = [];
  const srv = createServer((sock) => {
    let buf = Buffer.alloc(0);
    let stage = 0;
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        if (stage === 0 && buf.length >= 8) {
          const len = buf.readInt32BE(0), code = buf.readInt32BE(4);
          if (buf.length < len) return;
          buf = buf.subarray(len);
          if (code === 80877103 || code === 80877104) { sock.write('N'); continue; } // no TLS, no GSS
          stage = 1;
          sock.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3])); // AuthenticationCleartextPassword
          continue;
        }
        if (stage === 1 && buf.length >= 5) {
          const len = buf.readInt32BE(1);
          if (buf.length < len + 1) return;
          got.push(buf.subarray(5, len).toString('utf8').replace(/\0$/, ''));
          buf = buf.subarray(len + 1);
          sock.destroy();
        }
        return;
      }
    });
    sock.on('error', () => {});
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return { port: srv.address().port, got, close: () => new Promise((r) => srv.close(r)) };
}

test("moving a shared server forgets the passwords others saved for it; renaming it keeps them", async () => {
  psql("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sec_reader') THEN CREATE ROLE sec_reader LOGIN PASSWORD 'bob secret pw'; END IF; END $$");
  const w = await world();
  const trap = await passwordTrap();
  try {
    const made = await w.admin.post('api/v1/servers', { name: 'team db', host: pg.host, port: pg.port, username: pg.user, shared: true, shared_username: 'sec_reader' });
    assert.equal(made.status, 201, made.raw);
    const id = made.body.server.id;
    const bob = w.user;
    assert.equal((await bob.post(`api/v1/servers/${id}/connect`, { password: 'bob secret pw', save_password: true })).status, 200);
    assert.equal((await bob.post(`api/v1/servers/${id}/disconnect`, {})).status < 300, true);

    // an edit that leaves the address alone keeps the saved password
    assert.equal((await w.admin.put(`api/v1/servers/${id}`, { name: 'team db (prod)', comment: 'renamed' })).status, 200);
    const kept = (await bob.get(`api/v1/servers/${id}`)).body.server;
    assert.equal(kept.has_saved_password, true, 'renaming keeps it');

    // the owner points it at the trap
    const moved = await w.admin.put(`api/v1/servers/${id}`, { port: trap.port });
    assert.equal(moved.status, 200, moved.raw);
    assert.equal((await bob.get(`api/v1/servers/${id}`)).body.server.has_saved_password, false, 'moving forgets it');
    const connect = await bob.post(`api/v1/servers/${id}/connect`, {});
    assert.notEqual(connect.status, 200, connect.raw);
    assert.deepEqual(trap.got.filter((p) => p.includes('bob secret pw')), [], 'the trap received no saved password');

    // the audit log says so
    const audit = (await w.admin.get('api/v1/audit?event=server_moved')).body;
    assert.equal(audit.total, 1);
    assert.match(audit.entries[0].detail, /address changed; saved passwords forgotten/);
  } finally {
    await trap.close();
    await w.t.stop();
  }
});

test('the owner\'s own saved password is forgotten too when the address changes', async () => {
  const t = await startTusk({ env: { TUSK_PG_BIN_DIR: pg.bin } });
  const trap = await passwordTrap();
  try {
    const c = await login(t, ADMIN);
    const id = (await c.post('api/v1/servers', { name: 'mine', host: pg.host, port: pg.port, username: pg.user })).body.server.id;
    assert.equal((await c.post(`api/v1/servers/${id}/connect`, { password: pg.password, save_password: true })).status, 200);
    assert.equal((await c.put(`api/v1/servers/${id}`, { host: '127.0.0.1', port: trap.port })).status, 200);
    assert.equal((await c.get(`api/v1/servers/${id}`)).body.server.has_saved_password, false);
    await c.post(`api/v1/servers/${id}/connect`, {});
    assert.deepEqual(trap.got.filter((p) => p === pg.password), []);
  } finally {
    await trap.close();
    await t.stop();
  }
});
