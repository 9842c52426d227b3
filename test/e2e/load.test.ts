import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { World } from '../support/world.js';
import { until } from './helpers.js';

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

  const BRANCHES = '/projects/:project_id/branches';
  const comment = (pr: number) => world.github.commentsOn(pr).find((c) => c.body.includes('neon-preview-branch-action'))?.body ?? '';
  const branchesOf = (pr: number) => [...world.neon.model.branches.values()].filter((b) => b.annotation?.['github-pr'] === String(pr));

  it('a PR closed before its create run made the branch: the create run deletes what it made, and the comment says so', async () => {
    // The create's POST is held for 3 s, so the close run looks up, finds nothing and ends first.
    world.neon.api.faults.add({ method: 'POST', route: BRANCHES, delayMs: 3000, times: 1 });
    const from = world.neon.api.requests.length;
    const create = world.run('opened', 501);
    await until(() => world.neon.api.requests.slice(from).some((r) => r.method === 'GET' && r.route === BRANCHES));
    world.github.closePull(501);
    const closed = await world.run('closed', 501);
    expect(closed.errors).toEqual([]);
    const created = await create;
    expect(created.errors.join('\n')).toMatch(/closed/);
    expect(world.leaks(created)).toEqual([]);
    expect(created.outputs.db_url).toBeUndefined();
    expect(branchesOf(501)).toEqual([]);
    expect(comment(501)).toMatch(/Deleted/);
    expect(comment(501)).not.toMatch(/Created/);
  });

  it('a PR closed while its create waits for the compute: one close run, and the branch ends deleted', async () => {
    world.neon.model.delays.start_compute = 1500;
    try {
      const create = world.run('opened', 502);
      await until(() => branchesOf(502).length > 0);
      world.github.closePull(502);
      const closed = await world.run('closed', 502);
      expect(closed.errors).toEqual([]);
      const created = await create;
      expect(world.leaks(created)).toEqual([]);
      expect(branchesOf(502)).toEqual([]);
      expect(comment(502)).toMatch(/deleted/i);
      expect(comment(502)).not.toMatch(/Created/);
    } finally {
      world.neon.model.delays.start_compute = 400;
    }
  });

  it('a close run held up by Neon (423) while the create run deletes the branch: the comment keeps saying how it was deleted, never "Already deleted"', async () => {
    world.neon.model.delays.start_compute = 1500;
    try {
      const create = world.run('opened', 503);
      await until(() => branchesOf(503).length > 0);
      world.github.closePull(503);
      // The close run's first DELETE is answered 423 after 4 s: by then the create run has seen the PR closed and deleted the branch.
      world.neon.api.faults.add({ method: 'DELETE', route: '/projects/:project_id/branches/:branch_id', delayMs: 4000, status: 423, times: 1 });
      const closed = world.run('closed', 503);
      const created = await create;
      expect(created.errors.join('\n')).toMatch(/closed/);
      expect(comment(503)).toMatch(/\| Status \| Deleted \(the pull request was closed while its branch was being created\) \|/);
      const close = await closed;
      expect(close.errors).toEqual([]);
      expect(close.outputs.deleted).toBe('false');
      expect(branchesOf(503)).toEqual([]);
      expect(comment(503)).toMatch(/\| Status \| Deleted \(the pull request was closed while its branch was being created\) \|/);
      expect(comment(503)).not.toMatch(/Already deleted/);
    } finally {
      world.neon.model.delays.start_compute = 400;
    }
  });
});
