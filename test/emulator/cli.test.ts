import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { NeonClient } from '../support/neon-client.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** `npm run emulator -- --port N`: prints what to point clients at, and Ctrl-C leaves nothing behind. */
describe('emulator: the command line', () => {
  it('prints NEON_API_HOST, NEON_API_KEY and NEON_PROJECT_ID; SIGINT stops it and every Postgres it started', async () => {
    // Below the compute ports (15000 and up) and the ephemeral range.
    const port = 10_000 + Math.floor(Math.random() * 4000);
    const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/cli.ts', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const env: Record<string, string> = {};
    for await (const line of createInterface({ input: child.stdout })) {
      const [key = '', value = ''] = line.split(/=(.*)/s);
      env[key] = value;
      if (key === 'NODE_EXTRA_CA_CERTS') break;
    }
    expect(env.NEON_API_HOST).toBe(`http://127.0.0.1:${port}/api/v2`);
    expect(env.NEON_API_KEY).toMatch(/^napi_/);
    expect(env.NEON_PROJECT_ID).toMatch(/^[a-z]+-[a-z]+-\d+$/);

    // A second branch means a second Postgres; both must go with the emulator.
    const client = new NeonClient({ url: env.NEON_API_HOST ?? '', apiKey: env.NEON_API_KEY ?? '', projectId: env.NEON_PROJECT_ID ?? '' });
    await client.createBranch({ name: 'dev' });
    const postgres = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(child.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes('postgres'))
      .map((l) => Number(l.trim().split(/\s+/)[0]));
    expect(postgres).toHaveLength(2);

    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(postgres.filter(alive)).toEqual([]);
  });
});
