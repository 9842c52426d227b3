import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { World } from '../support/world.js';
import { expectFailedWith, expectSucceeded, pullRequestPayload, runIn } from './helpers.js';

const repository = { full_name: 'acme/shop', name: 'shop', owner: { login: 'acme' } };

/** Events other than `pull_request`: ChatOps comments, reviews, schedules, and a run with no token. */
describe('events', () => {
  let world: World;
  beforeAll(async () => {
    world = await World.start();
  });
  afterAll(() => world.stop());

  const issueComment = (number: number, isPull = true) => ({
    action: 'created',
    issue: { number, title: 'A change', ...(isPull ? { pull_request: { url: `https://api.github.com/repos/acme/shop/pulls/${number}` } } : {}) },
    comment: { id: 1, body: '/preview', user: { login: 'alice' }, author_association: 'MEMBER' },
    repository,
  });

  it("issue_comment on a pull request works on that PR's branch", async () => {
    const opened = await world.run('opened', 60);
    expectSucceeded(world, opened);
    const chatops = await runIn(world, 'issue_comment', issueComment(60), {}, { GITHUB_REF_NAME: 'main' });
    expectSucceeded(world, chatops);
    expect(chatops.outputs.branch_id).toBe(opened.outputs.branch_id);
    expect(chatops.outputs.created).toBe('false');
    expect(world.neon.model.branchByName('preview/main')).toBeUndefined();
  });

  it("issue_comment on a PR that has no branch yet creates it under the PR's own name (head from GitHub)", async () => {
    world.github.pulls.set(61, { state: 'open', head: 'chatops/try' });
    const chatops = await runIn(world, 'issue_comment', issueComment(61), {}, { GITHUB_REF_NAME: 'main' });
    expectSucceeded(world, chatops);
    expect(chatops.outputs.branch_name).toBe('preview/pr-61-chatops-try');
    expect(chatops.outputs.created).toBe('true');
    const closed = await world.run('closed', 61, {}, { head: 'chatops/try' });
    expect(closed.outputs.deleted).toBe('true');
  });

  it('issue_comment on an issue that is not a pull request fails clearly and touches nothing', async () => {
    const from = world.neon.api.requests.length;
    const result = await runIn(world, 'issue_comment', issueComment(62, false), {}, { GITHUB_REF_NAME: 'main' });
    expectFailedWith(world, result, /issue #62, which is not a pull request/);
    expect(world.neon.api.requests.length).toBe(from);
  });

  it.each(['pull_request_review', 'pull_request_review_comment'])("%s works on that PR's branch", async (eventName) => {
    const opened = await world.run('opened', 63);
    const { pull_request } = pullRequestPayload('opened', 63);
    const review = await runIn(world, eventName, { action: 'submitted', pull_request, repository }, {}, { GITHUB_REF_NAME: 'main', GITHUB_HEAD_REF: 'feature/login' });
    expectSucceeded(world, review);
    expect(review.outputs.branch_id).toBe(opened.outputs.branch_id);
  });

  it('schedule with command auto runs cleanup, never a branch named after the default git branch', async () => {
    world.github.openPulls = new Set([60, 63]);
    const result = await runIn(world, 'schedule', { schedule: '17 3 * * *', repository }, {}, { GITHUB_REF_NAME: 'main', GITHUB_REF: 'refs/heads/main' });
    expectSucceeded(world, result);
    expect(result.outputs.deleted_branches).toBeDefined();
    expect(world.neon.model.branchByName('preview/main')).toBeUndefined();
    expect(JSON.parse(result.outputs.deleted_branches ?? 'null')).toEqual([]);
    expect(result.summary).toMatch(/Neon preview cleanup/);
    expect(world.neon.model.branchByName('preview/pr-60-feature-login')).toBeDefined();
  });

  it('an empty github_token: the branch is ready, the step succeeds with a warning that the comment was skipped', async () => {
    const result = await world.run('opened', 64, { github_token: '' });
    expectSucceeded(world, result);
    expect(result.outputs.db_url).toMatch(/^postgresql:/);
    expect(result.warnings.join('\n')).toMatch(/github_token is empty.*comment/);
    expect(world.github.commentsOn(64)).toEqual([]);
  });
});
