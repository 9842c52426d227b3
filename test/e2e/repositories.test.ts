import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { World } from '../support/world.js';
import { expectFailedWith, expectSucceeded, pullRequestPayload, runIn } from './helpers.js';

/**
 * Two repositories can share one Neon project, and a head branch can be renamed while its PR is
 * open: the PR's branch is the one annotated with its repository and number.
 */
describe('a preview branch belongs to one repository and one pull request', () => {
  let world: World;
  beforeAll(async () => {
    world = await World.start();
  });
  afterAll(() => world.stop());

  const branchesOf = (repo: string, pr: number) =>
    [...world.neon.model.branches.values()].filter((b) => b.annotation?.['github-repository'] === repo && b.annotation['github-pr'] === String(pr));
  const pr = (action: string, number: number, repo: string, head = 'fix') => pullRequestPayload(action, number, { repo, head });

  it('acme/web PR #5 and acme/shop PR #5 from the same head name: two branches; each run sees only its own; closing one leaves the other', async () => {
    const shop = await runIn(world, 'pull_request', pr('opened', 5, 'acme/shop'));
    expectSucceeded(world, shop);
    const web = await runIn(world, 'pull_request', pr('opened', 5, 'acme/web'));
    expectSucceeded(world, web);
    expect(web.outputs.created).toBe('true');
    expect(web.outputs.branch_id).not.toBe(shop.outputs.branch_id);
    expect(web.outputs.db_url).not.toBe(shop.outputs.db_url);
    expect(branchesOf('acme/shop', 5).map((b) => b.id)).toEqual([shop.outputs.branch_id]);
    expect(branchesOf('acme/web', 5).map((b) => b.id)).toEqual([web.outputs.branch_id]);

    const webAgain = await runIn(world, 'pull_request', pr('synchronize', 5, 'acme/web'));
    expectSucceeded(world, webAgain);
    expect(webAgain.outputs.branch_id).toBe(web.outputs.branch_id);
    const webGet = await runIn(world, 'pull_request', pr('synchronize', 5, 'acme/web'), { command: 'get' });
    expectSucceeded(world, webGet);
    expect(webGet.outputs.branch_id).toBe(web.outputs.branch_id);

    const webClosed = await runIn(world, 'pull_request', pr('closed', 5, 'acme/web'));
    expectSucceeded(world, webClosed);
    expect(webClosed.outputs.deleted).toBe('true');
    expect(world.neon.model.branches.has(shop.outputs.branch_id ?? '')).toBe(true);
    expect(world.neon.model.branches.has(web.outputs.branch_id ?? '')).toBe(false);

    const shopAgain = await runIn(world, 'pull_request', pr('synchronize', 5, 'acme/shop'));
    expect(shopAgain.outputs.branch_id).toBe(shop.outputs.branch_id);
  });

  it("another repository's branch is never handed out or deleted, whatever branch_name says", async () => {
    const name = { branch_name: 'preview/shared-6' };
    const shop = await runIn(world, 'pull_request', pr('opened', 6, 'acme/shop'), name);
    expectSucceeded(world, shop);

    const got = await runIn(world, 'pull_request', pr('synchronize', 6, 'acme/web'), { ...name, command: 'get' });
    expectFailedWith(world, got, /acme\/shop/);
    expect(got.outputs.db_url).toBeUndefined();

    const closed = await runIn(world, 'pull_request', pr('closed', 6, 'acme/web'), name);
    expectSucceeded(world, closed);
    expect(closed.outputs.deleted).toBe('false');
    expect(world.neon.model.branches.has(shop.outputs.branch_id ?? '')).toBe(true);

    const web = await runIn(world, 'pull_request', pr('opened', 6, 'acme/web'), name);
    expectSucceeded(world, web);
    expect(web.outputs.branch_id).not.toBe(shop.outputs.branch_id);
    expect(web.outputs.branch_name).not.toBe('preview/shared-6');
    expect(world.neon.model.branches.get(shop.outputs.branch_id ?? '')?.annotation?.['github-repository']).toBe('acme/shop');
  });

  it('a renamed head branch keeps its preview branch, and closing the PR deletes it', async () => {
    const opened = await runIn(world, 'pull_request', pr('opened', 8, 'acme/shop', 'feature/old-name'));
    expectSucceeded(world, opened);
    const renamed = await runIn(world, 'pull_request', pr('synchronize', 8, 'acme/shop', 'feature/new-name'));
    expectSucceeded(world, renamed);
    expect(renamed.outputs.created).toBe('false');
    expect(renamed.outputs.branch_id).toBe(opened.outputs.branch_id);
    expect(branchesOf('acme/shop', 8)).toHaveLength(1);

    const closed = await runIn(world, 'pull_request', pr('closed', 8, 'acme/shop', 'feature/new-name'));
    expectSucceeded(world, closed);
    expect(closed.outputs.deleted).toBe('true');
    expect(branchesOf('acme/shop', 8)).toHaveLength(0);
  });

  it('a branch a person made with that name is reused as it is, and never deleted', async () => {
    const model = world.neon.model;
    model.seedBranches(1, () => 'preview/pr-9-fix');
    const own = model.branchByName('preview/pr-9-fix');
    if (!own) throw new Error('not seeded');
    const opened = await runIn(world, 'pull_request', pr('opened', 9, 'acme/shop'));
    expectSucceeded(world, opened);
    expect(opened.outputs.branch_id).toBe(own.id);
    const closed = await runIn(world, 'pull_request', pr('closed', 9, 'acme/shop'));
    expect(closed.errors.join('\n')).toMatch(/not created by this action/);
    expect(model.branches.has(own.id)).toBe(true);
  });
});
