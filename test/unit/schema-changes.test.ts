import { describe, expect, it } from 'vitest';
import { networkFinding, networkRestriction, privateNetworkNote } from '../../src/neon/network-note.js';
import { commentBody } from '../../src/report/comment-body.js';
import { connectionCell, connectionVerifiedOutput, notesAfterCheck, type ConnectionCheckOutcome } from '../../src/report/connection-check.js';
import type { Report } from '../../src/report/report.js';
import { commentKeepingOldDiff, commentWithSchemaChanges, joinedDiff, placeSchemaSection, type SchemaChanges } from '../../src/report/schema-changes.js';
import { COMMENT_LIMIT, findSchemaSection } from '../../src/report/schema-section.js';
import { destructiveChanges } from '../../src/schema-diff/destructive.js';
import { own, t } from '../../src/text.js';

const SHA = '3f2c9d81b7e04a5c6d7e8f90a1b2c3d4e5f60718';
const NEXT = 'fedcba9876543210fedcba9876543210fedcba98';

const DROP = ['--- a/neondb', '+++ b/neondb', '@@ -1,4 +1,3 @@', ' CREATE TABLE public.users (', '     id bigint NOT NULL,', '-    email text', ' );', ''].join('\n');
const ADD = ['--- a/shop', '+++ b/shop', '@@ -1,1 +1,2 @@', ' SET lock_timeout = 0;', '+CREATE SCHEMA audit;', ''].join('\n');

const changes = (...diffs: [string, string][]): SchemaChanges => ({ parent: { id: 'br-main', name: 'main' }, diffs: diffs.map(([database, diff]) => ({ database, diff, destructive: destructiveChanges(diff) })) });

const report: Report = {
  command: 'create',
  projectId: 'quiet-lake-12345678',
  branchName: 'preview/pr-7-login',
  branchId: 'br-preview',
  created: true,
  expiresAt: '2026-11-26T10:00:00Z',
  connection: { dbUrl: 'postgresql://u:p@h/d', dbUrlPooled: 'postgresql://u:p@h-pooler/d', dbHost: 'ep-x.neon.tech', dbHostPooled: 'ep-x-pooler.neon.tech', password: 'p' },
  notes: [],
};
const createBody = (sha: string) => commentBody(report, { sha, runUrl: 'https://github.com/acme/shop/actions/runs/1' });

describe('schema_diff joins the databases', () => {
  it("keeps each database's own headers, adds them where Neon gave none, and leaves out databases without changes", () => {
    const headerless = ['@@ -1,1 +1,2 @@', ' SET lock_timeout = 0;', '+CREATE TABLE public.events (id bigint);'].join('\n');
    const joined = joinedDiff(changes(['neondb', DROP], ['empty', ''], ['analytics', headerless]));
    expect(joined).toBe(`${DROP}--- a/analytics\n+++ b/analytics\n${headerless}\n`);
    expect(joinedDiff(changes(['neondb', ''], ['shop', '']))).toBe('');
  });
});

describe('the schema section in the sticky comment', () => {
  it("diff: what create wrote stays byte for byte, the section goes under the facts and notes, above the footer", () => {
    const body = createBody(SHA);
    const updated = commentWithSchemaChanges(body, 'unused', changes(['neondb', DROP]), SHA);
    const footer = body.indexOf('\n<sub>Updated by');
    expect(updated.startsWith(body.slice(0, footer))).toBe(true);
    expect(updated.endsWith(body.slice(footer))).toBe(true);
    const section = findSchemaSection(updated);
    expect(section?.state).toBe('current');
    expect(updated.indexOf('#### Schema changes')).toBeGreaterThan(updated.indexOf('Connection details are in'));
    // Taken out again, the body is what create wrote.
    expect(placeSchemaSection(updated, '')).toBe(body);
  });

  it('diff again: the section is replaced in place, never added twice; with no comment yet, the fresh body is used', () => {
    const once = commentWithSchemaChanges(createBody(SHA), 'unused', changes(['neondb', DROP]), SHA);
    const twice = commentWithSchemaChanges(once, 'unused', changes(['shop', ADD]), NEXT);
    expect(twice.match(/#### Schema changes/g)).toHaveLength(1);
    expect(twice).toContain('CREATE SCHEMA audit');
    expect(twice).not.toContain('-    email text');
    expect(twice).toContain('after the migrations of `fedcba9`');
    const fresh = commentWithSchemaChanges(undefined, '<!-- marker -->\nfacts\n\n<sub>Updated by the workflow.</sub>', changes(['neondb', '']), SHA);
    expect(fresh).toMatch(/^<!-- marker -->\nfacts\n\n<!-- neon-schema-changes [^\n]*\n#### Schema changes\n[\s\S]*no schema changes\.[\s\S]*<!-- \/neon-schema-changes -->\n\n<sub>Updated by the workflow\.<\/sub>$/);
  });

  it('create on the next push: the old diff is kept, marked out of date, never current; a comment without a section gets none', () => {
    const withDiff = commentWithSchemaChanges(createBody(SHA), 'unused', changes(['neondb', DROP]), SHA);
    const pushed = commentKeepingOldDiff(withDiff, createBody(NEXT), NEXT);
    expect(findSchemaSection(pushed)?.state).toBe('out-of-date');
    expect(pushed).not.toContain('state=current');
    expect(pushed).toContain('-    email text');
    expect(pushed).toContain('for `fedcba9`.</sub>');
    expect(commentKeepingOldDiff(createBody(SHA), createBody(NEXT), NEXT)).toBe(createBody(NEXT));
    expect(commentKeepingOldDiff(undefined, createBody(NEXT), NEXT)).toBe(createBody(NEXT));
  });

  it('a huge diff next to the facts keeps the whole comment under GitHub limit', () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `+CREATE TABLE public.t${i} (id bigint);`);
    const huge = ['--- a/neondb', '+++ b/neondb', `@@ -1,1 +1,${lines.length + 1} @@`, ' SET lock_timeout = 0;', ...lines, ''].join('\n');
    const body = commentWithSchemaChanges(createBody(SHA), 'unused', changes(['neondb', huge]), SHA);
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).toMatch(/lines of 20,004 cut to fit/);
    expect(body).toContain('| Status | Created |');
  });
});

describe('the connection check in the reports', () => {
  const verified: ConnectionCheckOutcome = { state: 'verified', ms: 12, text: t`Connection verified: the runner reached the branch and ran SELECT 1 in ${12} ms.` };
  const failed: ConnectionCheckOutcome = { state: 'failed', ms: 3, cause: 'refused', text: t`The runner could not connect: the connection to ${'127.0.0.1:5432'} was refused.` };
  const guess = own('This project has an IP allowlist that applies to preview branches, so a GitHub-hosted runner will likely be refused.');
  const other = own('Branch was not created by this action.');

  it('connection_verified is true, false, or empty when the check is off', () => {
    expect([verified, failed, { state: 'off' } as const].map(connectionVerifiedOutput)).toEqual(['true', 'false', '']);
  });

  it('a pass removes the guess about the network settings, a failure takes its place, off keeps it', () => {
    const network = { restriction: 'ip-allowlist' as const, note: guess };
    expect(notesAfterCheck([other, guess], network, verified)).toEqual([other]);
    expect(notesAfterCheck([other, guess], network, failed)).toEqual([other, failed.state === 'failed' ? failed.text : undefined]);
    expect(notesAfterCheck([other, guess], network, { state: 'off' })).toEqual([other, guess]);
    expect(notesAfterCheck([other], undefined, failed)).toHaveLength(2);
  });

  it('the table cell says verified, not verified with the cause, or not checked; outside values as code', () => {
    expect(connectionCell(verified)).toBe('Verified: the runner reached the branch and ran SELECT 1 in 12 ms.');
    expect(connectionCell(failed)).toBe('**Not verified**: the connection was refused (details below)');
    expect(connectionCell({ state: 'off' })).toBe('Not checked (`verify_connection: off`)');
    expect(commentBody({ ...report, connectionCheck: failed, notes: [failed.state === 'failed' ? failed.text : own('')] }, {})).toContain('> The runner could not connect: the connection to `127.0.0.1:5432` was refused.');
  });

  it('the warning and the restriction come from one reading of the settings', () => {
    for (const settings of [{ block_public_connections: true }, { allowed_ips: { ips: ['1.2.3.4'], protected_branches_only: false } }, { allowed_ips: { ips: ['1.2.3.4'], protected_branches_only: true } }, {}]) {
      const project = { settings };
      expect(networkFinding(project)).toEqual({ restriction: networkRestriction(project), note: privateNetworkNote(project) });
      expect(networkRestriction(project) === undefined).toBe(privateNetworkNote(project) === undefined);
    }
  });
});
