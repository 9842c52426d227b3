import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/index.js';
import { NeonClient } from '../support/neon-client.js';
import { NeonSchema } from '../support/openapi.js';
import { World } from '../support/world.js';

const require = createRequire(import.meta.url);
const NEONCTL = path.join(path.dirname(require.resolve('neonctl/package.json')), 'bin', 'cli.js');

/** Requests are checked against the official OpenAPI description, and refused as Neon refuses them. */
describe('emulator: strict where Neon is strict', () => {
  let neon: Emulator;
  let client: NeonClient;
  const schema = new NeonSchema();

  beforeAll(async () => {
    neon = await Emulator.start({ postgres: false, rateLimits: false });
    client = new NeonClient(neon);
  });
  afterAll(() => neon.stop());

  /** A 400 in Neon's error shape whose message names the field. */
  async function refused(method: string, path: string, body: unknown, field: string): Promise<string> {
    const answer = await client.call(method, path, body);
    expect(answer.status, `${method} ${path}`).toBe(400);
    expect(schema.validate(method, answer.route, 400, answer.body)).toEqual([]);
    expect(answer.body.message).toContain(`"${field}"`);
    return answer.body.message as string;
  }

  it('path parameters', async () => {
    expect(await refused('GET', '/projects/Not_A_Project_Id', undefined, 'project_id')).toMatch(/^path parameter: "project_id" must match pattern/);
    await refused('DELETE', '/api_keys/twelve', undefined, 'key_id');
  });

  it('query parameters: types, ranges, enums and required ones', async () => {
    const p = client.project;
    expect(await refused('GET', `${p}/branches?limit=many`, undefined, 'limit')).toMatch(/^query parameter: "limit" must be integer/);
    await refused('GET', `${p}/branches?limit=0`, undefined, 'limit');
    expect(await refused('GET', `${p}/branches?sort_by=size`, undefined, 'sort_by')).toContain('(name, created_at, updated_at)');
    await refused('GET', `${p}/connection_uri?database_name=neondb`, undefined, 'role_name');
    await refused('GET', `${p}/connection_uri?database_name=neondb&role_name=neondb_owner&pooled=yes`, undefined, 'pooled');
    // Declared values are accepted as they arrive, as text.
    expect((await client.call('GET', `${p}/branches?limit=5&sort_by=name&sort_order=asc`)).status).toBe(200);
  });

  it('bodies: types, enums, required fields and lengths, named by their path in the body', async () => {
    const p = client.project;
    expect(await refused('POST', `${p}/branches`, { branch: { name: 42 } }, 'branch.name')).toBe('request body: "branch.name" must be string');
    await refused('POST', `${p}/branches`, { endpoints: [{ type: 'read_mostly' }] }, 'endpoints[0].type');
    await refused('POST', `${p}/endpoints`, { endpoint: { type: 'read_write' } }, 'endpoint.branch_id');
    await refused('POST', `${p}/branches/${neon.model.defaultBranch.id}/restore`, {}, 'source_branch_id');
    await refused('POST', '/api_keys', { key_name: 'k'.repeat(65) }, 'key_name');
    const missing = await client.call('PATCH', `${p}/branches/${neon.model.defaultBranch.id}`);
    expect([missing.status, missing.body.message]).toEqual([400, 'request body: a JSON body is required']);
  });

  it('counts what it refused, with the key that sent it', async () => {
    const before = neon.api.refused.length;
    await client.call('GET', `${client.project}/branches?limit=none`, undefined, neon.projectKey);
    expect(neon.api.refused.slice(before)).toEqual([expect.objectContaining({ route: '/projects/:project_id/branches', keyId: neon.keys.idOf(neon.projectKey), message: expect.stringContaining('"limit"') })]);
  });

  it("neonctl's requests conform", async () => {
    const neonctl = (...args: string[]): Promise<string> =>
      new Promise((resolve, reject) => {
        const env = { ...process.env, NEON_API_HOST: neon.url, NEON_API_KEY: neon.personalKey };
        execFile(process.execPath, [NEONCTL, ...args, '--project-id', neon.projectId, '--no-analytics', '--output', 'json'], { env, timeout: 60_000 }, (error, stdout, stderr) =>
          error ? reject(new Error(`neonctl ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
        );
      });
    const before = neon.api.refused.length;
    await neonctl('projects', 'get', neon.projectId);
    await neonctl('branches', 'create', '--name', 'cli/one');
    await neonctl('branches', 'list');
    await neonctl('branches', 'get', 'cli/one');
    await neonctl('branches', 'rename', 'cli/one', 'cli/two');
    await neonctl('branches', 'reset', 'cli/two', '--parent');
    await neonctl('connection-string', 'cli/two', '--pooled');
    await neonctl('databases', 'list', '--branch', 'cli/two');
    await neonctl('roles', 'list', '--branch', 'cli/two');
    await neonctl('operations', 'list');
    await neonctl('branches', 'delete', 'cli/two');
    expect(neon.api.refused.slice(before)).toEqual([]);
    // Eleven CLI starts: on a busy machine each can take seconds.
  }, 300_000);
});

describe('the action\u2019s own requests are checked on every end-to-end run', () => {
  it('a World fails on stop when the action\u2019s key sent a request Neon would refuse, and only then', async () => {
    const world = await World.start({ postgres: false, rateLimits: false });
    const client = new NeonClient(world.neon);
    // A test's own bad request (the personal key) is not the action's.
    await client.call('GET', `${client.project}/branches?limit=none`);
    await client.call('GET', `${client.project}/branches?limit=none`, undefined, world.neon.projectKey);
    await expect(world.stop()).rejects.toThrow(/The action sent 1 request\(s\) that do not conform.*\n.*GET \/api\/v2\/projects\/.*limit=none: query parameter: "limit"/);
  });
});
