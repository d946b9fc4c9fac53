// Debian's OpenSSH server (openssh-server) for tunnel tests: started on
// 127.0.0.1 with its own configuration, host key and authorized keys in a
// temp folder, forwarding only to the test cluster. As root it logs in two
// throwaway accounts (one by password, one by key) that it creates and
// removes; as another user only that user, by key.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { tempDir } from './tusk.mjs';

export const SSHD = '/usr/sbin/sshd';
const isRoot = process.getuid && process.getuid() === 0;

export function sshdAvailable() {
  return existsSync(SSHD) && existsSync('/usr/bin/ssh-keygen');
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/** A new key pair in dir: {path (private), pub (the public line)}; passphrase '' for none. */
export function keygen(dir, name, { type = 'ed25519', passphrase = '' } = {}) {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', `tusk-test-${name}`, '-f', path]);
  return { path, pub: readFileSync(`${path}.pub`, 'utf8').trim() };
}

/** The SHA256 fingerprint ssh-keygen gives a public key file ("SHA256:..."). */
export function fingerprint(pubPath) {
  return execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubPath], { encoding: 'utf8' }).split(' ')[1];
}

function ensureUser(name, password) {
  try {
    execFileSync('id', [name], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name]);
  }
  execFileSync('chpasswd', { input: `${name}:${password}\n` });
  // a locked or expired account is refused before its password is checked
  execFileSync('usermod', ['--unlock', '--expiredate', '', name], { stdio: 'ignore' });
}

/**
 * Starts sshd; forwards only to `${target.host}:${target.port}`. Returns
 * {port, hostKeyPub, fingerprint, passwordUser, password, keyUser, key (pair with a
 * passphrase), keyPassphrase, log(), rotateHostKey(), stop()}.
 */
export async function startSshd({ target }) {
  const dir = tempDir('tusk-sshd-');
  chmodSync(dir, 0o755);
  const hostKey = keygen(dir, 'host_ed25519');
  const akDir = join(dir, 'authorized');
  mkdirSync(akDir);
  const me = userInfo().username;
  const passwordUser = isRoot ? 'tuskssh_pw' : null;
  const keyUser = isRoot ? 'tuskssh_key' : me;
  const password = 'tunnel-pass-1';
  const keyPassphrase = 'key-phrase-1';
  if (isRoot) {
    ensureUser(passwordUser, password);
    ensureUser(keyUser, `unused-${Date.now()}`);
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  }
  const key = keygen(dir, 'client_ed25519', { passphrase: keyPassphrase });
  writeFileSync(join(akDir, keyUser), `${key.pub}\n`);
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(config, [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKey.path}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${akDir}/%u`,
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication yes',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'PermitRootLogin no',
    `AllowUsers ${[passwordUser, keyUser].filter(Boolean).join(' ')}`,
    'AllowTcpForwarding local',
    `PermitOpen ${target.host}:${target.port}`,
    'X11Forwarding no',
    'PermitTTY no',
    'LogLevel DEBUG1',
    '',
  ].join('\n'));
  let output = '';
  let proc;
  const start = async () => {
    const from = output.length; // a restart waits for its own "listening"
    proc = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stderr.on('data', (d) => { output += d.toString(); });
    proc.stdout.on('data', (d) => { output += d.toString(); });
    const deadline = Date.now() + 10000;
    while (!/Server listening on 127\.0\.0\.1 port/.test(output.slice(from))) {
      if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`sshd did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  // sshd's per-connection processes outlive the listener: end them too, by their ids
  const endSessions = () => {
    for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
      let stat;
      try { stat = readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch { continue; }
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === proc.pid) try { process.kill(Number(pid), 'SIGTERM'); } catch { /* gone */ }
    }
  };
  const stop = async () => {
    if (!proc || proc.exitCode !== null) return;
    endSessions();
    const gone = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await gone;
  };
  await start();
  return {
    port,
    dir,
    passwordUser,
    password,
    keyUser,
    key,
    keyPassphrase,
    fingerprint: fingerprint(`${hostKey.path}.pub`),
    log: () => output,
    /** A new host key, and sshd restarted with it (the old fingerprint no longer matches). */
    async rotateHostKey() {
      await stop();
      execFileSync('rm', ['-f', hostKey.path, `${hostKey.path}.pub`]);
      keygen(dir, 'host_ed25519');
      this.fingerprint = fingerprint(`${hostKey.path}.pub`);
      await start();
    },
    stop,
    restart: async () => { await stop(); await start(); },
    async cleanup() {
      await stop();
      if (isRoot) for (const u of [passwordUser, keyUser]) {
        try { execFileSync('userdel', [u], { stdio: 'ignore' }); } catch { /* already gone */ }
      }
    },
  };
}
