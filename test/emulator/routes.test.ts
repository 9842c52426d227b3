import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/index.js';
import { NeonClient } from '../support/neon-client.js';
import { neonctl } from '../support/neonctl.js';

/** The account, organization and project-level routes neonctl needs, and paths that are not routes. */
describe('emulator: account routes, default branch, counts, unknown paths', () => {
  let neon: Emulator;
  let client: NeonClient;

  beforeAll(async () => {
    neon = await Emulator.start({ postgres: false, rateLimits: false, operationDelays: { scheduling: 5, create_branch: 10, start_compute: 10 } });
    client = new NeonClient(neon);
  });
  afterAll(() => neon.stop());

  it('neonctl lists projects without --org-id, shows the user and the organization', async () => {
    const projects = JSON.parse(await neonctl(neon, 'projects', 'list', '--output', 'json'));
    expect(projects).toEqual({ projects: [expect.objectContaining({ id: neon.projectId })], shared_with_you: [] });
    const me = JSON.parse(await neonctl(neon, 'me', '--output', 'json'));
    expect(me.email).toEqual(expect.stringContaining('@'));
    const orgs = JSON.parse(await neonctl(neon, 'orgs', 'list', '--output', 'json'));
    expect(orgs.map((o: { id: string }) => o.id)).toEqual([projects.projects[0].org_id]);
    // With one organization and one project, neonctl finds the project by itself.
    const branches = JSON.parse(await neonctl(neon, 'branches', 'list', '--output', 'json'));
    expect(branches.map((b: { name: string }) => b.name)).toEqual(['main']);
  });

  it('neonctl set-default moves the default to another branch; branches/count counts, with search', async () => {
    const other = await client.createBranch({ name: 'next-main' });
    await neonctl(neon, 'branches', 'set-default', 'next-main', '--project-id', neon.projectId);
    const list = (await client.call('GET', `${client.project}/branches`)).body.branches as { id: string; default: boolean }[];
    expect(list.filter((b) => b.default).map((b) => b.id)).toEqual([other.id]);
    expect((await client.call('DELETE', `${client.project}/branches/${other.id}`)).status).toBe(400);

    expect((await client.call('GET', `${client.project}/branches/count`)).body).toEqual({ count: 2 });
    expect((await client.call('GET', `${client.project}/branches/count?search=next`)).body).toEqual({ count: 1 });
  });

  it('answers "route not found" (404) for a path it does not serve, and 405 for a known path with another method', async () => {
    for (const path of ['/projects/shared/nothing', `${client.project}/branches/br-x-00000000/nothing`, '/users/me/nothing', '/nowhere']) {
      const answer = await client.call('GET', path);
      expect([answer.status, answer.body]).toEqual([404, { code: '', message: expect.stringMatching(/^route not found/) }]);
    }
    for (const [method, path] of [['PATCH', `${client.project}/branches/count`], ['DELETE', '/projects/shared'], ['POST', '/users/me']] as const) {
      const answer = await client.call(method, path);
      expect([answer.status, answer.body.message]).toEqual([405, expect.stringContaining('not allowed')]);
    }
  });

  it('pages operations to the end, every page with a cursor, and refuses a cursor it never gave', async () => {
    for (let i = 0; i < 3; i++) await client.createBranch({ name: `paged-${i}` });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const { body } = await client.call('GET', `${client.project}/operations?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...body.operations.map((op: { id: string }) => op.id));
      if (!body.operations.length) {
        expect(body.pagination).toBeUndefined();
        break;
      }
      expect(body.pagination.cursor).toEqual(expect.any(String));
      expect(body.pagination.cursor.length).toBeGreaterThan(0);
      cursor = body.pagination.cursor;
    }
    expect(new Set(seen).size).toBe(neon.model.operations.length);
    expect((await client.call('GET', `${client.project}/operations?cursor=not-a-cursor`)).status).toBe(400);
  });
});
