import { refuseRestricted } from '../anonymization.js';
import { computeSize } from '../compute-size.js';
import type { Model } from '../model.js';
import { resolvePointInTime, stillAt } from '../point-in-time.js';
import { ApiError, iso, type BranchRec, type EndpointRec, type Json } from '../records.js';
import { annotationView, branchView, databasesView, endpointView, rolesView } from '../views.js';
import { annotationValue, branchName, branchOf, expiresAt, notBusy, object, ok, opsView, startOp, suspendOp, suspendTimeout, type Request, type Response, type RouteEntry } from './common.js';

/**
 * `POST /projects/{id}/branches`: the branch, its computes and their start, as one request that
 * answers at once; the data is copied by the create_branch operation (Model.createBranchOperation).
 * Exported for routes that make branches of another kind from the same core.
 */
export async function createBranch(model: Model, req: Request, onCreated?: (branch: BranchRec) => void): Promise<Response> {
  const body = object(req.body, 'request body');
  const spec = object(body.branch, 'branch');
  const endpointSpecs = body.endpoints === undefined ? [] : body.endpoints;
  if (!Array.isArray(endpointSpecs)) throw new ApiError(400, 'endpoints must be an array');
  const name = spec.name === undefined ? `br-${Date.now().toString(36)}` : branchName(spec.name);
  const initSource = spec.init_source ?? 'parent-data';
  if (initSource !== 'parent-data' && initSource !== 'schema-only') throw new ApiError(400, `init_source must be parent-data or schema-only, not ${String(initSource)}`);
  const parent = spec.parent_id === undefined || spec.parent_id === '' ? model.defaultBranch : branchOf(model, String(spec.parent_id));
  const point = await resolvePointInTime(model, parent, { timestamp: spec.parent_timestamp, lsn: spec.parent_lsn }, { timestamp: 'parent_timestamp', lsn: 'parent_lsn' });
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
  onCreated?.(branch);
  for (const [roleName, role] of parent.roles) branch.roles.set(roleName, { ...role });
  for (const db of parent.databases) branch.databases.push({ ...db, id: model.newDatabaseId() });
  const endpoints = (endpointSpecs as Json[]).map((e, i) =>
    model.addEndpoint(branch, e.type as EndpointRec['type'], suspendTimeout(e), ports[i] as [number, number], { size: sizes[i] }),
  );
  // Until the copy says exactly where on the parent it was taken: the point asked for, or the parent's LSN as last seen.
  branch.parentLsn = point?.lsn ?? parent.observed?.lsn ?? '0/0';
  branch.parentTimestamp = point?.timestamp ?? branch.createdAt;
  // The copy is the create_branch operation's work, as on Neon: the answer does not wait for it.
  const create = model.createBranchOperation(branch, parent, async () => {
    if (!point) return;
    await stillAt(model, parent, point, 'parent');
    branch.parentLsn = point.lsn;
    branch.parentTimestamp = point.timestamp;
  });
  const ops = [create, ...endpoints.map((e) => startOp(model, branch, e))];
  return ok(
    {
      branch: branchView(model, branch),
      endpoints: endpoints.map((e) => endpointView(model, e)),
      operations: opsView(model, ops),
      roles: rolesView(branch),
      databases: databasesView(branch),
      connection_uris: connectionUris(model, branch, endpoints),
    },
    201,
  );
}

/**
 * As Neon: with a read-write compute, the URI of the branch's one role and one database (none when
 * the parent has more than one of either, as the description of `connection_uri` says).
 */
function connectionUris(model: Model, branch: BranchRec, endpoints: EndpointRec[]): Json[] {
  // The misrouting fault (see connection-uri.ts) hands out the default branch's compute here too.
  const endpoint = (model.misrouteConnectionUri ? model.endpointsOf(model.defaultBranch.id) : endpoints).find((e) => e.type === 'read_write');
  const [role, ...moreRoles] = [...branch.roles.entries()].filter(([, r]) => !r.noLogin);
  const [database, ...moreDatabases] = branch.databases;
  if (!endpoint || !role || !database || moreRoles.length || moreDatabases.length) return [];
  const uri = model.uri(endpoint, role[0], database.name);
  const host = (text: string) => new URL(text).host;
  return [
    {
      connection_uri: uri,
      connection_parameters: { database: database.name, password: role[1].password, role: role[0], host: host(uri), pooler_host: host(model.uri(endpoint, role[0], database.name, true)) },
    },
  ];
}

/** Neon's `search`: part of a branch's name or id, any case. */
function searched(model: Model, search: string | null): BranchRec[] {
  const term = search?.toLowerCase();
  return [...model.branches.values()].filter((b) => !term || b.name.toLowerCase().includes(term) || b.id.includes(term));
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
  const sign = order === 'asc' ? 1 : -1;
  const key = (b: BranchRec) => `${sortValue(b, sortBy)}\u0000${b.id}`;
  let list = searched(model, q.get('search'));
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

/**
 * `POST .../restore` (neonctl `branches restore` and `branches reset`), validated as the description
 * of BranchRestoreRequest says. With `preserve_under_name` the old state survives as a new branch
 * of that name, which becomes the restored branch's parent and takes over its children.
 */
async function restoreBranch(model: Model, req: Request): Promise<Response> {
  const branch = branchOf(model, req.params.branch_id);
  const body = object(req.body, 'request body');
  if (typeof body.source_branch_id !== 'string' || body.source_branch_id === '') throw new ApiError(400, 'source_branch_id is required');
  const source = branchOf(model, body.source_branch_id);
  refuseRestricted(branch, 'restore');
  const self = source.id === branch.id;
  if (body.preserve_under_name !== undefined && typeof body.preserve_under_name !== 'string') throw new ApiError(400, 'preserve_under_name must be a string');
  const preserve = body.preserve_under_name ? branchName(body.preserve_under_name) : undefined;
  if (self && body.source_timestamp === undefined && body.source_lsn === undefined) {
    throw new ApiError(400, 'source_timestamp or source_lsn is required when source_branch_id is the branch itself');
  }
  const children = [...model.branches.values()].filter((b) => b.parentId === branch.id);
  if (self && !preserve) throw new ApiError(400, 'preserve_under_name is required when source_branch_id is the branch itself');
  if (children.length && !preserve) throw new ApiError(400, `preserve_under_name is required: branch ${branch.id} has child branches (${children.map((c) => c.name).join(', ')})`);
  if (preserve && model.branchByName(preserve)) throw new ApiError(409, `branch with name "${preserve}" already exists`);
  notBusy(branch);
  const point = await resolvePointInTime(model, source, { timestamp: body.source_timestamp, lsn: body.source_lsn }, { timestamp: 'source_timestamp', lsn: 'source_lsn' });
  // Checked again after the await: another request may have taken the name or started work meanwhile.
  notBusy(branch);
  if (preserve && model.branchByName(preserve)) throw new ApiError(409, `branch with name "${preserve}" already exists`);

  const backup = preserve ? model.newBackup(branch, preserve) : undefined;
  if (backup) {
    backup.pendingOps++;
    for (const child of children) child.parentId = backup.id;
  }
  const endpoints = model.endpointsOf(branch.id);
  const ops = endpoints.filter((e) => e.state === 'active').map((e) => suspendOp(model, branch, e));
  ops.push(
    model.enqueue(branch, 'create_timeline', undefined, async () => {
      try {
        await model.restoreData(branch, source, backup);
        if (point) {
          await stillAt(model, source === branch && backup ? backup : source, point, 'source');
          branch.parentLsn = point.lsn;
          branch.parentTimestamp = point.timestamp;
        }
      } finally {
        if (backup) {
          backup.pendingOps--;
          backup.state = 'ready';
          backup.updatedAt = Date.now();
        }
      }
    }),
  );
  ops.push(...endpoints.map((e) => startOp(model, branch, e)));
  const now = Date.now();
  branch.parentId = backup ? backup.id : self ? branch.parentId : source.id;
  branch.parentLsn = point?.lsn ?? source.observed?.lsn;
  branch.parentTimestamp = point?.timestamp ?? now;
  branch.lastResetAt = branch.updatedAt = now;
  return ok({ branch: branchView(model, branch), operations: opsView(model, ops) });
}

/** `POST .../set_as_default`: the project's default moves to this branch. */
function setDefault(model: Model, req: Request): Response {
  const branch = branchOf(model, req.params.branch_id);
  if (branch.expiresAt) throw new ApiError(400, `branch ${branch.id} has an expiration time; remove it before making the branch the default`);
  for (const b of model.branches.values()) if (b.isDefault && b !== branch) b.isDefault = false;
  branch.isDefault = true;
  branch.updatedAt = Date.now();
  return ok({ branch: branchView(model, branch), operations: [] });
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
  ['POST', '/projects/:project_id/branches/:branch_id/set_as_default', setDefault],
  ['GET', '/projects/:project_id/branches/count', (m, r) => ok({ count: searched(m, r.query.get('search')).length })],
  ['GET', '/projects/:project_id/branches/:branch_id/endpoints', (m, r) => ok({ endpoints: m.endpointsOf(branchOf(m, r.params.branch_id).id).map((e) => endpointView(m, e)) })],
];
