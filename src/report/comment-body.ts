import { computeUnitsText } from '../inputs/compute-units.js';
import { t, type Text } from '../text.js';
import { connectionCell } from './connection-check.js';
import { codeSpan, link, markdown } from './markdown.js';
import type { Report } from './report.js';

/** The hidden line that marks our comment among a PR's comments (with its author: see sticky-comment.ts). */
export function commentMarker(projectId: string): string {
  return `<!-- neon-preview-branch-action project=${projectId.replace(/[^a-z0-9-]/g, '')} -->`;
}

export function statusText(report: Report): string {
  if (report.command === 'delete') {
    if (report.closedMeanwhile) return 'Deleted (the pull request was closed while its branch was being created)';
    return report.deleted ? 'Deleted (the pull request is closed)' : 'Already deleted';
  }
  if (report.command === 'get') return 'Looked up';
  if (report.reuse === 'recreated') return 'Reset: created again from its parent and anonymized (Neon cannot restore an anonymized branch)';
  if (report.command === 'diff') return report.schema?.baseGiven ? 'Schema compared with base_branch' : 'Schema compared with its parent';
  if (report.created) return 'Created';
  if (report.reuse === 'as it is') return 'Reused as it is (not made by this action)';
  if (report.reuse === 'reset') return 'Reused, reset to its parent';
  return report.expiresAt ? 'Reused, expiry refreshed' : 'Reused, no expiry';
}

/**
 * The comment a delete leaves. A run that found the branch already gone (`deleted` false) does not
 * overwrite a comment that already says how it was deleted (by the create run that saw the PR
 * closed, or by an earlier close run): "Already deleted" would hide what happened.
 */
export function deleteComment(current: string | undefined, fresh: string, report: Report): string {
  if (report.command === 'delete' && !report.deleted && current?.includes('| Status | Deleted')) return current;
  return fresh;
}

/** Rows shared by the PR comment and the job summary, as Markdown table cells; never a password or a URI. */
export function factRows(report: Report): [string, string][] {
  const name = codeSpan(report.branchName, 'table');
  const branch = report.branchId ? `${name} (${codeSpan(report.branchId, 'table')})` : name;
  const rows: [string, string][] = [
    ['Branch', report.consoleUrl ? link(branch, report.consoleUrl) : branch],
    ['Status', statusText(report)],
  ];
  if (report.connection) {
    rows.push(['Host', codeSpan(report.connection.dbHost, 'table')], ['Pooled host', codeSpan(report.connection.dbHostPooled, 'table')]);
  }
  if (report.connectionCheck) rows.push(['Connection', connectionCell(report.connectionCheck)]);
  if (report.command !== 'delete') rows.push(['Expires', report.expiresAt ? codeSpan(report.expiresAt, 'table') : 'never']);
  rows.push(...serviceRows(report));
  return rows;
}

/** Rows for what the branch holds and runs: anonymized data, the compute's size, Neon Auth and the Data API. */
function serviceRows(report: Report): [string, string][] {
  const rows: [string, string][] = [];
  const a = report.anonymization;
  if (a) {
    const again = a.rerun === 'rules changed' ? ', anonymized again (masking rules changed)' : a.rerun === 'restarted' ? ', anonymized again (the previous attempt had failed)' : '';
    rows.push(['Data', `Anonymized: ${a.rules} masking ${a.rules === 1 ? 'rule' : 'rules'} applied${again}`]);
  }
  if (report.compute) rows.push(['Compute', computeUnitsText(report.compute)]);
  if (report.authUrl !== undefined) rows.push(['Neon Auth', report.authUrl ? codeSpan(report.authUrl, 'table') : 'not enabled']);
  if (report.dataApiUrl !== undefined) rows.push(['Data API', report.dataApiUrl ? codeSpan(report.dataApiUrl, 'table') : 'not enabled']);
  return rows;
}

/** The notes as GitHub alerts: the action's words, outside values as code. */
export function noteBlocks(notes: Text[]): string[] {
  return notes.map((note) => `> [!WARNING]\n> ${markdown(note)}\n`);
}

export function commentBody(report: Report, run: { sha?: string; runUrl?: string }): string {
  const lines = [
    commentMarker(report.projectId),
    '### Neon preview branch',
    '',
    '| | |',
    '| --- | --- |',
    ...factRows(report).map(([key, value]) => `| ${key} | ${value} |`),
    '',
    ...noteBlocks(report.notes),
  ];
  if (report.connection) lines.push('Connection details are in the masked step outputs `db_url` and `db_url_pooled`.', '');
  const sha = run.sha ? t` for ${run.sha.slice(0, 7)}` : t``;
  const by = run.runUrl ? link('this run', run.runUrl) : 'the workflow';
  lines.push(`<sub>Updated by ${by}${markdown(sha)}.</sub>`);
  return lines.join('\n');
}
