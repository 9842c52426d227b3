import type { Model } from '../model.js';
import { ApiError } from '../records.js';
import { branchOf, endpointOf, ok, type Request, type Response, type RouteEntry } from './common.js';

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

export const connectionUriRoutes: RouteEntry[] = [['GET', '/projects/:project_id/connection_uri', connectionUri]];
