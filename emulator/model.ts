import { chmod, chown, copyFile, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DataGate } from './data-gate.js';
import * as ids from './ids.js';
import { openDataDir } from './connection-gate.js';
import { ApiError, quoteIdent, quoteLiteral, type BranchRec, type DataState, type EndpointRec, type Json, type OperationRec } from './records.js';
import type pg from 'pg';
import { Pooler } from './pooler.js';
import { copyDataDir, freePort, initTemplate, PostgresProcess, runAsUser, truncateAll, type RunAs, type Tls } from './postgres.js';

export interface ModelOptions {
  /** Minimum milliseconds an operation stays `running`, by action; `scheduling` is the queue time. */
  operationDelays?: Partial<Record<string, number>>;
  /** Real Postgres behind every compute (default true); off only for API-only tests. */
  postgres?: boolean;
  projectId?: string;
  defaultBranchName?: string;
}

const DEFAULT_DELAYS: Record<string, number> = {
  scheduling: 50,
  create_branch: 150,
  start_compute: 400,
  suspend_compute: 100,
  delete_timeline: 100,
  create_timeline: 150,
};

const COPIES_PER_PARENT = 6;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The state of one emulated Neon project and the Postgres processes behind it. */
export class Model {
  readonly projectId: string;
  readonly projectCreatedAt = Date.now();
  readonly branches = new Map<string, BranchRec>();
  readonly endpoints = new Map<string, EndpointRec>();
  readonly operations: OperationRec[] = [];
  readonly operationsById = new Map<string, OperationRec>();
  readonly delays: Record<string, number>;
  projectSettings: Json = {
    allowed_ips: { ips: [], protected_branches_only: false },
    enable_logical_replication: false,
    block_public_connections: false,
    block_vpc_connections: false,
    hipaa: false,
  };
  /** Test faults on operations: fail the next N of an action, or leave them running forever. */
  failNext = new Map<string, number>();
  stalled = new Set<string>();
  /** Test fault: connection_uri answers with the default branch's compute, whatever is asked. */
  misrouteConnectionUri = false;
  private readonly usePostgres: boolean;
  private baseDir = '';
  private templateDir = '';
  private user?: RunAs;
  private tls?: Tls;
  private readonly adminPassword = ids.rolePassword();
  private nextDatabaseId = 1000;
  private readonly copies = new Map<string, { running: number; waiting: (() => void)[] }>();
  private readonly gates = new Map<string, DataGate>();
  private readonly handovers = new Map<string, () => void>();
  private closed = false;

  constructor(private readonly options: ModelOptions = {}) {
    this.projectId = options.projectId ?? ids.projectId();
    this.delays = { ...DEFAULT_DELAYS, ...options.operationDelays } as Record<string, number>;
    this.usePostgres = options.postgres ?? true;
  }

  async init(tls: Tls): Promise<void> {
    this.baseDir = await mkdtemp(path.join(os.tmpdir(), 'neon-emulator-'));
    if (this.usePostgres) {
      this.user = await runAsUser();
      // Postgres reads its key only when it owns it and no one else can.
      this.tls = { certFile: path.join(this.baseDir, 'server.crt'), keyFile: path.join(this.baseDir, 'server.key') };
      await copyFile(tls.certFile, this.tls.certFile);
      await copyFile(tls.keyFile, this.tls.keyFile);
      await chmod(this.tls.keyFile, 0o600);
      if (this.user) for (const f of [this.tls.certFile, this.tls.keyFile]) await chown(f, this.user.uid, this.user.gid);
      this.templateDir = path.join(this.baseDir, 'template');
      await initTemplate(this.templateDir, this.adminPassword, this.user);
    }
    const main = this.newBranch({ name: this.options.defaultBranchName ?? 'main', isDefault: true, initSource: 'parent-data' });
    main.roles.set('neondb_owner', { password: ids.rolePassword(), createdAt: Date.now() });
    main.databases.push({ id: this.nextDatabaseId++, name: 'neondb', owner: 'neondb_owner', createdAt: Date.now() });
    if (this.usePostgres) {
      main.dataDir = path.join(this.baseDir, main.id);
      await copyDataDir(this.templateDir, main.dataDir, undefined, this.user);
    }
    const endpoint = await this.newEndpoint(main, 'read_write', 0);
    await this.startCompute(endpoint);
    if (this.usePostgres) await this.bootstrapRoles(main, endpoint);
    main.dataSince = Date.now();
    await this.dataState(main);
    main.state = 'ready';
  }

  /** Creates the default branch's role and database inside its Postgres, with SCRAM passwords. */
  private async bootstrapRoles(branch: BranchRec, endpoint: EndpointRec): Promise<void> {
    const admin = await (endpoint.postgres as PostgresProcess).admin('postgres');
    for (const [name, role] of branch.roles) {
      await admin.query(`CREATE ROLE ${quoteIdent(name)} LOGIN CREATEDB CREATEROLE PASSWORD ${quoteLiteral(role.password)}`);
    }
    for (const db of branch.databases) await admin.query(`CREATE DATABASE ${quoteIdent(db.name)} OWNER ${quoteIdent(db.owner)}`);
    await admin.end();
  }

  get defaultBranch(): BranchRec {
    for (const b of this.branches.values()) if (b.isDefault) return b;
    throw new Error('no default branch');
  }

  newBranch(fields: { name: string; parentId?: string; isDefault?: boolean; initSource: BranchRec['initSource']; expiresAt?: string; annotation?: Record<string, string>; protected?: boolean }): BranchRec {
    const now = Date.now();
    const branch: BranchRec = {
      id: ids.branchId(),
      name: fields.name,
      parentId: fields.parentId,
      isDefault: fields.isDefault ?? false,
      protected: fields.protected ?? false,
      initSource: fields.initSource,
      state: 'init',
      createdAt: now,
      updatedAt: now,
      dataSince: now,
      expiresAt: fields.expiresAt,
      annotation: fields.annotation,
      roles: new Map(),
      databases: [],
      pendingOps: 0,
      queue: Promise.resolve(),
    };
    this.branches.set(branch.id, branch);
    return branch;
  }

  branchByName(name: string): BranchRec | undefined {
    for (const b of this.branches.values()) if (b.name === name) return b;
    return undefined;
  }

  endpointsOf(branchId: string): EndpointRec[] {
    return [...this.endpoints.values()].filter((e) => e.branchId === branchId);
  }

  /**
   * Adds `count` ready branches off the default branch, named `name(i)`, without computes and
   * sharing its data until something needs their own: a large project in milliseconds.
   */
  seedBranches(count: number, name: (i: number) => string, annotation?: Record<string, string> | ((i: number) => Record<string, string>)): void {
    const parent = this.defaultBranch;
    for (let i = 0; i < count; i++) {
      const branch = this.newBranch({ name: name(i), parentId: parent.id, initSource: 'parent-data', annotation: typeof annotation === 'function' ? annotation(i) : annotation });
      for (const [roleName, role] of parent.roles) branch.roles.set(roleName, { ...role });
      for (const db of parent.databases) branch.databases.push({ ...db, id: this.newDatabaseId() });
      branch.dataFrom = parent.id;
      this.inheritState(branch, parent);
      branch.state = 'ready';
    }
  }

  /** A connection URI as Neon's `connection_uri` writes it, for a compute of a branch. */
  uri(endpoint: EndpointRec, roleName: string, database: string, pooled = false): string {
    const role = this.branches.get(endpoint.branchId)?.roles.get(roleName);
    if (!role) throw new ApiError(404, `role not found: ${roleName}`);
    const port = pooled ? endpoint.poolerPort : endpoint.port;
    return `postgresql://${encodeURIComponent(roleName)}:${encodeURIComponent(role.password)}@127.0.0.1:${port}/${encodeURIComponent(database)}?sslmode=require&channel_binding=require`;
  }

  /** Two free ports for a compute: Postgres and its pooler. */
  async ports(): Promise<[number, number]> {
    return [await freePort(), await freePort()];
  }

  async newEndpoint(branch: BranchRec, type: EndpointRec['type'], suspendTimeout: number): Promise<EndpointRec> {
    return this.addEndpoint(branch, type, suspendTimeout, await this.ports());
  }

  /** Registers a compute at once (no await), so a branch and its computes appear together. */
  addEndpoint(branch: BranchRec, type: EndpointRec['type'], suspendTimeout: number, [port, poolerPort]: [number, number]): EndpointRec {
    const now = Date.now();
    const endpoint: EndpointRec = {
      id: ids.endpointId(),
      branchId: branch.id,
      type,
      state: 'init',
      pending: 'active',
      port,
      poolerPort,
      suspendTimeout,
      createdAt: now,
      updatedAt: now,
      pooler: undefined as unknown as Pooler,
    };
    endpoint.pooler = new Pooler(endpoint.poolerPort, () => (endpoint.state === 'active' ? endpoint.port : undefined));
    this.endpoints.set(endpoint.id, endpoint);
    return endpoint;
  }

  /**
   * Copies the parent's data into a new branch now, so the branch holds the parent as of the
   * request (Neon branches from the parent's latest LSN at creation), once every database and role
   * change asked of the parent is in its Postgres.
   */
  async copyFromParent(branch: BranchRec, parent: BranchRec): Promise<void> {
    if (!this.usePostgres) return this.inheritState(branch, parent);
    const target = path.join(this.baseDir, branch.id);
    branch.dataDir = target;
    const copy = (async () => {
      await parent.catalogApplied;
      const source = await this.materialise(parent);
      await this.copySlot(parent.id, () =>
        this.gate(parent).shared(async () => {
          const running = this.runningPostgres(parent);
          await copyDataDir(source, target, running, this.user);
          // A copy of an anonymized branch not yet masked is a branch of its own, open to clients.
          openDataDir(target);
          // An online copy's backup label names the parent's WAL position it was taken at.
          const label = running ? await readFile(path.join(target, 'backup_label'), 'utf8').catch(() => '') : '';
          this.inheritState(branch, parent, /START WAL LOCATION: ([0-9A-F]+\/[0-9A-F]+)/.exec(label)?.[1]);
        }),
      );
    })();
    branch.dataReady = copy;
    await copy;
  }

  /** A new copy of `parent` starts where the parent is now: its LSN, no change of its own yet. */
  private inheritState(branch: BranchRec, parent: BranchRec, at?: string): void {
    const now = Date.now();
    const lsn = at ?? parent.observed?.lsn ?? '0/0';
    branch.parentLsn = lsn;
    branch.parentTimestamp = now;
    branch.dataSince = now;
    branch.observed = { at: now, lsn, changedAt: now, changedLsn: lsn };
  }

  /**
   * An online copy holds a connection to the parent while it runs; at most COPIES_PER_PARENT run at
   * once, so fifty branches made together do not exhaust the parent's connections.
   */
  private async copySlot(parentId: string, work: () => Promise<void>): Promise<void> {
    const slot = this.copies.get(parentId) ?? { running: 0, waiting: [] };
    this.copies.set(parentId, slot);
    // A finishing copy hands its slot straight to the next in line.
    if (slot.running >= COPIES_PER_PARENT) await new Promise<void>((resolve) => slot.waiting.push(resolve));
    else slot.running++;
    try {
      await work();
    } finally {
      const next = slot.waiting.shift();
      if (next) next();
      else slot.running--;
    }
  }

  /** A seeded branch gets its own data directory the first time something needs it. */
  private async materialise(branch: BranchRec): Promise<string> {
    await branch.dataReady;
    if (branch.dataDir) return branch.dataDir;
    const from = this.branches.get(branch.dataFrom ?? '') ?? this.defaultBranch;
    await this.copyFromParent(branch, from);
    return branch.dataDir as string;
  }

  /**
   * The backup branch of a restore with `preserve_under_name`: in the branch's place in the tree,
   * with its databases and roles; its data arrives when restoreData moves the old data there.
   */
  newBackup(branch: BranchRec, name: string): BranchRec {
    const backup = this.newBranch({ name, parentId: branch.parentId, initSource: branch.initSource });
    for (const [roleName, role] of branch.roles) backup.roles.set(roleName, { ...role });
    for (const db of branch.databases) backup.databases.push({ ...db, id: this.newDatabaseId() });
    backup.parentLsn = branch.parentLsn;
    backup.parentTimestamp = branch.parentTimestamp;
    backup.dataSince = branch.dataSince;
    backup.observed = branch.observed;
    backup.emptied = branch.emptied;
    backup.dataReady = new Promise<void>((resolve) => this.handovers.set(backup.id, resolve));
    return backup;
  }

  /**
   * Restore: the branch's data becomes a fresh copy of `source` (its computes are stopped first).
   * With `backup` (from newBackup), the old data is not dropped but becomes the backup's.
   */
  async restoreData(branch: BranchRec, source: BranchRec, backup?: BranchRec): Promise<void> {
    const handOver = () => {
      if (!backup) return;
      this.handovers.get(backup.id)?.();
      this.handovers.delete(backup.id);
    };
    try {
      await this.gate(branch).exclusive(async () => {
        for (const e of this.endpointsOf(branch.id)) e.postgres = undefined;
        if (backup) {
          backup.dataFrom = branch.dataFrom;
          if (branch.dataDir) {
            backup.dataDir = path.join(this.baseDir, backup.id);
            await rename(branch.dataDir, backup.dataDir);
          }
        } else if (branch.dataDir) {
          await rm(branch.dataDir, { recursive: true, force: true });
        }
        branch.dataDir = undefined;
      });
    } finally {
      handOver();
    }
    await this.copyFromParent(branch, source === branch && backup ? backup : source);
  }

  /**
   * A database or role change, as Neon's `apply_config` operation: run on the branch's Postgres
   * (its compute, or a short-lived Postgres when the compute is idle or absent, so the change is in
   * the branch's data at once). Child branches made meanwhile copy the branch after it.
   */
  applyConfig(branch: BranchRec, work: (admin: pg.Client, connect: (database: string) => Promise<pg.Client>) => Promise<void>): OperationRec {
    const endpoint = this.endpointsOf(branch.id).find((e) => e.type === 'read_write');
    const op = this.enqueue(branch, 'apply_config', endpoint?.id, async () => {
      await this.withPostgres(branch, async (postgres) => {
        const admin = await postgres.admin('postgres');
        try {
          await work(admin, (database) => postgres.admin(database));
        } finally {
          await admin.end().catch(() => undefined);
        }
      });
    });
    branch.catalogApplied = branch.queue;
    return op;
  }

  /** One gate per branch's data directory (see DataGate). */
  gate(branch: BranchRec): DataGate {
    let gate = this.gates.get(branch.id);
    if (!gate) this.gates.set(branch.id, (gate = new DataGate()));
    return gate;
  }

  /** The running Postgres that serves the branch's own data directory (its read-write compute), if any. */
  runningPostgres(branch: BranchRec): PostgresProcess | undefined {
    const onData = this.endpointsOf(branch.id).filter((e) => e.postgres?.running && e.postgres.dataDir === branch.dataDir);
    return (onData.find((e) => e.type === 'read_write') ?? onData[0])?.postgres;
  }

  /**
   * Runs `work` on the branch's Postgres: its read-write compute while that runs, otherwise a
   * short-lived Postgres on the branch's data (as Neon reads or changes a branch without waking its
   * compute), stopped afterwards. Undefined when the emulator runs without Postgres.
   */
  async withPostgres<T>(branch: BranchRec, work: (postgres: PostgresProcess) => Promise<T>): Promise<T | undefined> {
    if (!this.usePostgres) return undefined;
    const dataDir = await this.materialise(branch);
    const onRunning = await this.gate(branch).shared(async () => {
      const running = this.runningPostgres(branch);
      return running ? { value: await work(running) } : undefined;
    });
    if (onRunning) return onRunning.value;
    return this.gate(branch).exclusive(async () => {
      const running = this.runningPostgres(branch);
      if (running) return work(running);
      const temporary = new PostgresProcess(dataDir, await freePort(), this.tls as Tls, this.user, this.adminPassword);
      try {
        await temporary.start();
        return await work(temporary);
      } finally {
        await temporary.stop().catch(() => temporary.kill());
      }
    });
  }

  /**
   * What the branch's data is now: its WAL position and when it last changed (the latest commit
   * timestamp Postgres kept). Without Postgres, the branch never changes after its creation.
   */
  async dataState(branch: BranchRec): Promise<DataState> {
    await this.withPostgres(branch, (postgres) => this.observe(branch, postgres));
    branch.observed ??= { at: Date.now(), lsn: branch.parentLsn ?? '0/0', changedAt: branch.dataSince, changedLsn: branch.parentLsn ?? '0/0' };
    return branch.observed;
  }

  private async observe(branch: BranchRec, postgres: PostgresProcess): Promise<DataState> {
    const admin = await postgres.admin('postgres');
    try {
      // Commit timestamps (track_commit_timestamp) survive restarts; the newest of the latest xids is
      // when the data last changed. Reading them assigns no xid, so it changes nothing itself.
      const { rows } = await admin.query<{ lsn: string; changed: string | null }>(`
        SELECT pg_current_wal_lsn()::text AS lsn,
               (SELECT ceil(extract(epoch FROM max(pg_xact_commit_timestamp(x::text::xid))) * 1000)::bigint
                  FROM generate_series(greatest(3, n - 5000), n - 1) AS x) AS changed
          FROM (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS n) AS s`);
      const row = rows[0] as { lsn: string; changed: string | null };
      const previous = branch.observed;
      const changedAt = Math.max(branch.dataSince, Number(row.changed ?? 0), previous?.changedAt ?? 0);
      // A change since the last look happened somewhere before the current LSN: that is the
      // earliest LSN known to show it.
      const changedLsn = previous && changedAt <= previous.changedAt ? previous.changedLsn : row.lsn;
      branch.observed = { at: Date.now(), lsn: row.lsn, changedAt, changedLsn };
      return branch.observed;
    } finally {
      await admin.end().catch(() => undefined);
    }
  }

  /** Queues an operation on a branch: `scheduling`, then `running` while `work` runs, then done. */
  enqueue(branch: BranchRec, action: string, endpointId: string | undefined, work: () => Promise<void>): OperationRec {
    const now = Date.now();
    const op: OperationRec = { id: ids.operationId(), action, branchId: branch.id, endpointId, status: 'scheduling', createdAt: now, updatedAt: now };
    this.operations.push(op);
    this.operationsById.set(op.id, op);
    branch.pendingOps++;
    const delay = this.delays[action] ?? 100;
    branch.queue = branch.queue.then(async () => {
      await sleep(this.delays.scheduling ?? 0);
      op.status = 'running';
      op.startedAt = op.updatedAt = Date.now();
      if (this.stalled.has(action)) return new Promise<void>(() => undefined);
      const failures = this.failNext.get(action) ?? 0;
      try {
        await Promise.all([failures > 0 || this.closed ? Promise.resolve() : work(), sleep(delay)]);
        if (failures > 0) {
          this.failNext.set(action, failures - 1);
          throw new Error(`${action} failed (injected fault)`);
        }
        op.status = 'finished';
      } catch (error) {
        op.status = 'failed';
        op.error = (error as Error).message.slice(0, 300);
      }
      op.finishedAt = op.updatedAt = Date.now();
      branch.pendingOps--;
      if (action === 'create_branch' || action === 'create_timeline') branch.state = op.status === 'finished' ? 'ready' : branch.state;
    });
    return op;
  }

  async startCompute(endpoint: EndpointRec): Promise<void> {
    const branch = this.branches.get(endpoint.branchId);
    if (this.usePostgres && branch) {
      const dataDir = await this.materialise(branch);
      endpoint.postgres ??= new PostgresProcess(dataDir, endpoint.port, this.tls as Tls, this.user, this.adminPassword);
      const postgres = endpoint.postgres;
      // Never while the emulator itself has a Postgres on this data (see withPostgres).
      await this.gate(branch).exclusive(() => postgres.start());
      if (branch.initSource === 'schema-only' && !branch.emptied) {
        await truncateAll(endpoint.postgres);
        branch.emptied = true;
      }
    }
    await endpoint.pooler.start();
    endpoint.state = 'active';
    endpoint.pending = undefined;
    endpoint.startedAt = endpoint.updatedAt = Date.now();
  }

  async suspendCompute(endpoint: EndpointRec): Promise<void> {
    endpoint.pooler.dropConnections();
    await endpoint.postgres?.stop();
    endpoint.state = 'idle';
    endpoint.pending = undefined;
    endpoint.suspendedAt = endpoint.updatedAt = Date.now();
  }

  /** Removes a branch and its computes from the project now; their processes and files go in `work`. */
  removeBranch(branch: BranchRec): () => Promise<void> {
    this.branches.delete(branch.id);
    const endpoints = this.endpointsOf(branch.id);
    for (const e of endpoints) this.endpoints.delete(e.id);
    return async () => {
      for (const e of endpoints) {
        await this.suspendCompute(e);
        await e.pooler.stop();
      }
      if (branch.dataDir) await rm(branch.dataDir, { recursive: true, force: true });
    };
  }

  /** Deletes branches whose `expires_at` has passed, as Neon does. */
  async expire(now = Date.now()): Promise<void> {
    for (const branch of [...this.branches.values()]) {
      if (branch.expiresAt && Date.parse(branch.expiresAt) <= now && branch.pendingOps === 0 && !branch.isDefault) {
        await this.removeBranch(branch)();
      }
    }
  }

  newDatabaseId(): number {
    return this.nextDatabaseId++;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      [...this.endpoints.values()].map(async (e) => {
        await e.postgres?.stop().catch(() => e.postgres?.kill());
        await e.pooler.stop();
      }),
    );
    if (this.baseDir) await rm(this.baseDir, { recursive: true, force: true });
  }

  /** Last resort on process exit: no Postgres is left behind. */
  killAll(): void {
    for (const e of this.endpoints.values()) e.postgres?.kill();
  }
}
