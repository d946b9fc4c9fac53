// A Deployment's pod as podman settings, applied the way a kubelet applies them: the pod's and
// the container's securityContext (uid/gid, fsGroup, read-only root, capabilities, no
// privilege escalation), limits, env with Secret references, and volumes: a claim or an
// emptyDir handed over group-owned by fsGroup, Secrets and ConfigMaps projected as files.
// Only what Tusk's manifests use is translated; anything else is an assertion failure.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freePort, volumeDir } from './podman.mjs';

const memory = (q) => String(q).replace(/Mi$/, 'm').replace(/Gi$/, 'g');
const cpus = (q) => (String(q).endsWith('m') ? Number(String(q).slice(0, -1)) / 1000 : Number(q));

// objects: {secrets: {name: {key: value}}, configMaps: {name: {key: value}}}
export async function podFor(dep, { secrets = {}, configMaps = {} } = {}) {
  const pod = dep.spec.template.spec;
  assert.equal(pod.containers.length, 1);
  assert.ok(!pod.initContainers, 'init containers are not translated');
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
  // a kubelet leaves the unprivileged-port sysctl alone (Docker would open every port)
  flags.push('--sysctl', 'net.ipv4.ip_unprivileged_port_start=1024');
  if (c.resources?.limits?.memory) flags.push('--memory', memory(c.resources.limits.memory));
  if (c.resources?.limits?.cpu) flags.push('--cpus', String(cpus(c.resources.limits.cpu)));

  const env = {};
  for (const e of c.env || []) {
    if ('value' in e) env[e.name] = String(e.value);
    const ref = e.valueFrom?.secretKeyRef;
    if (ref) {
      const v = secrets[ref.name]?.[ref.key];
      if (v !== undefined) env[e.name] = v;
      else assert.ok(ref.optional, `${e.name}: Secret ${ref.name} key ${ref.key} is needed`);
    }
  }

  const fsGroup = psc.fsGroup ?? 0;
  const volumes = [];
  for (const m of c.volumeMounts || []) {
    const v = pod.volumes.find((x) => x.name === m.name);
    assert.ok(v, `volume ${m.name}`);
    if (v.persistentVolumeClaim || v.emptyDir) {
      // a new claim or emptyDir, as handed over with fsGroup: group-owned, setgid
      const dir = volumeDir(`vol-${m.name}`, { uid: 0, gid: fsGroup, mode: v.emptyDir ? 0o2777 : 0o2770 });
      volumes.push([dir, m.mountPath]);
      continue;
    }
    const src = v.secret
      ? { data: secrets[v.secret.secretName], items: v.secret.items, mode: v.secret.defaultMode ?? 0o644, what: `Secret ${v.secret.secretName}` }
      : v.configMap
        ? { data: configMaps[v.configMap.name], items: v.configMap.items, mode: v.configMap.defaultMode ?? 0o644, what: `ConfigMap ${v.configMap.name}` }
        : assert.fail(`volume ${m.name}: not a kind this translation knows`);
    assert.ok(src.data, `${src.what} is needed for volume ${m.name}`);
    const dir = volumeDir(`vol-${m.name}`, { uid: 0, gid: 0, mode: 0o755 });
    const items = src.items || Object.keys(src.data).map((k) => ({ key: k, path: k }));
    for (const it of items) {
      assert.ok(it.key in src.data, `${src.what} has no key ${it.key}`);
      const f = join(dir, it.path);
      mkdirSync(dirname(f), { recursive: true });
      writeFileSync(f, src.data[it.key]);
      chownSync(f, 0, fsGroup);
      chmodSync(f, src.mode);
    }
    volumes.push([m.subPath ? join(dir, m.subPath) : dir, m.mountPath, 'ro']);
  }

  const ports = [];
  const hostPort = {};
  for (const p of c.ports || []) {
    const hp = await freePort();
    ports.push([hp, p.containerPort]);
    hostPort[p.name] = hp;
    hostPort[p.containerPort] = hp;
  }
  return { spec: { env, volumes, ports, flags }, container: c, hostPort, grace: pod.terminationGracePeriodSeconds ?? 30 };
}

// The probes' answers: [{probe, path, status, text}]
export async function probe(p, get) {
  const out = [];
  for (const name of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
    const { path, port } = p.container[name].httpGet;
    const r = await get(`http://127.0.0.1:${p.hostPort[port]}${path}`);
    out.push({ probe: name, path, status: r.status, text: r.text });
  }
  return out;
}
