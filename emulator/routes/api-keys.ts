import type { ApiKeyRec, ApiKeys } from '../api-keys.js';
import type { Model } from '../model.js';
import { ApiError, iso, type Json } from '../records.js';
import { object, ok, type Request, type Response, type RouteEntry } from './common.js';

// Personal keys under /api_keys; organization and project-scoped keys under /organizations/{org_id}/api_keys.
// Who may call which route is decided before the handler (api-keys.ts `refusal`).

const scope = (k: ApiKeyRec): Json => (k.projectId ? { project_id: k.projectId } : {});
const used = (k: ApiKeyRec): Json => ({ ...(k.lastUsedAt ? { last_used_at: iso(k.lastUsedAt) } : {}), last_used_from_addr: k.lastUsedFrom ?? '' });

const listItem = (keys: ApiKeys, k: ApiKeyRec): Json => ({ id: k.id, name: k.name, created_at: iso(k.createdAt), created_by: keys.user, ...used(k), ...scope(k) });
const created = (keys: ApiKeys, k: ApiKeyRec): Json => ({ id: k.id, key: k.key, name: k.name, created_at: iso(k.createdAt), created_by: keys.user.id, ...scope(k) });
const revoked = (keys: ApiKeys, k: ApiKeyRec): Json => ({ id: k.id, name: k.name, created_at: iso(k.createdAt), created_by: keys.user.id, ...used(k), revoked: true, ...scope(k) });

function createOrgKey(model: Model, req: Request): Response {
  const body = object(req.body, 'request body');
  const projectId = body.project_id as string | undefined;
  if (projectId !== undefined && projectId !== model.projectId) throw new ApiError(404, `project not found: ${projectId}`);
  const key = req.keys.create(projectId ? 'project' : 'organization', String(body.key_name), projectId);
  return ok(created(req.keys, key));
}

export const apiKeyRoutes: RouteEntry[] = [
  ['GET', '/api_keys', (_m, r) => ok(r.keys.list(['personal']).map((k) => listItem(r.keys, k)))],
  ['POST', '/api_keys', (_m, r) => ok(created(r.keys, r.keys.create('personal', String(object(r.body, 'request body').key_name))))],
  ['DELETE', '/api_keys/:key_id', (_m, r) => ok(revoked(r.keys, r.keys.revoke(Number(r.params.key_id), ['personal'])))],
  ['GET', '/organizations/:org_id/api_keys', (_m, r) => ok(r.keys.list(['organization', 'project']).map((k) => listItem(r.keys, k)))],
  ['POST', '/organizations/:org_id/api_keys', createOrgKey],
  ['DELETE', '/organizations/:org_id/api_keys/:key_id', (_m, r) => ok(revoked(r.keys, r.keys.revoke(Number(r.params.key_id), ['organization', 'project'])))],
];
