import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Emulator } from '../../emulator/index.js';

const require = createRequire(import.meta.url);
const NEONCTL = path.join(path.dirname(require.resolve('neonctl/package.json')), 'bin', 'cli.js');

/**
 * The official neonctl pointed at an emulator, as `npm run emulator` tells a user to point it.
 * Resolves with stdout; rejects with neonctl's stderr (its error message) when it fails.
 */
export function neonctl(neon: Emulator, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, NEON_API_HOST: neon.url, NEON_API_KEY: neon.apiKey };
    execFile(process.execPath, [NEONCTL, ...args, '--project-id', neon.projectId, '--no-analytics'], { env, timeout: 90_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`neonctl ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}
