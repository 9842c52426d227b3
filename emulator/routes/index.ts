import { apiKeyRoutes } from './api-keys.js';
import { branchRoutes } from './branches.js';
import type { Route, RouteEntry } from './common.js';
import { connectionUriRoutes } from './connection-uri.js';
import { databaseRoutes } from './databases.js';
import { endpointRoutes } from './endpoints.js';
import { operationRoutes } from './operations.js';
import { projectRoutes } from './projects.js';
import { roleRoutes } from './roles.js';

export type { Request, Response, Route } from './common.js';

/** Every route the emulator serves, one file per Neon resource. */
const ENTRIES: RouteEntry[] = [
  ...projectRoutes,
  ...branchRoutes,
  ...databaseRoutes,
  ...roleRoutes,
  ...endpointRoutes,
  ...connectionUriRoutes,
  ...operationRoutes,
  ...apiKeyRoutes,
];

export const ROUTES: Route[] = ENTRIES.map(([method, template, handler]) => {
  const keys: string[] = [];
  const pattern = new RegExp(`^${template.replace(/:([a-z_]+)/g, (_, key: string) => (keys.push(key), '([^/]+)'))}$`);
  return { method, template, pattern, keys, handler };
});
