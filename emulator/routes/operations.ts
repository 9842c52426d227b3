import type { Model } from '../model.js';
import { ApiError } from '../records.js';
import { operationView } from '../views.js';
import { ok, opsView, type Request, type Response, type RouteEntry } from './common.js';

function listOperations(model: Model, req: Request): Response {
  const limit = req.query.has('limit') ? Number(req.query.get('limit')) : 10;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ApiError(400, 'limit must be an integer from 1 to 1000');
  const all = [...model.operations].reverse();
  const cursor = req.query.get('cursor');
  const at = cursor ? all.findIndex((op) => op.id === cursor) : -1;
  if (cursor && at < 0) throw new ApiError(400, `cursor is not valid: ${cursor}`);
  const start = at + 1;
  const page = all.slice(start, start + limit);
  const last = page[page.length - 1];
  // Keyset pagination as Neon's: every page names its last operation (the spec requires a non-empty
  // cursor); the page after the last one is empty and has none.
  return ok({ operations: opsView(model, page), ...(last ? { pagination: { cursor: last.id } } : {}) });
}

export const operationRoutes: RouteEntry[] = [
  ['GET', '/projects/:project_id/operations', listOperations],
  ['GET', '/projects/:project_id/operations/:operation_id', (m, r) => {
    const op = m.operationsById.get(r.params.operation_id ?? '');
    if (!op) throw new ApiError(404, `operation not found: ${r.params.operation_id}`);
    return ok({ operation: operationView(m, op) });
  }],
];
