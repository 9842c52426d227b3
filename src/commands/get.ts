import type { RunContext } from '../context.js';
import { ActionError } from '../errors.js';
import * as log from '../log.js';
import { privateNetworkNote } from '../neon/network-note.js';
import { assertNotPrecious } from '../neon/ownership.js';
import { consoleUrl, type Report } from '../report/report.js';
import { t } from '../text.js';
import { ensureAnonymized, reusedAnonymization } from './anonymize.js';
import { computeSize, fetchConnection, readyCompute } from './compute.js';
import { lookUp } from './lookup.js';
import { serviceUrls } from './service-urls.js';

/** Re-derives the outputs of this PR's existing branch (for a later job); creates nothing. */
export async function get(ctx: RunContext): Promise<Report> {
  const { inputs, api } = ctx;
  const choice = await lookUp(ctx);
  if (choice.kind === 'taken' || (choice.kind === 'none' && choice.heldBy)) {
    const heldBy = choice.heldBy ?? 'another repository';
    throw new ActionError(t`Branch ${inputs.branchName} belongs to ${heldBy}, not to ${ctx.target.repository}, and ${ctx.target.repository} has no branch of its own in project ${inputs.projectId}. Run the action with command create first.`);
  }
  if (choice.kind === 'none') {
    throw new ActionError(t`No branch named ${inputs.branchName} in project ${inputs.projectId}. Run the action with command create first (for example in an earlier job), or check branch_name.`);
  }
  const { found } = choice;
  assertNotPrecious(found, inputs.parentBranch, 'output the connection of');
  const anonymized = await reusedAnonymization(ctx, found);
  const [project, endpoint] = await log.group(t`Wait for the compute`, () => Promise.all([api.getProject(), readyCompute(ctx, found.branch, false)]));
  // An anonymized branch is waited for while it is being masked; get starts or changes nothing.
  const anonymization = anonymized
    ? await log.group(t`Wait for the anonymization`, () => ensureAnonymized(ctx, found.branch, { wanted: inputs.maskingRules, startedByThisRun: false, mayChange: false, status: anonymized }))
    : undefined;
  const [connection, services] = await log.group(t`Fetch the connection URIs`, () => Promise.all([fetchConnection(ctx, found.branch, endpoint), serviceUrls(ctx, found.branch)]));
  const compute = computeSize(endpoint);
  const note = privateNetworkNote(project);
  return {
    command: 'get',
    projectId: inputs.projectId,
    branchName: found.branch.name,
    branchId: found.branch.id,
    consoleUrl: consoleUrl(inputs.apiHost, inputs.projectId, found.branch.id),
    created: false,
    expiresAt: found.branch.expires_at ?? undefined,
    connection,
    ...(anonymization ? { anonymization } : {}),
    ...(compute ? { compute } : {}),
    ...services,
    notes: note ? [note] : [],
  };
}
