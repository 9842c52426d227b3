import { existsSync, lstatSync } from 'node:fs';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';

/**
 * A stable place, so NODE_EXTRA_CA_CERTS can name the certificate before a client starts; one per
 * user, since the key is readable by its owner only (root's would lock everyone else out).
 */
export const TLS_DIR = path.join(os.tmpdir(), `neon-emulator-tls-${process.getuid?.() ?? 'user'}`);
export const CERT_FILE = path.join(TLS_DIR, 'cert.pem');
export const KEY_FILE = path.join(TLS_DIR, 'key.pem');

/**
 * The emulator's self-signed certificate for 127.0.0.1, made once and kept. Postgres serves it;
 * psql with sslmode=require accepts it as is, and node clients (pg) trust it through
 * NODE_EXTRA_CA_CERTS, as they trust Neon's public certificate.
 */
export async function ensureCertificate(): Promise<{ certFile: string; keyFile: string }> {
  trustedOrAbsent();
  if (!existsSync(CERT_FILE) || !existsSync(KEY_FILE)) {
    const pems = await generate([{ name: 'commonName', value: 'neon-emulator.local' }], {
      keySize: 2048,
      notAfterDate: new Date(Date.now() + 3650 * 86_400_000),
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true },
        { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
      ],
    });
    // Written aside and put in place with one rename: emulators starting together never see a
    // certificate without its key, or one process's certificate with another's key.
    const staging = await mkdtemp(`${TLS_DIR}.staging-`);
    await writeFile(path.join(staging, path.basename(KEY_FILE)), pems.private, { mode: 0o600 });
    await writeFile(path.join(staging, path.basename(CERT_FILE)), pems.cert, { mode: 0o644 });
    try {
      await rename(staging, TLS_DIR);
    } catch {
      await rm(staging, { recursive: true, force: true }); // another process put its pair in place first
    }
  }
  trustedOrAbsent();
  return { certFile: CERT_FILE, keyFile: KEY_FILE };
}

/**
 * The certificate is a CA that clients are told to trust, in a shared temporary directory: one
 * that another user made (or could change) is refused, loudly, rather than used. The directory
 * and both files must be this user's, not symbolic links, and writable by no one else.
 */
function trustedOrAbsent(): void {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  for (const [file, kind] of [[TLS_DIR, 'directory'], [CERT_FILE, 'file'], [KEY_FILE, 'file']] as const) {
    let stat;
    try {
      stat = lstatSync(file);
    } catch {
      continue;
    }
    const right = kind === 'directory' ? stat.isDirectory() : stat.isFile();
    if (!right || stat.uid !== uid || (stat.mode & 0o022) !== 0) {
      throw new Error(
        `${file} is not this user's own ${kind} (owner uid ${stat.uid}, mode ${(stat.mode & 0o7777).toString(8)}): the emulator will not use a certificate someone else could have made. Remove ${TLS_DIR}, or set TMPDIR to a directory of your own.`,
      );
    }
  }
}
