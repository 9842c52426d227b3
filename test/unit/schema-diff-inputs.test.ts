import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import type { EventInfo } from '../../src/github/event.js';
import { parseInputs } from '../../src/inputs/inputs.js';

const event: EventInfo = { eventName: 'pull_request', action: 'opened', prNumber: 5, headRef: 'fix', owner: 'acme', repo: 'shop', fromFork: false };
const now = new Date('2026-11-23T10:00:00Z');
const base = { api_key: 'napi_k', project_id: 'quiet-lake-12345678', github_token: 'ghs_workflow' };
const parse = (inputs: Record<string, string>) => parseInputs((name) => ({ ...base, ...inputs })[name] ?? '', event, now);
const diff = (inputs: Record<string, string>) => parse({ command: 'diff', ...inputs });

/** The message parseInputs fails with, or undefined. */
function problem(inputs: Record<string, string>): string | undefined {
  try {
    parse(inputs);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
}

/** neondatabase/schema-diff-action's input names, read and checked before any API call. */
describe("schema-diff-action's inputs", () => {
  it('compare_branch and base_branch name the branches to compare, by name or id; unset, the PR branch and its parent', () => {
    expect(diff({ compare_branch: ' dev/sunny_plant ', base_branch: 'br-main-123456' })).toMatchObject({ compareBranch: 'dev/sunny_plant', baseBranch: 'br-main-123456', branchName: 'dev/sunny_plant' });
    const plain = diff({});
    expect(plain).toMatchObject({ branchName: 'preview/pr-5-fix' });
    expect(plain.compareBranch).toBeUndefined();
    expect(plain.baseBranch).toBeUndefined();
    expect(plain.pointInTime).toBeUndefined();
  });

  it('timestamp and lsn become the point in time of the compared branch', () => {
    expect(diff({ timestamp: '2026-11-23T09:30:00Z' }).pointInTime).toEqual({ timestamp: '2026-11-23T09:30:00Z' });
    expect(diff({ timestamp: '2026-11-23T10:30:00.5+02:00' }).pointInTime).toEqual({ timestamp: '2026-11-23T10:30:00.5+02:00' });
    expect(diff({ lsn: '0/16B3748' }).pointInTime).toEqual({ lsn: '0/16B3748' });
  });

  it.each([
    [{ timestamp: 'yesterday' }, /^Input `timestamp`: "yesterday" is not an RFC 3339 time; use one such as 2024-05-01T12:00:00Z$/],
    [{ timestamp: '2026-11-23 09:30' }, /^Input `timestamp`: .*not an RFC 3339 time/],
    [{ timestamp: '2026-02-30T09:30:00Z' }, /^Input `timestamp`: .*not an RFC 3339 time/],
    [{ timestamp: '2026-11-24T00:00:00Z' }, /^Input `timestamp`: 2026-11-24T00:00:00Z is in the future; use a time up to now$/],
    [{ lsn: '16B3748' }, /^Input `lsn`: "16B3748" is not an LSN; use one such as 0\/16B3748/],
    [{ lsn: '0/XYZ' }, /^Input `lsn`: .*not an LSN/],
    [{ timestamp: '2026-11-23T09:30:00Z', lsn: '0/16B3748' }, /^Input `timestamp`: and lsn are both set; set only one of them/],
    [{ compare_branch: 'dev/x', branch_name: 'preview/pr-5-fix' }, /^Input `compare_branch`: and branch_name both name the branch to compare/],
  ])('with command diff, %j fails naming the input', (inputs, message) => {
    expect(problem({ command: 'diff', ...inputs })).toMatch(message);
  });

  it.each([
    ['create', { compare_branch: 'dev/x' }, 'compare_branch'],
    ['auto', { base_branch: 'main' }, 'base_branch'],
    ['get', { timestamp: '2026-11-23T09:30:00Z' }, 'timestamp'],
    ['delete', { lsn: '0/16B3748' }, 'lsn'],
  ])('with command %s, %j is one error: it means something only with diff', (command, inputs, name) => {
    expect(problem({ command, ...inputs })).toMatch(new RegExp(`^Input \`${name}\`: is used only with command diff \\(this run's command is ${command === 'auto' ? 'create' : command}\\); remove it, or set command: diff$`));
  });

  it('github-token is the token when set; github_token otherwise', () => {
    expect(parse({}).githubToken).toBe('ghs_workflow');
    expect(parse({ 'github-token': 'ghp_personal' }).githubToken).toBe('ghp_personal');
    expect(parse({ 'github-token': 'ghp_personal', github_token: 'ghp_personal' }).githubToken).toBe('ghp_personal');
  });
});
