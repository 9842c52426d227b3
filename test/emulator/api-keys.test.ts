import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/index.js';
import { NeonClient } from '../support/neon-client.js';
import { World } from '../support/world.js';

const OUTSIDE = 'not allowed to perform actions outside the project this key is scoped to';

/** Neon's three kinds of API key, what each reaches, and revocation, through the routes Neon documents. */
describe('emulator: API keys', () => {
  let neon: Emulator;
  let client: NeonClient;
  let org: string;

  beforeAll(async () => {
    neon = await Emulator.start({ postgres: false, rateLimits: false });
    client = new NeonClient(neon);
    org = (await client.call('GET', client.project)).body.project.org_id;
  });
  afterAll(() => neon.stop());

  it('a project-scoped key reaches its project, and nothing else, as on Neon', async () => {
    const key = neon.projectKey;
    expect((await client.call('GET', client.project, undefined, key)).status).toBe(200);
    expect((await client.call('GET', `${client.project}/branches`, undefined, key)).status).toBe(200);

    // Another project, the project list, the organization and the account: Neon answers 404 with these words.
    for (const path of ['/projects/other-project-12345678/branches', '/projects', `/organizations/${org}/api_keys`, '/api_keys']) {
      const answer = await client.call('GET', path, undefined, key);
      expect([path, answer.status, answer.body.message]).toEqual([path, 404, `${OUTSIDE}; subject_project_id:"${neon.projectId}"`]);
    }
    const mint = await client.call('POST', `/organizations/${org}/api_keys`, { key_name: 'escalate' }, key);
    expect([mint.status, mint.body.message]).toEqual([404, expect.stringContaining(OUTSIDE)]);

    // It cannot delete its own project (member-level access).
    const deleted = await client.call('DELETE', client.project, undefined, key);
    expect([deleted.status, deleted.body.message]).toEqual([403, expect.stringContaining('project-scoped API key cannot delete its project')]);
  });

  it('the action is given the project-scoped key', () => {
    const scoped = neon.keys.list(['project']).map((k) => k.key);
    expect(scoped).toContain(neon.actionInputs().api_key);
    expect(neon.actionInputs().api_key).not.toBe(neon.personalKey);
  });

  it('a personal key makes personal keys; a revoked key gets 401 on its very next request', async () => {
    const made = await client.call('POST', '/api_keys', { key_name: 'laptop' });
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({ id: expect.any(Number), key: expect.stringMatching(/^napi_[a-z0-9]{64}$/), name: 'laptop' });
    expect((await client.call('GET', '/projects', undefined, made.body.key)).status).toBe(200);

    const listed = await client.call('GET', '/api_keys');
    const item = listed.body.find((k: { id: number }) => k.id === made.body.id);
    expect(item).toMatchObject({ name: 'laptop', last_used_at: expect.any(String) });
    expect(JSON.stringify(listed.body)).not.toContain(made.body.key);

    const revoked = await client.call('DELETE', `/api_keys/${made.body.id}`);
    expect(revoked.body).toMatchObject({ id: made.body.id, revoked: true });
    expect((await client.call('GET', '/projects', undefined, made.body.key)).status).toBe(401);
    expect((await client.call('GET', '/api_keys')).body.map((k: { id: number }) => k.id)).not.toContain(made.body.id);
    expect((await client.call('DELETE', `/api_keys/${made.body.id}`)).status).toBe(404);
  });

  it('organization keys reach every project of the organization but not the personal routes; project-scoped ones are made there too', async () => {
    const orgKey = await client.call('POST', `/organizations/${org}/api_keys`, { key_name: 'ci-admin' });
    expect(orgKey.body.project_id).toBeUndefined();
    expect((await client.call('GET', '/projects', undefined, orgKey.body.key)).status).toBe(200);
    expect((await client.call('GET', `${client.project}/branches`, undefined, orgKey.body.key)).status).toBe(200);
    const personalRoute = await client.call('GET', '/api_keys', undefined, orgKey.body.key);
    expect([personalRoute.status, personalRoute.body.message]).toEqual([404, 'not allowed for organization API keys']);

    // An organization key makes a project-scoped key; the listing shows its scope.
    const scoped = await client.call('POST', `/organizations/${org}/api_keys`, { key_name: 'preview', project_id: neon.projectId }, orgKey.body.key);
    expect(scoped.body).toMatchObject({ name: 'preview', project_id: neon.projectId });
    expect((await client.call('GET', `${client.project}/branches`, undefined, scoped.body.key)).status).toBe(200);
    expect((await client.call('GET', '/projects', undefined, scoped.body.key)).status).toBe(404);
    const listed = await client.call('GET', `/organizations/${org}/api_keys`, undefined, orgKey.body.key);
    expect(listed.body.find((k: { id: number }) => k.id === scoped.body.id)).toMatchObject({ project_id: neon.projectId });

    // Revoked by the organization: refused at once.
    await client.call('DELETE', `/organizations/${org}/api_keys/${scoped.body.id}`, undefined, orgKey.body.key);
    expect((await client.call('GET', `${client.project}/branches`, undefined, scoped.body.key)).status).toBe(401);
    await client.call('DELETE', `/organizations/${org}/api_keys/${orgKey.body.id}`);
    expect((await client.call('GET', '/projects', undefined, orgKey.body.key)).status).toBe(401);
  });

  it('refuses keys for a project or an organization that does not exist', async () => {
    expect((await client.call('POST', `/organizations/${org}/api_keys`, { key_name: 'x', project_id: 'no-such-project-1' })).status).toBe(404);
    expect((await client.call('GET', '/organizations/org-someone-else/api_keys')).status).toBe(404);
  });
});

describe('the end-to-end suite runs the action with a project-scoped key', () => {
  let world: World;
  beforeAll(async () => {
    world = await World.start({ postgres: false, rateLimits: false });
  });
  afterAll(() => world.stop());

  it('every request of a run is made with the project-scoped key, and least privilege is enough', async () => {
    const from = world.neon.api.requests.length;
    const result = await world.run('opened', 1);
    expect(result.code).toBe(0);
    const keyIds = new Set(world.neon.api.requests.slice(from).map((r) => r.keyId));
    const scoped = world.neon.keys.list(['project']).map((k) => k.id);
    expect([...keyIds].every((id) => id !== undefined && scoped.includes(id))).toBe(true);
  });
});
