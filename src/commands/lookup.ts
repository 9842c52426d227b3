import type { RunContext } from '../context.js';
import { ActionError } from '../errors.js';
import * as log from '../log.js';
import type { FoundBranch } from '../neon/api.js';
import { choosePreviewBranch, type Choice } from '../neon/preview-branch.js';
import { t } from '../text.js';

/** This run's branch: one `search` request, then the choice by annotations (see preview-branch.ts). */
export async function lookUp(ctx: RunContext): Promise<Choice> {
  return log.group(t`Look up the branch`, async () => {
    const choice = choosePreviewBranch(await ctx.api.searchBranches(ctx.target.search), ctx.target);
    if (choice.kind === 'ours' && choice.found.branch.name !== ctx.target.name) {
      log.info(t`Found this pull request's branch ${choice.found.branch.name} by its annotations (its head branch was renamed, or the name was taken)`);
    }
    if ('heldBy' in choice && choice.heldBy) log.info(t`Branch ${ctx.target.name} belongs to ${choice.heldBy}, not to ${ctx.target.repository}: it is left alone`);
    return choice;
  });
}

/**
 * The PR's existing branch, for the commands that create nothing (`get`, `diff`): found exactly as
 * `create` would find it; none (or only another repository's) is one error saying to run `create`.
 */
export async function existingBranch(ctx: RunContext): Promise<FoundBranch> {
  const { inputs } = ctx;
  const choice = await lookUp(ctx);
  if (choice.kind === 'taken' || (choice.kind === 'none' && choice.heldBy)) {
    const heldBy = choice.heldBy ?? 'another repository';
    throw new ActionError(t`Branch ${inputs.branchName} belongs to ${heldBy}, not to ${ctx.target.repository}, and ${ctx.target.repository} has no branch of its own in project ${inputs.projectId}. Run the action with command create first.`);
  }
  if (choice.kind === 'none') {
    throw new ActionError(t`No branch named ${inputs.branchName} in project ${inputs.projectId}. Run the action with command create first (for example in an earlier job), or check branch_name.`);
  }
  return choice.found;
}
