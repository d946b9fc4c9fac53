// The plain manifests rendered by kubectl kustomize, and their pod run with podman the way a
// kubelet would run it: the container's securityContext (uid/gid, fsGroup, read-only root,
// no capabilities, no privilege escalation), its limits, env with its Secret references,
// the claim and the emptyDir, and the probes asked at the ports and paths the manifest names.
// The chart's defaults describe the same pod (tests/api/deploy-files.test.mjs checks that).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Client } from '../lib/http.mjs';
import { root, requireImage, start, get, freePort, volumeDir, containerName } from './podman.mjs';

const require = createRequire(new URL('../../web/package.json', import.meta.url));
const YAML = require('yaml');

requireImage();

const VERSION = readFileSync(join(root, 'VERSION'), 'utf8').trim();
const rendered = execFileSync('kubectl', ['kustomize', join(root, 'deploy/kubernetes')], { encoding: 'utf8' });
const docs = YAML.parseAllDocuments(rendered).map((d) => d.toJS());
const deployment = docs.find((d) => d.kind === 'Deployment');

const memory = (q) => String(q).replace(/Mi$/, 'm').replace(/Gi$/, 'g');
const cpus = (q) => (String(q).endsWith('m') ? Number(String(q).slice(0, -1)) / 1000 : Number(q));

// podman run settings for the Deployment's first container, as a kubelet would apply them.
// secrets: {name: {key: value}}; a missing optional reference is left out, as Kubernetes does.
async function podFor(dep, secrets = {}) {
  const pod = dep.spec.template.spec;
  const c = pod.containers[0];
  const psc = pod.securityContext || {};
  const sc = c.securityContext || {};
  const flags = ['--user', `${psc.runAsUser}:${psc.runAsGroup}`];
  if (psc.fsGroup !== undefined) flags.push('--group-add', String(psc.fsGroup));
  // a read-only root with no tmpfs of podman's own: only the pod's volumes are writable
  if (sc.readOnlyRootFilesystem) flags.push('--read-only', '--read-only-tmpfs=false');
  for (const cap of sc.capabilities?.drop || []) flags.push('--cap-drop', cap);
  for (const cap of sc.capabilities?.add || []) flags.push('--cap-add', cap);
  if (sc.allowPrivilegeEscalation === false) flags.push('--security-opt', 'no-new-privileges');
  if (c.resources?.limits?.memory) flags.push('--memory', memory(c.resources.limits.memory));
  if (c.resources?.limits?.cpu) flags.push('--cpus', String(cpus(c.resources.limits.cpu)));

  const env = {};
  for (const e of c.env || []) {
    if ('value' in e) env[e.name] = e.value;
    const ref = e.valueFrom?.secretKeyRef;
    if (ref) {
      const v = secrets[ref.name]?.[ref.key];
      if (v !== undefined) env[e.name] = v;
      else assert.ok(ref.optional, `${e.name}: Secret ${ref.name} key ${ref.key} is needed`);
    }
  }
  // a new claim or emptyDir, as the kubelet hands it over with fsGroup: group-owned, setgid
  const volumes = [];
  for (const m of c.volumeMounts || []) {
    const v = pod.volumes.find((x) => x.name === m.name);
    assert.ok(v.persistentVolumeClaim || v.emptyDir, `volume ${m.name}: a claim or an emptyDir`);
    const dir = volumeDir(`vol-${m.name}`, { uid: 0, gid: psc.fsGroup ?? 0, mode: v.emptyDir ? 0o2777 : 0o2770 });
    volumes.push([dir, m.mountPath]);
  }
  const ports = [];
  const hostPort = {};
  for (const p of c.ports || []) {
    const hp = await freePort();
    ports.push([hp, p.containerPort]);
    hostPort[p.name] = hp;
    hostPort[p.containerPort] = hp;
  }
  return { spec: { env, volumes, ports, flags }, container: c, hostPort, grace: pod.terminationGracePeriodSeconds };
}

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
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      const { path, port } = p.container[probe].httpGet;
      const r = await get(`http://127.0.0.1:${p.hostPort[port]}${path}`);
      assert.equal(r.status, 200, `${probe} ${path}`);
      assert.equal(r.text, 'PING');
    }
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
  const p = await podFor(deployment, { 'tusk-admin': { password: 'from-the-tusk-admin-secret' } });
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
