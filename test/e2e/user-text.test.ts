import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../emulator/runner.js';
import { World } from '../support/world.js';
import { codeTexts, expectFailedWith, expectSucceeded, neonCall, outsideCode, renderMarkdown, runnerCommands } from './helpers.js';

/** Text from inputs, the event, Neon or GitHub: never a runner command, never markup. */
describe('user text cannot forge runner commands or render as markup', () => {
  let world: World;
  beforeAll(async () => {
    world = await World.start();
  });
  afterAll(() => world.stop());

  /** Every command the runner would act on is one the action meant: masks of secrets, groups, its own annotations. */
  function onlyOwnCommands(result: RunResult, hostile: string[]): void {
    const commands = runnerCommands(result.stdout);
    expect(commands.filter((c) => c.legacy)).toEqual([]);
    expect(commands.map((c) => c.command).filter((c) => !['add-mask', 'group', 'endgroup', 'warning', 'error', 'debug'].includes(c))).toEqual([]);
    for (const mask of commands.filter((c) => c.command === 'add-mask')) for (const text of hostile) expect(mask.data).not.toContain(text);
    // A forged `::warning::forged` would be a command whose text starts with the hostile word.
    expect(commands.filter((c) => hostile.some((text) => c.data.startsWith(text)))).toEqual([]);
  }

  it('a branch_name with ##[stop-commands], ::warning:: and %0A escapes prints as text, and every later mask still works', async () => {
    const name = 'preview/##[stop-commands]pwned ::warning::forged %0A::add-mask::x ##[set-output name=db_url;]evil';
    const result = await world.run('opened', 200, { branch_name: name });
    expectSucceeded(world, result);
    onlyOwnCommands(result, ['pwned', 'forged', 'evil']);
    expect(result.outputs.branch_name).toBe(name);
    expect(result.warnings).toEqual([]);
    // The masks the runner needs for the outputs are there, as commands it acts on.
    const masks = runnerCommands(result.stdout).filter((c) => c.command === 'add-mask').map((c) => c.data);
    expect(masks).toContain(result.outputs.password);
  });

  it('hostile parent_branch and role values in a failing run print as text too', async () => {
    for (const inputs of [{ parent_branch: 'x ##[stop-commands]halt' }, { role: '##[add-mask]role ::error::forged' }] as Record<string, string>[]) {
      const result = await world.run('opened', 201, inputs);
      expectFailedWith(world, result, /./);
      onlyOwnCommands(result, ['halt', 'forged']);
    }
  });

  it('the password and URIs are masked the moment Neon hands them over, before anything else is printed', async () => {
    const result = await world.run('opened', 202);
    expectSucceeded(world, result);
    const lines = result.stdout.split('\n');
    // A new branch's URI comes in Neon's answer to POST /branches: masked before the run says it made the branch.
    const maskAt = lines.indexOf(`::add-mask::${result.outputs.password}`);
    const createGroup = lines.findIndex((l) => l.startsWith('::group::Create branch'));
    const created = lines.findIndex((l) => l.startsWith(`Created branch ${result.outputs.branch_id}`));
    expect(maskAt).toBeGreaterThan(createGroup);
    expect(maskAt).toBeLessThan(created);
    // Both URIs (the pooled one is the direct one on the pooler's host) before the wait for the compute ends.
    const waitGroup = lines.findIndex((l) => l.startsWith('::group::Wait for the compute'));
    const waitEnd = lines.findIndex((l, i) => i > waitGroup && l === '::endgroup::');
    for (const uri of [result.outputs.db_url, result.outputs.db_url_pooled]) {
      const uriMaskAt = lines.indexOf(`::add-mask::${uri}`);
      expect(uriMaskAt).toBeGreaterThan(createGroup);
      expect(uriMaskAt).toBeLessThan(waitEnd);
    }
  });

  const HOSTILE = 'preview/@acme/admins <b>bold</b> [click](https://evil.example) `tick` | pipe |';

  it('names render as text in the PR comment and the job summary: mentions, HTML, links, backticks, pipes', async () => {
    const result = await world.run('opened', 203, { branch_name: HOSTILE });
    expectSucceeded(world, result);
    const comment = world.github.commentsOn(203)[0]?.body ?? '';
    for (const markdown of [comment, result.summary]) {
      const html = renderMarkdown(markdown);
      expect(codeTexts(html)).toContain(HOSTILE);
      const rendered = outsideCode(html);
      expect(rendered).not.toContain('@acme/admins');
      expect(rendered).not.toContain('<b>');
      expect(rendered).not.toContain('evil.example');
    }
  });

  it("a note about a person's branch names it as text", async () => {
    const name = 'preview/@acme/admins <img src=x> `x` | y';
    await neonCall(world, 'POST', '/branches', { branch: { name }, endpoints: [{ type: 'read_write' }] });
    const result = await world.run('opened', 204, { branch_name: name });
    expectSucceeded(world, result);
    const comment = world.github.commentsOn(204)[0]?.body ?? '';
    for (const markdown of [comment, result.summary]) {
      const html = renderMarkdown(markdown);
      expect(html).toMatch(/not created by this action/);
      expect(outsideCode(html)).not.toContain('@acme/admins');
      expect(outsideCode(html)).not.toContain('<img');
    }
  });

  it('the cleanup table shows names as text and keeps its columns', async () => {
    const name = 'preview/old | <b>x</b> @acme/admins `y`';
    world.neon.model.seedBranches(1, () => name, { 'managed-by': 'neon-preview-branch-action', 'github-repository': 'acme/shop', 'github-pr': '77' });
    world.github.openPulls = new Set([200, 201, 202, 203, 204]);
    const result = await world.runEvent('schedule', {}, { command: 'cleanup', dry_run: 'true' });
    expectSucceeded(world, result);
    const html = renderMarkdown(result.summary);
    expect(codeTexts(html)).toContain(name);
    expect(outsideCode(html)).not.toContain('<b>');
    expect(outsideCode(html)).not.toContain('@acme/admins');
    const row = /<tr>\s*<td><code>preview\/old[\s\S]*?<\/tr>/.exec(html)?.[0] ?? '';
    expect(row.match(/<td>/g)).toHaveLength(4);
  });
});
