import { refuseRestricted } from '../anonymization.js';
import { computeSize } from '../compute-size.js';
import type { Model } from '../model.js';
import { ApiError, type OperationRec } from '../records.js';
import { endpointView } from '../views.js';
import { branchOf, endpointOf, notBusy, object, ok, opsView, startOp, suspendOp, suspendTimeout, type Handler, type Request, type Response, type RouteEntry } from './common.js';

function endpointName(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length < 1 || value.length > 64) throw new ApiError(400, 'endpoint name must be 1 to 64 characters');
  return value;
}

function suspendTimeoutSeconds(value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < -1 || (value as number) > 604_800) throw new ApiError(400, 'suspend_timeout_seconds must be an integer from -1 (never) to 604800');
  return value as number;
}

async function createEndpoint(model: Model, req: Request): Promise<Response> {
  const spec = object(object(req.body, 'request body').endpoint, 'endpoint');
  const branch = branchOf(model, String(spec.branch_id ?? ''));
  if (spec.type !== 'read_write' && spec.type !== 'read_only') throw new ApiError(400, 'endpoint type must be read_write or read_only');
  if (spec.type === 'read_write' && model.endpointsOf(branch.id).some((e) => e.type === 'read_write')) throw new ApiError(400, 'branch already has a read_write endpoint');
  const size = computeSize(spec, model.defaultEndpointSettings.size);
  const name = endpointName(spec.name);
  if (spec.suspend_timeout_seconds !== undefined) suspendTimeoutSeconds(spec.suspend_timeout_seconds);
  const endpoint = await model.newEndpoint(branch, spec.type, suspendTimeout(spec), { size, name });
  const op = startOp(model, branch, endpoint);
  return ok({ endpoint: endpointView(model, endpoint), operations: opsView(model, [op]) }, 201);
}

/** PATCH: size, scale to zero and name. A new size restarts a running compute, as on Neon. */
function updateEndpoint(model: Model, req: Request): Response {
  const endpoint = endpointOf(model, req.params.endpoint_id);
  const branch = branchOf(model, endpoint.branchId);
  const spec = object(object(req.body, 'request body').endpoint, 'endpoint');
  if (spec.branch_id !== undefined && spec.branch_id !== endpoint.branchId) throw new ApiError(400, 'the emulator does not move a compute to another branch: delete it and create one on the other branch');
  if (spec.disabled === true) throw new ApiError(400, 'the emulator does not disable computes: suspend it instead');
  if (Object.keys(object(object(spec.settings, 'settings').pg_settings, 'pg_settings')).length) throw new ApiError(400, 'the emulator does not apply pg_settings to a compute');
  const size = computeSize(spec, endpoint.size);
  const name = endpointName(spec.name);
  const timeout = spec.suspend_timeout_seconds === undefined ? undefined : suspendTimeoutSeconds(spec.suspend_timeout_seconds);
  const resized = size.min !== endpoint.size.min || size.max !== endpoint.size.max;
  const ops: OperationRec[] = [];
  if (resized && endpoint.state === 'active') {
    notBusy(branch);
    ops.push(suspendOp(model, branch, endpoint), startOp(model, branch, endpoint));
  }
  endpoint.size = size;
  if (name !== undefined) endpoint.name = name;
  if (timeout !== undefined) {
    endpoint.suspendTimeout = timeout;
    model.armIdleTimer(endpoint);
  }
  endpoint.updatedAt = Date.now();
  return ok({ endpoint: endpointView(model, endpoint), operations: opsView(model, ops) });
}

function endpointAction(action: 'start' | 'suspend' | 'restart' | 'delete'): Handler {
  return (model, req) => {
    const endpoint = endpointOf(model, req.params.endpoint_id);
    const branch = branchOf(model, endpoint.branchId);
    if (action === 'delete' && endpoint.type === 'read_write') refuseRestricted(branch, 'delete-rw-endpoint');
    notBusy(branch);
    const ops: OperationRec[] = [];
    if ((action === 'suspend' || action === 'restart' || action === 'delete') && endpoint.state === 'active') ops.push(suspendOp(model, branch, endpoint));
    if ((action === 'start' && endpoint.state !== 'active') || action === 'restart') ops.push(startOp(model, branch, endpoint));
    if (action === 'delete') {
      model.endpoints.delete(endpoint.id);
      const last = model.enqueue(branch, 'suspend_compute', endpoint.id, () => model.deleteCompute(endpoint));
      ops.push(last);
    }
    return ok({ endpoint: endpointView(model, endpoint), operations: opsView(model, ops) });
  };
}

export const endpointRoutes: RouteEntry[] = [
  ['POST', '/projects/:project_id/endpoints', createEndpoint],
  ['GET', '/projects/:project_id/endpoints', (m) => ok({ endpoints: [...m.endpoints.values()].map((e) => endpointView(m, e)) })],
  ['GET', '/projects/:project_id/endpoints/:endpoint_id', (m, r) => ok({ endpoint: endpointView(m, endpointOf(m, r.params.endpoint_id)) })],
  ['PATCH', '/projects/:project_id/endpoints/:endpoint_id', updateEndpoint],
  ['DELETE', '/projects/:project_id/endpoints/:endpoint_id', endpointAction('delete')],
  ['POST', '/projects/:project_id/endpoints/:endpoint_id/start', endpointAction('start')],
  ['POST', '/projects/:project_id/endpoints/:endpoint_id/suspend', endpointAction('suspend')],
  ['POST', '/projects/:project_id/endpoints/:endpoint_id/restart', endpointAction('restart')],
];
