import { anonymizationOf, makeAnonymized, maskingRules, startAnonymization } from '../anonymization.js';
import type { Model } from '../model.js';
import { ApiError, type Json } from '../records.js';
import { anonymizedStatusView, branchView } from '../views.js';
import { createBranch } from './branches.js';
import { branchOf, object, ok, startOp, type Request, type Response, type RouteEntry } from './common.js';

/**
 * `POST /branch_anonymized`: a branch made as `POST /branches` makes one (from `branch_create`),
 * always with a read-write compute (Neon adds one), then anonymized (see ../anonymization.ts).
 */
async function createAnonymizedBranch(model: Model, req: Request): Promise<Response> {
  const body = object(req.body, 'request body');
  const create = object(body.branch_create, 'branch_create');
  const rules = maskingRules(body.masking_rules);
  if (body.start_anonymization !== undefined && typeof body.start_anonymization !== 'boolean') throw new ApiError(400, 'start_anonymization must be a boolean');
  const endpoints = create.endpoints === undefined ? [] : create.endpoints;
  if (!Array.isArray(endpoints)) throw new ApiError(400, 'endpoints must be an array');
  const withReadWrite = endpoints.some((e) => object(e, 'endpoint').type === 'read_write') ? endpoints : [{ type: 'read_write' }, ...endpoints];
  // Anonymized from the moment anyone can see it: a concurrent lookup never finds it plain.
  const created = await createBranch(model, { ...req, body: { branch: create.branch, endpoints: withReadWrite, ...('annotation_value' in body ? { annotation_value: body.annotation_value } : {}) } }, (branch) => {
    const now = Date.now();
    branch.anonymization = { state: 'created', statusMessage: 'Branch created, waiting for its compute', rules, createdAt: now, updatedAt: now };
  });
  const answer = created.body as Json;
  const branch = branchOf(model, (answer.branch as Json).id as string);
  makeAnonymized(model, branch, rules, body.start_anonymization === true);
  return ok({ ...answer, branch: branchView(model, branch) }, created.status);
}

function updateMaskingRules(model: Model, req: Request): Response {
  const branch = branchOf(model, req.params.branch_id);
  const a = anonymizationOf(branch);
  const body = object(req.body, 'request body');
  if (body.masking_rules === undefined) throw new ApiError(400, 'masking_rules is required');
  a.rules = maskingRules(body.masking_rules);
  a.updatedAt = Date.now();
  return ok({ masking_rules: a.rules });
}

function anonymize(model: Model, req: Request): Response {
  const branch = branchOf(model, req.params.branch_id);
  const a = anonymizationOf(branch);
  // A suspended compute wakes first, as for a connection.
  const readWrite = model.endpointsOf(branch.id).find((e) => e.type === 'read_write');
  if (['initialized', 'error', 'anonymized'].includes(a.state) && readWrite?.state === 'idle' && !readWrite.pending) startOp(model, branch, readWrite);
  return ok(anonymizedStatusView(model, branch, startAnonymization(model, branch)));
}

export const anonymizationRoutes: RouteEntry[] = [
  ['POST', '/projects/:project_id/branch_anonymized', createAnonymizedBranch],
  ['GET', '/projects/:project_id/branches/:branch_id/masking_rules', (m, r) => ok({ masking_rules: anonymizationOf(branchOf(m, r.params.branch_id)).rules })],
  ['PATCH', '/projects/:project_id/branches/:branch_id/masking_rules', updateMaskingRules],
  ['POST', '/projects/:project_id/branches/:branch_id/anonymize', anonymize],
  ['GET', '/projects/:project_id/branches/:branch_id/anonymized_status', (m, r) => {
    const branch = branchOf(m, r.params.branch_id);
    return ok(anonymizedStatusView(m, branch, anonymizationOf(branch)));
  }],
];
