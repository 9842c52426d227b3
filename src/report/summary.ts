import * as core from '@actions/core';
import type { CleanupReport } from '../commands/cleanup.js';
import { factRows, noteBlocks } from './comment-body.js';
import { codeSpan } from './markdown.js';
import type { Report } from './report.js';

/** The job summary: the same facts as the PR comment, as a small table. */
export async function writeSummary(report: Report): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const rows = factRows(report).map(([key, value]) => `| ${key} | ${value} |`);
  const notes = noteBlocks(report.notes).map((n) => `\n${n}`).join('');
  await core.summary.addRaw(`### Neon preview branch\n\n| | |\n| --- | --- |\n${rows.join('\n')}\n${notes}\n`).write();
}

export async function writeCleanupSummary(report: CleanupReport): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const title = report.dryRun ? 'Neon preview cleanup (dry run: nothing deleted)' : 'Neon preview cleanup';
  const rows = report.rows.map((r) => `| ${codeSpan(r.name, 'table')} | ${codeSpan(r.id, 'table')} | ${r.reason} | ${r.action} |`);
  const table = rows.length ? `| Branch | Id | Why | Action |\n| --- | --- | --- | --- |\n${rows.join('\n')}\n` : 'No preview branch to delete.\n';
  await core.summary.addRaw(`### ${title}\n\n${table}\n${report.kept} preview branch(es) kept: their pull requests are open.\n`).write();
}
