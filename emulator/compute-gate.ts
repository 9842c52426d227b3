import { restrictedActions } from './anonymization.js';
import type { Admission, Gate, Hello } from './compute-proxy.js';
import type { Model } from './model.js';
import { networkRefusal } from './network-rules.js';
import { CONNECTION_POINT_NAMES, pointOn, readOptions, stillAt } from './point-in-time.js';
import { ApiError, type EndpointRec } from './records.js';

// What happens at a compute's address between the client's StartupMessage and its Postgres, in
// Neon's proxy's order: the project's network rules, then the branch's own restrictions (an
// anonymized branch refuses clients until it is masked), then a point in time asked for in
// `options`, then waking the compute if it sleeps.

const FEATURE_NOT_SUPPORTED = '0A000';

/** The gate of one compute's proxy. */
export function admitConnection(model: Model, endpoint: EndpointRec): Gate {
  return async (hello: Hello): Promise<Admission> => {
    const branch = model.branches.get(endpoint.branchId);
    if (!branch || !model.endpoints.has(endpoint.id)) return { refuse: `The requested endpoint could not be found, or you don't have access to it: ${endpoint.id}` };

    const blocked = networkRefusal(model.projectSettings, branch.protected, hello.address);
    if (blocked) return { refuse: blocked };

    // Neon's `connect-to-endpoints` restriction, with its reason as the message; checked at every
    // connection, so a branch opens the moment it is anonymized and its children are never closed.
    const closed = restrictedActions(branch)?.find((r) => r.name === 'connect-to-endpoints');
    if (closed) return { refuse: closed.reason };

    const params = new Map(hello.params);
    const options = readOptions(params.get('options'));
    if (options.invalid) return { refuse: options.invalid };
    if (options.rest) params.set('options', options.rest);
    else params.delete('options');

    if (options.pointInTime) {
      if (endpoint.type !== 'read_write') return { refuse: `The Neon emulator serves a point in time only through a branch's read_write compute, and ${endpoint.id} is read_only.`, code: FEATURE_NOT_SUPPORTED };
      try {
        // The branch's data as its Postgres tells it (see point-in-time.ts), as the API decides.
        const point = await pointOn(model, branch, options.pointInTime, CONNECTION_POINT_NAMES);
        // Neon serves a point in time read-only, from a compute of its own: so does the emulator,
        // from a copy checked afterwards to be still that point.
        const copy = await model.pointInTimeCopy(branch, () => stillAt(model, branch, point, 'point in time'));
        return { port: copy.port, params, release: copy.release };
      } catch (error) {
        if (error instanceof ApiError) return { refuse: error.message, code: FEATURE_NOT_SUPPORTED };
        return { refuse: `Couldn't connect to compute node: ${(error as Error).message}` };
      }
    }

    try {
      await model.wake(endpoint);
    } catch (error) {
      return { refuse: `Couldn't connect to compute node: ${(error as Error).message}` };
    }
    const port = endpoint.postgres?.port;
    if (!port) return { refuse: "Couldn't connect to compute node" };
    model.sessionOpened(endpoint);
    return { port, params, release: () => model.sessionClosed(endpoint) };
  };
}
