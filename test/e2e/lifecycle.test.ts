import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, World } from '../support/world.js';

/** The whole life of a PR's branch, with the built action run as the runner runs it. */
describe('a pull request from open to close', () => {
  let world: World;
  let parentUri: string;
  const first: Record<string, string> = {};

  beforeAll(async () => {
    world = await World.start();
    parentUri = world.neon.defaultBranchUri();
    await sql(parentUri, "CREATE TABLE customers (id serial PRIMARY KEY, name text); INSERT INTO customers (name) VALUES ('Ada'), ('Grace')");
  });
  afterAll(() => world.stop());

  it('opened: creates the branch, waits for its compute, writes masked outputs, a summary and one comment', async () => {
    const from = world.neon.api.requests.length;
    const result = await world.run('opened', 7);
    expect(result.errors).toEqual([]);
    expect(result.code).toBe(0);
    const out = result.outputs;
    expect(out.created).toBe('true');
    expect(out.branch_name).toBe('preview/pr-7-feature-login');
    expect(out.branch_id).toMatch(/^br-/);
    expect(new Date(out.expires_at ?? '').getTime()).toBeGreaterThan(Date.now() + 2 * 86_400_000);
    // Masked before written: every secret output has its ::add-mask:: first.
    for (const key of ['db_url', 'db_url_pooled', 'password']) expect(result.masked).toContain(out[key]);
    const maskAt = result.stdout.indexOf(`::add-mask::${out.password}`);
    expect(maskAt).toBeGreaterThanOrEqual(0);
    // The compute is ready the moment the step ends: the URI connects and has the parent's rows.
    expect(await sql(out.db_url ?? '', 'SELECT name FROM customers ORDER BY id')).toEqual([{ name: 'Ada' }, { name: 'Grace' }]);
    expect(await sql(out.db_url_pooled ?? '', 'SELECT count(*)::int AS n FROM customers')).toEqual([{ n: 2 }]);
    expect(out.db_host).not.toBe(out.db_host_pooled);
    // Progress is visible while waiting, in groups.
    expect(result.log).toMatch(/::group::Wait for the compute/);
    expect(result.log).toMatch(/start_compute \([0-9a-f]{8}\): finished, \d+\.\d+s elapsed/);
    expect(result.summary).toContain(out.branch_id);
    expect(result.summary).toContain('Created');
    const comments = world.github.commentsOn(7);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain(out.branch_id);
    expect(comments[0]?.body).toContain('<!-- neon-preview-branch-action');
    expect(world.leaks(result)).toEqual([]);
    // Budget: at most 8 API calls besides operation polls to create.
    expect(world.calls(from).length).toBeLessThanOrEqual(8);
    Object.assign(first, out);
  });

  it('synchronize: reuses the same branch, refreshes its expiry, updates the one comment', async () => {
    const from = world.neon.api.requests.length;
    const result = await world.run('synchronize', 7);
    expect(result.errors).toEqual([]);
    expect(result.outputs.created).toBe('false');
    expect(result.outputs.branch_id).toBe(first.branch_id);
    expect(Date.parse(result.outputs.expires_at ?? '')).toBeGreaterThan(Date.parse(first.expires_at ?? ''));
    expect(world.neon.model.branches.get(first.branch_id ?? '')?.expiresAt).toBe(result.outputs.expires_at);
    const comments = world.github.commentsOn(7);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('Reused');
    expect(await sql(result.outputs.db_url ?? '', 'SELECT count(*)::int AS n FROM customers')).toEqual([{ n: 2 }]);
    expect(world.leaks(result)).toEqual([]);
    expect(world.calls(from).length).toBeLessThanOrEqual(5);
  });

  it('writes to the preview branch never reach the parent', async () => {
    const branch = world.neon.model.branches.get(first.branch_id ?? '');
    expect(branch).toBeDefined();
    await sql(first.db_url ?? '', "INSERT INTO customers (name) VALUES ('Mallory')");
    expect(await sql(parentUri, 'SELECT count(*)::int AS n FROM customers')).toEqual([{ n: 2 }]);
  });

  it('closed: deletes the branch and says so in the comment', async () => {
    const result = await world.run('closed', 7);
    expect(result.errors).toEqual([]);
    expect(result.outputs.deleted).toBe('true');
    expect(world.neon.model.branches.has(first.branch_id ?? '')).toBe(false);
    const comments = world.github.commentsOn(7);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('Deleted');
    expect(world.leaks(result)).toEqual([]);
  });

  it('closed again (a re-run): succeeds with nothing to delete', async () => {
    const result = await world.run('closed', 7);
    expect(result.code).toBe(0);
    expect(result.errors).toEqual([]);
    expect(result.outputs.deleted).toBe('false');
    expect(result.log).toContain('does not exist');
  });
});
