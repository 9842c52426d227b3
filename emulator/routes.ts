import type { Model } from './model.js';
import { ApiError, iso, type BranchRec, type EndpointRec, type Json, type OperationRec } from './records.js';
import { annotationView, branchView, databasesView, endpointView, operationView, projectListItemView, projectView, rolesView } from './views.js';

export interface Request {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}
export interface Response {
  status: number;
  body: unknown;
}
type Handler = (model: Model, req: Request) => Promise<Response> | Response;
export interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

const MAX_EXPIRY_MS = 30 * 24 * 3600 * 1000;
const ok = (body: unknown, status = 200): Response => ({ status, body });

function object(value: unknown, what: string): Json {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ApiError(400, `${what} must be a JSON object`);
  return value as Json;
}

function branchOf(model: Model, id: string | undefined): BranchRec {
  const branch = model.branches.get(id ?? '');
  if (!branch) throw new ApiError(404, `branch not found: ${id}`);
  return branch;
}

function endpointOf(model: Model, id: string | undefined): EndpointRec {
  const endpoint = model.endpoints.get(id ?? '');
  if (!endpoint) throw new ApiError(404, `endpoint not found: ${id}`);
  return endpoint;
}

/** Neon refuses to schedule a branch's operations while others are still running on it. */
function notBusy(branch: BranchRec): void {
  if (branch.pendingOps > 0) throw new ApiError(423, 'project already has running conflicting operations, scheduling of new ones is prohibited');
}

function expiresAt(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw new ApiError(400, 'expires_at must be an RFC 3339 timestamp');
  const at = Date.parse(value);
  if (at <= Date.now()) throw new ApiError(400, 'expires_at must be in the future');
  if (at - Date.now() > MAX_EXPIRY_MS) throw new ApiError(400, 'expires_at must be at most 30 days from now');
  return iso(at);
}

function branchName(value: unknown): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 256) throw new ApiError(400, 'branch name must be 1 to 256 characters');
  return value;
}

const suspendTimeout = (spec: Json) => (typeof spec.suspend_timeout_seconds === 'number' ? spec.suspend_timeout_seconds : 0);

function annotationValue(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const obj = object(value, 'annotation_value');
  for (const v of Object.values(obj)) if (typeof v !== 'string') throw new ApiError(400, 'annotation_value values must be strings');
  return obj as Record<string, string>;
}

const opsView = (model: Model, ops: OperationRec[]) => ops.map((op) => operationView(model, op));

function startOp(model: Model, branch: BranchRec, endpoint: EndpointRec): OperationRec {
  endpoint.pending = 'active';
  return model.enqueue(branch, 'start_compute', endpoint.id, () => model.startCompute(endpoint));
}

function suspendOp(model: Model, branch: BranchRec, endpoint: EndpointRec): OperationRec {
  endpoint.pending = 'idle';
  return model.enqueue(branch, 'suspend_compute', endpoint.id, () => model.suspendCompute(endpoint));
}

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
  const expiry = expiresAt(spec.expires_at);
  const annotation = annotationValue(body.annotation_value);
  const ports = await Promise.all(endpointSpecs.map(() => model.ports()));
  // From the name check to the computes, nothing awaits: a concurrent request sees all or nothing.
  if (model.branchByName(name)) throw new ApiError(409, `branch with name "${name}" already exists`);
  const branch = model.newBranch({ name, parentId: parent.id, initSource, expiresAt: expiry, annotation, protected: spec.protected === true });
  for (const [roleName, role] of parent.roles) branch.roles.set(roleName, { ...role });
  for (const db of parent.databases) branch.databases.push({ ...db, id: model.newDatabaseId() });
  const endpoints = (endpointSpecs as Json[]).map((e, i) =>
    model.addEndpoint(branch, e.type as EndpointRec['type'], suspendTimeout(e), ports[i] as [number, number]),
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

async function createEndpoint(model: Model, req: Request): Promise<Response> {
  const spec = object(object(req.body, 'request body').endpoint, 'endpoint');
  const branch = branchOf(model, String(spec.branch_id ?? ''));
  if (spec.type !== 'read_write' && spec.type !== 'read_only') throw new ApiError(400, 'endpoint type must be read_write or read_only');
  if (spec.type === 'read_write' && model.endpointsOf(branch.id).some((e) => e.type === 'read_write')) throw new ApiError(400, 'branch already has a read_write endpoint');
  const endpoint = await model.newEndpoint(branch, spec.type, suspendTimeout(spec));
  const op = startOp(model, branch, endpoint);
  return ok({ endpoint: endpointView(model, endpoint), operations: opsView(model, [op]) }, 201);
}

function endpointAction(action: 'start' | 'suspend' | 'restart' | 'delete'): Handler {
  return (model, req) => {
    const endpoint = endpointOf(model, req.params.endpoint_id);
    const branch = branchOf(model, endpoint.branchId);
    notBusy(branch);
    const ops: OperationRec[] = [];
    if ((action === 'suspend' || action === 'restart' || action === 'delete') && endpoint.state === 'active') ops.push(suspendOp(model, branch, endpoint));
    if ((action === 'start' && endpoint.state !== 'active') || action === 'restart') ops.push(startOp(model, branch, endpoint));
    if (action === 'delete') {
      model.endpoints.delete(endpoint.id);
      const last = model.enqueue(branch, 'suspend_compute', endpoint.id, async () => {
        await model.suspendCompute(endpoint);
        await endpoint.pooler.stop();
      });
      ops.push(last);
    }
    return ok({ endpoint: endpointView(model, endpoint), operations: opsView(model, ops) });
  };
}

function connectionUri(model: Model, req: Request): Response {
  const q = req.query;
  const database = q.get('database_name');
  const roleName = q.get('role_name');
  if (!database || !roleName) throw new ApiError(400, 'database_name and role_name are required');
  if (model.misrouteConnectionUri) {
    q.delete('endpoint_id');
    q.delete('branch_id');
  }
  const branch = q.get('branch_id') ? branchOf(model, q.get('branch_id') ?? '') : model.defaultBranch;
  const endpoint = q.get('endpoint_id') ? endpointOf(model, q.get('endpoint_id') ?? '') : model.endpointsOf(branch.id).find((e) => e.type === 'read_write');
  if (!endpoint) throw new ApiError(404, `branch ${branch.id} has no read_write endpoint`);
  if (endpoint.branchId !== branch.id) throw new ApiError(400, `endpoint ${endpoint.id} does not belong to branch ${branch.id}`);
  if (!branch.roles.has(roleName)) throw new ApiError(404, `role not found: ${roleName}`);
  if (!branch.databases.some((d) => d.name === database)) throw new ApiError(404, `database not found: ${database}`);
  return ok({ uri: model.uri(endpoint, roleName, database, q.get('pooled') === 'true') });
}

function listOperations(model: Model, req: Request): Response {
  const limit = req.query.has('limit') ? Number(req.query.get('limit')) : 10;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ApiError(400, 'limit must be an integer from 1 to 1000');
  const all = [...model.operations].reverse();
  const cursor = req.query.get('cursor');
  const start = cursor ? all.findIndex((op) => op.id === cursor) + 1 : 0;
  const page = all.slice(start, start + limit);
  const last = page[page.length - 1];
  return ok({ operations: opsView(model, page), pagination: { cursor: last && start + limit < all.length ? last.id : '' } });
}

function role(model: Model, req: Request) {
  const branch = branchOf(model, req.params.branch_id);
  const found = branch.roles.get(req.params.role_name ?? '');
  if (!found) throw new ApiError(404, `role not found: ${req.params.role_name}`);
  return { branch, found };
}

const table: [string, string, Handler][] = [
  ['GET', '/projects', (m) => ok({ projects: [projectListItemView(m)], pagination: { cursor: m.projectId }, applications: {}, integrations: {} })],
  ['GET', '/projects/:project_id', (m) => ok({ project: projectView(m) })],
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
  ['GET', '/projects/:project_id/branches/:branch_id/databases', (m, r) => ok({ databases: databasesView(branchOf(m, r.params.branch_id)) })],
  ['GET', '/projects/:project_id/branches/:branch_id/databases/:database_name', (m, r) => {
    const db = databasesView(branchOf(m, r.params.branch_id)).find((d) => d.name === r.params.database_name);
    if (!db) throw new ApiError(404, `database not found: ${r.params.database_name}`);
    return ok({ database: db });
  }],
  ['GET', '/projects/:project_id/branches/:branch_id/roles', (m, r) => ok({ roles: rolesView(branchOf(m, r.params.branch_id)) })],
  ['GET', '/projects/:project_id/branches/:branch_id/roles/:role_name', (m, r) => {
    const { branch } = role(m, r);
    return ok({ role: rolesView(branch).find((x) => x.name === r.params.role_name) });
  }],
  ['GET', '/projects/:project_id/branches/:branch_id/roles/:role_name/reveal_password', (m, r) => ok({ password: role(m, r).found.password })],
  ['POST', '/projects/:project_id/endpoints', createEndpoint],
  ['GET', '/projects/:project_id/endpoints', (m) => ok({ endpoints: [...m.endpoints.values()].map((e) => endpointView(m, e)) })],
  ['GET', '/projects/:project_id/endpoints/:endpoint_id', (m, r) => ok({ endpoint: endpointView(m, endpointOf(m, r.params.endpoint_id)) })],
  ['DELETE', '/projects/:project_id/endpoints/:endpoint_id', endpointAction('delete')],
  ['POST', '/projects/:project_id/endpoints/:endpoint_id/start', endpointAction('start')],
  ['POST', '/projects/:project_id/endpoints/:endpoint_id/suspend', endpointAction('suspend')],
  ['POST', '/projects/:project_id/endpoints/:endpoint_id/restart', endpointAction('restart')],
  ['GET', '/projects/:project_id/connection_uri', connectionUri],
  ['GET', '/projects/:project_id/operations', listOperations],
  ['GET', '/projects/:project_id/operations/:operation_id', (m, r) => {
    const op = m.operationsById.get(r.params.operation_id ?? '');
    if (!op) throw new ApiError(404, `operation not found: ${r.params.operation_id}`);
    return ok({ operation: operationView(m, op) });
  }],
];

export const ROUTES: Route[] = table.map(([method, template, handler]) => {
  const keys: string[] = [];
  const pattern = new RegExp(`^${template.replace(/:([a-z_]+)/g, (_, key: string) => (keys.push(key), '([^/]+)'))}$`);
  return { method, template, pattern, keys, handler };
});
