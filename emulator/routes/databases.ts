import { ApiError } from '../records.js';
import { databasesView } from '../views.js';
import { branchOf, ok, type RouteEntry } from './common.js';

export const databaseRoutes: RouteEntry[] = [
  ['GET', '/projects/:project_id/branches/:branch_id/databases', (m, r) => ok({ databases: databasesView(branchOf(m, r.params.branch_id)) })],
  ['GET', '/projects/:project_id/branches/:branch_id/databases/:database_name', (m, r) => {
    const db = databasesView(branchOf(m, r.params.branch_id)).find((d) => d.name === r.params.database_name);
    if (!db) throw new ApiError(404, `database not found: ${r.params.database_name}`);
    return ok({ database: db });
  }],
];
