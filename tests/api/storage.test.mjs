// The user's storage area over /api/v1/files: listing, folders, moves,
// deletes, streamed uploads and downloads, confinement to the area, quota,
// CSRF. Each test runs its own tusk; files live under TMPDIR and are removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { startTusk, tempDir, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';

// The data dir and log are removed after a pass and kept after a failure.
async function withTusk(opts, fn) {
  const t = await startTusk(opts);
  let passed = false;
  try {
    await fn(t);
    passed = true;
  } finally {
    const code = await t.stop();
    assert.equal(code, 0, `tusk exited with ${code}:\n${t.output()}`);
    if (passed) rmSync(join(t.dataDir, '..'), { recursive: true, force: true });
  }
}

async function login(t, email = ADMIN.email, password = ADMIN.password) {
  const c = new Client(t.url);
  const res = await c.post('api/v1/auth/login', { email, password });
  assert.equal(res.status, 200, res.raw);
  c.csrf = res.body.csrf_token;
  c.userId = res.body.user.id;
  c.area = join(t.dataDir, 'storage', String(c.userId));
  return c;
}

const q = (path) => encodeURIComponent(path);
const list = (c, path = '') => c.get(`api/v1/files?path=${q(path)}`);
const upload = (c, path, body, { overwrite = false, ...opts } = {}) =>
  c.request('PUT', `api/v1/files/upload?path=${q(path)}${overwrite ? '&overwrite=true' : ''}`, { body, ...opts });
const names = (res) => res.body.entries.map((e) => `${e.type}:${e.name}`);

/** Waits until CHECK holds (the server finishes an aborted request on its own time). */
async function waitUntil(check, what, timeout = 20_000) {
  const end = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A raw request through node:http (Expect, chunked bodies, aborts): resolves {status, body}. */
function rawUpload(t, c, path, { headers = {}, write }) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port: t.port,
      method: 'PUT',
      path: `/api/v1/files/upload?path=${q(path)}`,
      headers: { cookie: c.cookieHeader(), 'x-csrf-token': c.csrf, ...headers },
    });
    req.on('response', async (res) => {
      let text = '';
      for await (const chunk of res) text += chunk;
      resolve({ status: res.statusCode, body: text ? JSON.parse(text) : null, continued: req.continued === true });
    });
    req.on('error', reject);
    req.on('continue', () => (req.continued = true));
    write(req);
  });
}

function leftovers(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => n.startsWith('.tusk-upload-'));
}

test('list, create folders, upload, rename, move, download and delete', async () => {
  await withTusk({}, async (t) => {
    const c = await login(t);
    const empty = await list(c);
    assert.equal(empty.status, 200, empty.raw);
    assert.deepEqual(empty.body.entries, []);
    assert.equal(empty.body.path, '');
    assert.equal(empty.body.quota_bytes, 10240 * 1024 * 1024);
    assert.equal(empty.body.usage_bytes, 0);

    assert.equal((await c.post('api/v1/files/folders', { path: 'backups' })).status, 201);
    const nested = await c.post('api/v1/files/folders', { path: 'backups/2024/' });
    assert.equal(nested.status, 201, nested.raw);
    assert.equal(nested.body.path, 'backups/2024');
    const again = await c.post('api/v1/files/folders', { path: 'backups' });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'exists');
    const orphan = await c.post('api/v1/files/folders', { path: 'no/such' });
    assert.equal(orphan.status, 404);
    assert.equal(orphan.body.error.code, 'not_found');

    const up = await upload(c, 'backups/2024/app.sql', 'select 1;\n');
    assert.equal(up.status, 201, up.raw);
    assert.deepEqual(up.body, { path: 'backups/2024/app.sql', size: 10 });
    assert.equal((await upload(c, 'zeta.txt', 'z')).status, 201);
    assert.equal((await upload(c, 'Alpha.txt', '')).status, 201, 'an empty file is a file');

    const root = await list(c);
    assert.deepEqual(names(root), ['dir:backups', 'file:Alpha.txt', 'file:zeta.txt'], 'folders first, then by name');
    const zeta = root.body.entries.find((e) => e.name === 'zeta.txt');
    assert.equal(zeta.size, 1);
    assert.match(zeta.mtime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(root.body.usage_bytes, 11);
    assert.deepEqual(names(await list(c, 'backups/2024')), ['file:app.sql']);

    const file = await list(c, 'zeta.txt');
    assert.equal(file.status, 400);
    assert.equal(file.body.error.code, 'not_a_folder');

    // an existing name is replaced only when asked
    const dup = await upload(c, 'zeta.txt', 'zz');
    assert.equal(dup.status, 409);
    assert.match(dup.body.error.message, /already exists/);
    assert.equal((await upload(c, 'zeta.txt', 'zzz', { overwrite: true })).status, 201);
    assert.equal(readFileSync(join(c.area, 'zeta.txt'), 'utf8'), 'zzz');
    assert.equal((await upload(c, 'backups', 'x', { overwrite: true })).status, 409, 'a folder is never replaced');

    // rename, move, and what a move refuses
    const ren = await c.post('api/v1/files/move', { from: 'zeta.txt', to: 'omega.txt' });
    assert.equal(ren.status, 200, ren.raw);
    assert.equal(ren.body.path, 'omega.txt');
    assert.equal((await c.post('api/v1/files/move', { from: 'omega.txt', to: 'backups/omega.txt' })).status, 200);
    const taken = await c.post('api/v1/files/move', { from: 'Alpha.txt', to: 'backups/omega.txt' });
    assert.equal(taken.status, 409);
    assert.equal(readFileSync(join(c.area, 'backups/omega.txt'), 'utf8'), 'zzz', 'nothing was replaced');
    const intoItself = await c.post('api/v1/files/move', { from: 'backups', to: 'backups/2024/backups' });
    assert.equal(intoItself.status, 400);
    assert.match(intoItself.body.error.message, /into itself/);
    assert.equal((await c.post('api/v1/files/move', { from: 'gone.txt', to: 'x.txt' })).status, 404);
    assert.equal((await c.post('api/v1/files/move', { from: 'Alpha.txt', to: '' })).status, 400);

    // download: Content-Length, a name for the browser, the bytes
    await upload(c, 'backups/données été.sql', 'é'.repeat(1000));
    const dl = await fetch(new URL(`api/v1/files/download?path=${q('backups/données été.sql')}`, t.url), {
      headers: { cookie: c.cookieHeader() },
    });
    assert.equal(dl.status, 200);
    assert.equal(dl.headers.get('content-length'), '2000');
    assert.equal(dl.headers.get('content-type'), 'application/octet-stream');
    assert.equal(
      dl.headers.get('content-disposition'),
      `attachment; filename="donn__es __t__.sql"; filename*=UTF-8''donn%C3%A9es%20%C3%A9t%C3%A9.sql`,
    );
    assert.equal(await dl.text(), 'é'.repeat(1000));
    const dir = await c.get(`api/v1/files/download?path=backups`);
    assert.equal(dir.status, 400);
    assert.equal(dir.body.error.code, 'not_a_file');
    assert.equal((await c.get(`api/v1/files/download?path=nope`)).status, 404);
    assert.equal((await c.get(`api/v1/files/download`)).status, 400);

    // delete: files at once, folders when empty or with recursive=true, never the area
    assert.equal((await c.del(`api/v1/files?path=Alpha.txt`)).status, 204);
    const full = await c.del(`api/v1/files?path=backups`);
    assert.equal(full.status, 409);
    assert.equal(full.body.error.code, 'not_empty');
    assert.equal((await c.del(`api/v1/files?path=backups%2F2024%2Fapp.sql`)).status, 204);
    assert.equal((await c.del(`api/v1/files?path=backups%2F2024`)).status, 204, 'an empty folder goes without recursive');
    assert.equal((await c.del(`api/v1/files?path=backups&recursive=true`)).status, 204);
    assert.equal((await c.del(`api/v1/files?path=`)).status, 400);
    assert.equal((await c.del(`api/v1/files?path=.`)).status, 400);
    assert.deepEqual((await list(c)).body.entries, []);
    assert.ok(existsSync(c.area), 'the area itself stays');
  });
});

test('paths outside the area are refused however they are written', async () => {
  await withTusk({}, async (t) => {
    const c = await login(t);
    await c.post('api/v1/files/folders', { path: 'inner' });
    const outside = tempDir('tusk-outside-');
    writeFileSync(join(outside, 'secret'), 'secret');
    // links placed in the area by someone with shell access: never followed
    symlinkSync('/etc', join(c.area, 'etc'));
    symlinkSync(join(outside, 'secret'), join(c.area, 'inner', 'secret'));
    symlinkSync(outside, join(c.area, 'inner', 'out'));
    symlinkSync('inner', join(c.area, 'alias'));

    const refusals = [
      ['..', /'\.\.'/],
      ['../', /'\.\.'/],
      ['%2e%2e%2fetc%2fpasswd', /'\.\.'/],
      ['inner%2F..%2F..%2F..%2Fetc%2Fpasswd', /'\.\.'/],
      ['a/../../x', /'\.\.'/],
      ['/etc/passwd', /starts with '\/'/],
      ['%2Fetc%2Fpasswd', /starts with '\/'/],
      ['etc/passwd', /'etc' is a symbolic link/],
      ['inner/secret', /'inner\/secret' is a symbolic link/],
      ['inner/out/secret', /'inner\/out' is a symbolic link/],
      ['alias/secret', /'alias' is a symbolic link/],
      ['ok%00/../../etc/passwd', /NUL/],
      ['line%0Abreak', /control character/],
      ['bad%FFutf8', /UTF-8/],
      ['n'.repeat(256), /longer than 255 bytes/],
    ];
    for (const [path, message] of refusals) {
      const raw = /%/.test(path) ? path : q(path);
      for (const [method, url] of [
        ['GET', `api/v1/files?path=${raw}`],
        ['GET', `api/v1/files/download?path=${raw}`],
        ['DELETE', `api/v1/files?path=${raw}&recursive=true`],
        ['PUT', `api/v1/files/upload?path=${raw}&overwrite=true`],
      ]) {
        const res = await c.request(method, url, method === 'PUT' ? { body: 'pwned' } : {});
        assert.equal(res.status, 400, `${method} ${url}: ${res.raw}`);
        assert.equal(res.body.error.code, 'invalid_path', `${method} ${url}`);
        assert.match(res.body.error.message, message, `${method} ${url}`);
      }
    }
    for (const [from, to] of [['../x', 'y'], ['inner', '../inner'], ['inner', '/tmp/inner'], ['etc', 'etc2'], ['inner', 'inner/out/x']]) {
      const res = await c.post('api/v1/files/move', { from, to });
      assert.equal(res.status, 400, `move ${from} -> ${to}: ${res.raw}`);
    }
    for (const path of ['../x', 'etc/x', 'inner/out/x', '/tmp/x']) {
      assert.equal((await c.post('api/v1/files/folders', { path })).status, 400, `mkdir ${path}`);
    }
    const nul = await c.request('POST', 'api/v1/files/folders', { body: '{"path":"a\\u0000b"}', headers: { 'content-type': 'application/json' } });
    assert.equal(nul.status, 400, 'JSON with a NUL is refused');

    // nothing outside was read, written or removed; links were listed as nothing
    assert.equal(readFileSync(join(outside, 'secret'), 'utf8'), 'secret');
    assert.deepEqual(readdirSync(outside), ['secret']);
    assert.ok(existsSync('/etc/passwd'));
    assert.deepEqual(names(await list(c)), ['dir:inner']);
    assert.deepEqual(names(await list(c, 'inner')), []);
    rmSync(outside, { recursive: true, force: true });
  });
});

test('each user sees only their own area', async () => {
  await withTusk({}, async (t) => {
    const admin = await login(t);
    const created = await admin.post('api/v1/users', { email: 'alice@tusk.local', password: 'alice password', role: 'user' });
    assert.equal(created.status, 201, created.raw);
    await upload(admin, 'admin-only.txt', 'mine');
    const alice = await login(t, 'alice@tusk.local', 'alice password');
    assert.notEqual(alice.area, admin.area);
    assert.deepEqual((await list(alice)).body.entries, []);
    assert.equal((await alice.get('api/v1/files/download?path=admin-only.txt')).status, 404);
    assert.equal((await alice.get(`api/v1/files/download?path=${q(`../${admin.userId}/admin-only.txt`)}`)).status, 400);
  });
});

test('state-changing calls need the CSRF token, and every call a login', async () => {
  await withTusk({}, async (t) => {
    const c = await login(t);
    await upload(c, 'keep.txt', 'keep');
    const calls = [
      ['PUT', `api/v1/files/upload?path=new.txt`, { body: 'x' }],
      ['POST', 'api/v1/files/folders', { json: { path: 'newdir' } }],
      ['POST', 'api/v1/files/move', { json: { from: 'keep.txt', to: 'moved.txt' } }],
      ['DELETE', 'api/v1/files?path=keep.txt', {}],
    ];
    for (const [method, url, opts] of calls) {
      const res = await c.request(method, url, { ...opts, csrf: false });
      assert.equal(res.status, 403, `${method} ${url}`);
      assert.equal(res.body.error.code, 'csrf_failed');
    }
    const stranger = new Client(t.url);
    for (const url of ['api/v1/files', 'api/v1/files/download?path=keep.txt']) {
      assert.equal((await stranger.get(url)).status, 401, url);
    }
    assert.equal((await stranger.request('PUT', 'api/v1/files/upload?path=x', { body: 'x' })).status, 401);
    assert.deepEqual(names(await list(c)), ['file:keep.txt'], 'nothing changed');
    assert.deepEqual(leftovers(c.area), []);
  });
});

test('the quota refuses uploads that do not fit and leaves nothing behind', async () => {
  await withTusk({ env: { TUSK_STORAGE_QUOTA_MB: '1' } }, async (t) => {
    const c = await login(t);
    const listed = await list(c);
    assert.equal(listed.body.quota_bytes, 1024 * 1024);
    assert.equal((await upload(c, 'half.bin', Buffer.alloc(600 * 1024))).status, 201);

    // declared too large: refused before the body (Expect: 100-continue is never answered)
    const declared = await rawUpload(t, c, 'big.bin', {
      headers: { 'content-length': String(600 * 1024), expect: '100-continue' },
      write: (req) => req.flushHeaders(),
    });
    assert.equal(declared.status, 507);
    assert.equal(declared.body.error.code, 'quota_exceeded');
    assert.match(declared.body.error.message, /quota/);
    assert.equal(declared.continued, false, 'the body was never asked for');

    // chunked: the size shows only while reading; refused at the end, the partial file gone
    const chunked = await rawUpload(t, c, 'big.bin', {
      write: async (req) => {
        for (let i = 0; i < 6; i++) if (!req.write(Buffer.alloc(128 * 1024, 1))) await once(req, 'drain');
        req.end();
      },
    });
    assert.equal(chunked.status, 507);
    assert.equal(chunked.body.error.code, 'quota_exceeded');

    // replacing a file counts only the difference
    assert.equal((await upload(c, 'half.bin', Buffer.alloc(900 * 1024), { overwrite: true })).status, 201);
    assert.deepEqual(names(await list(c)), ['file:half.bin']);
    assert.deepEqual(leftovers(c.area), []);
    assert.equal((await list(c)).body.usage_bytes, 900 * 1024);
  });
});

test('an upload the client abandons halfway leaves nothing behind', async () => {
  await withTusk({}, async (t) => {
    const c = await login(t);
    const total = 8 * 1024 * 1024;
    let request;
    const answered = rawUpload(t, c, 'abandoned.bin', {
      headers: { 'content-length': String(total) },
      write: async (req) => {
        request = req;
        req.on('error', () => {});
        req.write(Buffer.alloc(1024 * 1024, 7));
      },
    }).catch(() => 'aborted');
    await waitUntil(() => leftovers(c.area).length === 1, 'the partial upload exists');
    request.destroy();
    await waitUntil(() => leftovers(c.area).length === 0, 'the partial upload is removed');
    assert.equal(await answered, 'aborted');
    assert.deepEqual(readdirSync(c.area), []);
  });
});

// The body of the big file: a cheap deterministic byte stream (not all zeros,
// so nothing along the way could get away with compressing it).
function* bigChunks(total, size = 1 << 20) {
  let x = 0x12345678;
  for (let done = 0; done < total; done += size) {
    const b = Buffer.allocUnsafe(Math.min(size, total - done));
    for (let i = 0; i + 4 <= b.length; i += 4) {
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      b.writeInt32LE(x | 0, i);
    }
    yield b;
  }
}

function peakRssKiB(pid) {
  return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/)[1]);
}

test('a 200 MB file goes up and comes back in constant memory', async () => {
  await withTusk({}, async (t) => {
    const c = await login(t);
    const total = 200 * 1024 * 1024;
    const dir = tempDir('tusk-big-');
    const source = join(dir, 'big.bin');
    const hash = createHash('sha256');
    const out = createWriteStream(source);
    for (const b of bigChunks(total)) {
      hash.update(b);
      if (!out.write(b)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const sum = hash.digest('hex');

    await list(c); // the area exists, the listing code has run once
    const before = peakRssKiB(t.proc.pid);
    const up = await rawUpload(t, c, 'big.bin', {
      headers: { 'content-length': String(total), 'content-type': 'application/octet-stream' },
      write: (req) => createReadStream(source).pipe(req),
    });
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.equal(up.body.size, total);

    const res = await new Promise((resolve, reject) =>
      http.get({ host: '127.0.0.1', port: t.port, path: '/api/v1/files/download?path=big.bin', headers: { cookie: c.cookieHeader() } }, resolve).on('error', reject));
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-length'], String(total));
    const back = createHash('sha256');
    let received = 0;
    for await (const chunk of res) {
      back.update(chunk);
      received += chunk.length;
    }
    assert.equal(received, total);
    assert.equal(back.digest('hex'), sum, 'the same bytes came back');
    const grown = peakRssKiB(t.proc.pid) - before;
    assert.ok(grown < 32 * 1024, `tusk's peak memory grew by ${grown} KiB moving 200 MiB`);
    rmSync(dir, { recursive: true, force: true });
  });
});
