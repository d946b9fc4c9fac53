// Attack (outsider round 5): a deleted user's files went to the next account. SQLite gave a new
// row the largest id plus one, so after the newest user was deleted the next account created (an
// LDAP or OIDC user made at first sign-in, or one an administrator made) received the same id,
// and with it <data dir>/storage/<id>/, which deleting a user left on disk. Now ids are never
// reused (AUTOINCREMENT, migration 012), a deleted user's area is removed with the account, and an
// area whose user is gone (left by an older Tusk) is set aside at start where no user reaches it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTusk, ADMIN } from '../lib/tusk.mjs';
import { login } from './lib.mjs';

const VICTIM = { email: 'leaving@tusk.local', password: 'leaving password 1' };
const NEXT = { email: 'newcomer@tusk.local', password: 'newcomer password 1' };

async function newUser(admin, who) {
  const res = await admin.post('api/v1/users', { ...who, role: 'user' });
  assert.equal(res.status, 201, res.raw);
  return res.body.user.id;
}

test("the next account never receives a deleted user's id or files", async () => {
  const t = await startTusk();
  try {
    const admin = await login(t, ADMIN);
    const victimId = await newUser(admin, VICTIM);
    const victim = await login(t, VICTIM);
    const up = await victim.request('PUT', 'api/v1/files/upload?path=backup.sql', { body: 'secret rows' });
    assert.equal(up.status, 201, up.raw);
    const area = join(t.dataDir, 'storage', String(victimId));
    assert.ok(existsSync(join(area, 'backup.sql')));

    // the newest user is deleted: its files go with it
    assert.equal((await admin.request('DELETE', `api/v1/users/${victimId}`)).status, 204);
    assert.ok(!existsSync(area), 'the deleted user\'s storage area is removed');

    // the next account gets a new id and an empty area
    const nextId = await newUser(admin, NEXT);
    assert.ok(nextId > victimId, `a new id (${nextId} after ${victimId})`);
    const next = await login(t, NEXT);
    const list = await next.get('api/v1/files?path=');
    assert.equal(list.status, 200, list.raw);
    assert.deepEqual(list.body.entries, []);
  } finally {
    await t.stop();
  }
});

test('an area whose user is gone is set aside at start, out of every later user\'s reach', async () => {
  const t = await startTusk();
  const admin = await login(t, ADMIN);
  const firstId = await newUser(admin, VICTIM);
  await t.stop();
  // what an older Tusk left: areas of users that no longer exist, one at the id the next user gets
  const storage = join(t.dataDir, 'storage');
  for (const id of [firstId + 1, firstId + 50]) {
    mkdirSync(join(storage, String(id)), { recursive: true });
    writeFileSync(join(storage, String(id), 'left.sql'), 'left behind');
  }
  const again = await startTusk({ dataDir: t.dataDir });
  try {
    const names = readdirSync(storage);
    assert.ok(!names.includes(String(firstId + 1)) && !names.includes(String(firstId + 50)), names.join(' '));
    assert.equal(names.filter((n) => n.startsWith('.orphaned-')).length, 2, names.join(' '));
    assert.ok(names.includes(String(firstId)) || !existsSync(join(storage, String(firstId))), 'a live user\'s area stays');
    const admin2 = await login(again, ADMIN);
    const nextId = await newUser(admin2, NEXT);
    const next = await login(again, NEXT);
    assert.deepEqual((await next.get('api/v1/files?path=')).body.entries, [], `user ${nextId} sees nothing left behind`);
  } finally {
    await again.stop();
  }
});
