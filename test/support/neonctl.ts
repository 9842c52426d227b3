import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Emulator } from '../../emulator/index.js';

const require = createRequire(import.meta.url);
const NEONCTL = path.join(path.dirname(require.resolve('neonctl/package.json')), 'bin', 'cli.js');

/**
 * Runs the official Neon CLI against the emulator, set up the way `npm run emulator` tells a user
 * to (NEON_API_HOST, NEON_API_KEY); resolves with its standard output, rejects with its error text.
 * Pass `--project-id` where the command needs one.
 */
export function neonctl(neon: Emulator, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, NEON_API_HOST: neon.url, NEON_API_KEY: neon.apiKey, CI: 'true' };
    execFile(process.execPath, [NEONCTL, ...args, '--no-analytics'], { env, timeout: 90_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`neonctl ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

/** Waits until no operation is pending on the branch (neonctl returns before they finish). */
export async function settled(neon: Emulator, branchId: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((neon.model.branches.get(branchId)?.pendingOps ?? 0) > 0) {
    if (Date.now() > deadline) throw new Error(`operations on ${branchId} did not finish`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
