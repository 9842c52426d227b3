import { ActionError } from '../errors.js';
import * as log from '../log.js';
import { connectionFor, pooledUri, type Connection } from '../neon/connection.js';
import type { RunContext } from '../context.js';
import { maskUri, missingText, type Branch, type ConnectionDetails, type Endpoint, type Operation } from '../neon/api.js';
import { NeonApiError } from '../neon/http.js';
import { t } from '../text.js';
import type { ComputeUnits } from '../inputs/compute-units.js';
import { serviceUrls, type ServiceUrls } from './service-urls.js';

/** A compute, and what makes it ready: the operations to wait for, or (`othersStarting`) a start someone else made. */
export interface ComputeToWaitFor {
  endpoint: Endpoint;
  operations: Operation[];
  othersStarting?: boolean;
}

/**
 * The branch's read-write compute, started if idle and created if missing (unless `mayCreate` is
 * false, as for `get`, which creates nothing), with what is left to wait for before it is ready.
 * `endpoints` is the branch's computes when they were listed already.
 */
export async function findCompute(ctx: RunContext, branch: Pick<Branch, 'id' | 'name'>, mayCreate = true, endpoints?: Promise<Endpoint[]>): Promise<ComputeToWaitFor> {
  const { api, inputs } = ctx;
  const endpoint = (await (endpoints ?? api.listBranchEndpoints(branch.id))).find((e) => `${e.type}` === 'read_write');
  if (!endpoint) {
    if (!mayCreate) {
      throw new ActionError(
        t`Branch ${branch.name} (${branch.id}) has no read-write compute, and command get creates nothing. Run the action with command: create (it adds one), or add a compute to the branch in the Neon console.`,
      );
    }
    log.info(t`Branch ${branch.id} has no read-write compute: creating one`);
    return api.createEndpoint(branch.id, inputs.suspendTimeout, inputs.computeUnits);
  }
  if (`${endpoint.current_state}` === 'idle' && `${endpoint.pending_state ?? ''}` !== 'active') {
    log.info(t`Compute ${endpoint.id} is idle: starting it`);
    return { endpoint, operations: await api.startEndpoint(endpoint.id) };
  }
  return { endpoint, operations: [], othersStarting: `${endpoint.current_state}` !== 'active' };
}

/** Returns the compute once it is active: its operations finished, or the start someone else made seen through. */
export async function untilReady(ctx: RunContext, compute: ComputeToWaitFor, options: { learn?: boolean } = {}): Promise<Endpoint> {
  if (compute.othersStarting) return ctx.waiter.endpointActive(compute.endpoint);
  await ctx.waiter.operations(compute.operations, options);
  return compute.endpoint;
}

/**
 * Both URIs of the compute, masked on arrival and checked to belong to the branch. Neon answers
 * them as soon as the compute exists, so they are asked for while the run waits for it. `given`:
 * the connection details for the database and role asked for, from Neon's answer to
 * `POST /branches` (no request then).
 */
export async function fetchConnection(ctx: RunContext, branch: Pick<Branch, 'id' | 'name'>, endpoint: Endpoint, given?: ConnectionDetails): Promise<Connection> {
  const { api, inputs } = ctx;
  const expected = { branchId: branch.id, database: inputs.database, role: inputs.role, ssl: inputs.ssl };
  if (given) {
    const pooled = pooledUri(given.uri, given.poolerHost);
    maskUri(pooled);
    return connectionFor({ direct: given.uri, pooled }, endpoint, expected);
  }
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
  return connectionFor({ direct, pooled }, endpoint, expected);
}

/** The compute's size as Neon reports it, when it does. */
export function computeSize(endpoint: Pick<Endpoint, 'autoscaling_limit_min_cu' | 'autoscaling_limit_max_cu'>): ComputeUnits | undefined {
  const { autoscaling_limit_min_cu: min, autoscaling_limit_max_cu: max } = endpoint;
  return typeof min === 'number' && typeof max === 'number' ? { min, max } : undefined;
}

/** The outputs' connection (URIs masked on arrival) and the service URLs asked for, at once. */
export function connectionDetails(ctx: RunContext, branch: Pick<Branch, 'id' | 'name'>, endpoint: Endpoint, given?: ConnectionDetails): Promise<[Connection, ServiceUrls]> {
  return Promise.all([fetchConnection(ctx, branch, endpoint, given), serviceUrls(ctx, branch)]);
}
