import type {
  AnnotationData,
  AnnotationValueData,
  Branch,
  BranchCreateRequest,
  ConnectionDetails as NeonConnectionDetails,
  ConnectionURIResponse,
  CursorPaginationResponse,
  Endpoint,
  Operation,
  Project,
} from '@neondatabase/api-client';
import { neonMissingField } from '../failure.js';
import type { ComputeUnits } from '../inputs/compute-units.js';
import type { PointInTime } from '../inputs/schema-diff.js';
import * as log from '../log.js';
import { t, type Text } from '../text.js';
import type { ApiResponse, CallOptions, Method, NeonHttp } from './http.js';

export type { Branch, Endpoint, Operation, Project };

/** A branch with the annotation Neon keeps for it (how we recognise our own branches). */
export interface FoundBranch {
  branch: Branch;
  annotation?: Record<string, string>;
}

export interface CreatedBranch {
  branch: Branch;
  endpoints: Endpoint[];
  operations: Operation[];
  /**
   * The connection details Neon's answer already holds (masked on arrival): the URI of the
   * branch's one database and role, with the pooler's host. Empty when the parent has more than
   * one database or role (Neon then leaves them out).
   */
  connectionUris: ConnectionDetails[];
}

/** One entry of `connection_uris` in Neon's answer to `POST /branches`. */
export interface ConnectionDetails {
  uri: string;
  database: string;
  role: string;
  poolerHost: string;
}

export interface CreateBranchBody {
  name: string;
  parentId?: string;
  expiresAt?: string;
  schemaOnly: boolean;
  suspendTimeout?: number;
  computeUnits?: ComputeUnits;
  annotation: AnnotationValueData;
}

/** What a DELETE did: deleted now (with operations to wait for), deleted by an attempt whose answer was lost, or already gone. */
export type DeleteResult = { deleted: 'now'; operations: Operation[] } | { deleted: 'answer lost' } | { deleted: 'already gone' };

interface BranchPage extends CursorPaginationResponse {
  branches: Branch[];
  annotations?: Record<string, AnnotationData>;
}

/** `array`: an array of objects (every list Neon answers is one: a `null` or a string in it is a broken answer, not a branch). */
type Kind = 'array' | 'object' | 'string';
const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
const isKind = (value: unknown, kind: Kind) => (kind === 'array' ? Array.isArray(value) && value.every(isObject) : kind === 'object' ? isObject(value) : typeof value === 'string');

/** The field of a Neon answer the action needs, or one clear error naming it. */
export function field<T>(response: ApiResponse<unknown>, name: string, kind: Kind): T {
  const value = (response.data as Record<string, unknown>)[name];
  if (!isKind(value, kind)) throw neonMissingField(response.method, response.path, name, value !== undefined);
  return value as T;
}

/** The Neon API routes this action uses, typed from the official OpenAPI description. */
export class NeonApi {
  constructor(
    readonly http: NeonHttp,
    readonly projectId: string,
  ) {}

  private get base(): string {
    return `/projects/${encodeURIComponent(this.projectId)}`;
  }

  /** Operation polls sent (attempts), to tell them from the calls the budgets count. */
  private polls = 0;

  private call(method: Method, path: string, options?: CallOptions): Promise<ApiResponse<unknown>> {
    return this.http.call<unknown>(method, path, options);
  }

  /** Requests sent so far besides operation polls (retries included): what the call budgets count. */
  get callsBesidesPolls(): number {
    return this.http.calls - this.polls;
  }

  /** Whether the branch still exists (a 404 is "no"). */
  async branchExists(branchId: string): Promise<boolean> {
    return (await this.call('GET', `${this.base}/branches/${branchId}`, { allow: [404] })).status !== 404;
  }

  async getProject(): Promise<Project> {
    return field<Project>(await this.call('GET', this.base), 'project', 'object');
  }

  /** POST a branch; undefined when the name is taken (409). */
  async createBranch(body: CreateBranchBody): Promise<CreatedBranch | undefined> {
    const request: BranchCreateRequest & { annotation_value: AnnotationValueData } = { ...branchCreateRequest(body), annotation_value: body.annotation };
    const response = await this.call('POST', `${this.base}/branches`, { body: request, allow: [409] });
    return response.status === 409 ? undefined : createdBranch(response);
  }

  /**
   * Every branch whose name or id contains `search`, with its annotation: one request (100 a page;
   * the search is narrow enough that a second page is rare).
   */
  async searchBranches(search: string): Promise<FoundBranch[]> {
    const found: FoundBranch[] = [];
    let cursor: string | undefined;
    do {
      const response = await this.call('GET', `${this.base}/branches`, { query: { search, limit: 100, cursor } });
      const page = withAnnotations(response);
      found.push(...page.branches);
      cursor = page.branches.length === 100 ? page.next : undefined;
    } while (cursor);
    return found;
  }

  /**
   * The branch whose name is exactly `nameOrId` (or whose id it is). Neon's `search` matches parts
   * of names, so `preview/pr-1` also returns `preview/pr-12`: only an exact match counts.
   */
  async findBranch(nameOrId: string): Promise<FoundBranch | undefined> {
    const found = await this.searchBranches(nameOrId);
    return found.find((f) => f.branch.name === nameOrId) ?? found.find((f) => f.branch.id === nameOrId);
  }

  /**
   * The project's default branch. Neon's project answer does not name it, so the oldest branches
   * are read first (the default branch is nearly always the first one made), then the rest.
   */
  async defaultBranch(): Promise<Branch> {
    let cursor: string | undefined;
    let limit = 10;
    do {
      const page = await this.listBranches(cursor, limit);
      const found = page.branches.find((f) => f.branch.default);
      if (found) return found.branch;
      cursor = page.next;
      limit = 100;
    } while (cursor);
    throw neonMissingField('GET', `${this.base}/branches`, 'a branch with default: true');
  }

  /** One page of the project's branches, oldest first, for cleanup. */
  async listBranches(cursor: string | undefined, limit = 100): Promise<{ branches: FoundBranch[]; next?: string }> {
    const response = await this.call('GET', `${this.base}/branches`, { query: { limit, cursor, sort_by: 'created_at', sort_order: 'asc' } });
    const page = withAnnotations(response);
    return { branches: page.branches, next: page.branches.length === limit ? page.next : undefined };
  }

  /** Sets (or, with null, clears) the branch's expiry; Neon's answer says what it now holds. */
  async updateBranchExpiry(branchId: string, expiresAt: string | null): Promise<{ branch: Branch; operations: Operation[] }> {
    const response = await this.call('PATCH', `${this.base}/branches/${branchId}`, { body: { branch: { expires_at: expiresAt } }, notFound: gone(t`Branch ${branchId}`) });
    return { branch: field<Branch>(response, 'branch', 'object'), operations: optionalArray<Operation>(response, 'operations') };
  }

  /** Deletes a branch. A 404 is "already gone", unless an earlier attempt of this DELETE may have done it. */
  async deleteBranch(branchId: string): Promise<DeleteResult> {
    const response = await this.call('DELETE', `${this.base}/branches/${branchId}`, { allow: [404] });
    if (response.status !== 404) return { deleted: 'now', operations: optionalArray<Operation>(response, 'operations') };
    return response.earlierAttemptMayHaveApplied ? { deleted: 'answer lost' } : { deleted: 'already gone' };
  }

  async restoreBranch(branchId: string, sourceBranchId: string): Promise<Operation[]> {
    return optionalArray<Operation>(await this.call('POST', `${this.base}/branches/${branchId}/restore`, { body: { source_branch_id: sourceBranchId }, notFound: gone(t`Branch ${branchId} or its parent ${sourceBranchId}`) }), 'operations');
  }

  async listBranchEndpoints(branchId: string): Promise<Endpoint[]> {
    return field<Endpoint[]>(await this.call('GET', `${this.base}/branches/${branchId}/endpoints`, { notFound: gone(t`Branch ${branchId}`) }), 'endpoints', 'array');
  }

  async getEndpoint(endpointId: string): Promise<Endpoint> {
    return field<Endpoint>(await this.call('GET', `${this.base}/endpoints/${endpointId}`, { notFound: gone(t`Compute ${endpointId}`) }), 'endpoint', 'object');
  }

  async createEndpoint(branchId: string, suspendTimeout?: number, computeUnits?: ComputeUnits): Promise<{ endpoint: Endpoint; operations: Operation[] }> {
    const body = { endpoint: { branch_id: branchId, type: 'read_write', ...(suspendTimeout === undefined ? {} : { suspend_timeout_seconds: suspendTimeout }), ...computeLimits(computeUnits) } };
    const response = await this.call('POST', `${this.base}/endpoints`, { body, notFound: gone(t`Branch ${branchId}`) });
    return { endpoint: field<Endpoint>(response, 'endpoint', 'object'), operations: optionalArray<Operation>(response, 'operations') };
  }

  async startEndpoint(endpointId: string): Promise<Operation[]> {
    return optionalArray<Operation>(await this.call('POST', `${this.base}/endpoints/${endpointId}/start`, { notFound: gone(t`Compute ${endpointId}`) }), 'operations');
  }

  async getOperation(operationId: string): Promise<Operation> {
    this.polls++;
    return field<Operation>(await this.call('GET', `${this.base}/operations/${operationId}`, { notFound: gone(t`Operation ${operationId}`) }), 'operation', 'object');
  }

  /** The role that owns the branch's database of this name; undefined when there is no such database (404). */
  async databaseOwner(branchId: string, name: string): Promise<string | undefined> {
    const response = await this.call('GET', `${this.base}/branches/${branchId}/databases/${encodeURIComponent(name)}`, { allow: [404] });
    if (response.status === 404) return undefined;
    return field<{ owner_name: string }>(response, 'database', 'object').owner_name;
  }

  /**
   * The project's latest operations, newest first, all branches together: how long operations of
   * each kind take in this project, and how many are under way. One attempt: a best-effort read.
   */
  async recentOperations(limit: number): Promise<Operation[]> {
    return field<Operation[]>(await this.call('GET', `${this.base}/operations`, { query: { limit }, once: true }), 'operations', 'array');
  }

  /** Whether the branch has this database; a 404 is "no". */
  async hasDatabase(branchId: string, name: string): Promise<boolean> {
    const response = await this.call('GET', `${this.base}/branches/${branchId}/databases/${encodeURIComponent(name)}`, { allow: [404] });
    return response.status !== 404;
  }

  /** Whether the branch has this role; a 404 is "no". */
  async hasRole(branchId: string, name: string): Promise<boolean> {
    const response = await this.call('GET', `${this.base}/branches/${branchId}/roles/${encodeURIComponent(name)}`, { allow: [404] });
    return response.status !== 404;
  }

  /** The names of the branch's databases. */
  async listDatabaseNames(branchId: string): Promise<string[]> {
    const response = await this.call('GET', `${this.base}/branches/${branchId}/databases`, { notFound: gone(t`Branch ${branchId}`) });
    return field<{ name?: unknown }[]>(response, 'databases', 'array').flatMap((d) => (typeof d.name === 'string' ? [d.name] : []));
  }

  /** A branch by id; undefined when it does not exist. */
  async getBranch(branchId: string): Promise<Branch | undefined> {
    const response = await this.call('GET', `${this.base}/branches/${branchId}`, { allow: [404] });
    return response.status === 404 ? undefined : field<Branch>(response, 'branch', 'object');
  }

  /**
   * Neon's `compare_schema`: a unified diff of one database's schema from `baseBranchId` to the
   * branch (`pg_dump --schema-only` text), empty when they are the same; `at`, the branch as it
   * was at that time or LSN (the base at its head). Reads only.
   */
  async compareSchema(branchId: string, baseBranchId: string, database: string, notFound?: Text, at?: PointInTime): Promise<string> {
    const response = await this.call('GET', `${this.base}/branches/${branchId}/compare_schema`, { query: { base_branch_id: baseBranchId, db_name: database, ...at }, notFound });
    const diff = (response.data as { diff?: unknown }).diff;
    if (diff === undefined || diff === null) return '';
    if (typeof diff !== 'string') throw neonMissingField(response.method, response.path, 'diff');
    return diff;
  }

  /**
   * One database's whole schema on a branch (`pg_dump --schema-only` text, Neon's
   * `GET …/branches/{id}/schema`); `at`, as it was at that time or LSN. Reads only.
   */
  async branchSchema(branchId: string, database: string, at?: PointInTime): Promise<string> {
    const response = await this.call('GET', `${this.base}/branches/${branchId}/schema`, { query: { db_name: database, format: 'sql', ...at } });
    const sql = (response.data as { sql?: unknown }).sql;
    if (typeof sql !== 'string') throw neonMissingField(response.method, response.path, 'sql', sql !== undefined);
    return sql;
  }

  /** A connection URI, masked for the runner the moment it arrives (with its password, raw and URL-encoded). */
  async connectionUri(branchId: string, endpointId: string, database: string, role: string, pooled: boolean, notFound?: Text): Promise<string> {
    const query = { branch_id: branchId, endpoint_id: endpointId, database_name: database, role_name: role, pooled };
    const uri = field<ConnectionURIResponse['uri']>(await this.call('GET', `${this.base}/connection_uri`, { query, notFound }), 'uri', 'string');
    maskUri(uri);
    return uri;
  }
}

/** The endpoint's size fields, when a size was asked for. */
function computeLimits(units: ComputeUnits | undefined): { autoscaling_limit_min_cu?: number; autoscaling_limit_max_cu?: number } {
  return units ? { autoscaling_limit_min_cu: units.min, autoscaling_limit_max_cu: units.max } : {};
}

/** The branch and its read-write compute as `POST /branches` (and `branch_anonymized`'s `branch_create`) take them. */
export function branchCreateRequest(body: Omit<CreateBranchBody, 'annotation'>): BranchCreateRequest {
  return {
    branch: {
      name: body.name,
      ...(body.parentId ? { parent_id: body.parentId } : {}),
      ...(body.expiresAt ? { expires_at: body.expiresAt } : {}),
      ...(body.schemaOnly ? { init_source: 'schema-only' } : {}),
    },
    endpoints: [{ type: 'read_write' as Endpoint['type'], ...(body.suspendTimeout === undefined ? {} : { suspend_timeout_seconds: body.suspendTimeout }), ...computeLimits(body.computeUnits) }],
  };
}

/** A 201 that made a branch: the branch, its computes, the operations to wait for, and any connection URI (masked at once). */
export function createdBranch(response: ApiResponse<unknown>): CreatedBranch {
  return {
    branch: field<Branch>(response, 'branch', 'object'),
    endpoints: field<Endpoint[]>(response, 'endpoints', 'array'),
    operations: field<Operation[]>(response, 'operations', 'array'),
    connectionUris: optionalArray<NeonConnectionDetails>(response, 'connection_uris').flatMap(connectionDetails),
  };
}

/** An entry of `connection_uris`, masked before anything else happens; nothing when it lacks a field. */
function connectionDetails(entry: NeonConnectionDetails): ConnectionDetails[] {
  const uri: unknown = entry?.connection_uri;
  if (typeof uri !== 'string') return [];
  maskUri(uri);
  log.mask(entry.connection_parameters?.password);
  const { database, role, pooler_host: poolerHost } = entry.connection_parameters ?? ({} as Partial<NeonConnectionDetails['connection_parameters']>);
  if (typeof database !== 'string' || typeof role !== 'string' || typeof poolerHost !== 'string') return [];
  return [{ uri, database, role, poolerHost }];
}

/** Registers a URI and its password as secrets with the runner. */
export function maskUri(uri: string): void {
  log.mask(uri);
  try {
    const password = new URL(uri).password;
    log.mask(password);
    log.mask(decodeURIComponent(password));
  } catch {
    // Not a URL: masked whole above.
  }
}

/** What a 404 means for something this run found or made a moment ago: someone deleted it meanwhile. */
function gone(what: Text): Text {
  return t`${what} no longer exists: it was deleted while this run was using it (by the run for the pull request's close, a person, or its expiry). Re-run the job if the pull request is still open`;
}

export function optionalArray<T>(response: ApiResponse<unknown>, name: string): T[] {
  const value = (response.data as Record<string, unknown>)[name];
  return Array.isArray(value) ? (value as T[]) : [];
}

function withAnnotations(response: ApiResponse<unknown>): { branches: FoundBranch[]; next?: string } {
  const branches = field<Branch[]>(response, 'branches', 'array');
  const data = response.data as BranchPage;
  return {
    branches: branches.map((branch) => ({ branch, annotation: data.annotations?.[branch.id]?.value })),
    next: data.pagination?.next,
  };
}

/** What to say when a database or role is missing, from which of the two is. */
export function missingText(database: { name: string; exists: boolean }, role: { name: string; exists: boolean }, where: Text): Text | undefined {
  if (!database.exists && !role.exists) return t`The database "${database.name}" (input \`database\`) and the role "${role.name}" (input \`role\`) do not exist on ${where}: create them there, or set database and role to ones that exist.`;
  if (!database.exists) return t`The database "${database.name}" (input \`database\`) does not exist on ${where}: create it there, or set database to one that exists.`;
  if (!role.exists) return t`The role "${role.name}" (input \`role\`) does not exist on ${where}: create it there, or set role to one that exists.`;
  return undefined;
}
