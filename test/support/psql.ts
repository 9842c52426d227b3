import { execFile, execFileSync } from 'node:child_process';
import { CERT_FILE } from '../../emulator/index.js';

/** The system's psql, if installed (tests that need it skip without it). */
export const PSQL = (() => {
  try {
    return execFileSync('sh', ['-c', 'command -v psql'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
})();

/**
 * Runs psql with a connection URI exactly as given. Always asynchronous: the emulator's compute
 * proxies run in the test's own process, so a synchronous child would leave them no turn to answer.
 */
export function psql(uri: string, command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, PGSSLROOTCERT: CERT_FILE, PGCONNECT_TIMEOUT: '60' };
    execFile(PSQL ?? 'psql', [uri, '-At', '-v', 'ON_ERROR_STOP=1', '-c', command], { env, timeout: 90_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: stdout.trim(), stderr: stderr.trim() }),
    );
  });
}
