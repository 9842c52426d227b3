import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS_BOT, type StubIdentity } from '../../emulator/github-stub.js';
import { World } from '../support/world.js';
import { expectSucceeded } from './helpers.js';

/**
 * The sticky comment is the action's own: found, edited and deduplicated only among the comments
 * written by the identity the token acts as. Anyone can copy the hidden marker into a comment.
 */
describe('the sticky comment belongs to the identity of the token', () => {
  let world: World;
  const MALLORY: StubIdentity = { login: 'mallory', type: 'User' };
  const ALICE_TOKEN = 'ghp_alice000000000000000000000000000000';
  const APP_TOKEN = 'ghs_neonpreviewapp0000000000000000000000';

  beforeAll(async () => {
    world = await World.start();
    world.github.tokens.set(ALICE_TOKEN, { login: 'alice', type: 'User' });
    world.github.tokens.set(APP_TOKEN, { login: 'neon-preview[bot]', type: 'Bot', app: 'neon-preview' });
  });
  afterAll(() => world.stop());

  const ours = (pr: number, login: string) => world.github.commentsOn(pr).filter((c) => c.user.login === login && c.body.includes('neon-preview-branch-action'));

  it("a user's copy of the whole bot comment is left byte for byte across runs; with the bot's comment deleted, the next run writes a new one", async () => {
    expectSucceeded(world, await world.run('opened', 300));
    const [bot] = ours(300, ACTIONS_BOT.login);
    if (!bot) throw new Error('no bot comment');
    const copy = world.github.addComment(300, bot.body, MALLORY);
    const copied = copy.body;

    expectSucceeded(world, await world.run('synchronize', 300));
    expect(world.github.comments.find((c) => c.id === copy.id)?.body).toBe(copied);
    expect(ours(300, ACTIONS_BOT.login)).toHaveLength(1);

    world.github.comments = world.github.comments.filter((c) => c.id !== bot.id);
    const again = await world.run('synchronize', 300);
    expectSucceeded(world, again);
    expect(world.github.comments.find((c) => c.id === copy.id)?.body).toBe(copied);
    const mine = ours(300, ACTIONS_BOT.login);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.id).not.toBe(copy.id);
    expect(mine[0]?.body).toContain(again.outputs.branch_id);
  });

  it('a marker pasted before the first run is not taken for ours, and is never deleted as a duplicate', async () => {
    const marker = `<!-- neon-preview-branch-action project=${world.neon.projectId} -->`;
    const pasted = world.github.addComment(301, `${marker}\nI was here first`, MALLORY);
    expectSucceeded(world, await world.run('opened', 301));
    expectSucceeded(world, await world.run('synchronize', 301));
    expect(world.github.comments.find((c) => c.id === pasted.id)?.body).toBe(`${marker}\nI was here first`);
    expect(ours(301, ACTIONS_BOT.login)).toHaveLength(1);
  });

  it("with a personal token the comment is that person's; a github-actions[bot] comment with the marker is left alone", async () => {
    const marker = `<!-- neon-preview-branch-action project=${world.neon.projectId} -->`;
    const older = world.github.addComment(302, `${marker}\nwritten with GITHUB_TOKEN`, ACTIONS_BOT);
    expectSucceeded(world, await world.run('opened', 302, { github_token: ALICE_TOKEN }));
    expectSucceeded(world, await world.run('synchronize', 302, { github_token: ALICE_TOKEN }));
    expect(world.github.comments.find((c) => c.id === older.id)?.body).toBe(`${marker}\nwritten with GITHUB_TOKEN`);
    const alices = ours(302, 'alice');
    expect(alices).toHaveLength(1);
    expect(alices[0]?.body).toContain('Reused');
  });

  it("with a GitHub App's installation token (GET /user refused) the comment is the app's, updated in place", async () => {
    const marker = `<!-- neon-preview-branch-action project=${world.neon.projectId} -->`;
    const actions = world.github.addComment(303, `${marker}\nby the workflow token`, ACTIONS_BOT);
    const first = await world.run('opened', 303, { github_token: APP_TOKEN });
    expectSucceeded(world, first);
    expect(first.warnings).toEqual([]);
    expectSucceeded(world, await world.run('synchronize', 303, { github_token: APP_TOKEN }));
    const app = ours(303, 'neon-preview[bot]');
    expect(app).toHaveLength(1);
    expect(app[0]?.body).toContain('Reused');
    expect(world.github.comments.find((c) => c.id === actions.id)?.body).toBe(`${marker}\nby the workflow token`);
  });
});
