import * as core from '@actions/core';
import { stat } from 'node:fs/promises';
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

/** Appends Markdown to this step's job summary, after what the step already wrote there. */
export async function appendSummary(text: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY || !text) return;
  await core.summary.addRaw(text).write();
}

/** The bytes this step's job summary may still take under `limit` (GitHub keeps 1 MiB a step). */
export async function summaryRoom(limit: number): Promise<number> {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file) return limit;
  const used = await stat(file).then((s) => s.size, () => 0);
  return Math.max(0, limit - used);
}
