// Attack (outsider round 6): one logged-in user filled the connection table. A connection that
// carried a logged-in request is exempt from the stranger's header deadline and from eviction,
// so 63 of them (streams, idle keep-alives, slow uploads) left an administrator 503 on every new
// connection. Now one account holds at most TUSK_MAX_CONNECTIONS_PER_USER exempt connections;
// past it a request is answered 429 and its connection is a stranger's again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { world } from './lib.mjs';

function hold(t, c, path) {
  const ctrl = new AbortController();
  const opened = fetch(new URL(path, t.url), { headers: { cookie: c.cookieHeader() }, signal: ctrl.signal })
    .then((res) => ({ status: res.status, body: res.body }))
    .catch(() => ({ status: 0 }));
  return { opened, close: () => ctrl.abort() };
}

test('one user cannot hold every connection: past TUSK_MAX_CONNECTIONS_PER_USER a request gets 429, others are served', async () => {
  const w = await world({ env: { TUSK_MAX_CONNECTIONS_PER_USER: '6', TUSK_MAX_CONNECTIONS: '32' } });
  try {
    const held = [];
    for (let i = 0; i < 6; i++) {
      const h = hold(w.t, w.user, 'api/v1/stream');
      held.push(h);
      assert.equal((await h.opened).status, 200, `stream ${i}`);
    }
    // a seventh connection of the same user: refused, saying why
    const more = hold(w.t, w.user, 'api/v1/stream');
    const r = await more.opened;
    assert.equal(r.status, 429);
    const text = await new Response(r.body).text();
    assert.match(text, /too_many_user_connections/);
    more.close();
    // the administrator is served meanwhile
    assert.equal((await w.admin.get('api/v1/auth/me')).status, 200);
    // a closed connection frees its place
    held.pop().close();
    let again;
    for (let i = 0; i < 50; i++) {
      again = hold(w.t, w.user, 'api/v1/stream');
      if ((await again.opened).status === 200) break;
      again.close();
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal((await again.opened).status, 200);
    again.close();
    for (const h of held) h.close();
  } finally {
    await w.t.stop();
  }
});

/** A raw keep-alive connection that sends one logged-in request and then stays idle. */
function idleKeepAlive(t, cookie) {
  const u = new URL(t.url);
  return new Promise((res) => {
    const sock = createConnection({ host: u.hostname, port: Number(u.port) }, () => {
      sock.write(`GET ${u.pathname}api/v1/auth/me HTTP/1.1\r\nHost: ${u.host}\r\nCookie: ${cookie}\r\nConnection: keep-alive\r\n\r\n`);
    });
    let got = '';
    sock.on('data', (d) => {
      got += d;
      if (/\r\n\r\n/.test(got)) res({ sock, status: Number(got.slice(9, 12)) });
    });
    sock.on('error', () => res({ sock, status: 0 }));
  });
}

test("a logged-out account's idle connections lose the exemption: they make room for others (outsider round 6, LOGOUT=1)", async () => {
  const w = await world({ env: { TUSK_MAX_CONNECTIONS: '24', TUSK_MAX_CONNECTIONS_PER_USER: '0' } });
  try {
    const cookie = w.user.cookieHeader();
    const idle = [];
    for (let i = 0; i < 22; i++) idle.push(await idleKeepAlive(w.t, cookie));
    assert.ok(idle.every((c) => c.status === 200), idle.map((c) => c.status).join(' '));
    // logging out is possible at any count, and ends the exemption of those connections
    assert.equal((await w.user.post('api/v1/auth/logout', {})).status < 300, true);
    // new connections of others are served: the idle ones are evicted as strangers' now
    for (let i = 0; i < 5; i++) {
      const fresh = await idleKeepAlive(w.t, w.admin.cookieHeader());
      assert.equal(fresh.status, 200, `administrator's connection ${i}`);
      fresh.sock.destroy();
    }
    for (const c of idle) c.sock.destroy();
  } finally {
    await w.t.stop();
  }
});
