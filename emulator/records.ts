import type { ComputeProxy } from './compute-proxy.js';
import type { ComputeSize } from './compute-size.js';
import type { PostgresProcess } from './postgres.js';

// The records of an emulated Neon project, and the error its API answers with.

export type Json = Record<string, unknown>;
export type OpStatus = 'scheduling' | 'running' | 'finished' | 'failed';

/** A Neon API error the HTTP layer turns into a status and `{ code, message }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface OperationRec {
  id: string;
  action: string;
  branchId: string;
  endpointId?: string;
  status: OpStatus;
  error?: string;
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  finishedAt?: number;
}

export interface BranchRec {
  id: string;
  name: string;
  parentId?: string;
  isDefault: boolean;
  protected: boolean;
  initSource: 'parent-data' | 'schema-only';
  state: 'init' | 'ready';
  createdAt: number;
  updatedAt: number;
  expiresAt?: string;
  annotation?: Record<string, string>;
  dataDir?: string;
  /** Seeded branches share their parent's data until a compute needs their own. */
  dataFrom?: string;
  roles: Map<string, { password: string; createdAt: number }>;
  databases: { id: number; name: string; owner: string; createdAt: number }[];
  pendingOps: number;
  queue: Promise<void>;
  /** A schema-only branch is emptied of rows the first time its compute starts. */
  emptied?: boolean;
}

export interface EndpointRec {
  id: string;
  branchId: string;
  type: 'read_write' | 'read_only';
  name?: string;
  state: 'init' | 'active' | 'idle';
  pending?: 'active' | 'idle';
  /** The compute's direct and pooled addresses (its proxy), and its Postgres's own port once it has run. */
  port: number;
  poolerPort: number;
  internalPort?: number;
  suspendTimeout: number;
  size: ComputeSize;
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  suspendedAt?: number;
  lastActiveAt?: number;
  postgres?: PostgresProcess;
  /** A read-only compute's own data directory (a read-write compute uses its branch's). */
  dataDir?: string;
  proxy: ComputeProxy;
  /** Client sessions open through the proxy, and the scale-to-zero timer that runs while there are none. */
  sessions: number;
  idleTimer?: NodeJS.Timeout;
}

/** Neon's timestamps: RFC 3339 in UTC, whole seconds. */
export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** SQL quoting for the names and passwords the emulator writes into Postgres. */
export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const quoteLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;
