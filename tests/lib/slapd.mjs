// Debian's slapd on loopback for the LDAP sign-in tests: the fixture directory
// (tests/fixtures/ldap-directory.ldif), plain ldap:// (StartTLS offered) and ldaps://, with a
// test CA and server certificate made here with openssl. The schema files are slapd's own
// (/etc/ldap/schema, from the slapd package, as the binary is).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { tempDir } from './tusk.mjs';

const root = resolve(new URL('../..', import.meta.url).pathname);
export const SLAPD = ['/usr/sbin/slapd'].find((p) => existsSync(p));
export const BASE = 'dc=example,dc=org';

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

// A CA, and a server certificate for 127.0.0.1 it signs; another CA that signs nothing here.
function makeCerts(dir) {
  const ossl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ossl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Tusk test CA',
    '-keyout', 'ca.key', '-out', 'ca.pem');
  ossl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ossl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2',
    '-extfile', 'ext.cnf', '-out', 'server.pem');
  ossl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Some other CA',
    '-keyout', 'other.key', '-out', 'other-ca.pem');
}

/** Starts slapd; {url (ldap://), ldapsUrl, caFile, otherCaFile, stop()}. */
export async function startSlapd() {
  const dir = tempDir('tusk-slapd-');
  mkdirSync(join(dir, 'db'));
  makeCerts(dir);
  writeFileSync(join(dir, 'bind-password'), 'service-secret\n');
  const conf = join(dir, 'slapd.conf');
  writeFileSync(conf, `
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile ${dir}/slapd.pid
TLSCACertificateFile ${dir}/ca.pem
TLSCertificateFile ${dir}/server.pem
TLSCertificateKeyFile ${dir}/server.key
database mdb
maxsize 10485760
suffix "${BASE}"
rootdn "cn=root,${BASE}"
rootpw root-secret
directory ${dir}/db
access to attrs=userPassword by self read by anonymous auth by * none
access to * by * read
`);
  execFileSync('/usr/sbin/slapadd', ['-f', conf, '-l', join(root, 'tests/fixtures/ldap-directory.ldif')], { stdio: 'pipe' });
  const port = await freePort();
  const sport = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = `ldaps://127.0.0.1:${sport}`;
  const proc = spawn(SLAPD, ['-f', conf, '-h', `${url}/ ${ldapsUrl}/`, '-d', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (c) => (output += c));
  proc.stderr.on('data', (c) => (output += c));
  const exited = new Promise((res) => proc.on('exit', res));
  // ready when it answers a search (bounded: 10 s)
  for (let i = 0; ; i++) {
    try {
      execFileSync('ldapsearch', ['-x', '-H', url, '-b', BASE, '-s', 'base', 'dn'], { stdio: 'pipe' });
      break;
    } catch (e) {
      if (i >= 100 || proc.exitCode !== null) throw new Error(`slapd did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url, ldapsUrl, dir,
    caFile: join(dir, 'ca.pem'),
    otherCaFile: join(dir, 'other-ca.pem'),
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}
