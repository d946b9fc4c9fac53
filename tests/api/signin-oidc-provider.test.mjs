// The oauth2 source against oidc-provider (npm: a certified OpenID Connect provider) on
// 127.0.0.1: discovery, its JWKS, PKCE, its own login and consent forms followed by a
// browser-less client, and a key rotation (a new signing key: Tusk fetches the key set again).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTusk } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { startOidcProvider } from '../lib/oidc-provider.mjs';

let idp, t;
before(async () => {
  idp = await startOidcProvider();
  t = await startTusk({ env: {
    TUSK_AUTHENTICATION_SOURCES: 'internal,oauth2',
    TUSK_OAUTH2_CONFIG: JSON.stringify([{ OAUTH2_NAME: 'op', OAUTH2_CLIENT_ID: 'tusk', OAUTH2_CLIENT_SECRET: 'tusk-secret',
      OAUTH2_SERVER_METADATA_URL: idp.metadata, OAUTH2_ADMIN_CLAIMS: { groups: ['dba'] } }]),
  } });
  idp.register(t.url);
});
after(async () => {
  await t?.stop();
  await idp?.stop();
});

// Follows the provider's redirects and fills its forms (login: any name and password; consent:
// continue) until it sends the browser back to Tusk; returns Tusk's answer to the callback.
async function signIn(client, login) {
  const start = await client.get('api/v1/auth/oauth2/op');
  assert.equal(start.status, 302, JSON.stringify(start.body));
  let url = start.headers.get('location');
  let method = 'GET';
  let body;
  const jar = new Map();
  const pages = [];
  for (let i = 0; i < 15; i++) {
    if (url.startsWith(t.url)) return { cb: await client.get(url), pages };
    const res = await fetch(url, { method, body, redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) } });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location'), url).toString();
      method = 'GET';
      body = undefined;
      continue;
    }
    const html = await res.text();
    assert.equal(res.status, 200, html.slice(0, 400));
    pages.push(html.includes('name="login"') ? 'login' : 'consent');
    const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (html.includes('name="login"')) Object.assign(fields, { login, password: 'any' });
    url = new URL(html.match(/<form[^>]*action="([^"]+)"/)[1], url).toString();
    method = 'POST';
    body = new URLSearchParams(fields).toString();
  }
  throw new Error(`no way back to Tusk from ${url}`);
}

test('discovery, PKCE, the provider\'s login and consent, its ID token: a new user signs in', async () => {
  const c = new Client(t.url);
  const { cb, pages } = await signIn(c, 'admin');
  assert.deepEqual(pages, ['login', 'consent']);
  assert.equal(cb.status, 302);
  assert.equal(cb.headers.get('location'), '/', (await c.get('api/v1/auth/oauth2/error')).body.message);
  const me = (await c.get('api/v1/auth/me')).body.user;
  assert.equal(me.email, 'admin@example.org');
  assert.equal(me.auth_source, 'oauth2');
  assert.equal(me.role, 'admin', 'the groups claim has dba');
  const other = new Client(t.url);
  await signIn(other, 'frank');
  assert.equal((await other.get('api/v1/auth/me')).body.user.role, 'user');
});

test('key rotation: the provider signs with a new key, Tusk fetches the key set again and signs the user in', async () => {
  const c = new Client(t.url);
  await signIn(c, 'gina');
  assert.equal((await c.get('api/v1/auth/me')).status, 200);
  const kid = idp.rotate();
  const jwks = await (await fetch(`${idp.issuer}/jwks`)).json();
  assert.equal(jwks.keys[0].kid, kid, 'the provider publishes the new key first');
  const again = new Client(t.url);
  const { cb } = await signIn(again, 'gina');
  assert.equal(cb.headers.get('location'), '/', (await again.get('api/v1/auth/oauth2/error')).body.message);
  assert.equal((await again.get('api/v1/auth/me')).body.user.email, 'gina@example.org');
});
