// Attack (outsider round 6): one logged-in user filled the connection table. A connection that
// carried a logged-in request is exempt from the stranger's header deadline and from eviction,
// so 63 of them (streams, idle keep-alives, slow uploads) left an administrator 503 on every new
// connection. Now one account holds at most TUSK_MAX_CONNECTIONS_PER_USER exempt connections;
// past it a request is answered 429 and its connection is a stranger's again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
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
