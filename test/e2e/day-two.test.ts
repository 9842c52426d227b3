import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, World } from '../support/world.js';

const OURS = { 'managed-by': 'neon-preview-branch-action', 'github-repository': 'acme/shop' };

/** What teams do after create and delete: get in a later job, scheduled cleanup, reset on push, schema-only, private projects. */
describe('day-two commands', () => {
  let world: World;

  beforeAll(async () => {
    world = await World.start();
    await sql(world.neon.defaultBranchUri(), "CREATE TABLE orders (id int PRIMARY KEY, item text); INSERT INTO orders VALUES (1, 'kettle'), (2, 'mug')");
  });
  afterAll(() => world.stop());

  it('get: a later job re-derives the same outputs without creating anything or commenting', async () => {
    const opened = await world.run('opened', 40);
    expect(opened.code).toBe(0);
    const comments = world.github.commentsOn(40).map((c) => c.body);
    const branches = world.neon.model.branches.size;
    const from = world.neon.api.requests.length;

    const got = await world.run('opened', 40, { command: 'get' });
    expect(got.errors).toEqual([]);
    for (const key of ['db_url', 'db_url_pooled', 'db_host', 'db_host_pooled', 'password', 'branch_id', 'branch_name', 'expires_at']) expect([key, got.outputs[key]]).toEqual([key, opened.outputs[key]]);
    expect(got.outputs.created).toBe('false');
    for (const key of ['db_url', 'db_url_pooled', 'password']) expect(got.masked).toContain(got.outputs[key]);
    expect(world.calls(from).filter((c) => c.method !== 'GET')).toEqual([]);
    expect(world.neon.model.branches.size).toBe(branches);
    expect(world.github.commentsOn(40).map((c) => c.body)).toEqual(comments);
    expect((await sql(got.outputs.db_url ?? '', 'SELECT count(*)::int AS n FROM orders'))[0]?.n).toBe(2);
    expect(world.leaks(got)).toEqual([]);
  });

  it('get: a PR without a branch is one clear error naming the branch', async () => {
    const got = await world.run('synchronize', 41, { command: 'get' });
    expect(got.code).not.toBe(0);
    expect(got.errors).toHaveLength(1);
    expect(got.errors[0]).toMatch(/preview\/pr-41-feature-login/);
    expect(got.stdout + got.stderr).not.toMatch(/\n\s+at /);
  });

  it('reset_on_push: on synchronize the branch gets its parent\'s latest data, keeping its id', async () => {
    const opened = await world.run('opened', 42, { reset_on_push: 'true' });
    const uri = opened.outputs.db_url ?? '';
    await sql(uri, "INSERT INTO orders VALUES (100, 'written by the PR')");
    await sql(world.neon.defaultBranchUri(), "INSERT INTO orders VALUES (3, 'added on main')");

    const pushed = await world.run('synchronize', 42, { reset_on_push: 'true' });
    expect(pushed.errors).toEqual([]);
    expect(pushed.outputs.branch_id).toBe(opened.outputs.branch_id);
    expect(pushed.log).toMatch(/Resetting preview\/pr-42-feature-login/);
    expect((await sql(pushed.outputs.db_url ?? '', 'SELECT array_agg(id ORDER BY id) AS ids FROM orders'))[0]?.ids).toEqual([1, 2, 3]);

    // Without reset_on_push, a push keeps the branch's own data.
    await sql(pushed.outputs.db_url ?? '', "INSERT INTO orders VALUES (101, 'kept')");
    const again = await world.run('synchronize', 42);
    expect((await sql(again.outputs.db_url ?? '', 'SELECT array_agg(id ORDER BY id) AS ids FROM orders'))[0]?.ids).toEqual([1, 2, 3, 101]);
  });

  it('branch_type schema-only: the tables without the rows', async () => {
    const opened = await world.run('opened', 43, { branch_type: 'schema-only' });
    expect(opened.errors).toEqual([]);
    expect(await sql(opened.outputs.db_url ?? '', 'SELECT count(*)::int AS n FROM orders')).toEqual([{ n: 0 }]);
    expect((await sql(world.neon.defaultBranchUri(), 'SELECT count(*)::int AS n FROM orders'))[0]?.n).toBe(3);
  });

  // With the connection check off, the warning is the action's guess from the settings; with it on,
  // the check confirms or replaces it (test/e2e/connection-check.test.ts).
  it('a project closed to the internet: the branch is created, with a warning in the log and the comment', async () => {
    const unchecked = { verify_connection: 'off' };
    world.neon.model.projectSettings = { ...world.neon.model.projectSettings, block_public_connections: true };
    try {
      const opened = await world.run('opened', 44, unchecked);
      expect(opened.code).toBe(0);
      expect(opened.outputs.created).toBe('true');
      expect(opened.warnings.join('\n')).toMatch(/block_public_connections/);
      expect(world.github.commentsOn(44)[0]?.body).toMatch(/block_public_connections/);
    } finally {
      world.neon.model.projectSettings = { ...world.neon.model.projectSettings, block_public_connections: false };
    }
    world.neon.model.projectSettings = { ...world.neon.model.projectSettings, allowed_ips: { ips: ['203.0.113.0/24'], protected_branches_only: false } };
    try {
      const opened = await world.run('opened', 45, unchecked);
      expect(opened.warnings.join('\n')).toMatch(/IP allowlist/);
    } finally {
      world.neon.model.projectSettings = { ...world.neon.model.projectSettings, allowed_ips: { ips: [], protected_branches_only: false } };
    }
    // An allowlist for protected branches only does not apply to previews: no warning.
    world.neon.model.projectSettings = { ...world.neon.model.projectSettings, allowed_ips: { ips: ['203.0.113.0/24'], protected_branches_only: true } };
    try {
      expect((await world.run('opened', 46, unchecked)).warnings).toEqual([]);
    } finally {
      world.neon.model.projectSettings = { ...world.neon.model.projectSettings, allowed_ips: { ips: [], protected_branches_only: false } };
    }
  });

  it('cleanup: dry run lists what would go; then only closed-PR and PR-less branches of ours go, never a user\'s own', async () => {
    const model = world.neon.model;
    await world.run('opened', 50);
    await world.run('opened', 51);
    model.seedBranches(1, () => 'preview/nightly', OURS);
    model.seedBranches(1, () => 'preview/pr-9-elsewhere', { ...OURS, 'github-repository': 'acme/other', 'github-pr': '9' });
    model.seedBranches(1, () => 'preview/mine', undefined);
    model.seedBranches(120, (i) => `preview/pr-${600 + i}-old`, (i) => ({ ...OURS, 'github-pr': String(600 + i) }));
    // PRs open on GitHub: 50 and the earlier ones of this file; 51 and 600..719 are closed.
    world.github.openPulls = new Set([40, 42, 43, 44, 45, 46, 50]);
    const names = () => [...model.branches.values()].map((b) => b.name);

    const dry = await world.runEvent('schedule', {}, { command: 'cleanup', dry_run: 'true' });
    expect(dry.errors).toEqual([]);
    const wouldGo = JSON.parse(dry.outputs.deleted_branches ?? '[]') as string[];
    expect(wouldGo).toHaveLength(122);
    expect(wouldGo).toEqual(expect.arrayContaining(['preview/pr-51-feature-login', 'preview/nightly', 'preview/pr-600-old', 'preview/pr-719-old']));
    expect(dry.summary).toMatch(/dry run/);
    expect(dry.summary).toContain('preview/nightly');
    expect(names()).toEqual(expect.arrayContaining(wouldGo));

    const from = world.neon.api.requests.length;
    const real = await world.runEvent('schedule', {}, { command: 'cleanup' });
    expect(real.errors).toEqual([]);
    expect(JSON.parse(real.outputs.deleted_branches ?? '[]')).toHaveLength(122);
    const left = names();
    for (const gone of wouldGo) expect(left).not.toContain(gone);
    expect(left).toEqual(expect.arrayContaining(['main', 'preview/pr-50-feature-login', 'preview/pr-40-feature-login', 'preview/pr-9-elsewhere', 'preview/mine']));
    // Branches are read page by page, never all at once.
    const lists = world.neon.api.requests.slice(from).filter((r) => r.method === 'GET' && r.route === '/projects/:project_id/branches');
    expect(lists.length).toBeGreaterThan(1);
  });
});
