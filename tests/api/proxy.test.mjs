// Behind a reverse proxy (nginx, on loopback), at the root and under a
// sub-path, with X-Forwarded-Proto https: the app and its redirects, the
// session cookie (Secure), server-sent events arriving as they happen, and
// uploads and downloads streamed through.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startTusk, tempDir, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { pg } from '../lib/pg.mjs';

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
let root, sub, nginx, port, dir;

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port: p } = s.address();
      s.close(() => res(p));
    });
    s.on('error', rej);
  });
}

before(async () => {
  if (!NGINX) return;
  root = await startTusk({});
  sub = await startTusk({ env: { SCRIPT_NAME: '/pgadmin4' } });
  port = await freePort();
  dir = tempDir('tusk-nginx-');
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const upstream = (t) => `http://127.0.0.1:${t.port}`;
  const common = `
      proxy_http_version 1.1;
      proxy_set_header Host $host:$server_port;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto https;
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 60s;`;
  writeFileSync(join(dir, 'nginx.conf'), `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_max_body_size 0;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location /pgadmin4/ { proxy_pass ${upstream(sub)}/pgadmin4/; ${common} }
    location = /pgadmin4 { proxy_pass ${upstream(sub)}/pgadmin4; ${common} }
    location / { proxy_pass ${upstream(root)}/; ${common} }
  }
}
`);
  execFileSync(NGINX, ['-t', '-q', '-p', dir, '-c', join(dir, 'nginx.conf')]);
  nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/misc/ping`);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
});

after(async () => {
  nginx?.kill('SIGTERM');
  if (root) assert.equal(await root.stop(), 0, root.output());
  if (sub) assert.equal(await sub.stop(), 0, sub.output());
});

const base = (path) => `http://127.0.0.1:${port}${path}`;

for (const [where, prefix] of [['at the root', ''], ['under /pgadmin4', '/pgadmin4']]) {
  test(`${where}: the app, redirects, a Secure cookie, SSE and streamed files through nginx`, { skip: NGINX ? false : 'nginx is not installed (scripts/install-deps.sh installs it)' }, async () => {
    // the app and its assets
    const page = await fetch(base(`${prefix}/`));
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<base href="[^"]*"|<script/);
    if (prefix) {
      const bare = await fetch(base(prefix), { redirect: 'manual' });
      assert.equal(bare.status, 308);
      assert.equal(new URL(bare.headers.get('location'), base('/')).pathname, `${prefix}/`);
    }
    assert.equal((await fetch(base(`${prefix}/misc/ping`))).status, 200);

    // log in: the cookie is Secure because the proxy says https, and carries the prefix's path
    const c = new Client(base(`${prefix}/`));
    const login = await c.request('POST', 'api/v1/auth/login', { json: ADMIN });
    assert.equal(login.status, 200, login.raw);
    const cookie = login.headers.getSetCookie().join('\n');
    assert.match(cookie, /;\s*Secure/i);
    assert.match(cookie, new RegExp(`Path=${prefix || '/'}`));
    c.csrf = login.body.csrf_token;
    assert.equal((await c.get('api/v1/auth/me')).status, 200);

    // a server-sent event stream arrives through the proxy as it happens
    const sv = (await c.post('api/v1/servers', { name: 'pg', host: pg.host, port: pg.port, username: pg.user })).body.server;
    assert.equal((await c.post(`api/v1/servers/${sv.id}/connect`, { password: pg.password })).status, 200);
    const ctrl = new AbortController();
    const res = await fetch(base(`${prefix}/api/v1/servers/${sv.id}/dashboard/events`), { headers: { cookie: c.cookieHeader() }, signal: ctrl.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /text\/event-stream/);
    const reader = res.body.getReader();
    let seen = '';
    const dec = new TextDecoder();
    while (!/event: sample/.test(seen)) seen += dec.decode((await reader.read()).value);
    ctrl.abort();

    // a 24 MiB upload and its download stream through unchanged
    const body = randomBytes(24 << 20);
    const up = await fetch(base(`${prefix}/api/v1/files/upload?path=proxied.bin`), {
      method: 'PUT',
      headers: { cookie: c.cookieHeader(), 'x-csrf-token': c.csrf, 'content-type': 'application/octet-stream' },
      body,
    });
    assert.equal(up.status, 201, await up.text());
    const down = await fetch(base(`${prefix}/api/v1/files/download?path=proxied.bin`), { headers: { cookie: c.cookieHeader() } });
    assert.equal(down.status, 200);
    assert.match(down.headers.get('content-disposition'), /attachment; filename="?proxied\.bin"?/);
    const got = Buffer.from(await down.arrayBuffer());
    assert.equal(createHash('sha256').update(got).digest('hex'), createHash('sha256').update(body).digest('hex'));

    // a state change without the CSRF token is still refused behind the proxy
    const bare = await fetch(base(`${prefix}/api/v1/servers`), { method: 'POST', headers: { cookie: c.cookieHeader(), 'content-type': 'application/json' }, body: '{}' });
    assert.equal(bare.status, 403);
    assert.equal((await c.post('api/v1/auth/logout', {})).status, 200);
  });
}

test('nginx left no errors in its log', { skip: NGINX ? false : 'nginx is not installed' }, () => {
  const log = existsSync(join(dir, 'logs/error.log')) ? readFileSync(join(dir, 'logs/error.log'), 'utf8') : '';
  assert.doesNotMatch(log, /\[(error|crit|alert|emerg)\]/, log);
});
