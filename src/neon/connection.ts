import { ActionError } from '../errors.js';
import type { SslMode } from '../inputs/inputs.js';
import { t } from '../text.js';

export interface Connection {
  dbUrl: string;
  dbUrlPooled: string;
  dbHost: string;
  dbHostPooled: string;
  password: string;
}

/** Sets `sslmode` as asked; `omit` drops it (and channel binding, which needs TLS). */
export function applySsl(uri: string, ssl: SslMode): string {
  const url = new URL(uri);
  if (ssl === 'omit') {
    url.searchParams.delete('sslmode');
    url.searchParams.delete('channel_binding');
  } else {
    url.searchParams.set('sslmode', ssl);
  }
  return url.toString();
}

/**
 * The pooled URI from the direct one and the pooler's host Neon named with it (in its answer to
 * `POST /branches`): the same URI on the pooler, as `connection_uri` with `pooled=true` gives it.
 */
export function pooledUri(direct: string, poolerHost: string): string {
  const url = new URL(direct);
  url.host = poolerHost;
  return url.toString();
}

/** Neon's pooler host puts `-pooler` after the endpoint id: ep-x.region → ep-x-pooler.region. */
function isPoolerOf(pooledHost: string, endpointHost: string, endpointId: string): boolean {
  if (pooledHost === endpointHost) return true;
  if (endpointHost.startsWith(endpointId)) return pooledHost === endpointHost.replace(endpointId, `${endpointId}-pooler`);
  // A local emulator serves the pooler on another port of the same address.
  return new URL(`postgresql://${pooledHost}`).hostname === new URL(`postgresql://${endpointHost}`).hostname;
}

/**
 * Builds the outputs from the two URIs Neon returned, after checking that they point at the
 * compute of the branch we created or found: never the parent's or the default branch's.
 */
export function connectionFor(
  uris: { direct: string; pooled: string },
  endpoint: { id: string; host: string; branch_id: string },
  expected: { branchId: string; database: string; role: string; ssl: SslMode },
): Connection {
  if (endpoint.branch_id !== expected.branchId) {
    throw new ActionError(t`Refusing to output a connection: compute ${endpoint.id} belongs to branch ${endpoint.branch_id}, not to the preview branch ${expected.branchId}.`);
  }
  const direct = new URL(uris.direct);
  const pooled = new URL(uris.pooled);
  for (const [kind, url] of [['direct', direct], ['pooled', pooled]] as const) {
    const database = decodeURIComponent(url.pathname.slice(1));
    const role = decodeURIComponent(url.username);
    if (database !== expected.database || role !== expected.role) {
      throw new ActionError(t`Refusing to output a connection: Neon's ${kind} URI is for database "${database}" as role "${role}", not "${expected.database}" as "${expected.role}".`);
    }
  }
  if (direct.host !== endpoint.host || !isPoolerOf(pooled.host, endpoint.host, endpoint.id)) {
    throw new ActionError(
      t`Refusing to output a connection: Neon returned a URI for host ${direct.host === endpoint.host ? pooled.host : direct.host}, which is not compute ${endpoint.id} (${endpoint.host}) of the preview branch ${expected.branchId}. Nothing was written; re-run the job.`,
    );
  }
  return {
    dbUrl: applySsl(uris.direct, expected.ssl),
    dbUrlPooled: applySsl(uris.pooled, expected.ssl),
    dbHost: direct.host,
    dbHostPooled: pooled.host,
    password: decodeURIComponent(direct.password),
  };
}
