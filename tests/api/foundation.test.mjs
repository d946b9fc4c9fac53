// Foundation: probes, errors as JSON, limits, sub-path, static app, start-up
// failures, graceful shutdown. Each test runs its own tusk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { mkdirSync, chmodSync, chownSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startTusk, runTusk, tempDir, pgStore, storeUrlFor } from '../lib/tusk.mjs';

const isRoot = process.getuid() === 0;

async function withTusk(opts, fn) {
  const t = await startTusk(opts);
  try {
    await fn(t);
  } finally {
    const code = await t.stop();
    assert.equal(code, 0, `tusk exited with ${code}:\n${t.output()}`);
  }
}

// Sends raw bytes and resolves with the whole response text.
function rawRequest(port, chunks, { gapMs = 0, beforeLast } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = '';
    sock.on('data', (d) => (data += d));
    sock.on('end', () => resolve(data));
    sock.on('error', reject);
    sock.on('connect', async () => {
      for (let i = 0; i < chunks.length; i++) {
        if (i === chunks.length - 1 && beforeLast) await beforeLast();
        sock.write(chunks[i]);
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

test('GET /misc/ping answers PING without login; /healthz and /readyz answer', async () => {
  await withTusk({}, async (t) => {
    const ping = await fetch(t.url + 'misc/ping');
    assert.equal(ping.status, 200);
    assert.equal(await ping.text(), 'PING');
    assert.equal((await fetch(t.url + 'healthz')).status, 200);
    const ready = await fetch(t.url + 'readyz');
    assert.equal(ready.status, 200);
    assert.equal(await ready.text(), 'ready');
    const v = await (await fetch(t.url + 'api/v1/version')).json();
    assert.equal(v.name, 'tusk');
    assert.match(v.version, /^\d+\.\d+\.\d+/);
  });
});

test('unknown API paths are 404 JSON, wrong methods 405 JSON with Allow', async () => {
  await withTusk({}, async (t) => {
    const nf = await fetch(t.url + 'api/v1/nothing-here');
    assert.equal(nf.status, 404);
    assert.match(nf.headers.get('content-type'), /application\/json/);
    const body = await nf.json();
    assert.equal(body.error.code, 'not_found');
    assert.match(body.error.message, /api\/v1\/nothing-here/);

    const na = await fetch(t.url + 'api/v1/version', { method: 'DELETE' });
    assert.equal(na.status, 405);
    assert.equal(na.headers.get('allow'), 'GET');
    assert.equal((await na.json()).error.code, 'method_not_allowed');

    const post = await fetch(t.url + 'some/page', { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
    assert.equal((await post.json()).error.code, 'method_not_allowed');
  });
});

test('bodies over the limit get 413 JSON, declared or streamed', async () => {
  await withTusk({}, async (t) => {
    // login takes 16 KiB at most
    const big = 'x'.repeat(20000);
    const declared = await fetch(t.url + 'api/v1/auth/login', { method: 'POST', body: big });
    assert.equal(declared.status, 413);
    const e = await declared.json();
    assert.equal(e.error.code, 'body_too_large');
    assert.match(e.error.message, /16384 bytes/);

    // chunked: the size is only known while reading
    const res = await rawRequest(t.port, [
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
      ...Array.from({ length: 5 }, () => `1000\r\n${'y'.repeat(4096)}\r\n`),
      '0\r\n\r\n',
    ]);
    assert.match(res, /^HTTP\/1\.1 413/);
    assert.match(res, /body_too_large/);
  });
});

test('security headers are on every answer', async () => {
  await withTusk({}, async (t) => {
    for (const path of ['', 'api/v1/version', 'api/v1/missing', 'misc/ping']) {
      const res = await fetch(t.url + path);
      const csp = res.headers.get('content-security-policy');
      assert.match(csp, /script-src 'self'(;|$)/, path);
      assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      assert.ok(res.headers.get('referrer-policy'), path);
    }
  });
});

test('the web app is embedded: index for app routes, hashed assets with ETag, 304 and gzip', async () => {
  await withTusk({}, async (t) => {
    const index = await fetch(t.url);
    assert.equal(index.status, 200);
    const html = await index.text();
    assert.match(html, /<base href="\/">/);
    const asset = html.match(/src="(assets\/[^"]+\.js)"/);
    assert.ok(asset, 'index.html references a script under assets/');

    const route = await fetch(t.url + 'servers/3/query');
    assert.equal(route.status, 200, 'app routes serve the SPA');
    assert.match(await route.text(), /<base href="\/">/);

    const missing = await fetch(t.url + 'assets/nope-123.js');
    assert.equal(missing.status, 404);

    const js = await fetch(t.url + asset[1]);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type'), /javascript/);
    assert.match(js.headers.get('cache-control'), /immutable/);
    const etag = js.headers.get('etag');
    assert.ok(etag);
    const again = await fetch(t.url + asset[1], { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);

    // ask for gzip explicitly through a raw request so nothing decodes it for us
    const raw = await new Promise((resolve, reject) => {
      const sock = net.connect(t.port, '127.0.0.1', () =>
        sock.write(`GET /${asset[1]} HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n`));
      const parts = [];
      sock.on('data', (d) => parts.push(d));
      sock.on('end', () => resolve(Buffer.concat(parts)));
      sock.on('error', reject);
    });
    const split = raw.indexOf('\r\n\r\n');
    const head = raw.subarray(0, split).toString();
    assert.match(head, /Content-Encoding: gzip/i);
    const body = gunzipSync(raw.subarray(split + 4));
    assert.ok(body.length > 1000);
  });
});

test('SCRIPT_NAME serves everything under a sub-path', async () => {
  await withTusk({ env: { SCRIPT_NAME: '/pgadmin4' } }, async (t) => {
    const origin = `http://127.0.0.1:${t.port}/`;
    const ping = await fetch(origin + 'pgadmin4/misc/ping');
    assert.equal(await ping.text(), 'PING');
    // a proxy that strips the prefix still reaches the probe
    assert.equal(await (await fetch(origin + 'misc/ping')).text(), 'PING');
    const index = await fetch(origin + 'pgadmin4/');
    assert.match(await index.text(), /<base href="\/pgadmin4\/">/);
    const bare = await fetch(origin + 'pgadmin4', { redirect: 'manual' });
    assert.equal(bare.status, 308);
    assert.equal(bare.headers.get('location'), '/pgadmin4/');
    const api = await fetch(origin + 'pgadmin4/api/v1/version');
    assert.equal(api.status, 200);
    // a trusted proxy may announce its own prefix
    const fwd = await fetch(origin + 'x/', { headers: { 'x-forwarded-prefix': '/x' } });
    assert.match(await fwd.text(), /<base href="\/x\/">/);
  });
});

test('X-Forwarded-Prefix from an untrusted address is ignored', async () => {
  await withTusk({ env: { TUSK_TRUSTED_PROXIES: '10.9.9.9' } }, async (t) => {
    const res = await fetch(t.url, { headers: { 'x-forwarded-prefix': '/evil' } });
    assert.match(await res.text(), /<base href="\/">/);
  });
});

test('--help documents every setting and --version prints the version', async () => {
  const help = await runTusk({ args: ['--help'] });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /PGADMIN_LISTEN_PORT/);
  const docs = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  const names = [...new Set(help.stdout.match(/\b(TUSK|PGADMIN)_[A-Z_]+|SCRIPT_NAME/g))];
  assert.ok(names.length > 15);
  for (const name of names) assert.ok(docs.includes(name), `docs/configuration.md lacks ${name}`);
  const version = await runTusk({ args: ['--version'] });
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^tusk \d+\.\d+\.\d+/);
});

test('bad flags and settings stop the start with a clear message', async () => {
  const flag = await runTusk({ args: ['--bogus'] });
  assert.equal(flag.code, 64);
  assert.match(flag.stderr, /unknown flag '--bogus'/);
  const port = await runTusk({ env: { PGADMIN_LISTEN_PORT: 'eighty' } });
  assert.equal(port.code, 78);
  assert.match(port.stderr, /PGADMIN_LISTEN_PORT: 'eighty' is not a whole number/);
});

test('a data dir that cannot be written stops the start with exit 78 and the fix', async () => {
  const parent = tempDir();
  const dir = join(parent, 'locked');
  mkdirSync(dir);
  chmodSync(parent, 0o755);
  let spawnWrap;
  if (isRoot) {
    // root ignores permissions: run tusk as nobody against a root-owned dir
    chmodSync(dir, 0o755);
    spawnWrap = (bin, argv) => ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', bin, ...argv]];
  } else {
    chmodSync(dir, 0o500);
  }
  const res = await runTusk({ args: ['--listen', '127.0.0.1', '--port', '0', '--data-dir', dir], spawnWrap });
  assert.equal(res.code, 78, res.stderr);
  assert.match(res.stderr, new RegExp(`data directory ${dir}`));
  assert.match(res.stderr, /uid \d+ gid \d+/);
  assert.match(res.stderr, /chown -R \d+:\d+/);
  assert.match(res.stderr, /fsGroup/);
  assert.equal(res.stderr.trim().split('\n').length, 1, 'one clear message');
});

test('running as root inside a container is refused unless TUSK_ALLOW_ROOT=1', { skip: !isRoot && 'needs root' }, async () => {
  const res = await runTusk({ env: { container: 'podman', TUSK_ALLOW_ROOT: '0' }, args: ['--port', '0', '--data-dir', join(tempDir(), 'd')] });
  assert.equal(res.code, 78);
  assert.match(res.stderr, /refusing to run as root inside a container/);
});

test('a store written by a newer Tusk is refused', async () => {
  const dir = join(tempDir(), 'data');
  const first = await startTusk({ dataDir: dir });
  assert.equal(await first.stop(), 0);
  const future = "INSERT INTO tusk_migrations VALUES (999, '999_future.sql', 0)";
  if (pgStore) execFileSync('psql', ['-X', '-q', '-d', storeUrlFor(dir), '-c', future]);
  else execFileSync('sqlite3', [join(dir, 'tusk.db'), future]);
  const res = await runTusk({ args: ['--listen', '127.0.0.1', '--port', '0', '--data-dir', dir] });
  assert.equal(res.code, 78);
  assert.match(res.stderr, /written by a newer Tusk \(schema version 999/);
});

test('SIGTERM finishes in-flight requests, refuses new ones, closes the store and exits 0', async () => {
  const t = await startTusk({});
  const body = 'z'.repeat(3000);
  let stopped;
  const res = await rawRequest(t.port, [
    `POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
    body.slice(0, 1000),
    body.slice(1000),
  ], {
    gapMs: 50,
    beforeLast: async () => {
      t.proc.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      // the listener is closed while the request is still in flight
      await assert.rejects(fetch(t.url + 'misc/ping'));
      stopped = true;
    },
  });
  assert.ok(stopped);
  assert.match(res, /^HTTP\/1\.1 400/, 'the in-flight request got its answer');
  const code = await t.stop();
  assert.equal(code, 0, t.output());
  assert.match(t.output(), /shutting down signal=SIGTERM/);
  assert.match(t.output(), /stopped/);
  assert.ok(!existsSync(join(t.dataDir, 'tusk.db-wal')) || statSync(join(t.dataDir, 'tusk.db-wal')).size === 0,
    'the store was closed cleanly (WAL checkpointed)');
});

test('a request still running at the shutdown deadline does not hold the stop', async () => {
  const t = await startTusk({ env: { TUSK_SHUTDOWN_TIMEOUT: '1' } });
  const sock = net.connect(t.port, '127.0.0.1');
  await new Promise((r) => sock.on('connect', r));
  sock.on('error', () => {});
  sock.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc');
  await new Promise((r) => setTimeout(r, 100));
  const started = Date.now();
  const code = await t.stop();
  sock.destroy();
  assert.equal(code, 0, t.output());
  assert.ok(Date.now() - started < 8000, 'stopped soon after the deadline');
  assert.match(t.output(), /still running at the shutdown deadline/);
});

test('one log line per request, text or JSON, with method, path, status, bytes and ms', async () => {
  const t = await startTusk({ env: { TUSK_LOG_FORMAT: 'json' } });
  await fetch(t.url + 'api/v1/version?secret=should-not-appear');
  assert.equal(await t.stop(), 0);
  const lines = t.output().trim().split('\n').map((l) => JSON.parse(l));
  const req = lines.find((l) => l.msg === 'request' && l.path === '/api/v1/version');
  assert.ok(req, t.output());
  assert.equal(req.method, 'GET');
  assert.equal(req.status, '200');
  assert.ok(Number(req.bytes) > 0);
  assert.ok(Number(req.ms) >= 0);
  assert.ok(!t.output().includes('should-not-appear'), 'query strings are not logged');
});

test("pgAdmin's entry points: / and /browser/ send a browser without a session to /login, pgAdmin's form login goes on to it", async () => {
  for (const prefix of ['', '/pgadmin4']) {
    await withTusk({ env: prefix ? { SCRIPT_NAME: prefix } : {} }, async (t) => {
      const base = new URL(t.url);
      assert.equal(base.pathname, `${prefix}/`);
      for (const path of ['', 'browser/', 'browser']) {
        const r = await fetch(t.url + path, { redirect: 'manual' });
        assert.equal(r.status, 302, `GET ${prefix}/${path}`);
        assert.equal(r.headers.get('location'), `${prefix}/login`, path);
        assert.equal(r.headers.get('cache-control'), 'no-store');
        const head = await fetch(t.url + path, { method: 'HEAD', redirect: 'manual' });
        assert.equal(head.status, 302, `HEAD ${prefix}/${path}`);
      }
      const loginPage = await fetch(t.url + 'login', { redirect: 'manual' });
      assert.equal(loginPage.status, 200);
      assert.match(await loginPage.text(), new RegExp(`<base href="${prefix}/">`));

      // pgAdmin's login form, as a bookmark or script would post it: on to the login page
      const form = await fetch(t.url + 'authenticate/login', {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'email=admin%40tusk.local&password=admin-test-password-1&csrf_token=x',
      });
      assert.equal(form.status, 303);
      assert.equal(form.headers.get('location'), `${prefix}/login`);
      assert.match(await form.text(), /POST \/api\/v1\/auth\/login/);
      assert.equal(form.headers.get('set-cookie'), null, 'a form post signs nobody in');

      // with a session, the same addresses are the app
      const login = await fetch(t.url + 'api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@tusk.local', password: 'admin-test-password-1' }),
      });
      assert.equal(login.status, 200);
      const cookie = login.headers.get('set-cookie').split(';')[0];
      for (const path of ['', 'browser/']) {
        const r = await fetch(t.url + path, { redirect: 'manual', headers: { cookie } });
        assert.equal(r.status, 200, `GET ${prefix}/${path} with a session`);
        assert.match(await r.text(), new RegExp(`<base href="${prefix}/">`));
      }
      // the probes stay open
      assert.equal(await (await fetch(t.url + 'misc/ping')).text(), 'PING');
    });
  }
});
