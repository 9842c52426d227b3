import type { ApiKeys } from '../api-keys.js';
import type { Model } from '../model.js';
import { ApiError, iso, type BranchRec, type EndpointRec, type Json, type OperationRec } from '../records.js';
import { operationView } from '../views.js';

export interface Request {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** The account's API keys (the `api_keys` routes manage them). */
  keys: ApiKeys;
}
export interface Response {
  status: number;
  body: unknown;
}
export type Handler = (model: Model, req: Request) => Promise<Response> | Response;
export interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

/** One route: method, template (`:name` for a path parameter) and handler. */
export type RouteEntry = [method: string, template: string, handler: Handler];

export const MAX_EXPIRY_MS = 30 * 24 * 3600 * 1000;
export const ok = (body: unknown, status = 200): Response => ({ status, body });

export function object(value: unknown, what: string): Json {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ApiError(400, `${what} must be a JSON object`);
  return value as Json;
}

export function branchOf(model: Model, id: string | undefined): BranchRec {
  const branch = model.branches.get(id ?? '');
  if (!branch) throw new ApiError(404, `branch not found: ${id}`);
  return branch;
}

export function endpointOf(model: Model, id: string | undefined): EndpointRec {
  const endpoint = model.endpoints.get(id ?? '');
  if (!endpoint) throw new ApiError(404, `endpoint not found: ${id}`);
  return endpoint;
}

/** Neon refuses to schedule a branch's operations while others are still running on it. */
export function notBusy(branch: BranchRec): void {
  if (branch.pendingOps > 0) throw new ApiError(423, 'project already has running conflicting operations, scheduling of new ones is prohibited');
}

export function expiresAt(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw new ApiError(400, 'expires_at must be an RFC 3339 timestamp');
  const at = Date.parse(value);
  if (at <= Date.now()) throw new ApiError(400, 'expires_at must be in the future');
  if (at - Date.now() > MAX_EXPIRY_MS) throw new ApiError(400, 'expires_at must be at most 30 days from now');
  return iso(at);
}

export function branchName(value: unknown): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 256) throw new ApiError(400, 'branch name must be 1 to 256 characters');
  return value;
}

export const suspendTimeout = (spec: Json) => (typeof spec.suspend_timeout_seconds === 'number' ? spec.suspend_timeout_seconds : 0);

export function annotationValue(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const obj = object(value, 'annotation_value');
  for (const v of Object.values(obj)) if (typeof v !== 'string') throw new ApiError(400, 'annotation_value values must be strings');
  return obj as Record<string, string>;
}

export const opsView = (model: Model, ops: OperationRec[]) => ops.map((op) => operationView(model, op));

export function startOp(model: Model, branch: BranchRec, endpoint: EndpointRec): OperationRec {
  endpoint.pending = 'active';
  return model.enqueue(branch, 'start_compute', endpoint.id, () => model.startCompute(endpoint));
}

export function suspendOp(model: Model, branch: BranchRec, endpoint: EndpointRec): OperationRec {
  endpoint.pending = 'idle';
  return model.enqueue(branch, 'suspend_compute', endpoint.id, () => model.suspendCompute(endpoint));
}

