import * as core from '@actions/core';
import type { CleanupReport } from '../commands/cleanup.js';
import * as log from '../log.js';
import { connectionVerifiedOutput, type ConnectionCheckOutcome } from './connection-check.js';
import type { Report } from './report.js';
import { joinedDiff, schemaChanged, schemaDestructive } from './schema-changes.js';

/** Masks every secret first, then writes the step outputs. */
export function writeOutputs(report: Report): void {
  const c = report.connection;
  if (c) for (const secret of [c.password, c.dbUrl, c.dbUrlPooled, encodeURIComponent(c.password)]) log.mask(secret);
  core.setOutput('branch_name', report.branchName);
  core.setOutput('branch_id', report.branchId ?? '');
  if (report.command === 'delete') {
    core.setOutput('deleted', String(report.deleted ?? false));
    return;
  }
  if (report.command === 'diff') {
    if (!report.schema) return;
    core.setOutput('schema_changed', String(schemaChanged(report.schema)));
    core.setOutput('schema_destructive', String(schemaDestructive(report.schema)));
    const patch = joinedDiff(report.schema);
    core.setOutput('schema_diff', patch);
    // schema-diff-action's name for the same text.
    core.setOutput('diff', patch);
    return;
  }
  core.setOutput('created', String(report.created ?? false));
  core.setOutput('expires_at', report.expiresAt ?? '');
  core.setOutput('auth_url', report.authUrl ?? '');
  core.setOutput('data_api_url', report.dataApiUrl ?? '');
  if (c) {
    core.setOutput('db_url', c.dbUrl);
    core.setOutput('db_url_pooled', c.dbUrlPooled);
    core.setOutput('db_host', c.dbHost);
    core.setOutput('db_host_pooled', c.dbHostPooled);
    core.setOutput('password', c.password);
  }
}

/** `connection_verified`, once the connection check has answered (after the other outputs, which do not wait for it). */
export function writeConnectionCheckOutput(outcome: ConnectionCheckOutcome): void {
  core.setOutput('connection_verified', connectionVerifiedOutput(outcome));
}

/** `comment_url`: the sticky comment's page, once this run wrote it; empty when it wrote none. */
export function writeCommentUrlOutput(url: string | undefined): void {
  core.setOutput('comment_url', url ?? '');
}

export function writeCleanupOutputs(report: CleanupReport): void {
  core.setOutput('deleted_branches', JSON.stringify(report.rows.filter((r) => r.action !== 'failed').map((r) => r.name)));
}
