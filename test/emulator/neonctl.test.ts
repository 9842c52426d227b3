import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/index.js';
import { sql } from '../../emulator/sql.js';

const require = createRequire(import.meta.url);
const NEONCTL = path.join(path.dirname(require.resolve('neonctl/package.json')), 'bin', 'cli.js');

/** The official Neon CLI, pointed at the emulator the way `npm run emulator` tells a user to. */
describe('emulator: the official neonctl works against it', () => {
  let neon: Emulator;

  const neonctl = (...args: string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      const env = { ...process.env, NEON_API_HOST: neon.url, NEON_API_KEY: neon.apiKey };
      execFile(process.execPath, [NEONCTL, ...args, '--project-id', neon.projectId, '--no-analytics'], { env, timeout: 60_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`neonctl ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
      );
    });

  beforeAll(async () => {
    neon = await Emulator.start({ rateLimits: false });
  });
  afterAll(() => neon.stop());

  it('lists, creates, gets and deletes branches, and prints a connection string that connects', async () => {
    const before = JSON.parse(await neonctl('branches', 'list', '--output', 'json')) as { name: string; default: boolean }[];
    expect(before.map((b) => [b.name, b.default])).toEqual([['main', true]]);

    const created = JSON.parse(await neonctl('branches', 'create', '--name', 'preview/cli', '--output', 'json')) as { branch: { id: string; name: string }; endpoints: { type: string }[] };
    expect(created.branch.name).toBe('preview/cli');
    expect(created.endpoints.map((e) => e.type)).toEqual(['read_write']);

    const got = JSON.parse(await neonctl('branches', 'get', 'preview/cli', '--output', 'json')) as { id: string };
    expect(got.id).toBe(created.branch.id);

    // neonctl builds this URI itself, from the endpoint's host and the revealed password.
    const uri = (await neonctl('connection-string', 'preview/cli')).trim();
    expect(uri).toMatch(/^postgresql:\/\/neondb_owner:.+@127\.0\.0\.1:\d+\/neondb\?sslmode=require&channel_binding=require$/);
    expect(await sql(uri, 'SELECT current_database() AS db, current_user AS role')).toEqual([{ db: 'neondb', role: 'neondb_owner' }]);

    await neonctl('branches', 'delete', 'preview/cli');
    const after = JSON.parse(await neonctl('branches', 'list', '--output', 'json')) as { name: string }[];
    expect(after.map((b) => b.name)).toEqual(['main']);
  });
});
