import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { World } from '../support/world.js';

/** Many runs at once, against the emulator's real rate limits (700 a minute, 40 a second a route). */
describe('load', () => {
  let world: World;
  beforeAll(async () => {
    world = await World.start();
  });
  afterAll(() => world.stop());

  it('the same PR started 20 times at once: all succeed, one branch, one comment, one branch_id', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => world.run('synchronize', 500)));
    for (const r of results) {
      expect(r.errors).toEqual([]);
      expect(world.leaks(r)).toEqual([]);
    }
    expect(new Set(results.map((r) => r.outputs.branch_id)).size).toBe(1);
    expect(results.filter((r) => r.outputs.created === 'true')).toHaveLength(1);
    expect([...world.neon.model.branches.values()].filter((b) => b.name === results[0]?.outputs.branch_name)).toHaveLength(1);
    expect(world.github.commentsOn(500).filter((c) => c.body.includes('neon-preview-branch-action'))).toHaveLength(1);
  });

  it('a PR closed while its create is still running ends with the branch deleted', async () => {
    world.neon.model.delays.start_compute = 1500;
    const create = world.run('opened', 501);
    await new Promise((r) => setTimeout(r, 700));
    const close = world.run('closed', 501);
    const [created, closed] = await Promise.all([create, close]);
    world.neon.model.delays.start_compute = 400;
    expect(closed.errors).toEqual([]);
    // Either the delete saw the branch and waited out the busy project (423), or it ran first and a
    // later close finds it: the final state has no branch for the PR.
    if (closed.outputs.deleted !== 'true') expect((await world.run('closed', 501)).outputs.deleted).toBe('true');
    expect(world.neon.model.branchByName(created.outputs.branch_name ?? 'preview/pr-501-feature-login')).toBeUndefined();
  });
});
