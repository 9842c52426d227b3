import { refuseRestricted } from '../anonymization.js';
import type { Model } from '../model.js';
import { ApiError, type OperationRec } from '../records.js';
import { endpointView } from '../views.js';
import { branchOf, endpointOf, notBusy, object, ok, opsView, startOp, suspendOp, suspendTimeout, type Handler, type Request, type Response, type RouteEntry } from './common.js';

async function createEndpoint(model: Model, req: Request): Promise<Response> {
  const spec = object(object(req.body, 'request body').endpoint, 'endpoint');
  const branch = branchOf(model, String(spec.branch_id ?? ''));
  if (spec.type !== 'read_write' && spec.type !== 'read_only') throw new ApiError(400, 'endpoint type must be read_write or read_only');
  if (spec.type === 'read_write' && model.endpointsOf(branch.id).some((e) => e.type === 'read_write')) throw new ApiError(400, 'branch already has a read_write endpoint');
  const endpoint = await model.newEndpoint(branch, spec.type, suspendTimeout(spec));
  const op = startOp(model, branch, endpoint);
  return ok({ endpoint: endpointView(model, endpoint), operations: opsView(model, [op]) }, 201);
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
      const last = model.enqueue(branch, 'suspend_compute', endpoint.id, async () => {
        await model.suspendCompute(endpoint);
        await endpoint.pooler.stop();
      });
      ops.push(last);
    }
    return ok({ endpoint: endpointView(model, endpoint), operations: opsView(model, ops) });
  };
}

export const endpointRoutes: RouteEntry[] = [
  ['POST', '/projects/:project_id/endpoints', createEndpoint],
  ['GET', '/projects/:project_id/endpoints', (m) => ok({ endpoints: [...m.endpoints.values()].map((e) => endpointView(m, e)) })],
  ['GET', '/projects/:project_id/endpoints/:endpoint_id', (m, r) => ok({ endpoint: endpointView(m, endpointOf(m, r.params.endpoint_id)) })],
  ['DELETE', '/projects/:project_id/endpoints/:endpoint_id', endpointAction('delete')],
  ['POST', '/projects/:project_id/endpoints/:endpoint_id/start', endpointAction('start')],
  ['POST', '/projects/:project_id/endpoints/:endpoint_id/suspend', endpointAction('suspend')],
  ['POST', '/projects/:project_id/endpoints/:endpoint_id/restart', endpointAction('restart')],
];
