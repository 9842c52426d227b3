import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { World } from '../support/world.js';
import { expectFailedWith, expectSucceeded, neonCall, until } from './helpers.js';

const BRANCH = '/projects/:project_id/branches/:branch_id';
const OPERATION = '/projects/:project_id/operations/:operation_id';

/** What the outputs, the comment and the summary say is what Neon holds. */
describe('what the action reports is what Neon holds', () => {
  let world: World;
  beforeAll(async () => {
    world = await World.start();
  });
  afterAll(() => world.stop());
  beforeEach(() => {
    world.neon.api.faults.clear();
    world.neon.model.stalled.clear();
  });

  it('expires_in: never on a reused branch clears the expiry on Neon, and says so everywhere', async () => {
    const opened = await world.run('opened', 80);
    expectSucceeded(world, opened);
    expect(world.neon.model.branches.get(opened.outputs.branch_id ?? '')?.expiresAt).toBeDefined();
    const never = await world.run('synchronize', 80, { expires_in: 'never' });
    expectSucceeded(world, never);
    expect(never.outputs.expires_at).toBe('');
    expect(world.neon.model.branches.get(opened.outputs.branch_id ?? '')?.expiresAt).toBeUndefined();
    expect(world.github.commentsOn(80)[0]?.body).toMatch(/\| Expires \| never \|/);
    expect(never.summary).toMatch(/\| Expires \| never \|/);
  });

  it('a reused branch this action did not make is reported as reused as it is, never "expiry refreshed"', async () => {
    await neonCall(world, 'POST', '/branches', { branch: { name: 'preview/pr-81-feature-login' }, endpoints: [{ type: 'read_write' }] });
    const result = await world.run('opened', 81);
    expectSucceeded(world, result);
    expect(result.outputs.created).toBe('false');
    const comment = world.github.commentsOn(81)[0]?.body ?? '';
    for (const text of [comment, result.summary]) {
      expect(text).not.toMatch(/expiry refreshed/i);
      expect(text).toMatch(/Reused as it is/);
      expect(text).toMatch(/expiry was left unchanged/);
    }
  });

  it('a DELETE whose answer was lost (reset, then a retry that finds nothing) reports that this run deleted the branch', async () => {
    const opened = await world.run('opened', 82);
    expectSucceeded(world, opened);
    world.neon.api.faults.add({ method: 'DELETE', route: BRANCH, reset: 'after', times: 1 });
    const closed = await world.run('closed', 82);
    expectSucceeded(world, closed);
    expect(closed.outputs.deleted).toBe('true');
    expect(world.neon.model.branches.has(opened.outputs.branch_id ?? '')).toBe(false);
    expect(world.github.commentsOn(82)[0]?.body).toMatch(/Deleted/);
    expect(world.github.commentsOn(82)[0]?.body).not.toMatch(/Already deleted/);
  });

  it('get creates nothing: a branch without a compute is one error saying what to do, and no compute is added', async () => {
    const opened = await world.run('opened', 83);
    expectSucceeded(world, opened);
    const branchId = opened.outputs.branch_id ?? '';
    const [endpoint] = world.neon.model.endpointsOf(branchId);
    await neonCall(world, 'DELETE', `/endpoints/${endpoint?.id}`);
    await until(() => world.neon.model.endpointsOf(branchId).length === 0 && world.neon.model.branches.get(branchId)?.pendingOps === 0);
    const from = world.neon.api.requests.length;
    const got = await world.run('synchronize', 83, { command: 'get' });
    expectFailedWith(world, got, /no read-write compute.*command: create/);
    expect(world.calls(from).filter((c) => c.method !== 'GET')).toEqual([]);
    expect(world.neon.model.endpointsOf(branchId)).toHaveLength(0);
  });

  it('timeout bounds the whole wait, Retry-After sleeps included, and names the latest state seen', async () => {
    world.neon.model.stalled.add('start_compute');
    const started = Date.now();
    const run = world.run('opened', 84, { timeout: '12' });
    // Once a poll has seen the compute's start running, every later poll is told to come back in 20 s.
    const seenRunning = () =>
      world.neon.model.operations.some(
        (op) => op.action === 'start_compute' && op.status === 'running' && world.neon.api.requests.some((r) => r.route === OPERATION && r.path.endsWith(op.id) && r.status === 200 && r.receivedAt > (op.startedAt ?? Infinity)),
      );
    await until(seenRunning, 60_000);
    world.neon.api.faults.add({ route: OPERATION, status: 429, retryAfter: '20' });
    const result = await run;
    expectFailedWith(world, result, /Timed out after 12s waiting for .*start_compute.*running/);
    expect(result.errors[0]).not.toMatch(/scheduling/);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);
});
