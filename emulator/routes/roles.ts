import { createRole, dropRole, setPassword } from '../catalog.js';
import * as ids from '../ids.js';
import type { Model } from '../model.js';
import { ApiError } from '../records.js';
import { roleView, rolesView } from '../views.js';
import { branchOf, object, ok, opsView, type Request, type Response, type RouteEntry } from './common.js';

function role(model: Model, req: Request) {
  const branch = branchOf(model, req.params.branch_id);
  const found = branch.roles.get(req.params.role_name ?? '');
  if (!found) throw new ApiError(404, `role not found: ${req.params.role_name}`);
  return { branch, found };
}

/** Names Postgres or Neon keep for themselves. */
const RESERVED = /^(pg_|cloud_admin$|neon_superuser$|neon_service$|public$|none$)/;

export function roleName(value: unknown): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 63) throw new ApiError(400, 'role name must be 1 to 63 characters');
  if (RESERVED.test(value)) throw new ApiError(400, `role name "${value}" is reserved`);
  return value;
}

/** `POST .../roles` (neonctl `roles create`): a role that logs in with the password returned once here. */
function createRoleRoute(model: Model, req: Request): Response {
  const branch = branchOf(model, req.params.branch_id);
  const spec = object(object(req.body, 'request body').role, 'role');
  const name = roleName(spec.name);
  if (spec.no_login !== undefined && typeof spec.no_login !== 'boolean') throw new ApiError(400, 'no_login must be a boolean');
  if (branch.roles.has(name)) throw new ApiError(409, `role "${name}" already exists`);
  const noLogin = spec.no_login === true;
  const password = noLogin ? '' : ids.rolePassword();
  branch.roles.set(name, { password, noLogin, createdAt: Date.now() });
  const op = model.applyConfig(branch, (admin) => createRole(admin, name, noLogin ? undefined : password));
  return ok({ role: roleView(branch, name, true), operations: opsView(model, [op]) }, 201);
}

/** `DELETE .../roles/{name}`; a role that owns a database stays until the database goes or changes owner. */
function deleteRoleRoute(model: Model, req: Request): Response {
  const branch = branchOf(model, req.params.branch_id);
  const name = req.params.role_name ?? '';
  if (!branch.roles.has(name)) return { status: 204, body: undefined };
  const owned = branch.databases.filter((d) => d.owner === name).map((d) => d.name);
  if (owned.length) throw new ApiError(400, `role "${name}" owns database ${owned.join(', ')}: delete the database or change its owner first`);
  const view = roleView(branch, name);
  branch.roles.delete(name);
  const op = model.applyConfig(branch, (admin, connect) => dropRole(admin, name, connect));
  return ok({ role: view, operations: opsView(model, [op]) });
}

/** `POST .../reset_password`: the new password is returned now and works once the operation finishes. */
function resetPassword(model: Model, req: Request): Response {
  const { branch, found } = role(model, req);
  const name = req.params.role_name as string;
  if (found.noLogin) throw new ApiError(400, `role "${name}" cannot log in, so it has no password`);
  found.password = ids.rolePassword();
  found.updatedAt = Date.now();
  const password = found.password;
  const op = model.applyConfig(branch, (admin) => setPassword(admin, name, password));
  return ok({ role: roleView(branch, name, true), operations: opsView(model, [op]) });
}

function revealPassword(model: Model, req: Request): Response {
  const { found } = role(model, req);
  if (found.noLogin) throw new ApiError(404, `role "${req.params.role_name}" cannot log in, so it has no password`);
  return ok({ password: found.password });
}


export const roleRoutes: RouteEntry[] = [
  ['GET', '/projects/:project_id/branches/:branch_id/roles', (m, r) => ok({ roles: rolesView(branchOf(m, r.params.branch_id)) })],
  ['POST', '/projects/:project_id/branches/:branch_id/roles', createRoleRoute],
  ['GET', '/projects/:project_id/branches/:branch_id/roles/:role_name', (m, r) => ok({ role: roleView(role(m, r).branch, r.params.role_name as string) })],
  ['DELETE', '/projects/:project_id/branches/:branch_id/roles/:role_name', deleteRoleRoute],
  ['GET', '/projects/:project_id/branches/:branch_id/roles/:role_name/reveal_password', revealPassword],
  ['POST', '/projects/:project_id/branches/:branch_id/roles/:role_name/reset_password', resetPassword],
];
