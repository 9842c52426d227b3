import * as core from '@actions/core';
import { cleanup } from './commands/cleanup.js';
import { create } from './commands/create.js';
import { deleteBranch } from './commands/delete.js';
import { get } from './commands/get.js';
import { commentBody, commentMarker } from './report/comment-body.js';
import type { RunContext } from './context.js';
import type { EventInfo } from './github/event.js';
import { octokitFor } from './github/octokit.js';
import { openPullNumbers } from './github/open-pulls.js';
import { writeStickyComment } from './github/sticky-comment.js';
import type { Inputs } from './inputs/inputs.js';
import { NeonApi } from './neon/api.js';
import { NeonHttp } from './neon/http.js';
import { writeCleanupOutputs, writeOutputs } from './report/outputs.js';
import { writeCleanupSummary, writeSummary } from './report/summary.js';
import { Waiter } from './neon/wait.js';

function contextFor(inputs: Inputs, event: EventInfo): RunContext {
  const http = new NeonHttp({ apiHost: inputs.apiHost, apiKey: inputs.apiKey, projectId: inputs.projectId, onRateLimited: () => waiter.rateLimited() });
  const api = new NeonApi(http, inputs.projectId);
  const waiter = new Waiter(api, inputs.timeoutMs);
  return { inputs, event, api, waiter };
}

/** Runs the chosen command, then reports: outputs (masked first), job summary, PR comment. */
export async function runCommand(inputs: Inputs, event: EventInfo): Promise<void> {
  const ctx = contextFor(inputs, event);
  core.info(`Command: ${inputs.command}, branch: ${inputs.branchName}, project: ${inputs.projectId}`);
  if (inputs.command === 'cleanup') {
    const octokit = await octokitFor(inputs.githubToken);
    const report = await cleanup(ctx, await openPullNumbers(octokit, event.owner, event.repo));
    writeCleanupOutputs(report);
    await writeCleanupSummary(report);
    return;
  }
  const report = inputs.command === 'create' ? await create(ctx) : inputs.command === 'delete' ? await deleteBranch(ctx) : await get(ctx);
  writeOutputs(report);
  for (const note of report.notes) core.warning(note);
  await writeSummary(report);
  if (inputs.comment && event.prNumber !== undefined && inputs.command !== 'get') {
    const runUrl = process.env.GITHUB_RUN_ID ? `${process.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${event.owner}/${event.repo}/actions/runs/${process.env.GITHUB_RUN_ID}` : undefined;
    const body = commentBody(report, { sha: process.env.GITHUB_SHA, runUrl });
    await core.group('Comment on the pull request', async () =>
      writeStickyComment(await octokitFor(inputs.githubToken), { owner: event.owner, repo: event.repo, number: event.prNumber as number }, commentMarker(inputs.projectId), body),
    );
  }
  core.info(`Done in ${ctx.api.http.calls} Neon API call(s).`);
}
