import * as core from '@actions/core';
import { connectionFor, type Connection } from '../neon/connection.js';
import type { RunContext } from '../context.js';
import type { Endpoint } from '../neon/api.js';

/** The branch's read-write compute, created or started if needed, once it is active. */
export async function readyCompute(ctx: RunContext, branchId: string): Promise<Endpoint> {
  const { api, waiter, inputs } = ctx;
  const endpoints = await api.listBranchEndpoints(branchId);
  const endpoint = endpoints.find((e) => `${e.type}` === 'read_write');
  if (!endpoint) {
    core.info(`Branch ${branchId} has no read-write compute: creating one`);
    const created = await api.createEndpoint(branchId, inputs.suspendTimeout);
    await waiter.operations(created.operations);
    return created.endpoint;
  }
  if (`${endpoint.current_state}` === 'idle' && `${endpoint.pending_state ?? ''}` !== 'active') {
    core.info(`Compute ${endpoint.id} is idle: starting it`);
    await waiter.operations(await api.startEndpoint(endpoint.id));
    return endpoint;
  }
  return `${endpoint.current_state}` === 'active' ? endpoint : waiter.endpointActive(endpoint);
}

/** Both URIs of the compute, checked to belong to the branch. */
export async function fetchConnection(ctx: RunContext, branchId: string, endpoint: Endpoint): Promise<Connection> {
  const { api, inputs } = ctx;
  const [direct, pooled] = await Promise.all([
    api.connectionUri(branchId, endpoint.id, inputs.database, inputs.role, false),
    api.connectionUri(branchId, endpoint.id, inputs.database, inputs.role, true),
  ]);
  return connectionFor({ direct, pooled }, endpoint, { branchId, database: inputs.database, role: inputs.role, ssl: inputs.ssl });
}
