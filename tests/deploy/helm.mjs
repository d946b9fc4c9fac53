// Renders a Helm chart for tests, where no Helm binary is available: Go's text/template
// language (actions, trim markers, pipelines, variables, if/else/range/with/define) with the
// Sprig and Helm functions Tusk's chart uses, the way Helm evaluates them. It is not Helm:
// a function outside that list is an error, so a chart that starts using one fails here
// first. renderChart(dir, overrides) -> {files: {name: text}, docs: [objects], notes}.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';

const require = createRequire(new URL('../../web/package.json', import.meta.url));
const YAML = require('yaml');

// ---- lexing: text and actions, with {{- and -}} trimming the whitespace beside them ----
function lex(src, name) {
  const items = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      items.push({ text: src.slice(i) });
      break;
    }
    let text = src.slice(i, open);
    let start = open + 2;
    if (src.startsWith('- ', start) || src.startsWith('-\n', start) || src.startsWith('-\t', start)) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    if (text) items.push({ text });
    const isComment = src.slice(start).trimStart().startsWith('/*');
    let close = isComment ? src.indexOf('*/', start) : start;
    close = src.indexOf('}}', close);
    if (close < 0) throw new Error(`${name}: unclosed action`);
    let body = src.slice(start, close);
    let next = close + 2;
    if (/\s-$/.test(body)) {
      body = body.slice(0, -1);
      next = src.slice(next).search(/\S|$/) + next;
    }
    body = body.trim();
    if (!body.startsWith('/*')) items.push({ action: body, line: src.slice(0, open).split('\n').length });
    i = next;
  }
  return items;
}

// ---- parsing actions into a tree ----
function tokenize(s) {
  const toks = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '"') {
      let j = i + 1;
      while (s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
      toks.push({ t: 'str', v: JSON.parse(s.slice(i, j + 1)) });
      i = j + 1;
    } else if (c === '`') {
      const j = s.indexOf('`', i + 1);
      toks.push({ t: 'str', v: s.slice(i + 1, j) });
      i = j + 1;
    } else if (c === '(' || c === ')' || c === '|' || c === ',') {
      toks.push({ t: c });
      i++;
    } else if (s.startsWith(':=', i) || (c === '=' && s[i + 1] !== '=')) {
      toks.push({ t: 'assign', v: c === ':' ? ':=' : '=' });
      i += c === ':' ? 2 : 1;
    } else {
      const m = /^[^\s()|,]+/.exec(s.slice(i))[0];
      if (/^-?\d+(\.\d+)?$/.test(m)) toks.push({ t: 'num', v: Number(m) });
      else if (m === 'true' || m === 'false') toks.push({ t: 'bool', v: m === 'true' });
      else if (m === 'nil') toks.push({ t: 'nil' });
      else if (m[0] === '.' || m[0] === '$') toks.push({ t: 'ref', v: m });
      else toks.push({ t: 'ident', v: m });
      i += m.length;
    }
  }
  return toks;
}

// pipeline := command ('|' command)* ; command := operand+
function parsePipeline(toks, pos = { i: 0 }, stop = null) {
  const cmds = [];
  let cmd = [];
  while (pos.i < toks.length) {
    const tk = toks[pos.i];
    if (tk.t === stop) break;
    pos.i++;
    if (tk.t === '|') { cmds.push(cmd); cmd = []; continue; }
    if (tk.t === '(') {
      cmd.push({ t: 'sub', p: parsePipeline(toks, pos, ')') });
      pos.i++;
      continue;
    }
    cmd.push(tk);
  }
  cmds.push(cmd);
  return cmds;
}

function parseAction(body) {
  const toks = tokenize(body);
  const head = toks[0]?.t === 'ident' ? toks[0].v : null;
  const rest = toks.slice(1);
  const decl = (ts) => {
    // [$k, $v :=] or [$x :=] before a pipeline
    const a = ts.findIndex((t) => t.t === 'assign');
    if (a < 0) return { vars: [], p: parsePipeline(ts) };
    return { vars: ts.slice(0, a).filter((t) => t.t === 'ref').map((t) => t.v), op: ts[a].v, p: parsePipeline(ts.slice(a + 1)) };
  };
  if (['if', 'range', 'with'].includes(head)) return { kind: head, ...decl(rest) };
  if (head === 'else') {
    if (rest[0]?.t === 'ident' && rest[0].v === 'if') return { kind: 'elseif', ...decl(rest.slice(1)) };
    return { kind: 'else' };
  }
  if (head === 'end') return { kind: 'end' };
  if (head === 'define') return { kind: 'define', name: rest[0].v };
  if (toks[0]?.t === 'ref' && toks[0].v.startsWith('$') && toks[1]?.t === 'assign') return { kind: 'assign', ...decl(toks) };
  return { kind: 'output', p: parsePipeline(toks) };
}

function parse(items, name, defines) {
  const root = { nodes: [] };
  const stack = [{ node: root, list: root.nodes }];
  for (const it of items) {
    const top = stack[stack.length - 1];
    if ('text' in it) { top.list.push({ kind: 'text', text: it.text }); continue; }
    const a = parseAction(it.action);
    a.where = `${name}:${it.line}`;
    if (a.kind === 'if' || a.kind === 'range' || a.kind === 'with') {
      a.body = [];
      a.branches = [];
      top.list.push(a);
      stack.push({ node: a, list: a.body });
    } else if (a.kind === 'elseif' || a.kind === 'else') {
      const blk = top.node;
      const branch = { cond: a.kind === 'elseif' ? a : null, body: [] };
      blk.branches.push(branch);
      top.list = branch.body;
    } else if (a.kind === 'define') {
      const d = { kind: 'define', name: a.name, body: [] };
      defines[a.name] = d;
      stack.push({ node: d, list: d.body });
    } else if (a.kind === 'end') {
      if (stack.length < 2) throw new Error(`${a.where}: end without a block`);
      stack.pop();
    } else {
      top.list.push(a);
    }
  }
  if (stack.length !== 1) throw new Error(`${name}: a block is not ended`);
  return root.nodes;
}

// ---- evaluation ----
const isEmpty = (v) => v === undefined || v === null || v === false || v === 0 || v === '' ||
  (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);
const truthy = (v) => !isEmpty(v);

function goString(v) {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return Array.isArray(v) ? `[${v.map(goString).join(' ')}]` : `map[${Object.keys(v).sort().map((k) => `${k}:${goString(v[k])}`).join(' ')}]`;
  return String(v);
}

function toYaml(v) {
  if (v === undefined || v === null) return 'null';
  return YAML.stringify(v, { sortMapEntries: true, lineWidth: 0 }).replace(/\n$/, '');
}

function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

function printf(fmt, ...args) {
  let i = 0;
  return fmt.replace(/%([sdvq%])/g, (m, c) => {
    if (c === '%') return '%';
    const a = args[i++];
    if (c === 'd') return String(Math.trunc(Number(a)));
    if (c === 'q') return JSON.stringify(goString(a));
    return goString(a);
  });
}

class Failure extends Error {}

function makeFuncs(engine) {
  const indent = (n, s) => String(s).split('\n').map((l) => ' '.repeat(n) + l).join('\n');
  return {
    include: (name, data) => engine.include(name, data),
    toYaml,
    toPrettyJson: (v) => JSON.stringify(sortKeys(v), null, 2),
    nindent: (n, s) => `\n${indent(n, s)}`,
    indent,
    quote: (...a) => a.map((x) => JSON.stringify(goString(x))).join(' '),
    default: (d, v) => (isEmpty(v) ? d : v),
    printf,
    print: (...a) => a.map(goString).join(''),
    trunc: (n, s) => String(s).slice(0, n),
    trimSuffix: (suf, s) => (String(s).endsWith(suf) ? String(s).slice(0, -suf.length) : String(s)),
    trim: (s) => String(s).trim(),
    contains: (sub, s) => String(s).includes(sub),
    replace: (a, b, s) => String(s).split(a).join(b),
    deepCopy: (v) => structuredClone(v ?? {}),
    set: (m, k, v) => { m[k] = v; return m; },
    dict: (...a) => { const o = {}; for (let i = 0; i < a.length; i += 2) o[a[i]] = a[i + 1]; return o; },
    list: (...a) => a,
    has: (needle, l) => Array.isArray(l) && l.includes(needle),
    empty: isEmpty,
    not: (v) => !truthy(v),
    and: (...a) => a.find((x) => !truthy(x)) ?? a[a.length - 1],
    or: (...a) => a.find((x) => truthy(x)) ?? a[a.length - 1],
    eq: (a, ...b) => b.some((x) => x === a),
    ne: (a, b) => a !== b,
    lt: (a, b) => a < b,
    le: (a, b) => a <= b,
    gt: (a, b) => a > b,
    ge: (a, b) => a >= b,
    int: (v) => Math.trunc(Number(v ?? 0)),
    sha256sum: (s) => createHash('sha256').update(String(s)).digest('hex'),
    fail: (msg) => { throw new Failure(msg); },
  };
}

class Engine {
  constructor(templates, top) {
    this.defines = {};
    this.files = {};
    for (const [name, src] of Object.entries(templates)) this.files[name] = parse(lex(src, name), name, this.defines);
    this.funcs = makeFuncs(this);
    this.top = top;
  }

  include(name, data) {
    const body = this.defines[name]?.body ?? this.files[name];
    if (!body) throw new Error(`include: no template ${JSON.stringify(name)}`);
    return this.run(body, data, new Map([['$', data]]));
  }

  field(base, path, where) {
    let cur = base;
    for (const k of path.split('.').filter(Boolean)) {
      if (cur === undefined || cur === null) throw new Error(`${where}: nil pointer evaluating ${path}`);
      cur = cur[k];
    }
    return cur;
  }

  operand(tk, dot, vars, where) {
    switch (tk.t) {
      case 'str': case 'num': case 'bool': return tk.v;
      case 'nil': return null;
      case 'sub': return this.pipeline(tk.p, dot, vars, where);
      case 'ref': {
        if (tk.v === '.') return dot;
        if (tk.v[0] === '.') return this.field(dot, tk.v, where);
        const [name, ...rest] = tk.v.split('.');
        if (!vars.has(name)) throw new Error(`${where}: undefined variable ${name}`);
        return this.field(vars.get(name), rest.join('.'), where);
      }
      default: throw new Error(`${where}: unexpected ${tk.t}`);
    }
  }

  pipeline(cmds, dot, vars, where) {
    let prev;
    cmds.forEach((cmd, n) => {
      const [first, ...args] = cmd;
      const piped = n > 0 ? [prev] : [];
      if (first.t === 'ident') {
        const f = this.funcs[first.v];
        if (!f) throw new Error(`${where}: function ${first.v} is not one this renderer knows`);
        prev = f(...args.map((a) => this.operand(a, dot, vars, where)), ...piped);
      } else {
        if (args.length || piped.length) throw new Error(`${where}: arguments to a value`);
        prev = this.operand(first, dot, vars, where);
      }
    });
    return prev;
  }

  run(nodes, dot, vars) {
    let out = '';
    for (const n of nodes) {
      if (n.kind === 'text') { out += n.text; continue; }
      if (n.kind === 'output') {
        const v = this.pipeline(n.p, dot, vars, n.where);
        out += v === undefined || v === null ? '' : goString(v);
      } else if (n.kind === 'assign') {
        vars.set(n.vars[0], this.pipeline(n.p, dot, vars, n.where));
      } else if (n.kind === 'if' || n.kind === 'with') {
        const branches = [{ cond: n, body: n.body }, ...n.branches];
        for (const b of branches) {
          if (!b.cond) { out += this.run(b.body, dot, new Map(vars)); break; }
          const v = this.pipeline(b.cond.p, dot, vars, n.where);
          if (truthy(v)) { out += this.run(b.body, n.kind === 'with' ? v : dot, new Map(vars)); break; }
        }
      } else if (n.kind === 'range') {
        const v = this.pipeline(n.p, dot, vars, n.where);
        const entries = Array.isArray(v) ? v.map((x, i) => [i, x]) : v && typeof v === 'object' ? Object.keys(v).sort().map((k) => [k, v[k]]) : [];
        if (entries.length === 0 && n.branches.length) out += this.run(n.branches[0].body, dot, new Map(vars));
        for (const [k, x] of entries) {
          const inner = new Map(vars);
          if (n.vars.length === 2) { inner.set(n.vars[0], k); inner.set(n.vars[1], x); } else if (n.vars.length === 1) inner.set(n.vars[0], x);
          out += this.run(n.body, x, inner);
        }
      }
    }
    return out;
  }
}

function merge(base, over) {
  if (over === undefined) return base;
  if (base && over && typeof base === 'object' && typeof over === 'object' && !Array.isArray(base) && !Array.isArray(over)) {
    const out = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = v === null ? undefined : merge(base[k], v);
    for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
    return out;
  }
  return over;
}

// Renders every template of the chart in dir with values.yaml merged with overrides (a null
// removes a key, as with helm --set k=null). A `fail` in a template throws {failed: message}.
export function renderChart(dir, overrides = {}, release = { Name: 'tusk', Namespace: 'tusk' }) {
  const chartYaml = YAML.parse(readFileSync(join(dir, 'Chart.yaml'), 'utf8'));
  const chartName = chartYaml.name;
  const values = merge(YAML.parse(readFileSync(join(dir, 'values.yaml'), 'utf8')), overrides);
  const tdir = join(dir, 'templates');
  const templates = {};
  for (const f of readdirSync(tdir).sort()) templates[`${chartName}/templates/${f}`] = readFileSync(join(tdir, f), 'utf8');
  const top = {
    Values: values,
    Release: { Service: 'Helm', ...release },
    Chart: { Name: chartName, Version: chartYaml.version, AppVersion: chartYaml.appVersion },
    Template: { BasePath: `${chartName}/templates` },
    Capabilities: {},
  };
  const engine = new Engine(templates, top);
  const files = {};
  try {
    for (const name of Object.keys(templates)) {
      if (basename(name).startsWith('_')) continue;
      files[basename(name)] = engine.run(engine.files[name], top, new Map([['$', top]]));
    }
  } catch (e) {
    if (e instanceof Failure) return { failed: e.message };
    throw e;
  }
  const docs = [];
  for (const [name, text] of Object.entries(files)) {
    if (name === 'NOTES.txt') continue;
    for (const d of YAML.parseAllDocuments(text)) {
      if (d.errors.length) throw new Error(`${name}: ${d.errors.join('; ')}\n${text}`);
      const obj = d.toJS();
      if (obj) docs.push({ file: name, ...obj });
    }
  }
  return { files, docs, notes: files['NOTES.txt'], values };
}
