// Desktop mode: the URL Tusk prints carries a one-time key that signs the
// browser in without a login form.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTusk } from '../lib/tusk.mjs';
import { openBrowser } from './browser.mjs';
import { assertNoErrors, waitUntil } from './app.mjs';

async function printedUrl(tusk) {
  let match = null;
  await waitUntil(() => (match = tusk.output().match(/Open (http\S+#key=\S+)/)) !== null);
  return match[1].replace('localhost', '127.0.0.1');
}

test('desktop mode signs in with the key from the printed URL', async (t) => {
  const tusk = await startTusk({ args: ['--desktop'] });
  t.after(() => tusk.stop());
  const url = await printedUrl(tusk);

  const first = await openBrowser();
  t.after(() => first.close());
  await first.page.goto(url);
  await first.page.getByRole('tree', { name: 'Servers' }).waitFor();
  assert.ok(!first.page.url().includes('key='), 'the key leaves the address bar');
  await first.page.reload();
  await first.page.getByRole('tree', { name: 'Servers' }).waitFor();
  assertNoErrors(first.errors);

  const second = await openBrowser();
  t.after(() => second.close());
  await second.page.goto(url);
  await second.page.locator('#email').waitFor();
  await second.page.getByText(/used already/).waitFor();
});
