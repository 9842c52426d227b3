import { cleanup } from './commands/cleanup.js';
import { deleteIfClosedMeanwhile, explainIfClosedMeanwhile } from './commands/closed-meanwhile.js';
import { create } from './commands/create.js';
import { deleteBranch } from './commands/delete.js';
import { diff } from './commands/diff.js';
import { get } from './commands/get.js';
import { prepareCheck, startConnectionCheck } from './commands/verify.js';
import type { RunContext } from './context.js';
import { ActionError } from './errors.js';
import type { EventInfo } from './github/event.js';
import { GitHub } from './github/github.js';
import { defaultBranchName } from './inputs/branch-name.js';
import type { Inputs } from './inputs/inputs.js';
import * as log from './log.js';
import { NeonApi } from './neon/api.js';
import { Deadline } from './neon/deadline.js';
import { NeonHttp } from './neon/http.js';
import { previewTarget } from './neon/preview-branch.js';
import { Waiter } from './neon/wait.js';
import { writeCleanupOutputs } from './report/outputs.js';
import { publish, startCommentSearch } from './report/publish.js';
import type { Report } from './report/report.js';
import { writeCleanupSummary } from './report/summary.js';
import { t } from './text.js';

function contextFor(inputs: Inputs, event: EventInfo, github: GitHub | undefined): RunContext {
  const deadline = new Deadline(inputs.timeoutMs);
  const http = new NeonHttp({ apiHost: inputs.apiHost, apiKey: inputs.apiKey, projectId: inputs.projectId, deadline, onRateLimited: () => waiter.rateLimited() });
  const api = new NeonApi(http, inputs.projectId);
  const waiter = new Waiter(api, deadline);
  return { inputs, event, target: previewTarget(inputs, event), api, waiter, deadline, github };
}

/**
 * An `issue_comment` payload names the pull request but not its head branch: GitHub is asked, so
 * the branch gets the same default name a `pull_request` event would give it.
 */
async function completeFromPullRequest(inputs: Inputs, event: EventInfo, github: GitHub | undefined): Promise<Inputs> {
  if (event.prNumber === undefined || event.headRef !== undefined || inputs.branchNameGiven || inputs.command === 'cleanup') return inputs;
  if (!github) {
    throw new ActionError(t`This ${event.eventName} event does not name pull request #${event.prNumber}'s head branch, and github_token is empty, so the action cannot ask GitHub for it. Pass github_token, or set branch_name.`);
  }
  const pull = await github.pullRequest(event.prNumber);
  if (pull.state === 'closed' && inputs.command === 'create') {
    throw new ActionError(t`Pull request #${event.prNumber} is closed: no preview branch is created for it.`);
  }
  event.headRef = pull.headRef;
  return { ...inputs, branchName: defaultBranchName(event) ?? inputs.branchName };
}

/**
 * Runs the chosen command, then reports: outputs (masked first), job summary, PR comment. What
 * starts when:
 * - at once: the search for the PR comment (GitHub), and loading what the connection check needs;
 * - the command: lookup, create or reuse, the wait for the compute, the URIs fetched during it;
 * - the compute ready: the connection check, and at the same moment the question whether the PR
 *   is still open (create); then the outputs and the summary while the check runs; then the
 *   comment, with the check's answer.
 */
export async function runCommand(given: Inputs, event: EventInfo): Promise<void> {
  const apiUrl = process.env.GITHUB_API_URL ?? 'https://api.github.com';
  const github = given.githubToken ? new GitHub(given.githubToken, event.owner, event.repo, apiUrl) : undefined;
  const inputs = await completeFromPullRequest(given, event, github);
  const ctx = contextFor(inputs, event, github);
  log.info(t`Command: ${inputs.command}, branch: ${inputs.branchName}, project: ${inputs.projectId}`);
  if (inputs.command === 'cleanup') {
    if (!github) throw new ActionError('cleanup needs github_token to list the open pull requests; it is empty. Pass github_token (the default ${{ github.token }} is enough, with permissions pull-requests: read).');
    const report = await cleanup(ctx, await github.openPullNumbers());
    writeCleanupOutputs(report);
    await writeCleanupSummary(report);
    return;
  }
  const comment = startCommentSearch(ctx);
  prepareCheck(ctx);
  let report: Report;
  try {
    report = inputs.command === 'create' ? await create(ctx) : inputs.command === 'delete' ? await deleteBranch(ctx) : inputs.command === 'diff' ? await diff(ctx) : await get(ctx);
  } catch (error) {
    throw inputs.command === 'create' ? await explainIfClosedMeanwhile(ctx, error) : error;
  }
  const check = startConnectionCheck(ctx, report);
  if (report.command === 'create') report = (await deleteIfClosedMeanwhile(ctx, report)) ?? report;
  await publish(ctx, report, report.connection ? check : undefined, comment);
  if (report.closedMeanwhile) {
    await check;
    throw new ActionError(t`Pull request #${event.prNumber ?? 0} was closed while this run was creating its branch, so the branch was deleted again: there is no database for the steps after this one.`);
  }
}
