import * as core from '@actions/core';
import type { RunContext } from '../context.js';
import { ActionError } from '../errors.js';
import type { Endpoint, FoundBranch, Operation } from '../neon/api.js';
import { privateNetworkNote } from '../neon/network-note.js';
import { assertNotPrecious, branchAnnotation, isOurs } from '../neon/ownership.js';
import { consoleUrl, type Report } from '../report/report.js';
import { fetchConnection, readyCompute } from './compute.js';

async function resolveParentId(ctx: RunContext): Promise<string | undefined> {
  const parent = ctx.inputs.parentBranch;
  if (!parent) return undefined;
  const found = await ctx.api.findBranch(parent);
  if (!found) throw new ActionError(`parent_branch "${parent}" was not found in project ${ctx.inputs.projectId}. Check the name or id, or leave it empty for the default branch.`);
  return found.branch.id;
}

/** Creates the preview branch, or reuses the one of that exact name, and waits for its compute. */
export async function create(ctx: RunContext): Promise<Report> {
  const { inputs, event, api, waiter } = ctx;
  const notes: string[] = [];
  let found = await core.group('Look up the branch', () => api.findBranch(inputs.branchName));
  let created = false;
  let reset = false;
  let endpoint: Endpoint | undefined;
  let expiresAt = inputs.expiresAt;
  const operations: Operation[] = [];

  if (!found) {
    await core.group(`Create branch ${inputs.branchName}`, async () => {
      const parentId = await resolveParentId(ctx);
      const project = await api.getProject();
      const note = privateNetworkNote(project);
      if (note) notes.push(note);
      const annotation = branchAnnotation(event);
      const result = await api.createBranch({
        name: inputs.branchName,
        parentId,
        expiresAt: inputs.expiresAt,
        schemaOnly: inputs.branchType === 'schema-only',
        suspendTimeout: inputs.suspendTimeout,
        annotation,
      });
      if (result) {
        if (result.branch.name !== inputs.branchName) throw new ActionError(`Neon created a branch named "${result.branch.name}", not "${inputs.branchName}"; refusing to use it.`);
        created = true;
        found = { branch: result.branch, annotation };
        endpoint = result.endpoints.find((e) => `${e.type}` === 'read_write');
        operations.push(...result.operations);
        core.info(`Created branch ${result.branch.id}`);
      } else {
        core.info(`Branch ${inputs.branchName} already exists (another run made it): reusing it`);
        found = await api.findBranch(inputs.branchName);
        if (!found) throw new ActionError(`Neon said branch "${inputs.branchName}" exists (409) but no branch of that name was found. Re-run the job.`);
      }
    });
  }
  const branch = (found as FoundBranch).branch;
  assertNotPrecious(found as FoundBranch, inputs.parentBranch, 'use');

  if (!created) {
    await core.group(`Reuse branch ${branch.name}`, async () => {
      if (!isOurs(found as FoundBranch)) {
        expiresAt = branch.expires_at;
        notes.push(`Branch ${branch.name} was not created by this action, so it was reused as it is and its expiry was left unchanged.`);
        return;
      }
      if (inputs.expiresAt) {
        operations.push(...(await api.updateBranchExpiry(branch.id, inputs.expiresAt)));
        core.info(`Expiry refreshed to ${inputs.expiresAt}`);
      }
      if (inputs.resetOnPush && event.action === 'synchronize' && branch.parent_id) {
        operations.push(...(await api.restoreBranch(branch.id, branch.parent_id)));
        reset = true;
        core.info(`Resetting ${branch.name} to the latest state of its parent ${branch.parent_id}`);
      }
    });
  }

  const ready = await core.group('Wait for the compute', async () => {
    await waiter.operations(operations);
    return endpoint && !reset ? endpoint : readyCompute(ctx, branch.id);
  });
  const connection = await core.group('Fetch the connection URIs', () => fetchConnection(ctx, branch.id, ready));
  return {
    command: 'create',
    projectId: inputs.projectId,
    branchName: branch.name,
    branchId: branch.id,
    consoleUrl: consoleUrl(inputs.apiHost, inputs.projectId, branch.id),
    created,
    reset,
    expiresAt,
    connection,
    notes,
  };
}
