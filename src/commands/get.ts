import type { RunContext } from '../context.js';
import * as log from '../log.js';
import { networkFinding } from '../neon/network-note.js';
import { assertNotPrecious } from '../neon/ownership.js';
import { consoleUrl, type Report } from '../report/report.js';
import { t } from '../text.js';
import { ensureAnonymized, reusedAnonymization } from './anonymize.js';
import { computeSize, connectionDetails, findCompute, untilReady } from './compute.js';
import { existingBranch } from './lookup.js';

/** Re-derives the outputs of this PR's existing branch (for a later job); creates nothing. */
export async function get(ctx: RunContext): Promise<Report> {
  const { inputs, api } = ctx;
  const found = await existingBranch(ctx);
  assertNotPrecious(found, inputs.parentBranch, 'output the connection of');
  const anonymized = await reusedAnonymization(ctx, found);
  // The project's settings and the URIs (unless the branch is anonymized) while the compute gets ready.
  const [project, waited] = await log.group(t`Wait for the compute`, () =>
    Promise.all([
      api.getProject(),
      findCompute(ctx, found.branch, false).then((compute) => Promise.all([untilReady(ctx, compute), anonymized ? undefined : connectionDetails(ctx, found.branch, compute.endpoint)])),
    ]),
  );
  const [endpoint, details] = waited;
  // An anonymized branch is waited for while it is being masked; get starts or changes nothing.
  const anonymization = anonymized
    ? await log.group(t`Wait for the anonymization`, () => ensureAnonymized(ctx, found.branch, { wanted: inputs.maskingRules, startedByThisRun: false, mayChange: false, status: anonymized }))
    : undefined;
  const [connection, services] = details ?? (await log.group(t`Fetch the connection URIs`, () => connectionDetails(ctx, found.branch, endpoint)));
  const compute = computeSize(endpoint);
  const network = networkFinding(project);
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
    notes: network.note ? [network.note] : [],
    network,
  };
}
