// Runs Tusk's image with podman for the deploy tests. scripts/test-deploy.sh builds the image
// (TUSK_TEST_IMAGE) and points podman at private storage and configuration (CONTAINERS_CONF,
// CONTAINERS_STORAGE_CONF); these helpers only start, watch and remove containers.
// A container gets no network but, when a test asks for one, a port that slirp4netns
// forwards from 127.0.0.1 on the host.
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join, resolve } from 'node:path';

export const root = resolve(new URL('../..', import.meta.url).pathname);
export const image = process.env.TUSK_TEST_IMAGE;
const tmpBase = process.env.TUSK_TEST_TMP || '/tmp';

export function requireImage() {
  if (!image) throw new Error('TUSK_TEST_IMAGE is not set: run these tests through make test-deploy');
}

// Runs podman to completion: {code, stdout, stderr}.
export function podman(args, { input, timeoutMs = 60000 } = {}) {
  return new Promise((res, rej) => {
    const proc = spawn('podman', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    proc.stdout.on('data', (c) => (stdout += c));
    proc.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      rej(new Error(`podman ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    proc.on('error', (e) => {
      clearTimeout(timer);
      rej(e);
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    });
    proc.stdin.end(input ?? '');
  });
}

// podman's own complaints that systemd is absent (it schedules health checks with systemd
// timers) are not the container's output
export function withoutPodmanNoise(text) {
  return text
    .split('\n')
    .filter((l) => !/^time="[^"]*" level=(error|warning) msg=".*systemd/.test(l))
    .join('\n');
}

export async function freePort() {
  return new Promise((res, rej) => {
    const srv = net.createServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

// A directory for a volume, owned by uid:gid with the given mode.
export function volumeDir(name, { uid = 5050, gid = 5050, mode = 0o700 } = {}) {
  const dir = mkdtempSync(join(tmpBase, `${name}-`));
  chownSync(dir, uid, gid);
  chmodSync(dir, mode);
  return dir;
}

// A file the container may read (a secret or servers.json, mounted read-only): by default
// root:5050 mode 0440, as Kubernetes projects a secret with fsGroup 5050.
export function hostFile(name, text, { uid = 0, gid = 5050, mode = 0o440 } = {}) {
  const dir = mkdtempSync(join(tmpBase, 'file-'));
  chmodSync(dir, 0o755);
  const path = join(dir, name);
  writeFileSync(path, text);
  chownSync(path, uid, gid);
  chmodSync(path, mode);
  return path;
}

let seq = 0;
export function containerName(tag) {
  return `tusk-test-${process.pid}-${++seq}-${tag}`;
}

// podman run arguments for a container spec:
//   env {NAME: value}, volumes [[host, container, 'ro'?]], ports [[hostPort, containerPort]],
//   network (default: none, or slirp4netns when ports are published),
//   flags [extra podman run flags], args [arguments after the image]
export const SLIRP = 'slirp4netns:port_handler=slirp4netns';
function runArgs({ env = {}, volumes = [], ports = [], network, flags = [], args = [] }) {
  const a = [];
  for (const [k, v] of Object.entries(env)) if (v !== undefined) a.push('--env', `${k}=${v}`);
  for (const [h, c, mode] of volumes) a.push('--volume', `${h}:${c}${mode ? ':' + mode : ''}`);
  if (network || ports.length) a.push('--network', network || SLIRP);
  for (const [hp, cp] of ports) a.push('--publish', `127.0.0.1:${hp}:${cp}`);
  return [...a, ...flags, image, ...args];
}

// Runs a container to its end: {code, output} (output: stdout and stderr, podman's noise removed).
export async function runToExit(spec, { timeoutMs = 60000, input } = {}) {
  const r = await podman(['run', '--rm', '--interactive', ...runArgs(spec)], { timeoutMs, input });
  return { code: r.code, output: withoutPodmanNoise(r.stdout + r.stderr), stdout: r.stdout };
}

// Starts a container in the background and waits for tusk's "tusk ready" line.
export async function start(spec, { name = containerName('run'), timeoutMs = 30000 } = {}) {
  const r = await podman(['run', '--detach', '--name', name, ...runArgs(spec)]);
  if (r.code !== 0) throw new Error(`podman run failed (${r.code}):\n${r.stderr}`);
  const c = {
    name,
    logs: async () => {
      const l = await podman(['logs', name]);
      return withoutPodmanNoise(l.stdout + l.stderr);
    },
    inspect: async (format) => (await podman(['inspect', '--format', format, name])).stdout.trim(),
    exec: (args, opts) => podman(['exec', '--interactive', name, ...args], opts),
    // SIGTERM, then the exit code
    stop: async (seconds = 15) => {
      await podman(['stop', '--time', String(seconds), name], { timeoutMs: (seconds + 30) * 1000 });
      return Number(await c.inspect('{{.State.ExitCode}}'));
    },
    remove: () => podman(['rm', '--force', '--time', '0', name]),
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const logs = await c.logs();
    if (/tusk ready/.test(logs)) return c;
    const running = await c.inspect('{{.State.Running}}');
    if (running !== 'true') {
      const code = await c.inspect('{{.State.ExitCode}}');
      await c.remove();
      throw new Error(`the container exited (${code}) before tusk was ready:\n${logs}`);
    }
    if (Date.now() > deadline) {
      await c.remove();
      throw new Error(`tusk was not ready in ${timeoutMs} ms:\n${logs}`);
    }
    await new Promise((r2) => setTimeout(r2, 200));
  }
}

// GET through the forwarded port, retried while slirp4netns's forwarder comes up.
export async function get(url, { tries = 25 } = {}) {
  let last;
  for (let i = 0; i < tries; i++) {
    try {
      const res = await fetch(url);
      return { status: res.status, text: await res.text(), headers: res.headers };
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`GET ${url} failed: ${last}`);
}
