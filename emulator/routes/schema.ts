import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import type { Model } from '../model.js';
import { resolvePointInTime, stillAt } from '../point-in-time.js';
import { ApiError, type BranchRec } from '../records.js';
import { dumpSchema, emptyDump } from '../schema-dump.js';
import { branchOf, ok, type Request, type Response, type RouteEntry } from './common.js';

/**
 * The schema of one database of a branch, as `pg_dump --schema-only` text, at its head or at a
 * point in time the emulator can serve honestly (see resolvePointInTime); empty when the branch
 * has no such database.
 */
async function schemaOf(model: Model, branch: BranchRec, database: string, at: { timestamp?: string; lsn?: string }, names: { timestamp: string; lsn: string }): Promise<string> {
  const point = await resolvePointInTime(model, branch, at, names);
  if (!branch.databases.some((d) => d.name === database)) return '';
  await branch.catalogApplied;
  const sql = await model.withPostgres(branch, async (postgres) => {
    const client = await postgres.admin(database);
    try {
      return await dumpSchema(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  });
  if (point) await stillAt(model, branch, point, 'schema');
  return sql ?? emptyDump();
}

const param = (req: Request, name: string) => req.query.get(name) ?? undefined;

function databaseName(req: Request): string {
  const name = param(req, 'db_name');
  if (!name) throw new ApiError(400, 'db_name is required');
  return name;
}

/** `GET .../schema` (neonctl `branches schema-diff` reads two of these and diffs them itself). */
async function schema(model: Model, req: Request): Promise<Response> {
  const branch = branchOf(model, req.params.branch_id);
  const database = databaseName(req);
  const format = param(req, 'format') ?? 'sql';
  if (format !== 'sql') throw new ApiError(400, `format ${format} is not served by the emulator; ask for format=sql`);
  if (!branch.databases.some((d) => d.name === database)) throw new ApiError(404, `database not found: ${database}`);
  return ok({ sql: await schemaOf(model, branch, database, { timestamp: param(req, 'timestamp'), lsn: param(req, 'lsn') }, { timestamp: 'timestamp', lsn: 'lsn' }) });
}

/**
 * `GET .../compare_schema`: what changed from the base branch (by default the branch's parent)
 * to this branch, in one database, as a unified diff with Neon's `a/<db>` and `b/<db>` headers;
 * an empty string when the schemas are the same.
 */
async function compareSchema(model: Model, req: Request): Promise<Response> {
  const branch = branchOf(model, req.params.branch_id);
  const database = databaseName(req);
  const baseId = param(req, 'base_branch_id') ?? branch.parentId;
  if (!baseId) throw new ApiError(400, `branch ${branch.id} has no parent: give base_branch_id`);
  const base = branchOf(model, baseId);
  if (!branch.databases.some((d) => d.name === database)) throw new ApiError(404, `database not found: ${database}`);
  const [baseSql, sql] = await Promise.all([
    schemaOf(model, base, database, { timestamp: param(req, 'base_timestamp'), lsn: param(req, 'base_lsn') }, { timestamp: 'base_timestamp', lsn: 'base_lsn' }),
    schemaOf(model, branch, database, { timestamp: param(req, 'timestamp'), lsn: param(req, 'lsn') }, { timestamp: 'timestamp', lsn: 'lsn' }),
  ]);
  const diff = baseSql === sql ? '' : createTwoFilesPatch(`a/${database}`, `b/${database}`, baseSql, sql, undefined, undefined, { context: 3, headerOptions: FILE_HEADERS_ONLY });
  return ok({ diff });
}

export const schemaRoutes: RouteEntry[] = [
  ['GET', '/projects/:project_id/branches/:branch_id/schema', schema],
  ['GET', '/projects/:project_id/branches/:branch_id/compare_schema', compareSchema],
];
