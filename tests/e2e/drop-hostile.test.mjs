// Dropping an object with a hostile name from the tree in a real browser:
// the trigger "a on b" on the table "t on b" in the schema 's.x on "y"',
// beside its sibling "a ON b" and a trigger "a" on a table named "b". The
// dialog previews the statement PostgreSQL's quoting gives, the drop takes
// that trigger alone, and the tree and pg_catalog keep the siblings.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { psql, pg as PG } from '../lib/pg.mjs';
import { screenshot } from './browser.mjs';
import { ADMIN, assertNoErrors, chooseInNodeMenu, dialog, expandTreeItem, openApp, treeItem } from './app.mjs';

const SERVER = 'e2e-hostile';
const DB = 'e2e_hostile';
const SCHEMA = 's.x on "y"';
const TABLE = 't on b';
const ident = (s) => `"${s.replace(/"/g, '""')}"`;
const sql = (s) => psql(s, { db: DB });

let tusk;
let browser;
let page;

before(async () => {
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  psql(`CREATE DATABASE ${DB}`);
  const s = ident(SCHEMA);
  sql(`CREATE SCHEMA ${s};
    CREATE TABLE ${s}.${ident(TABLE)} (id int); CREATE TABLE ${s}.b (id int);
    CREATE FUNCTION ${s}.trg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
    CREATE TRIGGER "a on b" BEFORE INSERT ON ${s}.${ident(TABLE)} FOR EACH ROW EXECUTE FUNCTION ${s}.trg();
    CREATE TRIGGER "a ON b" BEFORE INSERT ON ${s}.${ident(TABLE)} FOR EACH ROW EXECUTE FUNCTION ${s}.trg();
    CREATE TRIGGER a BEFORE INSERT ON ${s}.b FOR EACH ROW EXECUTE FUNCTION ${s}.trg();`);
  ({ tusk, browser, page } = await openApp(SERVER, PG));
});

after(async () => {
  await browser?.close();
  await tusk?.stop();
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

test('dropping the trigger "a on b" from the tree previews its exact statement and leaves "a ON b" and b\'s "a"', async () => {
  await expandTreeItem(page, treeItem(page, SERVER));
  await expandTreeItem(page, treeItem(page, /^Databases \(\d+\)$/));
  await expandTreeItem(page, treeItem(page, DB));
  await expandTreeItem(page, treeItem(page, /^Schemas \(\d+\)$/));
  await expandTreeItem(page, treeItem(page, SCHEMA));
  await expandTreeItem(page, treeItem(page, 'Tables (2)'));
  await expandTreeItem(page, treeItem(page, TABLE));
  await expandTreeItem(page, treeItem(page, 'Triggers (2)'));
  await treeItem(page, 'a ON b').waitFor();

  await chooseInNodeMenu(page, treeItem(page, 'a on b'), 'Drop…');
  const d = await dialog(page, 'Drop trigger');
  // each name whole: the trigger, then where it is
  await d.getByText(`Drop the trigger a on b in ${SCHEMA} › ${TABLE}?`, { exact: false }).waitFor();
  const preview = d.getByLabel('SQL to run');
  await preview.waitFor();
  const quoted = (name) => sql(`SELECT quote_ident(${`'${name.replace(/'/g, "''")}'`})`);
  assert.equal((await preview.innerText()).trim(), `DROP TRIGGER "a on b" ON ${quoted(SCHEMA)}.${quoted(TABLE)};`);
  await screenshot(page, 'drop-hostile-trigger');
  await d.getByRole('button', { name: 'Drop', exact: true }).click();
  await d.waitFor({ state: 'detached' });

  await treeItem(page, 'Triggers (1)').waitFor();
  await treeItem(page, 'a on b').waitFor({ state: 'detached' });
  await treeItem(page, 'a ON b').waitFor();
  assert.equal(
    sql(`SELECT string_agg(c.relname || ':' || t.tgname, ',' ORDER BY c.relname, t.tgname) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE c.relnamespace = ${`'${ident(SCHEMA).replace(/'/g, "''")}'`}::regnamespace`),
    `b:a,${TABLE}:a ON b`,
  );
  assertNoErrors(browser.errors);
});
