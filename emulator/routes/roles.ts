import type { Model } from '../model.js';
import { ApiError } from '../records.js';
import { rolesView } from '../views.js';
import { branchOf, ok, type Request, type RouteEntry } from './common.js';

function role(model: Model, req: Request) {
  const branch = branchOf(model, req.params.branch_id);
  const found = branch.roles.get(req.params.role_name ?? '');
  if (!found) throw new ApiError(404, `role not found: ${req.params.role_name}`);
  return { branch, found };
}

export const roleRoutes: RouteEntry[] = [
  ['GET', '/projects/:project_id/branches/:branch_id/roles', (m, r) => ok({ roles: rolesView(branchOf(m, r.params.branch_id)) })],
  ['GET', '/projects/:project_id/branches/:branch_id/roles/:role_name', (m, r) => {
    const { branch } = role(m, r);
    return ok({ role: rolesView(branch).find((x) => x.name === r.params.role_name) });
  }],
  ['GET', '/projects/:project_id/branches/:branch_id/roles/:role_name/reveal_password', (m, r) => ok({ password: role(m, r).found.password })],
];
