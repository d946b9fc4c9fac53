// The deployment files, checked without a cluster (make test): the Containerfile's contract;
// the Helm chart (every value a template reads is defined and every value is read; rendered
// and linted by Helm 3 itself (tests/deploy/helm.mjs) with several sets of values: objects that
// refer to each other, probes, ports, mounts, securityContext, and the refusals); the kustomize manifests (every resource
// exists and parses, names and ports refer to each other); the chart's default pod is the
// manifests' pod; and the probe paths answer 200 from the tusk binary.
// make test-deploy runs those pods with podman; docs/deployment.md says what needs a cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { startTusk } from '../lib/tusk.mjs';
import { renderChart, lintChart, helmVersion } from '../deploy/helm.mjs';

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

// Checks one rendering: every object is of a known kind, and what refers to another object
// (a Secret, ConfigMap, claim, Service, port, pod labels) finds it or a value naming an
// existing one. Returns the objects by kind.
const KINDS = {
  Deployment: 'apps/v1', Service: 'v1', PersistentVolumeClaim: 'v1', Secret: 'v1', ConfigMap: 'v1',
  Ingress: 'networking.k8s.io/v1', NetworkPolicy: 'networking.k8s.io/v1',
  ExternalSecret: 'external-secrets.io/v1beta1', IngressRoute: 'traefik.io/v1alpha1',
};
function checkRendering(r, label) {
  assert.ok(!r.failed, `${label}: ${r.failed}`);
  const v = r.values;
  const by = {};
  const nulls = (x, path) => (x === null ? [path] : x && typeof x === 'object'
    ? Object.entries(x).flatMap(([k, y]) => nulls(y, `${path}.${k}`)) : []);
  for (const d of r.docs) {
    assert.equal(d.apiVersion, KINDS[d.kind], `${label}: ${d.kind} ${d.apiVersion}`);
    assert.deepEqual(nulls(d, d.kind), [], `${label}: empty keys (a block that rendered nothing)`);
    assert.match(d.metadata.name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, `${label}: ${d.kind} name`);
    (by[d.kind] ||= []).push(d);
  }
  const [dep] = by.Deployment;
  const pod = dep.spec.template.spec;
  const [c] = pod.containers;
  const podLabels = dep.spec.template.metadata.labels;
  const within = (sel, what) => { for (const [k, x] of Object.entries(sel)) assert.equal(podLabels[k], x, `${label}: ${what} ${k}`); };
  within(dep.spec.selector.matchLabels, 'selector');
  const env = Object.fromEntries(c.env.map((e) => [e.name, e]));
  const port = c.ports.find((p) => p.name === 'http');
  assert.equal(port.containerPort, v.containerPort);
  assert.equal(env.TUSK_PORT.value, String(v.containerPort));
  const prefix = v.scriptName.replace(/\/+$/, '');
  for (const p of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
    assert.deepEqual(c[p].httpGet, { path: `${prefix}/misc/ping`, port: 'http' }, `${label}: ${p}`);
  }
  if (prefix) assert.equal(env.TUSK_SCRIPT_NAME.value, prefix);
  // the capability the image needs below 1024, and nothing else
  const sc = c.securityContext;
  assert.equal(sc.readOnlyRootFilesystem, true);
  assert.deepEqual(sc.capabilities.drop, ['ALL']);
  if (v.containerPort < 1024) {
    assert.deepEqual(sc.capabilities.add, ['NET_BIND_SERVICE'], label);
    assert.equal(sc.allowPrivilegeEscalation, true, label);
  } else {
    assert.equal(sc.capabilities.add, undefined, label);
    assert.equal(sc.allowPrivilegeEscalation, false, label);
  }
  assert.deepEqual(pod.securityContext, v.podSecurityContext);

  // Secrets: rendered here, written by the ExternalSecret, or named in the values
  const secretKeys = {};
  for (const x of by.Secret || []) secretKeys[x.metadata.name] = Object.keys({ ...x.data, ...x.stringData });
  for (const x of by.ExternalSecret || []) secretKeys[x.spec.target.name] = x.spec.data.map((d) => d.secretKey);
  const named = [v.admin.existingSecret, v.store.existingSecret].filter(Boolean);
  const hasSecretKey = (name, key) => named.includes(name) || (secretKeys[name] || []).includes(key);
  for (const e of c.env) {
    const ref = e.valueFrom?.secretKeyRef;
    if (ref) assert.ok(hasSecretKey(ref.name, ref.key), `${label}: env ${e.name} -> Secret ${ref.name}/${ref.key}`);
  }
  const volumes = Object.fromEntries(pod.volumes.map((x) => [x.name, x]));
  for (const m of c.volumeMounts) {
    const vol = volumes[m.name];
    assert.ok(vol, `${label}: volume ${m.name}`);
    if (vol.secret) for (const it of vol.secret.items) assert.ok(hasSecretKey(vol.secret.secretName, it.key), `${label}: volume ${m.name}`);
    if (vol.configMap) {
      const cm = (by.ConfigMap || []).find((x) => x.metadata.name === vol.configMap.name);
      assert.ok(cm || vol.configMap.name === v.serverDefinitions.existingConfigMap, `${label}: ConfigMap ${vol.configMap.name}`);
      if (cm && m.subPath) assert.ok(m.subPath in cm.data, `${label}: ${m.subPath}`);
    }
    if (vol.persistentVolumeClaim) {
      const claim = vol.persistentVolumeClaim.claimName;
      assert.ok((by.PersistentVolumeClaim || []).some((x) => x.metadata.name === claim) || claim === v.persistence.existingClaim, `${label}: claim ${claim}`);
    }
  }
  const mountAt = Object.fromEntries(c.volumeMounts.map((m) => [m.mountPath, volumes[m.name]]));
  assert.ok(mountAt[DATA_DIR], `${label}: the data directory is a volume`);
  assert.ok(mountAt['/tmp']?.emptyDir, `${label}: /tmp`);
  if (env.TUSK_DEFAULT_PASSWORD_FILE) {
    const dir = env.TUSK_DEFAULT_PASSWORD_FILE.value.replace(/\/[^/]+$/, '');
    assert.ok(mountAt[dir]?.secret, `${label}: the password file is in a mounted Secret`);
  } else {
    assert.equal(env.TUSK_GENERATE_ADMIN_PASSWORD.value, 'true', label);
  }
  if (env.TUSK_SERVER_JSON_FILE) assert.ok(mountAt[env.TUSK_SERVER_JSON_FILE.value]?.configMap, label);

  const [svc] = by.Service;
  within(svc.spec.selector, 'Service selector');
  assert.equal(svc.spec.ports[0].targetPort, 'http');
  assert.equal(svc.spec.ports[0].port, v.service.port);
  if (v.sticky.enabled) assert.equal(svc.metadata.annotations['traefik.ingress.kubernetes.io/service.sticky.cookie'], 'true');
  for (const ing of by.Ingress || []) {
    for (const rule of ing.spec.rules) for (const p of rule.http.paths) {
      assert.deepEqual(p.backend.service, { name: svc.metadata.name, port: { name: 'http' } }, label);
    }
  }
  for (const ir of by.IngressRoute || []) {
    const s0 = ir.spec.routes[0].services[0];
    assert.equal(s0.name, svc.metadata.name);
    assert.equal(s0.port, v.service.port);
    if (v.sticky.enabled) assert.equal(s0.sticky.cookie.name, v.sticky.cookieName);
  }
  for (const np of by.NetworkPolicy || []) {
    within(np.spec.podSelector.matchLabels, 'NetworkPolicy');
    assert.equal(np.spec.ingress[0].ports[0].port, 'http');
  }
  return by;
}

const chartPath = join(root, chartDir);

test('Helm chart, rendered with its defaults: Deployment, Service and claim; no Secret; Tusk makes the password', () => {
  const r = renderChart(chartPath);
  const by = checkRendering(r, 'defaults');
  assert.deepEqual(Object.keys(by).sort(), ['Deployment', 'PersistentVolumeClaim', 'Service']);
  assert.equal(by.Deployment[0].spec.strategy.type, 'Recreate');
  assert.equal(by.Deployment[0].spec.template.spec.automountServiceAccountToken, false);
  assert.equal(by.PersistentVolumeClaim[0].metadata.annotations['helm.sh/resource-policy'], 'keep');
  assert.match(r.notes, /cat \/var\/lib\/pgadmin\/initial-admin-password/);
});

test('Helm chart, rendered as the seed would use it: ExternalSecret, Ingress, IngressRoute, pgAdmin claim', () => {
  const seed = YAML.parseAllDocuments(read('tests/fixtures/seed-helmrelease.yaml')).map((d) => d.toJS());
  const es = seed.find((d) => d.kind === 'ExternalSecret').spec;
  const r = renderChart(chartPath, {
    admin: { email: 'admin@pgadmin.local' },
    externalSecret: { enabled: true, secretStoreRef: es.secretStoreRef, passwordRemoteRef: es.data[0].remoteRef },
    ingress: { enabled: true, hosts: [{ host: 'pgadmin4.local', paths: [{ path: '/', pathType: 'Prefix' }] }] },
    ingressRoute: { enabled: true, match: 'Host(`pgadmin.local`)' },
    persistence: { existingClaim: 'pgadmin4' },
  });
  const by = checkRendering(r, 'seed');
  assert.deepEqual(Object.keys(by).sort(), ['Deployment', 'ExternalSecret', 'Ingress', 'IngressRoute', 'Service']);
  const ext = by.ExternalSecret[0].spec;
  assert.deepEqual(ext.secretStoreRef, { kind: 'ClusterSecretStore', name: 'localstack-secretstore' });
  assert.deepEqual(ext.data, [{ secretKey: 'password', remoteRef: { key: 'pgadmin4/credentials', property: 'password' } }]);
  assert.equal(ext.refreshInterval, '1h');
  const pod = by.Deployment[0].spec.template.spec;
  assert.equal(pod.volumes.find((x) => x.name === 'data').persistentVolumeClaim.claimName, 'pgadmin4');
  assert.equal(pod.volumes.find((x) => x.name === 'admin').secret.secretName, ext.target.name);
  assert.equal(by.IngressRoute[0].spec.routes[0].match, 'Host(`pgadmin.local`)');
  assert.deepEqual(by.IngressRoute[0].spec.entryPoints, ['web']);
});

test('Helm chart, rendered with other values: port 80, a sub-path, a password, servers.json, two replicas, NetworkPolicy', () => {
  const servers = JSON.parse(read('tests/fixtures/servers.json')).Servers;
  let by = checkRendering(renderChart(chartPath, {
    containerPort: 80, scriptName: '/tusk/', admin: { password: 'p-in-values' },
    serverDefinitions: { enabled: true, servers },
  }), 'port 80');
  const cm = by.ConfigMap[0];
  assert.deepEqual(JSON.parse(cm.data['servers.json']), { Servers: servers });
  assert.deepEqual(by.Secret[0].stringData, { password: 'p-in-values' });
  assert.ok(by.Deployment[0].spec.template.metadata.annotations['checksum/secret']);

  const two = renderChart(chartPath, { replicaCount: 2, store: { url: 'postgresql://tusk@pg/tusk' }, persistence: { accessModes: ['ReadWriteMany'] } });
  by = checkRendering(two, 'two replicas');
  assert.equal(by.Deployment[0].spec.replicas, 2);
  assert.equal(by.Deployment[0].spec.strategy.type, 'RollingUpdate');
  const storeEnv = by.Deployment[0].spec.template.spec.containers[0].env.find((e) => e.name === 'TUSK_STORE_URL');
  assert.deepEqual(storeEnv.valueFrom.secretKeyRef, { name: 'tusk', key: 'store-url' });
  assert.deepEqual(by.Secret[0].stringData, { 'store-url': 'postgresql://tusk@pg/tusk' });
  assert.doesNotMatch(two.notes, /WARNING/);
  assert.match(renderChart(chartPath, { replicaCount: 2, store: { existingSecret: 'tusk-store' } }).notes, /WARNING: 2 replicas share one claim that is not ReadWriteMany/);

  by = checkRendering(renderChart(chartPath, {
    networkPolicy: { enabled: true, ingressFrom: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }], egressTo: [{ ipBlock: { cidr: '10.0.0.0/8' } }] },
  }), 'network policy');
  const np = by.NetworkPolicy[0].spec;
  assert.deepEqual(np.policyTypes, ['Ingress', 'Egress']);
  assert.equal(np.ingress[0].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'], 'traefik');
  assert.deepEqual(np.egress[1].ports, [{ port: 5432, protocol: 'TCP' }]);
});

test('helm lint --strict passes the chart with its defaults and with the value sets rendered here', () => {
  assert.match(helmVersion(), /^v3\./);
  const servers = JSON.parse(read('tests/fixtures/servers.json')).Servers;
  const sets = [
    {},
    { containerPort: 80, scriptName: '/tusk/', admin: { password: 'p-in-values' }, serverDefinitions: { enabled: true, servers } },
    { replicaCount: 2, store: { url: 'postgresql://tusk@pg/tusk' }, persistence: { accessModes: ['ReadWriteMany'] } },
    { ingress: { enabled: true, hosts: [{ host: 'pgadmin4.local', paths: [{ path: '/', pathType: 'Prefix' }] }] }, ingressRoute: { enabled: true } },
  ];
  for (const over of sets) {
    const r = lintChart(chartPath, over);
    assert.equal(r.code, 0, `${JSON.stringify(over)}:\n${r.output}`);
    assert.match(r.output, /1 chart\(s\) linted, 0 chart\(s\) failed/);
  }
});

test('Helm chart refuses what would break the pod', () => {
  const refusals = [
    [{ replicaCount: 2 }, /replicaCount > 1 needs the PostgreSQL store/],
    [{ externalSecret: { enabled: true, passwordRemoteRef: { key: 'k' } } }, /needs externalSecret\.secretStoreRef\.name/],
    [{ externalSecret: { enabled: true, secretStoreRef: { name: 's' } } }, /needs passwordRemoteRef\.key or storeUrlRemoteRef\.key/],
    [{ externalSecret: { enabled: true, secretStoreRef: { name: 's' }, passwordRemoteRef: { key: 'k' } }, admin: { password: 'x' } }, /keep admin\.password and store\.url empty/],
    [{ shutdownTimeout: 30 }, /shutdownTimeout must be shorter than terminationGracePeriodSeconds/],
  ];
  for (const [over, message] of refusals) assert.match(renderChart(chartPath, over).failed || '', message, JSON.stringify(over));
});

test('Helm chart defaults fit the seed: its dev limits, uid/gid 5050, the pgAdmin volume path', () => {
  const seed = YAML.parseAllDocuments(read('tests/fixtures/seed-helmrelease.yaml')).map((d) => d.toJS());
  const sv = seed.find((d) => d.kind === 'HelmRelease').spec.values;
  assert.deepEqual(values.resources.limits, sv.resources.limits);
  assert.deepEqual(values.resources.requests, sv.resources.requests);
  for (const k of ['runAsNonRoot', 'runAsUser', 'runAsGroup', 'fsGroup']) assert.equal(values.podSecurityContext[k], sv.securityContext[k], k);
  assert.deepEqual(values.persistence.accessModes, sv.persistentVolume.accessModes);
  assert.equal(values.externalSecret.secretStoreRef.kind, seed.find((d) => d.kind === 'ExternalSecret').spec.secretStoreRef.kind);
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

test('the chart default pod is the manifests pod', () => {
  const by = checkRendering(renderChart(chartPath), 'defaults');
  const cpod = by.Deployment[0].spec.template.spec;
  const [cc] = cpod.containers;
  for (const k of ['securityContext', 'ports', 'volumeMounts', 'resources', 'startupProbe', 'livenessProbe', 'readinessProbe']) {
    assert.deepEqual(cc[k], container[k], k);
  }
  for (const k of ['securityContext', 'volumes', 'terminationGracePeriodSeconds', 'automountServiceAccountToken', 'enableServiceLinks']) {
    assert.deepEqual(cpod[k], pod[k], k);
  }
  assert.deepEqual(by.Deployment[0].spec.strategy, deployment.spec.strategy);
  const plain = (list) => Object.fromEntries(list.filter((e) => 'value' in e).map((e) => [e.name, e.value]));
  assert.deepEqual(plain(cc.env), plain(container.env));
  assert.deepEqual(by.PersistentVolumeClaim[0].spec, find('PersistentVolumeClaim')[0].spec);
  assert.deepEqual(by.Service[0].spec.ports, find('Service')[0].spec.ports);
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
