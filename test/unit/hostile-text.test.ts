import { describe, expect, it } from 'vitest';
import { describeFailure, githubFailure, networkProblem } from '../../src/failure.js';
import { writtenBy } from '../../src/github/sticky-comment.js';
import { neutralise } from '../../src/log.js';
import type { FoundBranch } from '../../src/neon/api.js';
import { choosePreviewBranch, previewTarget } from '../../src/neon/preview-branch.js';
import { codeSpan, markdown } from '../../src/report/markdown.js';
import { scrub, t } from '../../src/text.js';

describe('log text cannot act as a runner command', () => {
  it('breaks ##[ anywhere, :: anywhere, and shows control characters as escapes', () => {
    const out = neutralise('a ##[stop-commands]x\n::add-mask::y\r%0A\u001b');
    expect(out).not.toContain('##[');
    expect(out).not.toContain('::');
    expect(out).not.toMatch(/[\r\n]/);
    expect(out).not.toContain(String.fromCharCode(27));
    expect(out).toContain('\\n');
    expect(out).toContain('%0A');
  });
});

describe('Markdown code spans', () => {
  it('hold any backticks, and escape pipes in table cells', () => {
    expect(codeSpan('plain')).toBe('`plain`');
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`x`')).toBe('`` `x` ``');
    expect(codeSpan('a|b', 'table')).toBe('`a\\|b`');
    expect(codeSpan('two\nlines')).toBe('`two lines`');
  });
  it('renders outside values as code and the action\'s words as written', () => {
    expect(markdown(t`Branch ${'@team'} is ${'<b>'} for PR #${5}`)).toBe('Branch `@team` is `<b>` for PR #5');
  });
});

describe('scrubbing Neon and GitHub messages', () => {
  it('takes out URIs, passwords, keys and tokens', () => {
    const out = scrub('x postgresql://u:npg_abc@h/db password=hunter2 napi_0123456789 ghs_abcdef Bearer abc.def user:pw@host');
    for (const secret of ['npg_abc', 'hunter2', 'napi_0123456789', 'ghs_abcdef', 'abc.def', 'user:pw']) expect(out).not.toContain(secret);
  });

  it.each([
    'connection failed: DB_PASSWORD=hunter2xyz',
    'check PGPASSWORD=hunter2xyz',
    'bad value pw%253Dnpg_hunter2xyz',
    'bad value password%3Dhunter2xyz',
    "role neondb_owner password 'hunter2xyz' rejected",
    'role neondb_owner has password hunter2xyz',
    'passwd=hunter2xyz',
    'client_secret=hunter2xyz',
    'x-api-key:napi_hunter2xyz',
    'dsn: host=ep-x.neon.tech user=neondb_owner password%253Dhunter2xyz',
    'PASSWORD: "hunter2xyz"',
    'glued Xnpg_hunter2xyz and 2napi_hunter2xyz',
  ])('takes the secret out of a name that only contains a secret word, an encoded =, a quoted or glued value: %s', (text) => {
    expect(scrub(text)).not.toContain('hunter2xyz');
  });

  it('leaves the words of a message that only mentions a password', () => {
    expect(scrub('password authentication failed for user "neondb_owner"')).toBe('password authentication failed for user "neondb_owner"');
    expect(scrub('api_key is invalid; token expired')).toBe('api_key is invalid; token expired');
  });
});

describe('failure classification', () => {
  it('reads network codes through causes, and the proxy refusal from its message', () => {
    expect(networkProblem({ message: 'fetch failed', cause: { code: 'ENOTFOUND' } })).toMatchObject({ code: 'ENOTFOUND', retry: true, maybeSent: false });
    expect(networkProblem({ code: 'UND_ERR_SOCKET' })).toMatchObject({ retry: true, maybeSent: true });
    expect(networkProblem({ code: 'UND_ERR_ABORTED', message: 'Proxy response (407) !== 200 when HTTP Tunneling' })).toMatchObject({ code: 'proxy 407', retry: false });
    expect(networkProblem(new Error('boom'))).toBeUndefined();
  });
  it('tells a GitHub network failure (Octokit calls it 500) from a status GitHub chose', () => {
    const network = Object.assign(new Error('fetch failed'), { status: 500, cause: { code: 'ECONNREFUSED' } });
    expect(String(githubFailure(network, t`commenting`, 'https://api.github.com'))).toMatch(/Could not reach GitHub.*connection was refused/);
    const answered = Object.assign(new Error('Server Error'), { status: 502, response: {} });
    expect(String(githubFailure(answered, t`commenting`, 'https://api.github.com'))).toMatch(/GitHub answered 502/);
  });
  it('keeps "Unexpected failure" for what nothing classifies', () => {
    expect(String(describeFailure(new TypeError('x is undefined')))).toMatch(/^Unexpected failure/);
  });
});

describe('sticky comment author', () => {
  const bot = (login: string) => ({ login, bot: true });
  const person = (login: string) => ({ login, bot: false });
  it('matches the token\'s login, a bot with or without [bot], never someone else', () => {
    expect(writtenBy({ user: { login: 'github-actions[bot]', type: 'Bot' } }, bot('github-actions[bot]'))).toBe(true);
    expect(writtenBy({ user: { login: 'github-actions[bot]', type: 'Bot' } }, bot('github-actions'))).toBe(true);
    expect(writtenBy({ user: { login: 'github-actions', type: 'User' } }, bot('github-actions[bot]'))).toBe(false);
    expect(writtenBy({ user: { login: 'Alice', type: 'User' } }, person('alice'))).toBe(true);
    expect(writtenBy({ user: { login: 'mallory', type: 'User' } }, person('alice'))).toBe(false);
    expect(writtenBy({ user: null }, person('alice'))).toBe(false);
  });

  it('a person whose login is a bot\'s bare name never passes for the bot, whatever GraphQL calls the bot', () => {
    // GraphQL may name a bot without [bot]: the kind, not the login, tells the two apart.
    expect(writtenBy({ user: { login: 'github-actions', type: 'User' } }, bot('github-actions'))).toBe(false);
    expect(writtenBy({ user: { login: 'acme-previews', type: 'User' } }, bot('acme-previews'))).toBe(false);
    expect(writtenBy({ user: { login: 'acme-previews[bot]', type: 'Bot' } }, bot('acme-previews'))).toBe(true);
    // And a bot's comment is not a person's of the same bare name.
    expect(writtenBy({ user: { login: 'alice[bot]', type: 'Bot' } }, person('alice'))).toBe(false);
  });
});

describe('choosing the PR\'s branch', () => {
  const ours = (name: string, repo: string, pr: string, created = '2026-01-01T00:00:00Z'): FoundBranch => ({
    branch: { id: `br-${name}`, name, created_at: created } as FoundBranch['branch'],
    annotation: { 'managed-by': 'neon-preview-branch-action', 'github-repository': repo, 'github-pr': pr },
  });
  const byHand = (name: string): FoundBranch => ({ branch: { id: `br-${name}`, name } as FoundBranch['branch'] });
  const event = { owner: 'acme', repo: 'web', prNumber: 5 };
  const target = previewTarget({ branchName: 'preview/pr-5-fix', branchNameGiven: false }, event);

  it('searches for the PR stem with the default name, for the name itself when it is given', () => {
    expect(target.search).toBe('preview/pr-5-');
    expect(previewTarget({ branchName: 'preview/x', branchNameGiven: true }, event).search).toBe('preview/x');
  });
  it('finds the PR\'s branch under an old head name, never another repository\'s', () => {
    expect(choosePreviewBranch([ours('preview/pr-5-fix', 'acme/shop', '5'), ours('preview/pr-5-old', 'acme/web', '5')], target)).toMatchObject({ kind: 'ours', found: { branch: { name: 'preview/pr-5-old' } } });
  });
  it('gives this repository the collision name when another holds the name', () => {
    expect(choosePreviewBranch([ours('preview/pr-5-fix', 'acme/shop', '5')], target)).toEqual({ kind: 'none', createAs: 'preview/pr-5-fix@acme/web', heldBy: 'acme/shop' });
    expect(choosePreviewBranch([ours('preview/pr-5-fix', 'acme/shop', '5'), ours('preview/pr-5-fix@acme/web', 'acme/web', '5')], target)).toMatchObject({ kind: 'ours' });
    expect(choosePreviewBranch([ours('preview/pr-5-fix', 'acme/shop', '5'), ours('preview/pr-5-fix@acme/web', 'acme/other', '5')], target)).toMatchObject({ kind: 'taken' });
  });
  it('reuses a branch a person made with the exact name, and ignores other names', () => {
    expect(choosePreviewBranch([byHand('preview/pr-5-fix')], target)).toMatchObject({ kind: 'made by hand' });
    expect(choosePreviewBranch([byHand('preview/pr-5-other')], target)).toEqual({ kind: 'none', createAs: 'preview/pr-5-fix' });
  });
  it('prefers the exact name, then the oldest, and lists the others', () => {
    const choice = choosePreviewBranch([ours('preview/pr-5-b', 'acme/web', '5', '2026-02-01T00:00:00Z'), ours('preview/pr-5-a', 'acme/web', '5', '2026-01-01T00:00:00Z')], target);
    expect(choice).toMatchObject({ kind: 'ours', found: { branch: { name: 'preview/pr-5-a' } }, alsoOurs: [{ branch: { name: 'preview/pr-5-b' } }] });
  });
});
