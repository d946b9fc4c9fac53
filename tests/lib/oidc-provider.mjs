// A certified OpenID Connect provider (the npm package oidc-provider, pinned in tests/tools) on
// 127.0.0.1 for the sign-in tests: discovery, JWKS, PKCE, its own login and consent pages
// (devInteractions: any login name, any password). startOidcProvider() listens first, so the
// test can start Tusk with the issuer's URL; register(tuskUrl) then makes the provider with
// Tusk's redirect URI as its client's.
import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const tools = join(dirname(fileURLToPath(import.meta.url)), '../tools/node_modules');

export async function startOidcProvider({ groups = { admin: ['dba'] } } = {}) {
  const { default: Provider } = await import(createRequire(join(tools, 'x.js')).resolve('oidc-provider'));
  let handler = (req, res) => { res.writeHead(503); res.end(); };
  const server = createServer((req, res) => handler(req, res));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const newKey = () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(6).toString('hex'), alg: 'RS256', use: 'sig' };
  };
  let keys = [newKey()];
  let tusk = null;
  const register = (tuskUrl = tusk) => {
    tusk = tuskUrl;
    const provider = new Provider(issuer, {
      clients: [{ client_id: 'tusk', client_secret: 'tusk-secret', redirect_uris: [`${tuskUrl}oauth2/authorize`],
        grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_post' }],
      jwks: { keys },
      cookies: { keys: [randomBytes(16).toString('hex')] },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
      conformIdTokenClaims: false, // the ID token carries the claims (Tusk reads them there and from userinfo)
      features: { devInteractions: { enabled: true } },
      findAccount: (ctx, id) => ({
        accountId: id,
        claims: () => ({ sub: id, email: `${id}@example.org`, email_verified: true, name: id, groups: groups[id] ?? ['dev'] }),
      }),
    });
    provider.on('server_error', (ctx, err) => console.error('oidc-provider:', err));
    handler = provider.callback();
    return provider;
  };
  // key rotation: a new signing key first, the old one still published; the provider is made anew
  const rotate = () => {
    keys = [newKey(), ...keys];
    register();
    return keys[0].kid;
  };
  return { issuer, rotate, metadata: `${issuer}/.well-known/openid-configuration`, register, stop: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }) };
}
