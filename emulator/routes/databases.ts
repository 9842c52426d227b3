import { alterDatabase, createDatabase, dropDatabase } from '../catalog.js';
import type { Model } from '../model.js';
import { ApiError, type BranchRec } from '../records.js';
import { databaseView, databasesView } from '../views.js';
import { branchOf, object, ok, opsView, type Request, type Response, type RouteEntry } from './common.js';

/** The databases every Postgres has, which Neon does not list and no one may make again. */
const RESERVED = new Set(['postgres', 'template0', 'template1']);

function databaseName(value: unknown): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 63) throw new ApiError(400, 'database name must be 1 to 63 characters');
  if (RESERVED.has(value)) throw new ApiError(400, `database name "${value}" is reserved`);
  return value;
}

function owner(branch: BranchRec, value: unknown): string {
  if (typeof value !== 'string' || !branch.roles.has(value)) throw new ApiError(400, `owner_name must be a role of branch ${branch.id}${typeof value === 'string' ? `; there is no role "${value}"` : ''}`);
  return value;
}

function database(model: Model, req: Request) {
  const branch = branchOf(model, req.params.branch_id);
  const found = branch.databases.find((d) => d.name === req.params.database_name);
  if (!found) throw new ApiError(404, `database not found: ${req.params.database_name}`);
  return { branch, found };
}

/** `POST .../databases` (neonctl `databases create`). */
function createDatabaseRoute(model: Model, req: Request): Response {
  const branch = branchOf(model, req.params.branch_id);
  const spec = object(object(req.body, 'request body').database, 'database');
  const name = databaseName(spec.name);
  const ownerName = owner(branch, spec.owner_name);
  if (branch.databases.some((d) => d.name === name)) throw new ApiError(409, `database "${name}" already exists`);
  const db = { id: model.newDatabaseId(), name, owner: ownerName, createdAt: Date.now() };
  branch.databases.push(db);
  const op = model.applyConfig(branch, (admin) => createDatabase(admin, name, ownerName));
  return ok({ database: databaseView(branch, db), operations: opsView(model, [op]) }, 201);
}

/** `PATCH .../databases/{name}`: a new name, a new owner, or both. */
function updateDatabaseRoute(model: Model, req: Request): Response {
  const { branch, found } = database(model, req);
  const spec = object(object(req.body, 'request body').database, 'database');
  const name = spec.name === undefined ? found.name : databaseName(spec.name);
  const ownerName = spec.owner_name === undefined ? found.owner : owner(branch, spec.owner_name);
  if (name !== found.name && branch.databases.some((d) => d.name === name)) throw new ApiError(409, `database "${name}" already exists`);
  const old = found.name;
  found.name = name;
  found.owner = ownerName;
  found.updatedAt = Date.now();
  const op = model.applyConfig(branch, (admin) => alterDatabase(admin, old, { name, owner: ownerName }));
  return ok({ database: databaseView(branch, found), operations: opsView(model, [op]) });
}

/** `DELETE .../databases/{name}` (neonctl `databases delete`): its sessions end, as Neon drops them. */
function deleteDatabaseRoute(model: Model, req: Request): Response {
  const branch = branchOf(model, req.params.branch_id);
  const found = branch.databases.find((d) => d.name === req.params.database_name);
  if (!found) return { status: 204, body: undefined };
  const view = databaseView(branch, found);
  branch.databases = branch.databases.filter((d) => d !== found);
  const op = model.applyConfig(branch, (admin) => dropDatabase(admin, found.name));
  return ok({ database: view, operations: opsView(model, [op]) });
}

export const databaseRoutes: RouteEntry[] = [
  ['GET', '/projects/:project_id/branches/:branch_id/databases', (m, r) => ok({ databases: databasesView(branchOf(m, r.params.branch_id)) })],
  ['POST', '/projects/:project_id/branches/:branch_id/databases', createDatabaseRoute],
  ['GET', '/projects/:project_id/branches/:branch_id/databases/:database_name', (m, r) => {
    const { branch, found } = database(m, r);
    return ok({ database: databaseView(branch, found) });
  }],
  ['PATCH', '/projects/:project_id/branches/:branch_id/databases/:database_name', updateDatabaseRoute],
  ['DELETE', '/projects/:project_id/branches/:branch_id/databases/:database_name', deleteDatabaseRoute],
];
