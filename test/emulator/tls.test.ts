import { spawn } from 'node:child_process';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// Makes (or finds) the certificate, then reads both files, as the emulator does to hand them to Postgres.
const SCRIPT = `import { readFileSync } from 'node:fs';
import { ensureCertificate } from ${JSON.stringify(path.join(ROOT, 'emulator', 'tls.ts'))};
const files = await ensureCertificate();
readFileSync(files.certFile);
readFileSync(files.keyFile);
process.stdout.write(JSON.stringify(files));`;

/** ensureCertificate in a fresh process, with its own temp directory, as another user when `uid` is given. */
function ensureIn(tmp: string, uid?: number): Promise<{ certFile: string; keyFile: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], {
      cwd: ROOT,
      env: { ...process.env, TMPDIR: tmp, HOME: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(uid === undefined ? {} : { uid, gid: uid }),
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(err || `exit ${code}`))));
  });
}

/** Whether another user can reach the project's files (a clone in a mode-700 directory is not: the child cannot even start there). */
const othersCanReach = (): boolean => {
  for (let dir = ROOT; ; dir = path.dirname(dir)) {
    if ((statSync(dir).mode & 0o005) !== 0o005) return false;
    if (path.dirname(dir) === dir) return true;
  }
};

const nobodyUid = (): number | undefined => {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('nobody:'));
  return line ? Number(line.split(':')[2]) : undefined;
};

describe("emulator: the self-signed certificate clients trust", () => {
  let tmp = '';
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'tls-test-'));
    chmodSync(tmp, 0o1777); // a shared temp directory, as /tmp is
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('four emulators starting at once end with one certificate and its own key', async () => {
    const made = await Promise.all([1, 2, 3, 4].map(() => ensureIn(tmp)));
    expect(new Set(made.map((m) => m.certFile)).size).toBe(1);
    const { certFile, keyFile } = made[0] as { certFile: string; keyFile: string };
    const cert = new X509Certificate(readFileSync(certFile));
    const publicOfKey = createPublicKey(createPrivateKey(readFileSync(keyFile))).export({ type: 'spki', format: 'pem' });
    expect(cert.publicKey.export({ type: 'spki', format: 'pem' })).toBe(publicOfKey);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });

  it.skipIf(process.getuid?.() !== 0 || nobodyUid() === undefined || !othersCanReach())('root making its certificate first does not lock another user out of theirs', async () => {
    const rootFiles = await ensureIn(tmp);
    const other = await ensureIn(tmp, nobodyUid()); // rejects with EACCES if it is handed root's key
    expect(path.dirname(other.certFile)).not.toBe(path.dirname(rootFiles.certFile));
  });

  it.skipIf(process.getuid?.() !== 0 || nobodyUid() === undefined || !othersCanReach())('a certificate another user planted where this user\'s goes is refused, never served or trusted', async () => {
    const shared = mkdtempSync(path.join(os.tmpdir(), 'tls-plant-'));
    chmodSync(shared, 0o1777);
    try {
      // Another user makes "root's" directory first, with a certificate of their own.
      const planted = path.join(shared, `neon-emulator-tls-${process.getuid?.()}`);
      const other = nobodyUid() as number;
      await ensureIn(shared, other);
      renameSync(path.join(shared, `neon-emulator-tls-${other}`), planted);
      await expect(ensureIn(shared)).rejects.toThrow(/is not this user's own directory .*owner uid \d+.*Remove/);
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });
});
