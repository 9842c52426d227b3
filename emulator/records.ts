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
  /** `error`: its create_branch operation failed, and it has no data (the emulator's own state; Neon retries). */
  state: 'init' | 'ready' | 'error';
  createdAt: number;
  updatedAt: number;
  expiresAt?: string;
  annotation?: Record<string, string>;
  dataDir?: string;
  /** Seeded branches share their parent's data until a compute needs their own. */
  dataFrom?: string;
  roles: Map<string, RoleRec>;
  databases: DatabaseRec[];
  pendingOps: number;
  /** Where on its parent the branch's data came from (creation, or the latest restore). */
  parentLsn?: string;
  parentTimestamp?: number;
  lastResetAt?: number;
  /** When the branch's current data began: its creation or its latest restore. */
  dataSince: number;
  /** What the emulator last learnt of the branch's data from its Postgres. */
  observed?: DataState;
  /** Settles when the branch's data directory is complete (a copy in progress, a restore). */
  dataReady?: Promise<void>;
  /** Settles when every database and role change asked for so far is in the branch's Postgres. */
  catalogApplied?: Promise<void>;
  queue: Promise<void>;
  /** A schema-only branch is emptied of rows the first time its compute starts. */
  emptied?: boolean;
  /** Set on branches made by `branch_anonymized`. */
  anonymization?: AnonymizationRec;
  /** Neon Auth on this branch; `null` once disabled here (no longer inherited from the parent). */
  neonAuth?: NeonAuthRec | null;
  /** The Data API of each database that has one, by database name. */
  dataApis?: Map<string, DataApiRec>;
}

/** A masking rule as Neon's API takes and returns it (PostgreSQL Anonymizer's `MASKED WITH`). */
export interface MaskingRule {
  database_name: string;
  schema_name: string;
  table_name: string;
  column_name: string;
  masking_function?: string;
  masking_value?: string;
}

/** The states Neon documents for an anonymized branch. */
export type AnonymizationState = 'created' | 'initialized' | 'initialization_error' | 'anonymizing' | 'anonymized' | 'error';

export interface AnonymizationRec {
  state: AnonymizationState;
  statusMessage: string;
  rules: MaskingRule[];
  createdAt: number;
  updatedAt: number;
  failedAt?: number;
  lastRun?: { startedAt: number; completedAt?: number; maskedColumns?: number };
}

export interface NeonAuthRec {
  provider: 'mock' | 'stack' | 'better_auth';
  providerProjectId: string;
  database: string;
  createdAt: number;
  pubClientKey: string;
  secretServerKey: string;
}

export interface DataApiRec {
  createdAt: number;
  settings: Json;
}

export interface RoleRec {
  /** Empty for a `no_login` role. */
  password: string;
  noLogin?: boolean;
  createdAt: number;
  updatedAt?: number;
}

export interface DatabaseRec {
  id: number;
  name: string;
  owner: string;
  createdAt: number;
  updatedAt?: number;
}

/**
 * A branch's data as its Postgres reports it: the current WAL position, when a transaction last
 * committed (the data last changed), and a WAL position at or after that change (any LSN from
 * there to `lsn` shows the current state).
 */
export interface DataState {
  at: number;
  lsn: string;
  changedAt: number;
  changedLsn: string;
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
