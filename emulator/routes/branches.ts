import { computeSize } from '../compute-size.js';
import type { Model } from '../model.js';
import { ApiError, iso, type BranchRec, type EndpointRec, type Json } from '../records.js';
import { annotationView, branchView, databasesView, endpointView, rolesView } from '../views.js';
import { annotationValue, branchName, branchOf, expiresAt, notBusy, object, ok, opsView, startOp, suspendOp, suspendTimeout, type Request, type Response, type RouteEntry } from './common.js';

async function createBranch(model: Model, req: Request): Promise<Response> {
  const body = object(req.body, 'request body');
  const spec = object(body.branch, 'branch');
  const endpointSpecs = body.endpoints === undefined ? [] : body.endpoints;
  if (!Array.isArray(endpointSpecs)) throw new ApiError(400, 'endpoints must be an array');
  const name = spec.name === undefined ? `br-${Date.now().toString(36)}` : branchName(spec.name);
  const initSource = spec.init_source ?? 'parent-data';
  if (initSource !== 'parent-data' && initSource !== 'schema-only') throw new ApiError(400, `init_source must be parent-data or schema-only, not ${String(initSource)}`);
  const parent = spec.parent_id === undefined ? model.defaultBranch : branchOf(model, String(spec.parent_id));
  const types = endpointSpecs.map((e) => object(e, 'endpoint').type);
  if (types.some((t) => t !== 'read_write' && t !== 'read_only')) throw new ApiError(400, 'endpoint type must be read_write or read_only');
  if (types.filter((t) => t === 'read_write').length > 1) throw new ApiError(400, 'a branch can have only one read_write endpoint');
  const sizes = (endpointSpecs as Json[]).map((e) => computeSize(e, model.defaultEndpointSettings.size));
  const expiry = expiresAt(spec.expires_at);
  const annotation = annotationValue(body.annotation_value);
  const ports = await Promise.all(endpointSpecs.map(() => model.ports()));
  // From the name check to the computes, nothing awaits: a concurrent request sees all or nothing.
  if (model.branchByName(name)) throw new ApiError(409, `branch with name "${name}" already exists`);
  const branch = model.newBranch({ name, parentId: parent.id, initSource, expiresAt: expiry, annotation, protected: spec.protected === true });
  for (const [roleName, role] of parent.roles) branch.roles.set(roleName, { ...role });
  for (const db of parent.databases) branch.databases.push({ ...db, id: model.newDatabaseId() });
  const endpoints = (endpointSpecs as Json[]).map((e, i) =>
    model.addEndpoint(branch, e.type as EndpointRec['type'], suspendTimeout(e), ports[i] as [number, number], { size: sizes[i] }),
  );
  branch.pendingOps++;
  try {
    await model.copyFromParent(branch, parent);
  } catch (error) {
    await model.removeBranch(branch)();
    throw error;
  } finally {
    branch.pendingOps--;
  }
  const ops = [model.enqueue(branch, 'create_branch', undefined, async () => undefined), ...endpoints.map((e) => startOp(model, branch, e))];
  return ok(
    {
      branch: branchView(model, branch),
      endpoints: endpoints.map((e) => endpointView(model, e)),
      operations: opsView(model, ops),
      roles: rolesView(branch),
      databases: databasesView(branch),
      connection_uris: [],
    },
    201,
  );
}

type SortKey = 'name' | 'created_at' | 'updated_at';
const sortValue = (b: BranchRec, key: SortKey) => (key === 'name' ? b.name : key === 'created_at' ? iso(b.createdAt) : iso(b.updatedAt));

function listBranches(model: Model, req: Request): Response {
  const q = req.query;
  const sortBy = (q.get('sort_by') ?? 'updated_at') as SortKey;
  if (!['name', 'created_at', 'updated_at'].includes(sortBy)) throw new ApiError(400, 'sort_by must be name, created_at or updated_at');
  const order = q.get('sort_order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw new ApiError(400, 'sort_order must be asc or desc');
  const limit = q.has('limit') ? Number(q.get('limit')) : 10_000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new ApiError(400, 'limit must be an integer from 1 to 10000');
  const search = q.get('search')?.toLowerCase();
  const sign = order === 'asc' ? 1 : -1;
  const key = (b: BranchRec) => `${sortValue(b, sortBy)}\u0000${b.id}`;
  let list = [...model.branches.values()].filter((b) => !search || b.name.toLowerCase().includes(search) || b.id.includes(search));
  list.sort((a, b) => sign * (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const cursor = q.get('cursor');
  if (cursor) {
    const after = Buffer.from(cursor, 'base64url').toString();
    list = list.filter((b) => sign * (key(b) > after ? 1 : key(b) < after ? -1 : 0) > 0);
  }
  const page = list.slice(0, limit);
  const last = page[page.length - 1];
  return ok({
    branches: page.map((b) => branchView(model, b)),
    annotations: Object.fromEntries(page.filter((b) => b.annotation).map((b) => [b.id, annotationView(b)])),
    pagination: { ...(last && list.length > limit ? { next: Buffer.from(key(last)).toString('base64url') } : {}), sort_by: sortBy, sort_order: order },
  });
}

function updateBranch(model: Model, req: Request): Response {
  const branch = branchOf(model, req.params.branch_id);
  const spec = object(object(req.body, 'request body').branch, 'branch');
  if (spec.name !== undefined) {
    const name = branchName(spec.name);
    const other = model.branchByName(name);
    if (other && other.id !== branch.id) throw new ApiError(409, `branch with name "${name}" already exists`);
    branch.name = name;
  }
  if (spec.protected !== undefined) branch.protected = spec.protected === true;
  if ('expires_at' in spec) branch.expiresAt = spec.expires_at === null ? undefined : expiresAt(spec.expires_at);
  branch.updatedAt = Date.now();
  return ok({ branch: branchView(model, branch), operations: [] });
}

function deleteBranch(model: Model, req: Request): Response {
  const branch = branchOf(model, req.params.branch_id);
  if (branch.isDefault) throw new ApiError(400, 'cannot delete the default branch');
  if ([...model.branches.values()].some((b) => b.parentId === branch.id)) throw new ApiError(422, 'branch has children; delete them first');
  notBusy(branch);
  const running = model.endpointsOf(branch.id).filter((e) => e.state !== 'idle');
  const cleanup = model.removeBranch(branch);
  const ops = running.map((e) => model.enqueue(branch, 'suspend_compute', e.id, async () => undefined));
  ops.push(model.enqueue(branch, 'delete_timeline', undefined, cleanup));
  return ok({ branch: branchView(model, branch), operations: opsView(model, ops) });
}

function restoreBranch(model: Model, req: Request): Response {
  const branch = branchOf(model, req.params.branch_id);
  const body = object(req.body, 'request body');
  const source = branchOf(model, String(body.source_branch_id ?? ''));
  notBusy(branch);
  const endpoints = model.endpointsOf(branch.id);
  const ops = endpoints.filter((e) => e.state === 'active').map((e) => suspendOp(model, branch, e));
  ops.push(
    model.enqueue(branch, 'create_timeline', undefined, () => model.replaceData(branch, source)),
  );
  ops.push(...endpoints.map((e) => startOp(model, branch, e)));
  branch.updatedAt = Date.now();
  return ok({ branch: branchView(model, branch), operations: opsView(model, ops) });
}

export const branchRoutes: RouteEntry[] = [
  ['POST', '/projects/:project_id/branches', createBranch],
  ['GET', '/projects/:project_id/branches', listBranches],
  ['GET', '/projects/:project_id/branches/:branch_id', (m, r) => {
    const b = branchOf(m, r.params.branch_id);
    return ok({ branch: branchView(m, b), annotation: annotationView(b) });
  }],
  ['PATCH', '/projects/:project_id/branches/:branch_id', updateBranch],
  ['DELETE', '/projects/:project_id/branches/:branch_id', deleteBranch],
  ['POST', '/projects/:project_id/branches/:branch_id/restore', restoreBranch],
  ['GET', '/projects/:project_id/branches/:branch_id/endpoints', (m, r) => ok({ endpoints: m.endpointsOf(branchOf(m, r.params.branch_id).id).map((e) => endpointView(m, e)) })],
];
