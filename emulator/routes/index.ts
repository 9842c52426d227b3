import { anonymizationRoutes } from './anonymization.js';
import { apiKeyRoutes } from './api-keys.js';
import { branchRoutes } from './branches.js';
import type { Route, RouteEntry } from './common.js';
import { connectionUriRoutes } from './connection-uri.js';
import { dataApiRoutes } from './data-api.js';
import { databaseRoutes } from './databases.js';
import { endpointRoutes } from './endpoints.js';
import { neonAuthRoutes } from './neon-auth.js';
import { operationRoutes } from './operations.js';
import { projectRoutes } from './projects.js';
import { roleRoutes } from './roles.js';
import { schemaRoutes } from './schema.js';
import { userRoutes } from './users.js';

export type { Request, Response, Route } from './common.js';

/** Every route the emulator serves, one file per Neon resource. */
const ENTRIES: RouteEntry[] = [
  ...projectRoutes,
  ...branchRoutes,
  ...schemaRoutes,
  ...databaseRoutes,
  ...roleRoutes,
  ...endpointRoutes,
  ...connectionUriRoutes,
  ...operationRoutes,
  ...userRoutes,
  ...anonymizationRoutes,
  ...neonAuthRoutes,
  ...dataApiRoutes,
  ...apiKeyRoutes,
];

/**
 * Literal segments win over parameters, segment by segment from the left: `/projects/shared`
 * before `/projects/:project_id`, `/branches/count` before `/branches/:branch_id`.
 */
function bySpecificity(a: Route, b: Route): number {
  const sa = a.template.split('/');
  const sb = b.template.split('/');
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const pa = sa[i]?.startsWith(':') ? 1 : 0;
    const pb = sb[i]?.startsWith(':') ? 1 : 0;
    if (pa !== pb) return pa - pb;
  }
  return 0;
}

export const ROUTES: Route[] = ENTRIES.map(([method, template, handler]) => {
  const keys: string[] = [];
  const pattern = new RegExp(`^${template.replace(/:([a-z_]+)/g, (_, key: string) => (keys.push(key), '([^/]+)'))}$`);
  return { method, template, pattern, keys, handler };
}).sort(bySpecificity);

export type RouteMatch = { route: Route; params: Record<string, string> } | { status: 400 | 404 | 405; message: string };

/**
 * The route that serves `method path` (a path below `/api/v2`): the most specific template that
 * matches the path decides, so a known path with another method is 405, never a parameter route's 404.
 */
export function matchRoute(method: string, path: string): RouteMatch {
  const template = ROUTES.find((r) => r.pattern.test(path))?.template;
  if (template === undefined) return { status: 404, message: `route not found: ${method} /api/v2${path}` };
  const route = ROUTES.find((r) => r.template === template && r.method === method);
  if (!route) return { status: 405, message: `method ${method} not allowed on /api/v2${path}` };
  const match = route.pattern.exec(path) as RegExpExecArray;
  try {
    return { route, params: Object.fromEntries(route.keys.map((k, i) => [k, decodeURIComponent(match[i + 1] ?? '')])) };
  } catch {
    return { status: 400, message: 'path parameter: not valid percent-encoding' };
  }
}
