// A server behind an SSH bastion through the browser: the server dialog's
// SSH Tunnel tab, the first connect showing the bastion's host key
// fingerprint to accept, the password prompt asking for the database
// password (the tunnel's is saved), the tree through the tunnel, and the
// accepted key shown (and forgettable) in the dialog. Debian's sshd on
// loopback (tests/lib/sshd.mjs); TUSK_ALLOWED_HOSTS names only the bastion.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pg as PG } from '../lib/pg.mjs';
import { startTusk } from '../lib/tusk.mjs';
import { startSshd, sshdAvailable } from '../lib/sshd.mjs';
import { openBrowser, screenshot } from './browser.mjs';
import { ADMIN, assertNoErrors, dialog, logIn, treeItem } from './app.mjs';

const SERVER = 'behind bastion';
const isRoot = process.getuid && process.getuid() === 0;
// the first connect answers 409 (the host key to accept) and 401 (the database password) on purpose
const PROVOKED = /Failed to load resource: the server responded with a status of (401|409)/;

async function bothThemes(page, name) {
  await screenshot(page, `${name}-light`);
  await page.keyboard.press('Alt+Shift+T');
  await screenshot(page, `${name}-dark`);
  await page.keyboard.press('Alt+Shift+T');
}

test('a server reached through an SSH tunnel', { skip: (!process.env.TEST_PGHOST && 'TEST_PGHOST is not set') || (!isRoot && 'password logins need sshd as root') }, async (t) => {
  assert.ok(sshdAvailable(), 'openssh-server is needed');
  const sshd = await startSshd({ target: { host: PG.host, port: PG.port } });
  t.after(() => sshd.cleanup());
  const tusk = await startTusk({
    env: { PGADMIN_DEFAULT_EMAIL: ADMIN.email, PGADMIN_DEFAULT_PASSWORD: ADMIN.password, TUSK_ALLOWED_HOSTS: `127.0.0.1:${sshd.port}` },
  });
  t.after(() => tusk.stop());
  const browser = await openBrowser({ width: 1440, height: 900 });
  t.after(() => browser.close());
  const { page, errors } = browser;

  await t.test('the SSH Tunnel tab of the server dialog', async () => {
    await page.goto(tusk.url);
    await logIn(page, ADMIN.email, ADMIN.password);
    await page.getByRole('toolbar', { name: 'Object explorer toolbar' }).getByRole('button', { name: 'Add server', exact: true }).click();
    const d = await dialog(page, 'Add server');
    await d.locator('#server-name').fill(SERVER);
    await d.getByRole('tab', { name: 'Connection' }).click();
    await d.locator('#server-host').fill(PG.host);
    await d.locator('#server-port').fill(String(PG.port));
    await d.locator('#server-username').fill(PG.user);
    await d.getByRole('tab', { name: 'SSH Tunnel' }).click();
    assert.ok(await d.locator('#server-tunnelHost').isDisabled(), 'the fields wait for "Use SSH tunneling"');
    await d.locator('#server-useSshTunnel').check();
    // required fields are named in place
    await d.getByRole('button', { name: 'Save' }).click();
    await d.getByText('Enter the SSH server (bastion) host name or address.').waitFor();
    await d.locator('#server-tunnelHost').fill('127.0.0.1');
    await d.locator('#server-tunnelPort').fill(String(sshd.port));
    await d.locator('#server-tunnelUsername').fill(sshd.passwordUser);
    await d.locator('#server-tunnelAuthentication').selectOption('1');
    await d.getByRole('button', { name: 'Browse…' }).waitFor();
    await d.getByText('Key passphrase', { exact: true }).waitFor();
    await screenshot(page, 'ssh-tunnel-tab-identity-file');
    await d.locator('#server-tunnelAuthentication').selectOption('0');
    await d.locator('#server-tunnelPassword').fill(sshd.password);
    await d.locator('#server-tunnelKeepalive').fill('30');
    await d.getByText('No host key accepted yet').waitFor();
    await bothThemes(page, 'ssh-tunnel-tab');
    await page.setViewportSize({ width: 1024, height: 768 });
    await screenshot(page, 'ssh-tunnel-tab-1024');
    await page.setViewportSize({ width: 1440, height: 900 });
    await d.getByRole('button', { name: 'Save' }).click();
    await d.waitFor({ state: 'detached' });
    await treeItem(page, SERVER).waitFor();
  });

  await t.test('the first connect shows the host key fingerprint to accept', async () => {
    await treeItem(page, SERVER).locator('.tree-twisty').click();
    const d = await dialog(page, 'Trust this SSH server?');
    assert.equal((await d.locator('#host-key-fingerprint').textContent()).trim(), sshd.fingerprint);
    await d.getByText('ssh-ed25519').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cancel', 'Cancel has the focus, not Accept');
    await bothThemes(page, 'ssh-host-key');
    await d.getByRole('button', { name: 'Accept and connect' }).click();
    // the tunnel is up (its password was saved); the database password is asked next
    const p = await dialog(page, `Connect to ${SERVER}`);
    await p.locator('#connect-tunnel-password').waitFor();
    await p.getByText('empty: the saved one', { exact: false }).waitFor();
    await bothThemes(page, 'ssh-connect-password');
    await p.locator('#connect-password').fill(PG.password);
    await p.locator('#connect-password').press('Enter');
    await p.waitFor({ state: 'detached' });
    await treeItem(page, /^Databases \(\d+\)$/).waitFor();
    assert.match(sshd.log(), /Accepted password for tuskssh_pw/);
  });

  await t.test('the dialog shows the accepted key and can forget it', async () => {
    await treeItem(page, SERVER).click({ button: 'right' });
    await page.getByRole('menuitem', { name: /Properties|Edit/ }).first().click();
    const d = await dialog(page, `Edit server ${SERVER}`);
    await d.getByRole('tab', { name: 'SSH Tunnel' }).click();
    assert.equal((await d.locator('#server-tunnelHostKey').textContent()).trim(), sshd.fingerprint);
    await d.getByText('Saved (encrypted); leave empty to keep it.').waitFor();
    await d.getByRole('button', { name: 'Forget' }).click();
    await d.getByText('Forgotten on save', { exact: false }).waitFor();
    await bothThemes(page, 'ssh-tunnel-tab-accepted');
    await d.getByRole('button', { name: 'Cancel' }).click();
  });

  assertNoErrors(errors.filter((e) => !PROVOKED.test(e)));
});
