// The plain manifests rendered by kubectl kustomize, and the Helm chart rendered by Helm 3 with a
// few sets of values (tests/deploy/helm.mjs), their pods run with podman the way a
// kubelet would run them (tests/deploy/kubelet.mjs): securityContext, limits, env and
// Secrets, volumes, and the probes asked at the ports and paths the manifests name.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Client } from '../lib/http.mjs';
import { renderChart } from './helm.mjs';
import { root, requireImage, start, get, containerName } from './podman.mjs';
import { podFor, probe } from './kubelet.mjs';

const require = createRequire(new URL('../../web/package.json', import.meta.url));
const YAML = require('yaml');

requireImage();

const VERSION = readFileSync(join(root, 'VERSION'), 'utf8').trim();
const rendered = execFileSync('kubectl', ['kustomize', join(root, 'deploy/kubernetes')], { encoding: 'utf8' });
const docs = YAML.parseAllDocuments(rendered).map((d) => d.toJS());
const deployment = docs.find((d) => d.kind === 'Deployment');

const leftovers = [];
after(async () => {
  for (const c of leftovers) await c.remove();
});

test('kubectl kustomize renders the manifests: one namespace, the image tag, the same objects', () => {
  const kinds = docs.map((d) => d.kind).sort();
  assert.deepEqual(kinds, ['Deployment', 'Ingress', 'Namespace', 'NetworkPolicy', 'PersistentVolumeClaim', 'Service']);
  for (const d of docs.filter((x) => x.kind !== 'Namespace')) assert.equal(d.metadata.namespace, 'tusk', d.kind);
  assert.equal(deployment.spec.template.spec.containers[0].image, `tusk:${VERSION}`);
});

test('the manifests pod runs as its securityContext says; its probes answer; the generated password logs in', { timeout: 120000 }, async () => {
  const p = await podFor(deployment);
  const t0 = Date.now();
  const c = await start(p.spec, { name: containerName('pod') });
  leftovers.push(c);
  try {
    const startup = p.container.startupProbe;
    const budget = startup.periodSeconds * startup.failureThreshold * 1000;
    assert.ok(Date.now() - t0 < budget, `ready in ${Date.now() - t0} ms, the startup probe allows ${budget}`);
    for (const r of await probe(p, get)) assert.deepEqual([r.status, r.text], [200, 'PING'], `${r.probe} ${r.path}`);
    const status = (await c.exec(['cat', '/proc/1/status'])).stdout;
    assert.match(status, /^Uid:\s+5050\s/m);
    assert.match(status, /^CapEff:\s+0000000000000000$/m);
    assert.match(status, /^NoNewPrivs:\s+1$/m);
    // the root filesystem is read-only for tusk
    const write = await c.exec(['sh', '-c', 'touch /usr/local/x 2>&1; touch /var/lib/pgadmin/x && touch /tmp/x && echo writable']);
    assert.match(write.stdout, /Read-only file system/);
    assert.match(write.stdout, /writable/);

    // no tusk-admin Secret: Tusk made the password and keeps it where NOTES.txt says
    const email = p.container.env.find((e) => e.name === 'TUSK_DEFAULT_EMAIL').value;
    const pw = (await c.exec(['cat', '/var/lib/pgadmin/initial-admin-password'])).stdout.trim();
    assert.ok(pw.length >= 16, pw);
    const api = new Client(`http://127.0.0.1:${p.hostPort.http}/`);
    const r = await api.post('api/v1/auth/login', { email, password: pw });
    assert.equal(r.status, 200, r.raw);
  } finally {
    const t1 = Date.now();
    assert.equal(await c.stop(p.grace), 0, 'SIGTERM within the grace period');
    assert.ok(Date.now() - t1 < p.grace * 1000);
    await c.remove();
  }
});

test('with the tusk-admin Secret the administrator gets its password', { timeout: 120000 }, async () => {
  const p = await podFor(deployment, { secrets: { 'tusk-admin': { password: 'from-the-tusk-admin-secret' } } });
  const c = await start(p.spec, { name: containerName('pod-secret') });
  leftovers.push(c);
  try {
    const email = p.container.env.find((e) => e.name === 'TUSK_DEFAULT_EMAIL').value;
    const api = new Client(`http://127.0.0.1:${p.hostPort.http}/`);
    const r = await api.post('api/v1/auth/login', { email, password: 'from-the-tusk-admin-secret' });
    assert.equal(r.status, 200, r.raw);
    assert.notEqual((await c.exec(['test', '-e', '/var/lib/pgadmin/initial-admin-password'])).code, 0);
  } finally {
    assert.equal(await c.stop(p.grace), 0);
    await c.remove();
  }
});

const chartDir = join(root, 'deploy/helm/tusk');
const chartDeployment = (r) => {
  assert.ok(!r.failed, r.failed);
  return r.docs.find((d) => d.kind === 'Deployment');
};

test('the chart defaults: the pod runs, its probes answer, the password NOTES.txt names logs in', { timeout: 120000 }, async () => {
  const r = renderChart(chartDir);
  const p = await podFor(chartDeployment(r));
  const c = await start(p.spec, { name: containerName('chart') });
  leftovers.push(c);
  try {
    for (const x of await probe(p, get)) assert.deepEqual([x.status, x.text], [200, 'PING'], `${x.probe} ${x.path}`);
    const status = (await c.exec(['cat', '/proc/1/status'])).stdout;
    assert.match(status, /^CapEff:\s+0000000000000000$/m);
    const file = /cat (\/var\/lib\/pgadmin\/initial-admin-password)/.exec(r.notes)[1];
    const pw = (await c.exec(['cat', file])).stdout.trim();
    const login = await new Client(`http://127.0.0.1:${p.hostPort.http}/`).post('api/v1/auth/login', { email: r.values.admin.email, password: pw });
    assert.equal(login.status, 200, login.raw);
  } finally {
    assert.equal(await c.stop(p.grace), 0);
    await c.remove();
  }
});

test('the chart on port 80 under a sub-path, with an existing Secret and servers.json: NET_BIND_SERVICE only', { timeout: 120000 }, async () => {
  const servers = JSON.parse(readFileSync(join(root, 'tests/fixtures/servers.json'), 'utf8')).Servers;
  const r = renderChart(chartDir, {
    containerPort: 80,
    scriptName: '/tusk/',
    admin: { email: 'admin@pgadmin.local', existingSecret: 'pgadmin4-credentials' },
    serverDefinitions: { enabled: true, servers },
  });
  const configMap = r.docs.find((d) => d.kind === 'ConfigMap');
  const p = await podFor(chartDeployment(r), {
    secrets: { 'pgadmin4-credentials': { password: 'from-the-existing-secret' } },
    configMaps: { [configMap.metadata.name]: configMap.data },
  });
  const c = await start(p.spec, { name: containerName('chart80') });
  leftovers.push(c);
  try {
    for (const x of await probe(p, get)) assert.deepEqual([x.status, x.path, x.text], [200, '/tusk/misc/ping', 'PING'], x.probe);
    const status = (await c.exec(['cat', '/proc/1/status'])).stdout;
    assert.match(status, /^Uid:\s+5050\s/m);
    assert.match(status, /^CapEff:\s+0000000000000400$/m, 'the capable copy of tusk, holding NET_BIND_SERVICE only');
    const api = new Client(`http://127.0.0.1:${p.hostPort.http}/tusk/`);
    const login = await api.post('api/v1/auth/login', { email: 'admin@pgadmin.local', password: 'from-the-existing-secret' });
    assert.equal(login.status, 200, login.raw);
    assert.equal((await api.get('api/v1/servers')).body.servers.length, Object.keys(servers).length);
  } finally {
    assert.equal(await c.stop(p.grace), 0);
    await c.remove();
  }
});
