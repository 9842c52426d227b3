import { ActionError } from '../errors.js';
import * as log from '../log.js';
import { connectionFor, type Connection } from '../neon/connection.js';
import type { RunContext } from '../context.js';
import { missingText, type Branch, type Endpoint } from '../neon/api.js';
import { NeonApiError } from '../neon/http.js';
import { t } from '../text.js';
import type { ComputeUnits } from '../inputs/compute-units.js';

/**
 * The branch's read-write compute once it is active: started if idle, and created if missing
 * (unless `mayCreate` is false, as for `get`, which creates nothing).
 */
export async function readyCompute(ctx: RunContext, branch: Pick<Branch, 'id' | 'name'>, mayCreate = true): Promise<Endpoint> {
  const { api, waiter, inputs } = ctx;
  const endpoints = await api.listBranchEndpoints(branch.id);
  const endpoint = endpoints.find((e) => `${e.type}` === 'read_write');
  if (!endpoint) {
    if (!mayCreate) {
      throw new ActionError(
        t`Branch ${branch.name} (${branch.id}) has no read-write compute, and command get creates nothing. Run the action with command: create (it adds one), or add a compute to the branch in the Neon console.`,
      );
    }
    log.info(t`Branch ${branch.id} has no read-write compute: creating one`);
    const created = await api.createEndpoint(branch.id, inputs.suspendTimeout, inputs.computeUnits);
    await waiter.operations(created.operations);
    return created.endpoint;
  }
  if (`${endpoint.current_state}` === 'idle' && `${endpoint.pending_state ?? ''}` !== 'active') {
    log.info(t`Compute ${endpoint.id} is idle: starting it`);
    await waiter.operations(await api.startEndpoint(endpoint.id));
    return endpoint;
  }
  return `${endpoint.current_state}` === 'active' ? endpoint : waiter.endpointActive(endpoint);
}

/** Both URIs of the compute, masked on arrival and checked to belong to the branch. */
export async function fetchConnection(ctx: RunContext, branch: Pick<Branch, 'id' | 'name'>, endpoint: Endpoint): Promise<Connection> {
  const { api, inputs } = ctx;
  let uris: [string, string];
  try {
    uris = await Promise.all([
      api.connectionUri(branch.id, endpoint.id, inputs.database, inputs.role, false),
      api.connectionUri(branch.id, endpoint.id, inputs.database, inputs.role, true),
    ]);
  } catch (error) {
    if (error instanceof NeonApiError && error.status === 404) {
      // Say what is missing (the branch itself, the database or the role), not "check project_id".
      if (!(await api.branchExists(branch.id))) {
        throw new ActionError(t`Branch ${branch.name} (${branch.id}) no longer exists: it was deleted while this run was using it (by the run for the pull request's close, a person, or its expiry). Re-run the job if the pull request is still open.`);
      }
      const [database, role] = await Promise.all([api.hasDatabase(branch.id, inputs.database), api.hasRole(branch.id, inputs.role)]);
      const missing = missingText({ name: inputs.database, exists: database }, { name: inputs.role, exists: role }, t`branch ${branch.name}`);
      if (missing) throw new ActionError(missing);
    }
    throw error;
  }
  const [direct, pooled] = uris;
  return connectionFor({ direct, pooled }, endpoint, { branchId: branch.id, database: inputs.database, role: inputs.role, ssl: inputs.ssl });
}

/** The compute's size as Neon reports it, when it does. */
export function computeSize(endpoint: Pick<Endpoint, 'autoscaling_limit_min_cu' | 'autoscaling_limit_max_cu'>): ComputeUnits | undefined {
  const { autoscaling_limit_min_cu: min, autoscaling_limit_max_cu: max } = endpoint;
  return typeof min === 'number' && typeof max === 'number' ? { min, max } : undefined;
}
