// Preferences: GET answers every key (defaults until chosen), PUT changes some, checks all
// before keeping any (unknown keys, wrong types, out-of-range values, bad or clashing keyboard
// shortcuts: 400 JSON), keeps them in the store across a restart, per user, behind login and CSRF.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTusk, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';

const DEFAULTS = {
  theme: 'system',
  editor_font_size: 13,
  editor_tab_size: 2,
  autocompletion: true,
  query_row_limit: 0,
  view_data_limit: 0,
  number_format: 'plain',
  date_format: 'iso',
  confirm_close_unsaved: false,
  shortcuts: { execute: 'F5', explain: 'F7', explain_analyze: 'Shift+F7', format: 'Ctrl+Shift+F' },
};

let t, admin, alice, dataDir;

async function login(email, password) {
  const c = new Client(t.url);
  const r = await c.post('api/v1/auth/login', { email, password });
  assert.equal(r.status, 200, r.raw);
  c.csrf = r.body.csrf_token;
  return c;
}

before(async () => {
  t = await startTusk({});
  dataDir = t.dataDir;
  admin = await login(ADMIN.email, ADMIN.password);
  assert.equal((await admin.post('api/v1/users', { email: 'alice@tusk.local', password: 'alice password', role: 'user' })).status, 201);
  alice = await login('alice@tusk.local', 'alice password');
});

after(async () => {
  const code = await t.stop();
  assert.equal(code, 0, t.output());
});

test('a new user has the defaults', async () => {
  const r = await alice.get('api/v1/preferences');
  assert.equal(r.status, 200, r.raw);
  assert.deepEqual(r.body.preferences, DEFAULTS);
});

test('PUT changes the keys given and answers the whole set; another user does not see them', async () => {
  const r = await alice.put('api/v1/preferences', {
    preferences: { editor_font_size: 16, theme: 'dark', autocompletion: false, shortcuts: { explain: 'Ctrl+E', execute: 'F9' } },
  });
  assert.equal(r.status, 200, r.raw);
  const want = { ...DEFAULTS, editor_font_size: 16, theme: 'dark', autocompletion: false,
    shortcuts: { ...DEFAULTS.shortcuts, explain: 'Ctrl+E', execute: 'F9' } };
  assert.deepEqual(r.body.preferences, want);
  assert.deepEqual((await alice.get('api/v1/preferences')).body.preferences, want);
  assert.deepEqual((await admin.get('api/v1/preferences')).body.preferences, DEFAULTS);
  // a second PUT keeps what it does not name; null is the default again
  const again = await alice.put('api/v1/preferences', { preferences: { view_data_limit: 500, theme: null, number_format: 'grouped', date_format: 'locale', query_row_limit: 1000 } });
  assert.equal(again.status, 200, again.raw);
  assert.deepEqual(again.body.preferences, { ...want, view_data_limit: 500, theme: 'system', number_format: 'grouped', date_format: 'locale', query_row_limit: 1000 });
});

test('bad input is refused whole with a JSON message, and nothing is kept', async () => {
  const before = (await alice.get('api/v1/preferences')).body.preferences;
  const bad = [
    [{ nosuchkey: 1 }, /no preference 'nosuchkey'/],
    [{ editor_font_size: 99 }, /'editor_font_size' must be a whole number from 9 to 24/],
    [{ editor_font_size: 12.5 }, /whole number/],
    [{ editor_tab_size: 0 }, /from 1 to 8/],
    [{ view_data_limit: -1 }, /from 0 to 1000000/],
    [{ query_row_limit: 10000001 }, /'query_row_limit' must be a whole number from 0 to 10000000/],
    [{ number_format: 'fancy' }, /'number_format' must be one of 'plain', 'grouped'/],
    [{ date_format: 'ISO' }, /'date_format' must be one of 'iso', 'locale'/],
    [{ confirm_close_unsaved: 1 }, /true or false/],
    [{ autocompletion: 'yes' }, /true or false/],
    [{ theme: 'pink' }, /'theme' must be one of 'system', 'light', 'dark'/],
    [{ shortcuts: { run_all: 'F6' } }, /no shortcut 'run_all'/],
    [{ shortcuts: { execute: 'x' } }, /must read like F5/],
    [{ shortcuts: { execute: 'Shift+A' } }, /must read like F5/],
    [{ shortcuts: { execute: 'Ctrl+Ctrl+F' } }, /must read like F5/],
    [{ shortcuts: { explain: 'F5', execute: 'F5' } }, /'execute' and 'explain' would have the same key, F5/],
    [{ shortcuts: { format: 'Ctrl+E' } }, /'explain' and 'format' would have the same key, Ctrl\+E/],
    [{ shortcuts: 'F5' }, /must be an object/],
    [{ editor_font_size: 14, theme: 'pink' }, /'theme'/],
  ];
  for (const [preferences, message] of bad) {
    const r = await alice.put('api/v1/preferences', { preferences });
    assert.equal(r.status, 400, `${JSON.stringify(preferences)}: ${r.raw}`);
    assert.equal(r.body.error.code, 'invalid_field');
    assert.match(r.body.error.message, message);
  }
  for (const body of [{}, { preferences: [] }, { preferences: 'x' }]) {
    const r = await alice.put('api/v1/preferences', body);
    assert.equal(r.status, 400, r.raw);
    assert.ok(r.body.error.message);
  }
  const notJson = await alice.request('PUT', 'api/v1/preferences', { body: '{', headers: { 'Content-Type': 'application/json' } });
  assert.equal(notJson.status, 400, notJson.raw);
  const huge = await alice.put('api/v1/preferences', { preferences: { pad: 'x'.repeat(20000) } });
  assert.equal(huge.status, 413, huge.raw);
  assert.deepEqual((await alice.get('api/v1/preferences')).body.preferences, before);
});

test('login and the CSRF token are required', async () => {
  const anon = new Client(t.url);
  assert.equal((await anon.get('api/v1/preferences')).status, 401);
  assert.equal((await anon.put('api/v1/preferences', { preferences: { theme: 'dark' } })).status, 401);
  const noToken = new Client(t.url);
  noToken.cookies = alice.cookies;
  const r = await noToken.put('api/v1/preferences', { preferences: { theme: 'light' } });
  assert.equal(r.status, 403, r.raw);
  assert.equal(r.body.error.code, 'csrf_failed');
  assert.notEqual((await alice.get('api/v1/preferences')).body.preferences.theme, 'light');
});

test('preferences are kept in the store across a restart', async () => {
  const before = (await alice.get('api/v1/preferences')).body.preferences;
  assert.equal(before.editor_font_size, 16);
  assert.equal(await t.stop(), 0, t.output());
  t = await startTusk({ dataDir });
  alice = await login('alice@tusk.local', 'alice password');
  assert.deepEqual((await alice.get('api/v1/preferences')).body.preferences, before);
});
