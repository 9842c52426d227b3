import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import type { EventInfo } from '../../src/github/event.js';
import { eventInfoFrom } from '../../src/github/event.js';
import { parseInputs } from '../../src/inputs/inputs.js';

const event: EventInfo = { eventName: 'pull_request', action: 'opened', prNumber: 5, headRef: 'fix', owner: 'acme', repo: 'shop', fromFork: false };
const now = new Date('2026-11-23T10:00:00Z');
const base = { api_key: 'napi_k', project_id: 'quiet-lake-12345678' };
const parse = (inputs: Record<string, string>, e: EventInfo = event) => parseInputs((name) => ({ ...base, ...inputs })[name] ?? '', e, now);

describe('inputs', () => {
  it('applies the defaults', () => {
    const inputs = parse({});
    expect(inputs).toMatchObject({
      command: 'create', branchName: 'preview/pr-5-fix', database: 'neondb', role: 'neondb_owner', ssl: 'require', branchType: 'default',
      apiHost: 'https://console.neon.tech/api/v2', comment: true, timeoutMs: 300_000, expiresAt: '2026-11-26T10:00:00Z', resetOnPush: false,
      databaseGiven: false, verifyConnection: 'warn', failOnDestructive: false,
    });
  });
  it('reads command diff, verify_connection and fail_on_destructive, and tells a database that was set from the default', () => {
    expect(parse({ command: 'diff', verify_connection: 'require', fail_on_destructive: 'true', database: 'shop' })).toMatchObject({
      command: 'diff', verifyConnection: 'require', failOnDestructive: true, database: 'shop', databaseGiven: true,
    });
    expect(parse({ verify_connection: 'off', database: ' ' })).toMatchObject({ verifyConnection: 'off', database: 'neondb', databaseGiven: false });
  });
  it.each([
    ['command', 'destroy', /command.*auto, create, delete, get, cleanup, diff/],
    ['ssl', 'strict', /ssl.*require, verify-ca, verify-full, omit/],
    ['branch_type', 'data-only', /branch_type.*default, schema-only/],
    ['timeout', '-5', /timeout.*whole number of seconds/],
    ['timeout', 'ten', /timeout.*whole number of seconds/],
    ['expires_in', '45d', /expires_in.*30/],
    ['expires_in', 'a while', /expires_in.*duration/],
    ['expires_at', '2026-13-45', /expires_at.*RFC 3339/],
    ['expires_at', '2030-01-01T00:00:00Z', /expires_at.*30 days/],
    ['branch_name', 'x'.repeat(300), /branch_name.*at most 256/],
    ['comment', 'maybe', /comment.*true or false/],
    ['verify_connection', 'always', /verify_connection.*"always" is not valid; use one of warn, require, off/],
    ['fail_on_destructive', 'sometimes', /fail_on_destructive.*true or false/],
    ['suspend_timeout', '999999999', /suspend_timeout/],
    ['project_id', 'Not A Project', /project_id.*not a Neon project id/],
    ['api_host', 'console.neon.tech', /api_host.*http/],
    ['api_host', 'https://[neon', /api_host.*http/],
    ['api_host', 'https://console.neon.tech:99999/api/v2', /api_host.*http/],
  ])('%s = %j is refused with a message naming it', (name, value, message) => {
    expect(() => parse({ [name]: value })).toThrow(InputError);
    expect(() => parse({ [name]: value })).toThrow(message);
  });
  it('explains an empty api_key on a pull request from a fork', () => {
    expect(() => parse({ api_key: '' }, { ...event, fromFork: true })).toThrow(/api_key.*fork/);
    expect(() => parse({ api_key: '' })).not.toThrow(/fork/);
  });
  it('refuses an issue_comment on an issue that is not a pull request', () => {
    expect(() => parse({}, { ...event, eventName: 'issue_comment', prNumber: undefined, issueNumber: 12 })).toThrow(/issue #12, which is not a pull request/);
  });
  it('reads an issue_comment on a pull request as that pull request', () => {
    const info = eventInfoFrom('issue_comment', { action: 'created', issue: { number: 9, pull_request: { url: 'u' } }, repository: { full_name: 'acme/shop', name: 'shop', owner: { login: 'acme' } } }, { GITHUB_REF_NAME: 'main' });
    expect(info).toMatchObject({ prNumber: 9, headRef: undefined });
  });
  it('reads the event payload', () => {
    const info = eventInfoFrom('pull_request', { action: 'closed', pull_request: { number: 9, head: { ref: 'x', repo: { full_name: 'other/shop' } } }, repository: { full_name: 'acme/shop', name: 'shop', owner: { login: 'acme' } } }, {});
    expect(info).toMatchObject({ action: 'closed', prNumber: 9, headRef: 'x', owner: 'acme', repo: 'shop', fromFork: true });
  });
});
