// The shell never grows wider than the window: many tabs scroll in their
// strip (the chosen one is brought into view, a menu lists them all), and a
// long line of DDL scrolls inside its own pane. Both widths, both themes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { psql, pg as PG } from '../lib/pg.mjs';
import { openBrowser, screenshot } from './browser.mjs';
import { ADMIN, addConnectedServer, assertNoErrors, expandTreeItem, logIn, selectTreeItem, startServer, treeItem, waitUntil } from './app.mjs';

const SERVER = 'e2e-layout';

before(() => {
  psql(`DROP TABLE IF EXISTS e2e_wide; CREATE TABLE e2e_wide (id int PRIMARY KEY, note text);
        COMMENT ON TABLE e2e_wide IS '${'x'.repeat(3000)}'`);
});

after(() => psql('DROP TABLE IF EXISTS e2e_wide'));

/** What sticks out of the window: the document's width past it, and the top bar's controls out of view. */
function overflow(page) {
  return page.evaluate(() => {
    const w = window.innerWidth;
    const out = (sel) => {
      const el = document.querySelector(sel);
      if (!el) return `${sel} missing`;
      const r = el.getBoundingClientRect();
      return r.right > w + 0.5 || r.left < -0.5 ? `${sel} at ${Math.round(r.left)}..${Math.round(r.right)} of ${w}` : null;
    };
    return {
      documentWidth: document.documentElement.scrollWidth,
      bodyWidth: document.body.scrollWidth,
      window: w,
      outside: ['[aria-label="User menu"]', '.tab-area', '.status-bar'].map(out).filter(Boolean),
    };
  });
}

async function openQueryTab(page, n) {
  const server = treeItem(page, SERVER);
  await server.locator('.tree-label').click({ button: 'right' });
  await page.getByRole('menu', { name: 'Object explorer menu' }).getByText('Query Tool', { exact: true }).click();
  await waitUntil(async () => (await page.getByRole('tab', { name: /postgres on e2e-layout/ }).count()) >= n);
}

for (const [width, height] of [[1024, 768], [1440, 900]]) {
  test(`at ${width}×${height} many tabs and a long DDL line never widen the shell`, async () => {
    // a Tusk of its own: no query tabs restored from the other width's visit
    const tusk = await startServer();
    const browser = await openBrowser({ width, height });
    const { page, errors } = browser;
    try {
      await page.goto(tusk.url);
      await logIn(page, ADMIN.email, ADMIN.password);
      await addConnectedServer(page, SERVER, PG);
      for (let i = 1; i <= 4; i++) await openQueryTab(page, i);
      await page.getByRole('button', { name: 'Jobs' }).click();
      await page.getByRole('button', { name: 'Storage' }).click();
      // the tab just opened is in view, and so is everything of the top bar and status bar
      const tabs = page.getByRole('tablist', { name: 'Open tabs' });
      const last = tabs.getByRole('tab', { selected: true });
      await waitUntil(async () => {
        const [box, strip] = [await last.boundingBox(), await tabs.boundingBox()];
        return box && strip && box.x >= strip.x - 1 && box.x + box.width <= strip.x + strip.width + 1;
      });
      let o = await overflow(page);
      assert.ok(o.documentWidth <= o.window, `the page is ${o.documentWidth} px wide in a ${o.window} px window`);
      assert.deepEqual(o.outside, []);
      await screenshot(page, `layout-tabs-${width}-light`);
      // a list of every open tab reaches those scrolled away
      await page.getByRole('button', { name: 'All open tabs' }).click();
      const list = page.getByRole('menu', { name: 'All open tabs' });
      await list.getByRole('menuitemradio').first().waitFor();
      assert.ok((await list.getByRole('menuitemradio').count()) >= 7);
      await screenshot(page, `layout-tab-list-${width}-light`);
      await list.getByRole('menuitemradio', { name: /Welcome/ }).click();
      await waitUntil(async () => (await tabs.getByRole('tab', { name: 'Welcome' }).getAttribute('aria-selected')) === 'true');
      const welcome = await tabs.getByRole('tab', { name: 'Welcome' }).boundingBox();
      const strip = await tabs.boundingBox();
      assert.ok(welcome.x >= strip.x - 1 && welcome.x + welcome.width <= strip.x + strip.width + 1, 'the chosen tab is scrolled into view');

      // a table whose DDL has a 3,000-character line
      await expandTreeItem(page, treeItem(page, SERVER));
      await expandTreeItem(page, treeItem(page, /^Databases/));
      await expandTreeItem(page, treeItem(page, 'postgres'));
      await expandTreeItem(page, treeItem(page, /^Schemas/));
      await expandTreeItem(page, treeItem(page, 'public'));
      await expandTreeItem(page, treeItem(page, /^Tables( \(|$)/));
      await selectTreeItem(treeItem(page, 'e2e_wide'));
      const objectTab = page.locator('.tab-panel:not([hidden])');
      await objectTab.getByRole('tab', { name: 'SQL' }).click();
      await objectTab.locator('.cm-content, pre').filter({ hasText: 'COMMENT ON TABLE' }).first().waitFor();
      o = await overflow(page);
      assert.ok(o.documentWidth <= o.window, `with a long DDL line the page is ${o.documentWidth} px wide in a ${o.window} px window`);
      assert.deepEqual(o.outside, []);
      await screenshot(page, `layout-long-ddl-${width}-light`);
      await page.keyboard.press('Alt+Shift+T');
      await screenshot(page, `layout-long-ddl-${width}-dark`);
      o = await overflow(page);
      assert.ok(o.documentWidth <= o.window);
      assertNoErrors(errors);
    } catch (err) {
      await screenshot(page, `layout-failure-${width}`);
      throw err;
    } finally {
      await browser.close();
      await tusk.stop();
    }
  });
}
