import type { Model } from '../model.js';
import { ApiError, type BranchRec, type DataApiRec, type Json } from '../records.js';
import { branchOf, object, ok, type Request, type Response, type RouteEntry } from './common.js';

// The Neon Data API's control-plane routes, one Data API per database of a branch. The REST
// service itself is not emulated: its URL is on the reserved `.invalid` domain (RFC 2606), so
// nothing can ever answer it, and says so. A new branch does not get its parent's Data API.

const DEFAULT_SETTINGS: Json = { db_aggregates_enabled: true, db_anon_role: 'anonymous', db_schemas: ['public'], jwt_role_claim_key: '.role', openapi_mode: 'disabled' };

/** Where Neon would serve the database's Data API: here a host that never resolves. */
export function dataApiUrl(model: Model, branch: BranchRec, database: string): string {
  const endpoint = model.endpointsOf(branch.id).find((e) => e.type === 'read_write');
  return `https://${endpoint?.id ?? branch.id}.apirest.not-emulated.invalid/${encodeURIComponent(database)}/rest/v1`;
}

function database(model: Model, req: Request): { branch: BranchRec; name: string } {
  const branch = branchOf(model, req.params.branch_id);
  const name = req.params.database_name ?? '';
  if (!branch.databases.some((d) => d.name === name)) throw new ApiError(404, `database not found: ${name}`);
  return { branch, name };
}

function dataApiOf(model: Model, req: Request): { branch: BranchRec; name: string; api: DataApiRec } {
  const { branch, name } = database(model, req);
  const api = branch.dataApis?.get(name);
  if (!api) throw new ApiError(404, `the Data API is not enabled for database ${name} of branch ${branch.id}`);
  return { branch, name, api };
}

function settings(body: Json): Json {
  return object(body.settings, 'settings');
}

function createDataApi(model: Model, req: Request): Response {
  const { branch, name } = database(model, req);
  const body = object(req.body, 'request body');
  if (body.auth_provider !== undefined && body.auth_provider !== 'neon_auth' && body.auth_provider !== 'external') throw new ApiError(400, 'auth_provider must be neon_auth or external');
  if (branch.dataApis?.has(name)) throw new ApiError(409, `the Data API is already enabled for database ${name} of branch ${branch.id}`);
  branch.dataApis ??= new Map();
  branch.dataApis.set(name, { createdAt: Date.now(), settings: { ...DEFAULT_SETTINGS, ...settings(body) } });
  return ok({ url: dataApiUrl(model, branch, name) }, 201);
}

function getDataApi(model: Model, req: Request): Response {
  const { branch, name, api } = dataApiOf(model, req);
  return ok({ url: dataApiUrl(model, branch, name), status: 'active', settings: api.settings, available_schemas: ['public'] });
}

function updateDataApi(model: Model, req: Request): Response {
  const { api } = dataApiOf(model, req);
  api.settings = { ...api.settings, ...settings(object(req.body, 'request body')) };
  return ok({}, 201);
}

function deleteDataApi(model: Model, req: Request): Response {
  const { branch, name } = dataApiOf(model, req);
  branch.dataApis?.delete(name);
  return ok({});
}

export const dataApiRoutes: RouteEntry[] = [
  ['POST', '/projects/:project_id/branches/:branch_id/data-api/:database_name', createDataApi],
  ['GET', '/projects/:project_id/branches/:branch_id/data-api/:database_name', getDataApi],
  ['PATCH', '/projects/:project_id/branches/:branch_id/data-api/:database_name', updateDataApi],
  ['DELETE', '/projects/:project_id/branches/:branch_id/data-api/:database_name', deleteDataApi],
];
