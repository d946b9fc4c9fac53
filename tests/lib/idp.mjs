// A small identity provider for the oauth2 sign-in tests, on 127.0.0.1 (node:http, node:crypto):
// OpenID Connect discovery, a JWKS, an authorization endpoint that answers at once (no login
// page: the browser test uses oidc-provider's), a token endpoint that checks the PKCE verifier
// and signs ID tokens (RS256/ES256) with the claims the test scripts, and a userinfo endpoint.
// The same server serves GitHub's shape (no ID token, /login/oauth/*, /api/user).
import { createServer } from 'node:http';
import { generateKeyPairSync, sign, createHash, randomBytes } from 'node:crypto';

const b64u = (b) => Buffer.from(b).toString('base64url');

export function makeKey(alg = 'RS256', kid = randomBytes(6).toString('hex')) {
  const { publicKey, privateKey } = alg === 'ES256'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { alg, kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } };
}

export function signJwt(key, claims, header = {}) {
  const data = `${b64u(JSON.stringify({ alg: key.alg, typ: 'JWT', kid: key.kid, ...header }))}.${b64u(JSON.stringify(claims))}`;
  const sig = key.alg === 'ES256'
    ? sign('sha256', Buffer.from(data), { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
    : sign('sha256', Buffer.from(data), key.privateKey);
  return `${data}.${b64u(sig)}`;
}

function form(req) {
  return new Promise((res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => res(Object.fromEntries(new URLSearchParams(body))));
  });
}

export async function startIdp() {
  const idp = {
    key: makeKey('RS256'),
    published: null, // keys in the JWKS (default: [key])
    user: { sub: 'u-1', email: 'Olivia@Example.org', groups: ['dev'] },
    ghUser: { login: 'OctoCat', id: 583231, email: null, name: 'The Octocat' }, // GitHub's /api/user
    tamper: (claims) => claims, // the test's changes to the next ID token
    discovery: (doc) => doc, // the test's changes to the discovery document
    userinfo: (info) => info, // the test's changes to the userinfo answer
    token: null, // the next ID token as a whole, when the test forges one
    clients: { tusk: 'tusk-secret', strict: 'strict-secret', gh: 'gh-secret' },
    codes: new Map(),
    log: [], // what the endpoints saw
    jwksFetches: 0,
  };
  const server = createServer(async (req, res) => {
    const u = new URL(req.url, idp.issuer);
    const json = (status, v) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(v)); };
    if (u.pathname === '/.well-known/openid-configuration') {
      return json(200, idp.discovery({ issuer: idp.issuer, authorization_endpoint: `${idp.issuer}/authorize`, token_endpoint: `${idp.issuer}/token`,
        jwks_uri: `${idp.issuer}/jwks`, userinfo_endpoint: `${idp.issuer}/userinfo`, response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'] }));
    }
    if (u.pathname === '/jwks') {
      idp.jwksFetches++;
      return json(200, { keys: (idp.published || [idp.key]).map((k) => k.jwk) });
    }
    if (u.pathname === '/authorize' || u.pathname === '/login/oauth/authorize') {
      const p = Object.fromEntries(u.searchParams);
      idp.log.push({ at: 'authorize', ...p });
      const code = randomBytes(16).toString('hex');
      idp.codes.set(code, p);
      const back = new URL(p.redirect_uri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', p.state);
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (req.method === 'POST' && (u.pathname === '/token' || u.pathname === '/login/oauth/access_token')) {
      const f = await form(req);
      idp.log.push({ at: 'token', ...f });
      const a = idp.codes.get(f.code);
      idp.codes.delete(f.code);
      const pkce = a && f.code_verifier && b64u(createHash('sha256').update(f.code_verifier).digest()) === a.code_challenge;
      if (!a || idp.clients[f.client_id] !== f.client_secret || f.redirect_uri !== a.redirect_uri || !pkce) {
        return json(400, { error: 'invalid_grant', error_description: pkce ? 'bad code or client' : 'PKCE verifier missing or wrong' });
      }
      if (u.pathname.startsWith('/login/')) return json(200, { access_token: `gh-${f.code}`, token_type: 'bearer', scope: a.scope });
      const now = Math.floor(Date.now() / 1000);
      const claims = idp.tamper({ iss: idp.issuer, aud: f.client_id, sub: idp.user.sub, exp: now + 300, iat: now,
        nonce: a.nonce, email: idp.user.email, email_verified: true, groups: idp.user.groups });
      const id_token = idp.token || signJwt(idp.key, claims);
      idp.token = null;
      idp.tamper = (c) => c;
      return json(200, { access_token: `at-${f.code}`, token_type: 'Bearer', expires_in: 300, id_token });
    }
    if (u.pathname === '/userinfo' || u.pathname === '/api/user') {
      const auth = req.headers.authorization || '';
      idp.log.push({ at: 'userinfo', auth });
      if (!/^Bearer (at|gh)-/.test(auth)) return json(401, { message: 'Bad credentials' });
      if (u.pathname === '/api/user') return json(200, idp.ghUser);
      return json(200, idp.userinfo({ sub: idp.user.sub, email: idp.user.email, groups: idp.user.groups }));
    }
    json(404, { error: 'not_found' });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  idp.issuer = `http://127.0.0.1:${server.address().port}`;
  idp.stop = () => new Promise((r) => server.close(r));
  return idp;
}
