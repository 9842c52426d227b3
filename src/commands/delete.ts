import * as core from '@actions/core';
import type { RunContext } from '../context.js';
import { ActionError } from '../errors.js';
import type { FoundBranch } from '../neon/api.js';
import { assertNotPrecious, isOurs } from '../neon/ownership.js';
import type { Report } from '../report/report.js';

/** Deletes one branch this action made and waits for Neon; one that is already gone is success. */
export async function deleteOne(ctx: RunContext, found: FoundBranch): Promise<boolean> {
  assertNotPrecious(found, ctx.inputs.parentBranch, 'delete');
  if (!isOurs(found)) {
    throw new ActionError(`Refusing to delete branch "${found.branch.name}" (${found.branch.id}): it was not created by this action (it lacks the managed-by annotation). Delete it in the Neon console if you mean to.`);
  }
  const operations = await ctx.api.deleteBranch(found.branch.id);
  if (!operations) return false;
  await ctx.waiter.operations(operations);
  return true;
}

export async function deleteBranch(ctx: RunContext): Promise<Report> {
  const { inputs, api } = ctx;
  const report: Report = { command: 'delete', projectId: inputs.projectId, branchName: inputs.branchName, notes: [] };
  const found = await core.group('Look up the branch', () => api.findBranch(inputs.branchName));
  if (!found) {
    core.info(`Branch ${inputs.branchName} does not exist (already deleted or expired): nothing to do`);
    return { ...report, deleted: false };
  }
  const deleted = await core.group(`Delete branch ${found.branch.name}`, () => deleteOne(ctx, found));
  core.info(deleted ? `Deleted branch ${found.branch.id}` : `Branch ${found.branch.id} was already gone`);
  return { ...report, branchId: found.branch.id, deleted };
}
