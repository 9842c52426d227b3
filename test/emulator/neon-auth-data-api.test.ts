import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/index.js';
import { NeonClient } from '../support/neon-client.js';

const require = createRequire(import.meta.url);
const NEONCTL = path.join(path.dirname(require.resolve('neonctl/package.json')), 'bin', 'cli.js');

/** The services are not emulated: their URLs are on `.invalid` (RFC 2606), which never resolves. */
const AUTH_URL = /^https:\/\/(ep-[a-z0-9-]+)\.neonauth\.not-emulated\.invalid\/neondb\/auth$/;
const DATA_API_URL = /^https:\/\/(ep-[a-z0-9-]+)\.apirest\.not-emulated\.invalid\/neondb\/rest\/v1$/;

/** Neon Auth and the Data API: the control-plane routes, as the official neonctl and a plain client use them. */
describe('emulator: Neon Auth and the Data API', () => {
  let neon: Emulator;
  let client: NeonClient;

  const neonctl = (...args: string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      const env = { ...process.env, NEON_API_HOST: neon.url, NEON_API_KEY: neon.apiKey };
      execFile(process.execPath, [NEONCTL, ...args, '--project-id', neon.projectId, '--no-analytics'], { env, timeout: 60_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`neonctl ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
      );
    });
  const auth = (branchId: string) => client.call('GET', `${client.project}/branches/${branchId}/auth`);

  beforeAll(async () => {
    neon = await Emulator.start({ rateLimits: false, postgres: false, operationDelays: { scheduling: 5, create_branch: 10, start_compute: 10 } });
    client = new NeonClient(neon);
  });
  afterAll(() => neon.stop());

  it('Neon Auth: enabled with neonctl; a branch made afterwards has its own, at a URL that says it is not served; its keys only in the enable answer', async () => {
    const main = neon.model.defaultBranch.id;
    const before = await client.createBranch({ name: 'preview/before-auth' });
    expect((await auth(main)).status).toBe(404);

    const enabled = JSON.parse(await neonctl('neon-auth', 'enable', '--branch', 'main', '--output', 'json')) as Record<string, string>;
    expect(enabled.base_url).toMatch(AUTH_URL);
    expect(enabled.jwks_url).toBe(`${enabled.base_url}/.well-known/jwks.json`);
    expect(enabled.secret_server_key).toMatch(/^ssk_[0-9a-f]{48}$/);
    const status = JSON.parse(await neonctl('neon-auth', 'status', '--branch', 'main', '--output', 'json')) as Record<string, string>;
    expect(status.base_url).toBe(enabled.base_url);

    // Neon Auth's data is in the database, so it branches with it: the preview has its own Auth.
    const preview = await client.createBranch({ name: 'preview/pr-1' });
    const got = await auth(preview.id);
    expect(got.status).toBe(200);
    expect(got.body.base_url).toMatch(AUTH_URL);
    expect(AUTH_URL.exec(got.body.base_url)?.[1]).toBe(preview.endpointId);
    expect(got.body).toMatchObject({ branch_id: preview.id, db_name: 'neondb', auth_provider: 'better_auth' });
    // The answer a preview action reads (GET) carries no key at all.
    expect(Object.keys(got.body).filter((k) => /key|secret/.test(k))).toEqual([]);
    expect(JSON.stringify(got.body)).not.toContain(enabled.secret_server_key);
    // A branch made before Auth was enabled on its parent has none.
    expect((await auth(before.id)).status).toBe(404);

    expect((await client.call('DELETE', `${client.project}/branches/${preview.id}/auth`, {})).status).toBe(200);
    expect((await auth(preview.id)).status).toBe(404);
    const child = await client.createBranch({ name: 'preview/pr-1-child', parent_id: preview.id });
    expect((await auth(child.id)).status).toBe(404);
    await neonctl('neon-auth', 'disable', '--branch', 'main');
    expect((await auth(main)).status).toBe(404);
  });

  it('the Data API: 404 until created (neonctl), then its URL, which says it is not served; a new branch does not get its parent\'s', async () => {
    await expect(neonctl('data-api', 'get', '--branch', 'main', '--output', 'json')).rejects.toThrow(/not enabled for database neondb/);
    const created = JSON.parse(await neonctl('data-api', 'create', '--branch', 'main', '--output', 'json')) as { url: string };
    expect(created.url).toMatch(DATA_API_URL);
    expect(DATA_API_URL.exec(created.url)?.[1]).toBe(neon.model.endpointsOf(neon.model.defaultBranch.id)[0]?.id);
    const got = JSON.parse(await neonctl('data-api', 'get', '--branch', 'main', '--output', 'json')) as { url: string; status: string };
    expect(got).toMatchObject({ url: created.url, status: 'active' });

    const preview = await client.createBranch({ name: 'preview/pr-2' });
    expect((await client.call('GET', `${client.project}/branches/${preview.id}/data-api/neondb`)).status).toBe(404);
    const own = await client.call('POST', `${client.project}/branches/${preview.id}/data-api/neondb`, {});
    expect(own.status).toBe(201);
    expect(DATA_API_URL.exec(own.body.url)?.[1]).toBe(preview.endpointId);
    expect((await client.call('GET', `${client.project}/branches/${preview.id}/data-api/other_db`)).status).toBe(404);

    await neonctl('data-api', 'delete', '--branch', 'main');
    expect((await client.call('GET', `${client.project}/branches/${neon.model.defaultBranch.id}/data-api/neondb`)).status).toBe(404);
  });
});
