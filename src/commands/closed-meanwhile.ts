import type { RunContext } from '../context.js';
import { ActionError } from '../errors.js';
import * as log from '../log.js';
import { isOurs } from '../neon/ownership.js';
import type { Report } from '../report/report.js';
import { t } from '../text.js';
import { deleteOne } from './delete.js';

/**
 * A `closed` event can be handled while this run is still creating the PR's branch: that run looks
 * up, finds nothing yet and ends, and nothing would delete what this run then makes. So, once the
 * branch is ready and before anything is reported, a create run for a pull request asks GitHub
 * whether the pull request is still open; if it is closed, the run deletes the branch (when this
 * action made it) and reports that instead. Returns undefined when the PR is open, or when GitHub
 * cannot tell (no token, or GitHub failing: the comment step will warn).
 */
export async function deleteIfClosedMeanwhile(ctx: RunContext, report: Report): Promise<Report | undefined> {
  const { github, event } = ctx;
  if (!github || event.prNumber === undefined || !report.found) return undefined;
  const state = await github.pullRequest(event.prNumber).catch((error: unknown) => {
    log.warning(t`Could not check that pull request #${event.prNumber ?? 0} is still open: ${(error as ActionError).text ?? String(error)}`);
    return undefined;
  });
  if (state?.state !== 'closed') return undefined;
  const found = report.found;
  if (!isOurs(found)) {
    log.warning(t`Pull request #${event.prNumber} was closed while this run was running; branch ${found.branch.name} was not made by this action, so it is left as it is.`);
    return undefined;
  }
  log.info(t`Pull request #${event.prNumber} was closed while this run was creating its branch: deleting ${found.branch.name} again`);
  const deleted = await log.group(t`Delete branch ${found.branch.name}`, () => deleteOne(ctx, found));
  return {
    command: 'delete',
    projectId: report.projectId,
    branchName: report.branchName,
    branchId: report.branchId,
    consoleUrl: report.consoleUrl,
    deleted,
    closedMeanwhile: true,
    notes: [],
  };
}

/** The failure of a create run whose branch the close run deleted under it, told as what happened. */
export async function explainIfClosedMeanwhile(ctx: RunContext, error: unknown): Promise<unknown> {
  const { github, event } = ctx;
  if (!github || event.prNumber === undefined || !(error instanceof ActionError)) return error;
  const state = await github.pullRequest(event.prNumber).catch(() => undefined);
  if (state?.state !== 'closed') return error;
  return new ActionError(
    t`Pull request #${event.prNumber} was closed while this run was creating its branch, and the run handling the close deleted the branch: there is no database for the steps after this one. (What failed here: ${error.text})`,
  );
}
