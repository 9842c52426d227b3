import { describe, expect, it } from 'vitest';
import { branchNameProblem, collisionName, defaultBranchName, pullRequestStem, slug } from '../../src/inputs/branch-name.js';
import { pickCommand } from '../../src/inputs/command.js';
import { commentBody, commentMarker, factRows } from '../../src/report/comment-body.js';
import { applySsl, connectionFor } from '../../src/neon/connection.js';
import { parseDuration, resolveExpiry } from '../../src/inputs/expiry.js';
import { privateNetworkNote } from '../../src/neon/network-note.js';
import type { Report } from '../../src/report/report.js';
import { own } from '../../src/text.js';
import { isRetryableStatus, parseRetryAfter, pollDelayMs, retryDelayMs, DEFAULT_RETRY_POLICY } from '../../src/neon/retry-policy.js';

describe('command for the event', () => {
  it('auto deletes on a closed pull request and creates on anything else', () => {
    expect(pickCommand('auto', 'pull_request', 'closed')).toBe('delete');
    expect(pickCommand('auto', 'pull_request_target', 'closed')).toBe('delete');
    expect(pickCommand('auto', 'pull_request', 'opened')).toBe('create');
    expect(pickCommand('auto', 'pull_request', 'synchronize')).toBe('create');
    expect(pickCommand('auto', 'push', '')).toBe('create');
    expect(pickCommand('auto', 'issue_comment', 'created')).toBe('create');
  });
  it('auto on a schedule cleans up: a schedule has no pull request, and its ref is the default git branch', () => {
    expect(pickCommand('auto', 'schedule', '')).toBe('cleanup');
    expect(pickCommand('create', 'schedule', '')).toBe('create');
  });
  it('an explicit command wins over the event', () => {
    expect(pickCommand('create', 'pull_request', 'closed')).toBe('create');
    expect(pickCommand('get', 'pull_request', 'opened')).toBe('get');
  });
});

describe('branch name', () => {
  it('is derived from the PR number and head branch, and is the same for every event of the PR', () => {
    expect(defaultBranchName({ prNumber: 12, headRef: 'Feature/Login Page' })).toBe('preview/pr-12-feature-login-page');
    expect(defaultBranchName({ prNumber: 1 })).toBe('preview/pr-1-head');
    // Every default name of a PR shares the stem the lookup searches for.
    for (const headRef of ['main', '', '功能', 'a/b']) expect(defaultBranchName({ prNumber: 7, headRef })?.startsWith(pullRequestStem(7))).toBe(true);
    expect(pullRequestStem(7)).toBe('preview/pr-7-');
    expect(defaultBranchName({ refName: 'release/2.0' })).toBe('preview/release-2.0');
    expect(defaultBranchName({})).toBeUndefined();
  });
  it('stays short and valid for Neon whatever the head branch is called', () => {
    const name = defaultBranchName({ prNumber: 99999, headRef: 'x'.repeat(500) }) ?? '';
    expect(name.length).toBeLessThan(256);
    expect(branchNameProblem(name)).toBeUndefined();
    expect(slug('--weird__name!!--', 50)).toBe('weird__name');
  });
  it('names what Neon would reject', () => {
    expect(branchNameProblem('a'.repeat(257))).toMatch(/at most 256/);
    expect(branchNameProblem(' padded')).toMatch(/white space/);
    expect(branchNameProblem('tab\there')).toMatch(/control character/);
  });
});

describe('expiry', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  it('reads durations', () => {
    expect(parseDuration('12h')).toBe(12 * 3600_000);
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('90m')).toBe(90 * 60_000);
    expect(parseDuration('2w')).toBe(14 * 86_400_000);
    expect(parseDuration('7 days')).toBeUndefined();
    expect(parseDuration('0d')).toBeUndefined();
  });
  it('counts expires_in from now, and refuses more than 30 days', () => {
    expect(resolveExpiry('', '3d', now)).toEqual({ ok: true, expiresAt: '2026-11-26T10:00:00Z' });
    expect(resolveExpiry('', 'never', now)).toEqual({ ok: true, expiresAt: undefined });
    expect(resolveExpiry('', '31d', now)).toMatchObject({ ok: false, input: 'expires_in' });
    expect(resolveExpiry('', 'soon', now)).toMatchObject({ ok: false, input: 'expires_in' });
  });
  it('prefers expires_at, which must be RFC 3339, in the future and within 30 days', () => {
    expect(resolveExpiry('2026-11-24T00:00:00+02:00', '3d', now)).toEqual({ ok: true, expiresAt: '2026-11-23T22:00:00Z' });
    expect(resolveExpiry('tomorrow', '3d', now)).toMatchObject({ ok: false, input: 'expires_at' });
    expect(resolveExpiry('2026-11-01T00:00:00Z', '3d', now)).toMatchObject({ ok: false, problem: expect.stringMatching(/past/) });
    expect(resolveExpiry('2027-01-01T00:00:00Z', '3d', now)).toMatchObject({ ok: false, problem: expect.stringMatching(/30 days/) });
  });
});

describe('retry policy', () => {
  const policy = DEFAULT_RETRY_POLICY;
  it('retries rate limits, a busy project and server errors, never client errors', () => {
    for (const s of [429, 423, 500, 502, 503]) expect(isRetryableStatus(s)).toBe(true);
    for (const s of [400, 401, 403, 404, 409, 422]) expect(isRetryableStatus(s)).toBe(false);
  });
  it('honours Retry-After in seconds or as a date', () => {
    expect(parseRetryAfter('2', 0)).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 5000)).toBe(5000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    const delay = retryDelayMs(policy, 1, 2000, 0.5) ?? 0;
    expect(delay).toBeGreaterThanOrEqual(2000);
    expect(delay).toBeLessThan(2000 + policy.baseDelayMs);
  });
  it('backs off exponentially with jitter, within a cap, and gives up after the last attempt', () => {
    const low = [1, 2, 3, 4, 5].map((a) => retryDelayMs(policy, a, undefined, 0) ?? 0);
    const high = [1, 2, 3, 4, 5].map((a) => retryDelayMs(policy, a, undefined, 1) ?? 0);
    for (let i = 1; i < low.length; i++) expect(low[i]).toBeGreaterThan(low[i - 1] as number);
    for (let i = 0; i < low.length; i++) expect(high[i]).toBeGreaterThan(low[i] as number);
    expect(retryDelayMs(policy, 20 - 13, undefined, 1)).toBeLessThanOrEqual(policy.maxDelayMs);
    expect(retryDelayMs(policy, policy.maxAttempts, undefined, 0.5)).toBeUndefined();
    expect(retryDelayMs(policy, 1, policy.maxRetryAfterMs + 1, 0.5)).toBeUndefined();
  });
  it('polls operations quickly at first, then less often, and slower under rate limits', () => {
    const delays = [0, 1, 2, 3, 4, 10].map((n) => pollDelayMs(n));
    expect(delays[0]).toBe(100);
    expect(delays[1]).toBeGreaterThan(delays[0] as number);
    expect(Math.max(...delays)).toBeLessThanOrEqual(350);
    expect(pollDelayMs(10, 4)).toBe(1400);
    // An operation still running after about 5 s is polled at most once a second.
    const total = (polls: number) => Array.from({ length: polls }, (_, n) => pollDelayMs(n)).reduce((a, b) => a + b, 0);
    expect(total(15)).toBeGreaterThan(4000);
    expect(total(15)).toBeLessThan(6000);
    expect(pollDelayMs(15)).toBe(1000);
    expect(pollDelayMs(40)).toBe(1000);
  });
});

describe('connection', () => {
  const endpoint = { id: 'ep-cool-sun-12345678', host: 'ep-cool-sun-12345678.us-east-2.aws.neon.tech', branch_id: 'br-a' };
  const uri = (host: string, db = 'neondb', role = 'neondb_owner') => `postgresql://${role}:npg_secret@${host}/${db}?sslmode=require&channel_binding=require`;
  const expected = { branchId: 'br-a', database: 'neondb', role: 'neondb_owner', ssl: 'require' as const };
  it("outputs the branch's URIs with hosts and password", () => {
    const c = connectionFor({ direct: uri(endpoint.host), pooled: uri('ep-cool-sun-12345678-pooler.us-east-2.aws.neon.tech') }, endpoint, expected);
    expect(c.dbHost).toBe(endpoint.host);
    expect(c.dbHostPooled).toBe('ep-cool-sun-12345678-pooler.us-east-2.aws.neon.tech');
    expect(c.password).toBe('npg_secret');
  });
  it("refuses a URI of another compute (the parent's), a compute of another branch, or another database", () => {
    expect(() => connectionFor({ direct: uri('ep-parent-77777777.us-east-2.aws.neon.tech'), pooled: uri('ep-parent-77777777-pooler.us-east-2.aws.neon.tech') }, endpoint, expected)).toThrow(/not compute ep-cool-sun/);
    expect(() => connectionFor({ direct: uri(endpoint.host), pooled: uri(endpoint.host) }, { ...endpoint, branch_id: 'br-main' }, expected)).toThrow(/belongs to branch br-main/);
    expect(() => connectionFor({ direct: uri(endpoint.host, 'other'), pooled: uri(endpoint.host) }, endpoint, expected)).toThrow(/database "other"/);
  });
  it('applies the ssl input', () => {
    expect(applySsl(uri('h'), 'verify-full')).toContain('sslmode=verify-full');
    expect(applySsl(uri('h'), 'omit')).not.toMatch(/sslmode|channel_binding/);
  });
});

describe('comment body', () => {
  const report: Report = {
    command: 'create', projectId: 'p-1', branchName: 'preview/pr-3', branchId: 'br-x', consoleUrl: 'https://console.neon.tech/app/projects/p-1/branches/br-x', created: true, expiresAt: '2026-11-26T10:00:00Z',
    connection: { dbUrl: 'postgresql://u:npg_pw@h/db', dbUrlPooled: 'postgresql://u:npg_pw@hp/db', dbHost: 'h', dbHostPooled: 'hp', password: 'npg_pw' },
    notes: [own('This project blocks connections')],
  };
  it('carries the marker, the facts and the notes, and never the password or a URI', () => {
    const body = commentBody(report, { sha: 'abcdef1234', runUrl: 'https://github.com/o/r/actions/runs/1' });
    expect(body.startsWith(commentMarker('p-1'))).toBe(true);
    expect(body).toContain('br-x');
    expect(body).toContain('Created');
    expect(body).toContain('2026-11-26T10:00:00Z');
    expect(body).toContain('This project blocks connections');
    expect(body).not.toContain('npg_pw');
    expect(body).not.toContain('postgresql://');
  });
  it('says deleted on close, and reused on later pushes', () => {
    expect(commentBody({ ...report, command: 'delete', deleted: true, connection: undefined }, {})).toContain('Deleted');
    expect(factRows({ ...report, created: false, reuse: 'refreshed' })).toContainEqual(['Status', 'Reused, expiry refreshed']);
    expect(factRows({ ...report, created: false, reuse: 'refreshed', expiresAt: undefined })).toContainEqual(['Status', 'Reused, no expiry']);
    expect(factRows({ ...report, created: false, reuse: 'as it is' })).toContainEqual(['Status', 'Reused as it is (not made by this action)']);
    expect(collisionName('preview/pr-5-fix', 'Acme/Web')).toBe('preview/pr-5-fix@acme/web');
  });
});

describe('private networking', () => {
  it('warns when public connections are blocked or an allowlist covers preview branches', () => {
    expect(String(privateNetworkNote({ settings: { block_public_connections: true } }))).toMatch(/blocks connections/);
    expect(String(privateNetworkNote({ settings: { allowed_ips: { ips: ['1.2.3.4'], protected_branches_only: false } } }))).toMatch(/IP allowlist/);
    expect(privateNetworkNote({ settings: { allowed_ips: { ips: ['1.2.3.4'], protected_branches_only: true } } })).toBeUndefined();
    expect(privateNetworkNote({ settings: {} })).toBeUndefined();
  });
});
