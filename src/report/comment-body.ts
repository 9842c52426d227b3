import type { Report } from './report.js';

/** The hidden line that finds our comment again among all of a PR's comments. */
export function commentMarker(projectId: string): string {
  return `<!-- neon-preview-branch-action project=${projectId} -->`;
}

/** Text safe inside a Markdown code span and a table cell. */
function code(text: string): string {
  return `\`${text.replace(/[`|\r\n]/g, '')}\``;
}

export function statusText(report: Report): string {
  if (report.command === 'delete') return report.deleted ? 'Deleted (the pull request is closed)' : 'Already deleted';
  if (report.command === 'get') return 'Looked up';
  if (report.created) return 'Created';
  return report.reset ? 'Reused, reset to its parent' : 'Reused, expiry refreshed';
}

/** Rows shared by the PR comment and the job summary; never a password or a URI. */
export function factRows(report: Report): [string, string][] {
  const branch = report.branchId ? `${code(report.branchName)} (${code(report.branchId)})` : code(report.branchName);
  const rows: [string, string][] = [
    ['Branch', report.consoleUrl ? `[${branch}](${report.consoleUrl})` : branch],
    ['Status', statusText(report)],
  ];
  if (report.connection) {
    rows.push(['Host', code(report.connection.dbHost)], ['Pooled host', code(report.connection.dbHostPooled)]);
  }
  if (report.command !== 'delete') rows.push(['Expires', report.expiresAt ? code(report.expiresAt) : 'never']);
  return rows;
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
  ];
  for (const note of report.notes) lines.push(`> [!WARNING]`, `> ${note.replace(/\r?\n/g, ' ')}`, '');
  if (report.command !== 'delete') lines.push('Connection details are in the masked step outputs `db_url` and `db_url_pooled`.', '');
  const sha = run.sha ? ` for ${code(run.sha.slice(0, 7))}` : '';
  lines.push(`<sub>Updated by ${run.runUrl ? `[this run](${run.runUrl})` : 'the workflow'}${sha}.</sub>`);
  return lines.join('\n');
}
