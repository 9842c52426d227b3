import { randomBytes, randomUUID } from 'node:crypto';
import type { Model } from '../model.js';
import { ApiError, iso, type BranchRec, type NeonAuthRec } from '../records.js';
import { branchOf, object, ok, type Request, type Response, type RouteEntry } from './common.js';

// Neon Auth's control-plane routes. The service itself is not emulated: its URLs are on the
// reserved `.invalid` domain (RFC 2606), so nothing can ever answer them, and say so.

const PROVIDERS: NeonAuthRec['provider'][] = ['mock', 'stack', 'better_auth'];

/** Where Neon would serve the branch's Auth: here a host that never resolves. */
export function authBaseUrl(model: Model, branch: BranchRec, database: string): string {
  const endpoint = model.endpointsOf(branch.id).find((e) => e.type === 'read_write');
  return `https://${endpoint?.id ?? branch.id}.neonauth.not-emulated.invalid/${encodeURIComponent(database)}/auth`;
}

function newAuth(provider: NeonAuthRec['provider'], database: string, createdAt = Date.now()): NeonAuthRec {
  return {
    provider,
    providerProjectId: randomUUID(),
    database,
    createdAt,
    pubClientKey: provider === 'better_auth' ? '' : `pck_${randomBytes(20).toString('hex')}`,
    secretServerKey: `ssk_${randomBytes(24).toString('hex')}`,
  };
}

/**
 * The branch's Neon Auth. Its data lives in the branch's database, so a branch made after its
 * parent enabled Neon Auth has it too, with its own URL and keys (made when first asked for).
 */
function authOf(model: Model, branch: BranchRec): NeonAuthRec | undefined {
  if (branch.neonAuth !== undefined) return branch.neonAuth ?? undefined;
  const parent = branch.parentId ? model.branches.get(branch.parentId) : undefined;
  const inherited = parent ? authOf(model, parent) : undefined;
  if (!inherited || inherited.createdAt > branch.createdAt) return undefined;
  branch.neonAuth = newAuth(inherited.provider, inherited.database, branch.createdAt);
  return branch.neonAuth;
}

function enabledAuth(model: Model, branch: BranchRec): NeonAuthRec {
  const auth = authOf(model, branch);
  if (!auth) throw new ApiError(404, `Neon Auth is not enabled for branch ${branch.id}`);
  return auth;
}

function enableAuth(model: Model, req: Request): Response {
  const branch = branchOf(model, req.params.branch_id);
  const body = object(req.body, 'request body');
  const provider = body.auth_provider as NeonAuthRec['provider'];
  if (!PROVIDERS.includes(provider)) throw new ApiError(400, `auth_provider must be one of ${PROVIDERS.join(', ')}`);
  if (body.database_name !== undefined && typeof body.database_name !== 'string') throw new ApiError(400, 'database_name must be a string');
  const database = (body.database_name as string | undefined) ?? branch.databases[0]?.name;
  if (!database || !branch.databases.some((d) => d.name === database)) throw new ApiError(404, `database not found: ${database ?? '(the branch has none)'}`);
  if (authOf(model, branch)) throw new ApiError(409, `Neon Auth is already enabled for branch ${branch.id}`);
  const auth = newAuth(provider, database);
  branch.neonAuth = auth;
  const baseUrl = authBaseUrl(model, branch, database);
  return ok(
    {
      auth_provider: auth.provider,
      auth_provider_project_id: auth.providerProjectId,
      pub_client_key: auth.pubClientKey,
      secret_server_key: auth.secretServerKey,
      jwks_url: `${baseUrl}/.well-known/jwks.json`,
      schema_name: 'neon_auth',
      table_name: 'users_sync',
      base_url: baseUrl,
    },
    201,
  );
}

function getAuth(model: Model, req: Request): Response {
  const branch = branchOf(model, req.params.branch_id);
  const auth = enabledAuth(model, branch);
  const baseUrl = authBaseUrl(model, branch, auth.database);
  return ok({
    auth_provider: auth.provider,
    auth_provider_project_id: auth.providerProjectId,
    branch_id: branch.id,
    db_name: auth.database,
    created_at: iso(auth.createdAt),
    owned_by: 'neon',
    jwks_url: `${baseUrl}/.well-known/jwks.json`,
    base_url: baseUrl,
    name: model.projectId,
  });
}

function disableAuth(model: Model, req: Request): Response {
  const branch = branchOf(model, req.params.branch_id);
  enabledAuth(model, branch);
  branch.neonAuth = null;
  return ok({});
}

export const neonAuthRoutes: RouteEntry[] = [
  ['POST', '/projects/:project_id/branches/:branch_id/auth', enableAuth],
  ['GET', '/projects/:project_id/branches/:branch_id/auth', getAuth],
  ['DELETE', '/projects/:project_id/branches/:branch_id/auth', disableAuth],
];
