// Fuzzes the query tool's SQL script splitter (web/src/features/query/split.ts,
// TypeScript: libFuzzer does not reach it) for a bounded time with a seeded
// generator: random text must split without an error into ordered, disjoint
// statements whose text is their slice of the script; and scripts made of
// known statements (quotes, dollar quotes and comments holding semicolons)
// must split back into exactly those statements.
//   node tests/fuzz/split.fuzz.mjs [seconds, default 60] [seed]
// A failing input is printed and written to build/fuzz/crashes/.
import { build } from '../../web/node_modules/esbuild/lib/main.js';
import { mkdirSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const seconds = Number(process.argv[2] || 60);
let seed = Number(process.argv[3] || Date.now() % 2 ** 31);
const firstSeed = seed;

const out = await build({ entryPoints: [`${root}web/src/features/query/split.ts`], bundle: true, format: 'esm', write: false, logLevel: 'silent' });
const { splitStatements, statementAt } = await import(`data:text/javascript,${encodeURIComponent(out.outputFiles[0].text)}`);

function rand() { // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];

function fail(why, sql) {
  mkdirSync(`${root}build/fuzz/crashes`, { recursive: true });
  const file = `${root}build/fuzz/crashes/split-${Date.now()}.sql`;
  writeFileSync(file, sql);
  console.log(`fuzz split: FAILED (${why}); seed ${firstSeed}; input in ${file}:\n${JSON.stringify(sql)}`);
  process.exit(1);
}

// any text: no error, statements in order, each its own slice, trimmed, non-empty
function checkShape(sql) {
  let list;
  try {
    list = splitStatements(sql);
  } catch (e) {
    fail(`threw ${e}`, sql);
  }
  let last = 0;
  for (const st of list) {
    if (!(st.start >= last && st.end >= st.start && st.end <= sql.length)) fail('statements out of order or overlapping', sql);
    if (sql.slice(st.start, st.end) !== st.text) fail('text is not its slice', sql);
    if (!st.text || /^\s|\s$/.test(st.text)) fail('statement empty or not trimmed', sql);
    last = st.end;
  }
  const at = statementAt(sql, Math.floor(rand() * (sql.length + 1)));
  if (at && !list.some((s) => s.start === at.start && s.end === at.end)) fail('statementAt named no statement', sql);
}

const NOISE = ["'", '"', '$$', '$a$', '$1', 'E\'', "\\'", '--', '/*', '*/', '\n', ';', ' ', 'x', 'select', '\u00e9', '\t', '$', 'e', '\\', "''", '""', '/', '-', '*'];
function noise() {
  let s = '';
  const n = Math.floor(rand() * 40);
  for (let i = 0; i < n; i++) s += pick(NOISE);
  return s;
}

// statements with semicolons only where a splitter must not cut
const WORDS = ['select 1', 'insert into t values (1)', 'update "a;b" set x = 2', 'create function f() returns int'];
function piece() {
  switch (Math.floor(rand() * 7)) {
    case 0: return `'a;b''c'`;
    case 1: return `"q;""x"`;
    case 2: return `$$ begin; end; $$`;
    case 3: return `$fn$ x; $$ ; y $fn$`;
    case 4: return `/* c; /* nested; */ d; */`;
    case 5: return `E'\\'; x'`;
    default: return pick(WORDS);
  }
}
function statement() {
  // at least one word: a statement of comments alone is no statement
  const n = Math.floor(rand() * 4);
  const parts = [pick(WORDS)];
  for (let i = 0; i < n; i++) parts.splice(Math.floor(rand() * (parts.length + 1)), 0, piece());
  return parts.join(pick([' ', '\n', '  ']));
}
function checkOracle() {
  const want = Array.from({ length: 1 + Math.floor(rand() * 5) }, statement);
  const sql = want.map((s) => pick(['', ' ', '\n', '\n\n  ', '-- note; here\n']) + s).join(pick([';', ';\n', ' ;  ', ';;'])) + pick(['', ';', ';\n', ';\n-- end;']);
  const got = splitStatements(sql).map((s) => s.text.replace(/^(--[^\n]*\n\s*)+/, ''));
  if (JSON.stringify(got) !== JSON.stringify(want)) fail(`split ${JSON.stringify(got)} instead of ${JSON.stringify(want)}`, sql);
}

// regressions first
const regressions = `${root}tests/fuzz/regressions/split`;
let runs = 0;
for (const f of (() => { try { return readdirSync(regressions); } catch { return []; } })()) {
  checkShape(readFileSync(`${regressions}/${f}`, 'utf8'));
  runs++;
}
const end = Date.now() + seconds * 1000;
while (Date.now() < end) {
  for (let i = 0; i < 200; i++) {
    checkShape(noise());
    checkOracle();
    runs += 2;
  }
}
console.log(`fuzz split: ok (Done ${runs} runs in ${seconds}s, seed ${firstSeed})`);
