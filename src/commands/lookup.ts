import type { RunContext } from '../context.js';
import * as log from '../log.js';
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
