// The deployment files, checked without a cluster (make test): the Containerfile's contract,
// the Helm chart (every value a template reads is defined, every value is read, probes,
// ports, mounts and securityContext), the kustomize manifests (every resource listed exists
// and parses, names and ports refer to each other), the chart's defaults and the manifests
// agree, and the probe paths they use answer 200 from the tusk binary.
// make test-deploy renders the manifests with kubectl kustomize and runs their pod with podman;
// docs/deployment.md says what only a real cluster shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { startTusk } from '../lib/tusk.mjs';

const require = createRequire(new URL('../../web/package.json', import.meta.url));
const YAML = require('yaml');

const root = resolve(new URL('../..', import.meta.url).pathname);
const read = (p) => readFileSync(join(root, p), 'utf8');
const VERSION = read('VERSION').trim();
const DATA_DIR = '/var/lib/pgadmin';

const chartDir = 'deploy/helm/tusk';
const values = YAML.parse(read(`${chartDir}/values.yaml`));
const templateFiles = readdirSync(join(root, chartDir, 'templates')).sort();
const templates = Object.fromEntries(templateFiles.map((f) => [f, read(`${chartDir}/templates/${f}`)]));

const kustomizeDir = 'deploy/kubernetes';
const kustomization = YAML.parse(read(`${kustomizeDir}/kustomization.yaml`));
const manifests = kustomization.resources.flatMap((f) =>
  YAML.parseAllDocuments(read(`${kustomizeDir}/${f}`)).map((d) => {
    assert.equal(d.errors.length, 0, `${f}: ${d.errors.join('; ')}`);
    return { file: f, ...d.toJS() };
  }));
const find = (kind) => manifests.filter((m) => m.kind === kind);
const deployment = find('Deployment')[0];
const pod = deployment.spec.template.spec;
const container = pod.containers[0];

// a dotted path's value in an object, or undefined when a key on the way is missing
function lookup(obj, path) {
  let cur = obj;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object' || !(k in cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

function leafPaths(obj, prefix = []) {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj) || Object.keys(obj).length === 0) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
}

const valueRefs = Object.entries(templates).flatMap(([file, text]) =>
  [...text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)].map((m) => ({ file, path: m[1].slice(1).split('.') })));

test('Containerfile: uid/gid 5050, the data volume, port 80, entrypoint, health check, and only files the build context lets in', () => {
  const cf = read('deploy/container/Containerfile');
  assert.match(cf, /^USER 5050:5050$/m);
  assert.match(cf, new RegExp(`^VOLUME ${DATA_DIR}$`, 'm'));
  assert.match(cf, /^EXPOSE 80$/m);
  assert.match(cf, /^ENTRYPOINT \["\/entrypoint\.sh"\]$/m);
  assert.match(cf, /^HEALTHCHECK .*CMD \["\/usr\/local\/bin\/tusk-healthcheck"\]$/m);
  assert.match(cf, /^FROM \$\{BASE_IMAGE\} AS build$/m);
  assert.match(cf, /^ARG BASE_IMAGE=debian:bookworm-slim$/m);
  assert.match(cf, /setcap cap_net_bind_service=\+ep \/usr\/local\/libexec\/tusk\/tusk/);
  assert.match(read('deploy/container/entrypoint.sh'), /TUSK_LOW_PORT=\/usr\/local\/libexec\/tusk\/tusk/);
  assert.match(read('deploy/container/entrypoint.sh'), new RegExp(`TUSK_DATA_DIR="\\$\\{TUSK_DATA_DIR:-${DATA_DIR}\\}"`));
  assert.match(read('deploy/container/healthcheck.sh'), /GET %s\/misc\/ping HTTP\/1\.0/);

  // every COPY from the context names a file that exists and that the ignore file lets in
  const allow = read('deploy/container/Containerfile.dockerignore').split('\n')
    .filter((l) => l.startsWith('!')).map((l) => l.slice(1));
  const sources = [...cf.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(/\s+/));
  assert.ok(sources.length >= 6, sources.join(' '));
  for (const s of sources) {
    assert.ok(existsSync(join(root, s)), `COPY ${s}: no such file`);
    assert.ok(allow.some((a) => s === a || s.startsWith(`${a}/`)), `COPY ${s} is not let in by Containerfile.dockerignore`);
  }
});

test('Helm chart: Chart.yaml, and every .Values reference in a template is defined in values.yaml', () => {
  const chart = YAML.parse(read(`${chartDir}/Chart.yaml`));
  assert.equal(chart.apiVersion, 'v2');
  assert.equal(chart.name, 'tusk');
  assert.match(chart.version, /^\d+\.\d+\.\d+$/);
  assert.equal(chart.appVersion, VERSION, 'appVersion is the VERSION file (the default image tag)');
  assert.ok(valueRefs.length > 50, `only ${valueRefs.length} references found`);
  const missing = valueRefs.filter((r) => lookup(values, r.path) === undefined).map((r) => `${r.file}: .Values.${r.path.join('.')}`);
  assert.deepEqual([...new Set(missing)], []);
});

test('Helm chart: every value in values.yaml is read by a template', () => {
  const refs = valueRefs.map((r) => r.path.join('.'));
  const unused = leafPaths(values).map((p) => p.join('.'))
    .filter((p) => !refs.some((r) => p === r || p.startsWith(`${r}.`)));
  assert.deepEqual(unused, []);
});

test('Helm chart: template actions are balanced', () => {
  for (const [file, text] of Object.entries(templates)) {
    const opens = (text.match(/\{\{/g) || []).length;
    const closes = (text.match(/\}\}/g) || []).length;
    assert.equal(opens, closes, `${file}: {{ and }} differ`);
    const blocks = (text.match(/\{\{-?\s*(if|range|with|define)\b/g) || []).length;
    const ends = (text.match(/\{\{-?\s*end\s*-?\}\}/g) || []).length;
    assert.equal(blocks, ends, `${file}: ${blocks} blocks, ${ends} ends`);
  }
});

test('Helm chart: probes on <scriptName>/misc/ping at the container port, data and /tmp mounts, securityContext', () => {
  const d = templates['deployment.yaml'];
  for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
    assert.match(d, new RegExp(`${probe}:\\n\\s+httpGet:\\n\\s+path: \\{\\{ \\$scriptName \\}\\}/misc/ping\\n\\s+port: http\\n`), probe);
    assert.ok(values[probe].periodSeconds > 0, probe);
  }
  assert.match(d, /- name: http\n\s+containerPort: \{\{ \.Values\.containerPort \}\}/);
  assert.match(d, /- name: TUSK_PORT\n\s+value: \{\{ \.Values\.containerPort \| quote \}\}/);
  assert.match(d, new RegExp(`- name: data\\n\\s+mountPath: ${DATA_DIR}\\n`));
  assert.match(d, /- name: tmp\n\s+mountPath: \/tmp\n/);
  assert.match(d, /- name: tmp\n\s+emptyDir:/);
  // the image listens on 80 by default; the chart's default port needs no capability
  assert.ok(values.containerPort >= 1024);
  assert.match(d, /set \$sc "capabilities" \(dict "drop" \(list "ALL"\) "add" \(list "NET_BIND_SERVICE"\)\)/);

  assert.deepEqual(
    { runAsNonRoot: true, runAsUser: 5050, runAsGroup: 5050, fsGroup: 5050 },
    Object.fromEntries(['runAsNonRoot', 'runAsUser', 'runAsGroup', 'fsGroup'].map((k) => [k, values.podSecurityContext[k]])));
  assert.equal(values.securityContext.readOnlyRootFilesystem, true);
  assert.equal(values.securityContext.allowPrivilegeEscalation, false);
  assert.deepEqual(values.securityContext.capabilities.drop, ['ALL']);
  assert.ok(values.shutdownTimeout < values.terminationGracePeriodSeconds);

  assert.match(templates['service.yaml'], /traefik\.ingress\.kubernetes\.io\/service\.sticky\.cookie: "true"/);
  assert.match(templates['service.yaml'], /targetPort: http/);
  assert.match(templates['ingressroute.yaml'], /apiVersion: traefik\.io\/v1alpha1/);
  assert.match(templates['ingressroute.yaml'], /sticky:\n\s+cookie:/);
  assert.match(templates['externalsecret.yaml'], /apiVersion: external-secrets\.io\/v1beta1/);
  assert.match(templates['_helpers.tpl'], /replicaCount > 1 needs the PostgreSQL store/);
  assert.match(d, /- name: TUSK_STORE_URL\n/);
});

test('Helm chart defaults fit the seed: its dev limits, uid/gid 5050, the pgAdmin volume path', () => {
  const seed = YAML.parseAllDocuments(read('tests/deploy/fixtures/seed-helmrelease.yaml')).map((d) => d.toJS());
  const sv = seed.find((d) => d.kind === 'HelmRelease').spec.values;
  assert.deepEqual(values.resources.limits, sv.resources.limits);
  assert.deepEqual(values.resources.requests, sv.resources.requests);
  for (const k of ['runAsNonRoot', 'runAsUser', 'runAsGroup', 'fsGroup']) assert.equal(values.podSecurityContext[k], sv.securityContext[k], k);
  assert.deepEqual(values.persistence.accessModes, sv.persistentVolume.accessModes);
  assert.equal(values.externalSecret.secretStoreRef.kind, seed.find((d) => d.kind === 'ExternalSecret').spec.secretStoreRef.kind);
  // the fixtures are copies of the planning team's shared/fixtures
  for (const f of ['seed-helmrelease.yaml', 'servers.json']) {
    const shared = join(root, '..', 'shared', 'fixtures', f);
    if (existsSync(shared)) assert.equal(read(`tests/deploy/fixtures/${f}`), readFileSync(shared, 'utf8'), `${f} differs from shared/fixtures`);
  }
});

test('kustomize: every resource exists and parses; names, labels, ports and claims refer to each other', () => {
  assert.equal(kustomization.kind, 'Kustomization');
  for (const f of kustomization.resources) assert.ok(existsSync(join(root, kustomizeDir, f)), f);
  const kinds = manifests.map((m) => m.kind).sort();
  assert.deepEqual(kinds, ['Deployment', 'Ingress', 'Namespace', 'NetworkPolicy', 'PersistentVolumeClaim', 'Service']);
  assert.equal(find('Namespace')[0].metadata.name, kustomization.namespace);
  assert.deepEqual(kustomization.images.map((i) => i.name), [container.image]);
  assert.equal(kustomization.images[0].newTag, VERSION);

  const labels = deployment.spec.template.metadata.labels;
  for (const [k, v] of Object.entries(deployment.spec.selector.matchLabels)) assert.equal(labels[k], v);
  const service = find('Service')[0];
  for (const [k, v] of Object.entries(service.spec.selector)) assert.equal(labels[k], v, `Service selector ${k}`);
  const ports = Object.fromEntries(container.ports.map((p) => [p.name, p.containerPort]));
  assert.ok(service.spec.ports[0].targetPort in ports, 'Service targetPort names a container port');
  const backend = find('Ingress')[0].spec.rules[0].http.paths[0].backend.service;
  assert.equal(backend.name, service.metadata.name);
  assert.equal(backend.port.name, service.spec.ports[0].name);
  const np = find('NetworkPolicy')[0];
  for (const [k, v] of Object.entries(np.spec.podSelector.matchLabels)) assert.equal(labels[k], v);
  assert.ok(np.spec.ingress[0].ports[0].port in ports);

  // probes on /misc/ping at the port tusk is told to listen on
  const env = Object.fromEntries(container.env.map((e) => [e.name, e]));
  assert.equal(Number(env.TUSK_PORT.value), ports.http);
  for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
    assert.equal(container[probe].httpGet.path, '/misc/ping', probe);
    assert.equal(container[probe].httpGet.port, 'http', probe);
  }
  // the data volume is the claim, at the data directory; /tmp for a read-only root
  const mounts = Object.fromEntries(container.volumeMounts.map((m) => [m.mountPath, m.name]));
  const volumes = Object.fromEntries(pod.volumes.map((v) => [v.name, v]));
  assert.equal(volumes[mounts[DATA_DIR]].persistentVolumeClaim.claimName, find('PersistentVolumeClaim')[0].metadata.name);
  assert.ok(volumes[mounts['/tmp']].emptyDir);
  for (const m of container.volumeMounts) assert.ok(volumes[m.name], `volume ${m.name}`);
  assert.equal(deployment.spec.strategy.type, 'Recreate');
});

test('the chart defaults and the plain manifests describe the same pod', () => {
  const ports = Object.fromEntries(container.ports.map((p) => [p.name, p.containerPort]));
  assert.equal(ports.http, values.containerPort);
  assert.deepEqual(pod.securityContext, values.podSecurityContext);
  assert.deepEqual(container.securityContext, values.securityContext);
  assert.deepEqual(container.resources, values.resources);
  assert.equal(pod.terminationGracePeriodSeconds, values.terminationGracePeriodSeconds);
  const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
  assert.equal(env.TUSK_SHUTDOWN_TIMEOUT, String(values.shutdownTimeout));
  assert.equal(env.TUSK_DEFAULT_EMAIL, values.admin.email);
  for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
    const { httpGet, ...timing } = container[probe];
    assert.deepEqual(timing, values[probe], probe);
  }
  assert.equal(find('PersistentVolumeClaim')[0].spec.resources.requests.storage, values.persistence.size);
  assert.equal(find('Service')[0].spec.ports[0].port, values.service.port);
});

test('the probe paths answer 200 PING from tusk, at the root and under a sub-path', async () => {
  const env = Object.fromEntries(container.env.filter((e) => 'value' in e).map((e) => [e.name, e.value]));
  for (const scriptName of ['', '/tusk']) {
    // the manifests' environment; the test's loopback address and port (flags win)
    const t = await startTusk({ env: { ...env, TUSK_DEFAULT_PASSWORD: 'probe-test-password', TUSK_SCRIPT_NAME: scriptName } });
    try {
      const origin = new URL(t.url).origin;
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        const path = `${scriptName}${container[probe].httpGet.path}`;
        const res = await fetch(origin + path);
        assert.equal(res.status, 200, path);
        assert.equal(await res.text(), 'PING');
      }
    } finally {
      assert.equal(await t.stop(), 0, t.output());
    }
  }
});
