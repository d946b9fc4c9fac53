// The front end's modules import one another without circles: a circle
// makes the order modules start in depend on which one is loaded first,
// and it says two modules are one. Every import counts, `import type` and
// `import()` included. Reads web/src as text.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../web/src/', import.meta.url));
const CODE = /\.(ts|tsx)$/;

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return CODE.test(name) ? [path] : [];
  });
}

/** The module paths a file imports: static, re-exported, side-effect only and dynamic. */
export function importsOf(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found = [];
  for (const re of [
    /^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ]) {
    for (const m of code.matchAll(re)) found.push(m[1]);
  }
  return found;
}

/** A relative import as the file it names (in web/src), or null for a package. */
function resolveImport(from, spec) {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  for (const path of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    if (existsSync(path) && statSync(path).isFile()) return path;
  }
  throw new Error(`${relative(SRC, from)}: cannot resolve ${spec}`);
}

/** The circles of the graph: its strongly connected parts of more than one module, or one importing itself (Tarjan). */
export function circles(graph) {
  let index = 0;
  const at = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (v) => {
    at.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!at.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), at.get(w)));
    }
    if (low.get(v) === at.get(v)) {
      const part = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        part.push(w);
      } while (w !== v);
      if (part.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(part.sort());
    }
  };
  for (const v of graph.keys()) if (!at.has(v)) visit(v);
  return found;
}

test('the import scanner sees every kind of import', () => {
  const text = [
    "import type { A } from './a';",
    "import {\n  b,\n  type C,\n} from '../b';",
    "export { d } from './d';",
    "export * from './e';",
    "import './f.css';",
    "const g = await import('./g');",
    "// import { h } from './h';",
    "/* import { i } from './i'; */",
    "import { h } from 'preact';",
  ].join('\n');
  assert.deepEqual(importsOf(text).sort(), ['../b', './a', './d', './e', './f.css', './g', 'preact']);
});

test('the circle finder finds a circle and passes a tree', () => {
  const tree = new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]);
  assert.deepEqual(circles(tree), []);
  const ring = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
  assert.deepEqual(circles(ring), [['a', 'b', 'c']]);
});

test('web/src has no import circles', () => {
  const graph = new Map();
  for (const file of sources(SRC)) {
    const targets = importsOf(readFileSync(file, 'utf8'))
      .map((spec) => resolveImport(file, spec))
      .filter((p) => p !== null && CODE.test(p));
    graph.set(relative(SRC, file), [...new Set(targets.map((p) => relative(SRC, p)))]);
  }
  assert.ok(graph.size > 100, `read ${graph.size} modules`);
  assert.deepEqual(circles(graph), []);
});
