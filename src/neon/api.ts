import type {
  AnnotationData,
  AnnotationValueData,
  Branch,
  BranchCreateRequest,
  ConnectionURIResponse,
  CursorPaginationResponse,
  Endpoint,
  Operation,
  Project,
} from '@neondatabase/api-client';
import type { NeonHttp } from './http.js';

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
}

export interface CreateBranchBody {
  name: string;
  parentId?: string;
  expiresAt?: string;
  schemaOnly: boolean;
  suspendTimeout?: number;
  annotation: AnnotationValueData;
}

interface BranchPage extends CursorPaginationResponse {
  branches: Branch[];
  annotations?: Record<string, AnnotationData>;
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

  async getProject(): Promise<Project> {
    return (await this.http.call<{ project: Project }>('GET', this.base)).data.project;
  }

  /** POST a branch; undefined when the name is taken (409). */
  async createBranch(body: CreateBranchBody): Promise<CreatedBranch | undefined> {
    const request: BranchCreateRequest & { annotation_value: AnnotationValueData } = {
      branch: {
        name: body.name,
        ...(body.parentId ? { parent_id: body.parentId } : {}),
        ...(body.expiresAt ? { expires_at: body.expiresAt } : {}),
        ...(body.schemaOnly ? { init_source: 'schema-only' } : {}),
      },
      endpoints: [{ type: 'read_write' as Endpoint['type'], ...(body.suspendTimeout === undefined ? {} : { suspend_timeout_seconds: body.suspendTimeout }) }],
      annotation_value: body.annotation,
    };
    const response = await this.http.call<CreatedBranch>('POST', `${this.base}/branches`, { body: request, allow: [409] });
    return response.status === 409 ? undefined : response.data;
  }

  /**
   * The branch whose name is exactly `nameOrId` (or whose id it is). Neon's `search` matches parts
   * of names, so `preview/pr-1` also returns `preview/pr-12`: only an exact match counts.
   */
  async findBranch(nameOrId: string): Promise<FoundBranch | undefined> {
    let cursor: string | undefined;
    do {
      const { data } = await this.http.call<BranchPage>('GET', `${this.base}/branches`, { query: { search: nameOrId, limit: 100, cursor } });
      const branch = data.branches.find((b) => b.name === nameOrId) ?? data.branches.find((b) => b.id === nameOrId);
      if (branch) return { branch, annotation: data.annotations?.[branch.id]?.value };
      cursor = data.branches.length === 100 ? data.pagination?.next : undefined;
    } while (cursor);
    return undefined;
  }

  /** One page of the project's branches, oldest first, for cleanup. */
  async listBranches(cursor: string | undefined, limit = 100): Promise<{ branches: FoundBranch[]; next?: string }> {
    const { data } = await this.http.call<BranchPage>('GET', `${this.base}/branches`, { query: { limit, cursor, sort_by: 'created_at', sort_order: 'asc' } });
    return {
      branches: data.branches.map((branch) => ({ branch, annotation: data.annotations?.[branch.id]?.value })),
      next: data.branches.length === limit ? data.pagination?.next : undefined,
    };
  }

  async updateBranchExpiry(branchId: string, expiresAt: string | null): Promise<Operation[]> {
    const { data } = await this.http.call<{ operations?: Operation[] }>('PATCH', `${this.base}/branches/${branchId}`, { body: { branch: { expires_at: expiresAt } } });
    return data.operations ?? [];
  }

  /** Deletes a branch; undefined when it was already gone (404). */
  async deleteBranch(branchId: string): Promise<Operation[] | undefined> {
    const response = await this.http.call<{ operations?: Operation[] }>('DELETE', `${this.base}/branches/${branchId}`, { allow: [404] });
    return response.status === 404 ? undefined : (response.data.operations ?? []);
  }

  async restoreBranch(branchId: string, sourceBranchId: string): Promise<Operation[]> {
    const { data } = await this.http.call<{ operations?: Operation[] }>('POST', `${this.base}/branches/${branchId}/restore`, { body: { source_branch_id: sourceBranchId } });
    return data.operations ?? [];
  }

  async listBranchEndpoints(branchId: string): Promise<Endpoint[]> {
    return (await this.http.call<{ endpoints: Endpoint[] }>('GET', `${this.base}/branches/${branchId}/endpoints`)).data.endpoints;
  }

  async getEndpoint(endpointId: string): Promise<Endpoint> {
    return (await this.http.call<{ endpoint: Endpoint }>('GET', `${this.base}/endpoints/${endpointId}`)).data.endpoint;
  }

  async createEndpoint(branchId: string, suspendTimeout?: number): Promise<{ endpoint: Endpoint; operations: Operation[] }> {
    const body = { endpoint: { branch_id: branchId, type: 'read_write', ...(suspendTimeout === undefined ? {} : { suspend_timeout_seconds: suspendTimeout }) } };
    return (await this.http.call<{ endpoint: Endpoint; operations: Operation[] }>('POST', `${this.base}/endpoints`, { body })).data;
  }

  async startEndpoint(endpointId: string): Promise<Operation[]> {
    return (await this.http.call<{ operations: Operation[] }>('POST', `${this.base}/endpoints/${endpointId}/start`)).data.operations;
  }

  async getOperation(operationId: string): Promise<Operation> {
    return (await this.http.call<{ operation: Operation }>('GET', `${this.base}/operations/${operationId}`)).data.operation;
  }

  async connectionUri(branchId: string, endpointId: string, database: string, role: string, pooled: boolean): Promise<string> {
    const query = { branch_id: branchId, endpoint_id: endpointId, database_name: database, role_name: role, pooled };
    return (await this.http.call<ConnectionURIResponse>('GET', `${this.base}/connection_uri`, { query })).data.uri;
  }
}
