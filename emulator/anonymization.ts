import { readFileSync } from 'node:fs';
import type pg from 'pg';
import type { Model } from './model.js';
import { ApiError, quoteIdent, type AnonymizationRec, type AnonymizationState, type BranchRec, type EndpointRec, type MaskingRule } from './records.js';

// Anonymized branches as Neon runs them (static masking with PostgreSQL Anonymizer): the branch
// is a copy of its parent, closed to clients (its computes' proxies refuse them while
// `restricted_actions` lists `connect-to-endpoints`, see compute-gate.ts), initialized once its compute runs (the `anon`
// functions installed in its databases), then anonymizing (every rule applied in one transaction
// per database, on the branch's own copy) and anonymized, or error. The states and messages are
// those Neon documents; the work runs on the branch's queue, after its create or start operations.

/** PostgreSQL Anonymizer's masking functions, in plain SQL (see the file). */
const ANON_SQL = readFileSync(new URL('./anon/anon.sql', import.meta.url), 'utf8');

/** Minimum milliseconds of each phase, overridable like operation delays (`operationDelays`). */
const DEFAULT_DELAYS = { anonymization_init: 100, anonymization: 400 };
const MASKING_TIMEOUT = '60s';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const delay = (model: Model, phase: keyof typeof DEFAULT_DELAYS) => model.delays[phase] ?? DEFAULT_DELAYS[phase];

/** Neon's `restricted_actions` of an anonymized branch. */
export function restrictedActions(branch: BranchRec): { name: string; reason: string }[] | undefined {
  if (!branch.anonymization) return undefined;
  return [
    { name: 'restore', reason: 'cannot restore anonymized branches' },
    { name: 'delete-rw-endpoint', reason: 'cannot delete read-write endpoints for anonymized branches' },
    ...(branch.anonymization.state === 'anonymized' ? [] : [{ name: 'connect-to-endpoints', reason: 'cannot connect to endpoints while branch is being anonymized' }]),
  ];
}

/** Refuses an action the branch's `restricted_actions` lists, with Neon's 422 and reason. */
export function refuseRestricted(branch: BranchRec, action: string): void {
  const restricted = restrictedActions(branch)?.find((r) => r.name === action);
  if (restricted) throw new ApiError(422, restricted.reason);
}

export function anonymizationOf(branch: BranchRec): AnonymizationRec {
  if (!branch.anonymization) throw new ApiError(404, `branch ${branch.id} is not an anonymized branch`);
  return branch.anonymization;
}

const RULE_FIELDS = ['database_name', 'schema_name', 'table_name', 'column_name'] as const;

/** Masking rules as a request carries them: each names its column and one of a function or a value. */
export function maskingRules(value: unknown): MaskingRule[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ApiError(400, 'masking_rules must be an array');
  const seen = new Set<string>();
  return value.map((raw, i) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ApiError(400, `masking_rules[${i}] must be an object`);
    const r = raw as Record<string, unknown>;
    for (const field of RULE_FIELDS) {
      if (typeof r[field] !== 'string' || r[field] === '') throw new ApiError(400, `masking_rules[${i}].${field} must be a non-empty string`);
    }
    for (const field of ['masking_function', 'masking_value']) {
      if (r[field] !== undefined && typeof r[field] !== 'string') throw new ApiError(400, `masking_rules[${i}].${field} must be a string`);
    }
    const hasFunction = typeof r.masking_function === 'string' && r.masking_function.trim() !== '';
    const hasValue = typeof r.masking_value === 'string';
    if (hasFunction === hasValue) throw new ApiError(400, `masking_rules[${i}] needs exactly one of masking_function and masking_value`);
    const rule: MaskingRule = { database_name: r.database_name as string, schema_name: r.schema_name as string, table_name: r.table_name as string, column_name: r.column_name as string };
    if (hasFunction) rule.masking_function = r.masking_function as string;
    else rule.masking_value = r.masking_value as string;
    const column = RULE_FIELDS.map((f) => rule[f]).join('.');
    if (seen.has(column)) throw new ApiError(400, `masking_rules has two rules for ${column}`);
    seen.add(column);
    return rule;
  });
}

function setState(a: AnonymizationRec, state: AnonymizationState, statusMessage: string): void {
  a.state = state;
  a.statusMessage = statusMessage;
  a.updatedAt = Date.now();
  a.failedAt = state === 'error' || state === 'initialization_error' ? a.updatedAt : undefined;
}

const readWrite = (model: Model, branch: BranchRec): EndpointRec | undefined => model.endpointsOf(branch.id).find((e) => e.type === 'read_write');

/** Runs `work` on the branch's queue, after the operations already queued; it never breaks the queue. */
function onBranchQueue(model: Model, branch: BranchRec, work: () => Promise<void>): void {
  branch.queue = branch.queue.then(async () => {
    // A branch deleted meanwhile is left alone.
    if (model.branches.get(branch.id) !== branch) return;
    await work().catch(() => undefined);
  });
}

/**
 * Makes a new branch an anonymized one: closed to clients now (before its compute starts), then
 * initialized, then anonymized at once when `start` is set.
 */
export function makeAnonymized(model: Model, branch: BranchRec, rules: MaskingRule[], start: boolean): void {
  const now = Date.now();
  const a: AnonymizationRec = { state: 'created', statusMessage: 'Branch created, waiting for its compute', rules, createdAt: now, updatedAt: now };
  branch.anonymization = a;
  onBranchQueue(model, branch, async () => {
    await sleep(delay(model, 'anonymization_init'));
    try {
      const postgres = runningPostgres(model, branch);
      if (postgres) for (const db of branch.databases) await installAnon(postgres, db.name);
      setState(a, 'initialized', 'Branch initialized, ready for anonymization');
    } catch (error) {
      setState(a, 'initialization_error', `Initialization failed: ${(error as Error).message}`);
      return;
    }
    if (start) await anonymize(model, branch);
  });
}

/** `POST .../anonymize`: applies the branch's rules again, to its current data, as Neon does. */
export function startAnonymization(model: Model, branch: BranchRec): AnonymizationRec {
  const a = anonymizationOf(branch);
  if (!['initialized', 'error', 'anonymized'].includes(a.state)) {
    throw new ApiError(409, `anonymization can start when the branch is initialized, anonymized or in error; it is ${a.state}`);
  }
  a.lastRun = { startedAt: Date.now() };
  setState(a, 'anonymizing', 'Anonymization started');
  onBranchQueue(model, branch, () => anonymize(model, branch));
  return a;
}

/** The Postgres of the branch's read-write compute; undefined in an emulator without Postgres. */
function runningPostgres(model: Model, branch: BranchRec) {
  const endpoint = readWrite(model, branch);
  if (!endpoint) throw new Error('the branch has no read-write compute');
  if (!endpoint.postgres) return undefined;
  if (!endpoint.postgres.running) throw new Error(`compute ${endpoint.id} is not running`);
  return endpoint.postgres;
}

/**
 * The comment on every object the emulator installs for anonymization. Neon runs PostgreSQL
 * Anonymizer as an extension, whose objects pg_dump leaves out; the schema dumps leave out what
 * carries this comment (see schema-dump.ts), so the machinery never shows as a schema change.
 */
export const INSTALLED_BY_EMULATOR = 'PostgreSQL Anonymizer functions, installed by the Neon emulator for anonymization';

/**
 * Installs the `anon` functions, and marks with INSTALLED_BY_EMULATOR what the install made: the
 * schema and the objects in it that were not there before (a user's own objects in an `anon`
 * schema stay theirs, and stay in the dumps).
 */
async function installAnon(postgres: NonNullable<EndpointRec['postgres']>, database: string): Promise<void> {
  const client = await postgres.admin(database);
  try {
    await client.query('BEGIN');
    const before = (
      await client.query<{ schema: boolean; objects: string[] }>(
        `SELECT to_regnamespace('anon') IS NOT NULL AS schema,
                ARRAY(SELECT 'p' || p.oid FROM pg_catalog.pg_proc p WHERE p.pronamespace = to_regnamespace('anon')
                      UNION ALL SELECT 'c' || c.oid FROM pg_catalog.pg_class c WHERE c.relnamespace = to_regnamespace('anon')) AS objects`,
      )
    ).rows[0] ?? { schema: false, objects: [] };
    await client.query(ANON_SQL);
    const { rows } = await client.query<{ statement: string }>(
      `SELECT format('COMMENT ON SCHEMA anon IS %L', $1::text) AS statement WHERE NOT $2::boolean
       UNION ALL
       SELECT format('COMMENT ON FUNCTION %s IS %L', p.oid::regprocedure, $1::text) FROM pg_catalog.pg_proc p
        WHERE p.pronamespace = 'anon'::regnamespace AND NOT ('p' || p.oid) = ANY($3::text[])
       UNION ALL
       SELECT format('COMMENT ON SEQUENCE %s IS %L', c.oid::regclass, $1::text) FROM pg_catalog.pg_class c
        WHERE c.relnamespace = 'anon'::regnamespace AND c.relkind = 'S' AND NOT ('c' || c.oid) = ANY($3::text[])`,
      [INSTALLED_BY_EMULATOR, before.schema, before.objects],
    );
    if (rows.length) await client.query(rows.map((r) => `${r.statement};`).join('\n'));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function anonymize(model: Model, branch: BranchRec): Promise<void> {
  const a = anonymizationOf(branch);
  const rules = [...a.rules];
  const startedAt = Date.now();
  a.lastRun = { startedAt };
  setState(a, 'anonymizing', 'Anonymization started');
  try {
    // Closed since the state left `anonymized`; the sessions clients already had go too.
    await model.dropSessions(branch);
    const postgres = runningPostgres(model, branch);
    const tables = postgres ? await applyRules(postgres, branch, rules, (message) => setState(a, 'anonymizing', message)) : new Set(rules.map(tableName)).size;
    await sleep(Math.max(0, startedAt + delay(model, 'anonymization') - Date.now()));
    a.lastRun = { startedAt, completedAt: Date.now(), maskedColumns: rules.length };
    setState(a, 'anonymized', rules.length === 0 ? 'Anonymization completed successfully (no masking rules defined)' : `Anonymization completed successfully (${tables} ${tables === 1 ? 'table' : 'tables'}, ${rules.length} masking ${rules.length === 1 ? 'rule' : 'rules'} applied)`);
  } catch (error) {
    await sleep(Math.max(0, startedAt + delay(model, 'anonymization') - Date.now()));
    a.lastRun = { startedAt, completedAt: Date.now(), maskedColumns: 0 };
    setState(a, 'error', `Anonymization failed: ${(error as Error).message}`);
  }
}

/** A masked column of large object references: quoted relation and column names. */
interface LargeObjectColumn {
  relation: string;
  column: string;
}

const tableName = (r: MaskingRule) => `${r.database_name}.${r.schema_name}.${r.table_name}`;

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/**
 * Applies every rule, one UPDATE per table, each as the table's owner (so a masking expression has
 * no more rights than the data's owner). Each database's changes commit only once every database
 * succeeded: a failing rule leaves nothing half-masked. Returns the number of tables masked.
 */
async function applyRules(postgres: NonNullable<EndpointRec['postgres']>, branch: BranchRec, rules: MaskingRule[], progress: (message: string) => void): Promise<number> {
  const byDatabase = groupBy(rules, (r) => r.database_name);
  const tableCount = new Set(rules.map(tableName)).size;
  const clients: pg.Client[] = [];
  let done = 0;
  try {
    for (const [database, dbRules] of byDatabase) {
      if (!branch.databases.some((d) => d.name === database)) throw new Error(`database "${database}" does not exist`);
      await installAnon(postgres, database);
      const client = await postgres.admin(database);
      clients.push(client);
      await client.query('BEGIN');
      await client.query(`SET LOCAL statement_timeout = '${MASKING_TIMEOUT}'`);
      await client.query('CREATE TEMPORARY TABLE emulator_masked_large_objects (lo oid) ON COMMIT DROP');
      const largeObjectColumns: LargeObjectColumn[] = [];
      const masked: string[] = [];
      for (const tableRules of groupBy(dbRules, tableName).values()) {
        const first = tableRules[0] as MaskingRule;
        progress(`Anonymizing table ${tableName(first)} (${++done}/${tableCount})`);
        largeObjectColumns.push(...(await maskTable(client, first.schema_name, first.table_name, tableRules)));
        masked.push(`${quoteIdent(first.schema_name)}.${quoteIdent(first.table_name)}`);
      }
      // What else kept a copy of the masked values: statistics, materialized views, large objects.
      await refreshStatistics(client, masked);
      await refreshMaterializedViews(client, masked);
      await unlinkMaskedLargeObjects(client, largeObjectColumns);
    }
    for (const client of clients) await client.query('COMMIT');
  } catch (error) {
    for (const client of clients) await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    for (const client of clients) await client.end().catch(() => undefined);
  }
  return tableCount;
}

/**
 * Masks one table's ruled columns. Returns its masked columns that hold large object references
 * (`oid`, or a domain over it such as `lo`), after keeping the references they
 * held in `emulator_masked_large_objects`.
 */
async function maskTable(client: pg.Client, schema: string, table: string, rules: MaskingRule[]): Promise<LargeObjectColumn[]> {
  const { rows } = await client.query<{ owner: string; attname: string | null; type: string | null; reference: boolean }>(
    `SELECT pg_get_userbyid(c.relowner) AS owner, a.attname, format_type(a.atttypid, a.atttypmod) AS type,
            coalesce(nullif(t.typbasetype, 0), t.oid) = 'oid'::regtype AS reference
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       LEFT JOIN pg_type t ON t.oid = a.atttypid
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
    [schema, table],
  );
  if (rows.length === 0) throw new Error(`relation "${schema}.${table}" does not exist`);
  const types = new Map(rows.map((r) => [r.attname, r.type]));
  const assignments = rules.map((r) => {
    const type = types.get(r.column_name);
    if (!type) throw new Error(`column "${r.column_name}" of relation "${table}" does not exist`);
    return `${quoteIdent(r.column_name)} = CAST((${r.masking_function ?? r.masking_value}) AS ${type})`;
  });
  const relation = `${quoteIdent(schema)}.${quoteIdent(table)}`;
  const references = rules.filter((r) => rows.some((c) => c.attname === r.column_name && c.reference)).map((r) => ({ relation, column: quoteIdent(r.column_name) }));
  for (const { column } of references) {
    await client.query(`INSERT INTO pg_temp.emulator_masked_large_objects SELECT ${column}::oid FROM ${relation} WHERE ${column} IS NOT NULL`);
  }
  await client.query(`SET LOCAL ROLE ${quoteIdent((rows[0] as { owner: string }).owner)}`);
  await client.query(`SET LOCAL search_path TO ${quoteIdent(schema)}`);
  // The extended protocol runs one statement only: a rule cannot append statements of its own.
  const updated = await client.query({ text: `UPDATE ${relation} SET ${assignments.join(', ')}`, queryMode: 'extended' } as pg.QueryConfig);
  await client.query('RESET ROLE');
  await client.query('RESET search_path');
  // Row level security can hide rows from the owner: every row must have been masked.
  const { rows: count } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${relation}`);
  if (Number(count[0]?.n) !== updated.rowCount) throw new Error(`masked ${updated.rowCount} of ${count[0]?.n} rows of ${schema}.${table} (row level security?)`);
  return references;
}

/**
 * The parent's statistics describe the data before masking: `pg_stats` (most common values,
 * histograms) and `pg_stats_ext` (extended statistics, their MCV lists and expressions) would show
 * the originals. Deletes every statistic of the relations, their inheritors and partitions and
 * their indexes, then ANALYZEs them in this transaction (which samples the masked rows): what
 * comes back describes the masked data, and a column ANALYZE skips (statistics target 0) or an
 * empty table is left with none. `relations` are quoted names.
 */
async function refreshStatistics(client: pg.Client, relations: string[]): Promise<void> {
  const { rows } = await client.query<{ oid: number; name: string; analyzable: boolean }>(
    `WITH RECURSIVE tree(oid) AS (
       SELECT unnest($1::text[]::regclass[])::oid
       UNION SELECT i.inhrelid FROM pg_inherits i JOIN tree ON i.inhparent = tree.oid)
     SELECT c.oid, c.oid::regclass::text AS name, c.relkind IN ('r', 'p', 'm') AS analyzable FROM tree JOIN pg_class c ON c.oid = tree.oid`,
    [relations],
  );
  const oids = rows.map((r) => r.oid);
  await client.query(
    `DELETE FROM pg_catalog.pg_statistic WHERE starelid = ANY($1::oid[]) OR starelid IN (SELECT indexrelid FROM pg_catalog.pg_index WHERE indrelid = ANY($1::oid[]))`,
    [oids],
  );
  await client.query(`DELETE FROM pg_catalog.pg_statistic_ext_data WHERE stxoid IN (SELECT oid FROM pg_catalog.pg_statistic_ext WHERE stxrelid = ANY($1::oid[]))`, [oids]);
  const analyzable = rows.filter((r) => r.analyzable).map((r) => r.name);
  if (analyzable.length) await client.query(`ANALYZE ${analyzable.join(', ')}`);
}

/**
 * A materialized view holds a copy of what it read: one that reads a masked table (directly, or
 * through views and other materialized views) is refreshed from the masked rows, readers after
 * what they read, and its statistics rebuilt. One never populated holds nothing and stays so.
 */
async function refreshMaterializedViews(client: pg.Client, tables: string[]): Promise<void> {
  const { rows } = await client.query<{ name: string }>(
    `WITH RECURSIVE masked(oid) AS (
       SELECT unnest($1::text[]::regclass[])::oid
       UNION SELECT i.inhrelid FROM pg_inherits i JOIN masked ON i.inhparent = masked.oid),
     readers(oid, depth) AS (
       SELECT oid, 0 FROM masked
       UNION ALL
       SELECT r.ev_class, readers.depth + 1 FROM readers
         JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass AND d.refobjid = readers.oid AND d.classid = 'pg_rewrite'::regclass
         JOIN pg_rewrite r ON r.oid = d.objid
        WHERE r.ev_class <> readers.oid AND readers.depth < 32)
     SELECT c.oid::regclass::text AS name FROM readers JOIN pg_class c ON c.oid = readers.oid
      WHERE c.relkind = 'm' AND c.relispopulated GROUP BY c.oid ORDER BY max(readers.depth), c.oid`,
    [tables],
  );
  for (const { name } of rows) await client.query(`REFRESH MATERIALIZED VIEW ${name}`);
  if (rows.length) await refreshStatistics(client, rows.map((r) => r.name));
}

/**
 * Large objects live outside the tables: masking an `oid` or `lo` column changes the reference,
 * not the object, which the branch's roles could still read with `lo_get`. Unlinks every large
 * object a masked column referred to before masking, unless a masked column refers to it after.
 */
async function unlinkMaskedLargeObjects(client: pg.Client, columns: LargeObjectColumn[]): Promise<void> {
  if (columns.length === 0) return;
  const stillReferred = columns.map((c) => `NOT EXISTS (SELECT 1 FROM ${c.relation} WHERE ${c.column}::oid = m.lo)`);
  await client.query(
    `SELECT pg_catalog.lo_unlink(m.lo) FROM (SELECT DISTINCT lo FROM pg_temp.emulator_masked_large_objects) m
      WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_largeobject_metadata l WHERE l.oid = m.lo) AND ${stillReferred.join(' AND ')}`,
  );
}
