import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS_BOT, GitHubStub } from '../../emulator/github-stub.js';
import { sql, World } from '../support/world.js';
import { expectFailedWith, expectSucceeded } from './helpers.js';

/**
 * A workflow written for neondatabase/schema-diff-action keeps its names with `command: diff`:
 * inputs `compare_branch`, `base_branch`, `timestamp`, `lsn`, `github-token`; outputs `diff`,
 * `comment_url`.
 */
describe("command: diff reads schema-diff-action's names", () => {
  let world: World;
  /** A branch made by the action itself (no comment), and its URI to migrate it. */
  let dev: { id: string; uri: string };
  let release: { id: string; uri: string };
  const ours = (pr: number, login = ACTIONS_BOT.login) => world.github.commentsOn(pr).filter((c) => c.user.login === login && c.body.includes('neon-preview-branch-action'));

  beforeAll(async () => {
    world = await World.start();
    await sql(world.neon.defaultBranchUri(), 'CREATE TABLE public.customers (id bigint PRIMARY KEY, email text NOT NULL);');
    const made = async (pr: number, name: string, migration: string) => {
      const run = await world.run('opened', pr, { branch_name: name, comment: 'false', verify_connection: 'off' });
      expectSucceeded(world, run);
      const uri = run.outputs.db_url as string;
      await sql(uri, migration);
      return { id: run.outputs.branch_id as string, uri };
    };
    // dev/sunny_plant: what the PR's migrations did; release: a base with a table of its own.
    [dev, release] = await Promise.all([
      made(901, 'dev/sunny_plant', 'CREATE TABLE public.invoices (id bigint PRIMARY KEY, total numeric(10,2));'),
      made(902, 'release', 'CREATE TABLE public.audit_log (id bigint PRIMARY KEY, note text);'),
    ]);
  });
  afterAll(() => world.stop());

  it('compare_branch and base_branch choose the branches (by name or id); diff is schema_diff; comment_url is the comment written', async () => {
    // PR 150 has no preview branch of its own: the branches compared are the ones named.
    const named = await world.run('opened', 150, { command: 'diff', compare_branch: 'dev/sunny_plant', base_branch: release.id });
    expectSucceeded(world, named);
    expect(named.outputs).toMatchObject({ branch_name: 'dev/sunny_plant', branch_id: dev.id, schema_changed: 'true' });
    const patch = named.outputs.schema_diff ?? '';
    expect(patch).toContain('+CREATE TABLE public.invoices (');
    expect(patch).toContain('-CREATE TABLE public.audit_log (');
    expect(named.outputs.diff).toBe(patch);

    const [comment] = ours(150);
    expect(ours(150)).toHaveLength(1);
    expect(comment?.body).toContain('+CREATE TABLE public.invoices (');
    expect(comment?.body).toContain("The preview branch's schema compared with the branch `release` (`base_branch`)");
    expect(named.summary).toContain("The preview branch's schema compared with the branch `release` (`base_branch`)");
    expect(named.outputs.comment_url).toBe(GitHubStub.htmlUrl('acme/shop', comment!));
    expect(named.outputs.comment_url).toMatch(/^https:\/\/github\.com\/acme\/shop\/pull\/150#issuecomment-\d+$/);

    // By id, and without base_branch: against its parent (main), where audit_log never was.
    const byId = await world.run('synchronize', 150, { command: 'diff', compare_branch: dev.id });
    expectSucceeded(world, byId);
    expect(byId.outputs.branch_name).toBe('dev/sunny_plant');
    expect(byId.outputs.diff).toContain('+CREATE TABLE public.invoices (');
    expect(byId.outputs.diff).not.toContain('audit_log');
    expect(byId.outputs.diff).toBe(byId.outputs.schema_diff);
    // The same comment, updated: the same URL.
    expect(ours(150)).toHaveLength(1);
    expect(byId.outputs.comment_url).toBe(named.outputs.comment_url);
  });

  it('comment_url is also written by create and delete, which write the comment, and empty with get, which writes none', async () => {
    const created = await world.run('opened', 160, { verify_connection: 'off' });
    expectSucceeded(world, created);
    const [comment] = ours(160);
    expect(created.outputs.comment_url).toBe(GitHubStub.htmlUrl('acme/shop', comment!));
    const got = await world.run('synchronize', 160, { command: 'get', verify_connection: 'off' });
    expectSucceeded(world, got);
    expect(got.outputs.comment_url).toBe('');
    const deleted = await world.run('closed', 160);
    expectSucceeded(world, deleted);
    expect(deleted.outputs.comment_url).toBe(created.outputs.comment_url);
  });

  it('a branch named by compare_branch or base_branch that does not exist is one error naming the input', async () => {
    const missing = await world.run('opened', 151, { command: 'diff', compare_branch: 'dev/nope' });
    expectFailedWith(world, missing, /^No branch named dev\/nope \(input compare_branch, a branch name or id\) in project /);
    const noBase = await world.run('opened', 151, { command: 'diff', compare_branch: 'dev/sunny_plant', base_branch: 'staging' });
    expectFailedWith(world, noBase, /^No branch named staging \(input base_branch, a branch name or id\) in project /);
  });

  it('github-token is the token the comment is written with', async () => {
    world.github.tokens.set('ghp_octocat_token_0000000000', { login: 'octocat', type: 'User' });
    const run = await world.run('opened', 152, { command: 'diff', compare_branch: 'dev/sunny_plant', 'github-token': 'ghp_octocat_token_0000000000' });
    expectSucceeded(world, run);
    const [comment] = ours(152, 'octocat');
    expect(ours(152, 'octocat')).toHaveLength(1);
    expect(ours(152)).toHaveLength(0);
    expect(run.outputs.comment_url).toBe(GitHubStub.htmlUrl('acme/shop', comment!));
    expect(run.log).not.toContain('ghp_octocat_token_0000000000');
  });

  it('timestamp and lsn compare the branch as it was then: a change made after the point is not in the diff', async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = new Date().toISOString();
    const atTime = await world.run('opened', 153, { command: 'diff', compare_branch: 'dev/sunny_plant', timestamp: before });
    expectSucceeded(world, atTime);
    expect(atTime.outputs.diff).toContain('+CREATE TABLE public.invoices (');
    expect(ours(153)[0]?.body).toContain(`The preview branch's schema as of \`${before}\` compared with its parent \`main\``);
    // An LSN read once Neon (the emulator) has seen the branch's last change: one it can serve.
    const [row] = await sql(dev.uri, 'SELECT pg_current_wal_lsn()::text AS lsn');
    const lsn = String(row?.lsn);
    const atLsn = await world.run('opened', 153, { command: 'diff', compare_branch: 'dev/sunny_plant', lsn });
    expectSucceeded(world, atLsn);
    expect(atLsn.outputs.diff).toBe(atTime.outputs.diff);
    expect(ours(153)[0]?.body).toContain(`The preview branch's schema as of \`${lsn}\` compared with its parent \`main\``);

    await sql(dev.uri, 'CREATE TABLE public.refunds (id bigint PRIMARY KEY);');
    const now = await world.run('opened', 153, { command: 'diff', compare_branch: 'dev/sunny_plant' });
    expectSucceeded(world, now);
    expect(now.outputs.diff).toContain('+CREATE TABLE public.refunds (');

    // As of `timestamp`, refunds did not exist. The emulator keeps no history, so it refuses a
    // point before the branch's last change rather than answer with the present: the step fails,
    // naming the point; the diff it would have to show is never written.
    const comment = ours(153)[0]?.body;
    for (const [point, named] of [
      [{ timestamp: before }, `timestamp ${before}`],
      [{ lsn }, `lsn ${lsn}`],
    ] as const) {
      const then = await world.run('synchronize', 153, { command: 'diff', compare_branch: 'dev/sunny_plant', ...point });
      expectFailedWith(world, then, new RegExp(`${named.replace(/[.+/]/g, '\\$&')}`));
      expect(then.outputs.diff ?? '').not.toContain('refunds');
      expect(ours(153)[0]?.body).toBe(comment);
    }
  });
});
