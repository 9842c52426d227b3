import type { RunContext } from '../context.js';
import { ActionError } from '../errors.js';
import * as log from '../log.js';
import type { FoundBranch } from '../neon/api.js';
import { assertNotPrecious, isOurs } from '../neon/ownership.js';
import type { Report } from '../report/report.js';
import { t } from '../text.js';
import { lookUp } from './lookup.js';

/**
 * Deletes one branch this action made and waits for Neon. True when this run deleted it, including
 * when the answer to its DELETE was lost and the retry found the branch gone; false when it was
 * already gone.
 */
export async function deleteOne(ctx: RunContext, found: FoundBranch): Promise<boolean> {
  assertNotPrecious(found, ctx.inputs.parentBranch, 'delete');
  if (!isOurs(found)) {
    throw new ActionError(
      t`Refusing to delete branch ${found.branch.name} (${found.branch.id}): it was not created by this action (it lacks the managed-by annotation). Delete it in the Neon console if you mean to.`,
    );
  }
  const result = await ctx.api.deleteBranch(found.branch.id);
  if (result.deleted === 'already gone') return false;
  if (result.deleted === 'answer lost') {
    log.info(t`The answer to the DELETE of ${found.branch.id} was lost and the retry found the branch gone: this run deleted it`);
    return true;
  }
  await ctx.waiter.operations(result.operations, { learn: true });
  return true;
}

/** Deletes this PR's branch (and any more of ours for it); never a branch of another repository or one a person made. */
export async function deleteBranch(ctx: RunContext): Promise<Report> {
  const { inputs } = ctx;
  const report: Report = { command: 'delete', projectId: inputs.projectId, branchName: inputs.branchName, notes: [] };
  const choice = await lookUp(ctx);
  if (choice.kind === 'none' || choice.kind === 'taken') {
    log.info(t`Branch ${inputs.branchName} of ${ctx.target.repository} does not exist (already deleted or expired): nothing to do`);
    return { ...report, deleted: false };
  }
  const all = choice.kind === 'ours' ? [choice.found, ...choice.alsoOurs] : [choice.found];
  let deleted = false;
  for (const found of all) {
    const done = await log.group(t`Delete branch ${found.branch.name}`, () => deleteOne(ctx, found));
    log.info(done ? t`Deleted branch ${found.branch.id}` : t`Branch ${found.branch.id} was already gone`);
    deleted ||= done;
  }
  return { ...report, branchName: choice.found.branch.name, branchId: choice.found.branch.id, deleted };
}
