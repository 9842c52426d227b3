import * as core from '@actions/core';
import type { RunContext } from '../context.js';
import { ActionError } from '../errors.js';
import { privateNetworkNote } from '../neon/network-note.js';
import { assertNotPrecious } from '../neon/ownership.js';
import { consoleUrl, type Report } from '../report/report.js';
import { fetchConnection, readyCompute } from './compute.js';

/** Re-derives the outputs of an existing preview branch (for a later job); creates nothing. */
export async function get(ctx: RunContext): Promise<Report> {
  const { inputs, api } = ctx;
  const found = await core.group('Look up the branch', () => api.findBranch(inputs.branchName));
  if (!found) {
    throw new ActionError(`No branch named "${inputs.branchName}" in project ${inputs.projectId}. Run the action with command create first (for example in an earlier job), or check branch_name.`);
  }
  assertNotPrecious(found, inputs.parentBranch, 'output the connection of');
  const [project, endpoint] = await core.group('Wait for the compute', () => Promise.all([api.getProject(), readyCompute(ctx, found.branch.id)]));
  const connection = await core.group('Fetch the connection URIs', () => fetchConnection(ctx, found.branch.id, endpoint));
  const note = privateNetworkNote(project);
  return {
    command: 'get',
    projectId: inputs.projectId,
    branchName: found.branch.name,
    branchId: found.branch.id,
    consoleUrl: consoleUrl(inputs.apiHost, inputs.projectId, found.branch.id),
    created: false,
    expiresAt: found.branch.expires_at,
    connection,
    notes: note ? [note] : [],
  };
}
