import { chmod, chown, copyFile, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import type pg from 'pg';
import { admitConnection } from './compute-gate.js';
import { ComputeProxy } from './compute-proxy.js';
import { DEFAULT_COMPUTE_SIZE, type ComputeSize } from './compute-size.js';
import { DataGate } from './data-gate.js';
import * as ids from './ids.js';
import { ApiError, quoteIdent, quoteLiteral, type BranchRec, type DataState, type EndpointRec, type Json, type OperationRec } from './records.js';
import { ADMIN_USER, copyDataDir, freePort, initTemplate, PostgresProcess, runAsUser, truncateAll, type RunAs, type Tls } from './postgres.js';

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
  projectName: string;
  projectUpdatedAt = Date.now();
  historyRetentionSeconds = 86_400;
  /** What a new compute gets when its request leaves size or scale-to-zero out (PATCH /projects changes it). */
  defaultEndpointSettings: { size: ComputeSize; suspendTimeout: number } = { size: DEFAULT_COMPUTE_SIZE, suspendTimeout: 0 };
  private readonly usePostgres: boolean;
  private proxyContext?: SecureContext;
  /** Every Postgres the model has made (computes and point-in-time copies), so that none outlives it. */
  private readonly processes = new Set<PostgresProcess>();
  private readonly proxies = new Set<ComputeProxy>();
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
    this.projectName = this.projectId;
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
      this.proxyContext = createSecureContext({ cert: await readFile(tls.certFile), key: await readFile(tls.keyFile) });
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

  async newEndpoint(branch: BranchRec, type: EndpointRec['type'], suspendTimeout: number, options: { size?: ComputeSize; name?: string } = {}): Promise<EndpointRec> {
    return this.addEndpoint(branch, type, suspendTimeout, await this.ports(), options);
  }

  /**
   * Registers a compute at once (no await), so a branch and its computes appear together. Its
   * two addresses are its proxy's; its Postgres gets a port of its own when it first starts.
   */
  addEndpoint(branch: BranchRec, type: EndpointRec['type'], suspendTimeout: number, [port, poolerPort]: [number, number], options: { size?: ComputeSize; name?: string } = {}): EndpointRec {
    const now = Date.now();
    const endpoint: EndpointRec = {
      id: ids.endpointId(),
      branchId: branch.id,
      type,
      name: options.name,
      state: 'init',
      pending: 'active',
      port,
      poolerPort,
      suspendTimeout,
      size: options.size ?? this.defaultEndpointSettings.size,
      createdAt: now,
      updatedAt: now,
      sessions: 0,
      proxy: undefined as unknown as ComputeProxy,
    };
    endpoint.proxy = new ComputeProxy({ direct: port, pooled: poolerPort }, this.proxyContext as SecureContext, admitConnection(this, endpoint), () => endpoint.postgres?.port);
    this.proxies.add(endpoint.proxy);
    this.endpoints.set(endpoint.id, endpoint);
    // Its addresses answer from now on, as Neon's proxy does: a connection to a compute still being
    // created waits for its start (see wake), one whose start fails is told why.
    if (this.usePostgres) endpoint.proxy.start().catch(() => undefined);
    return endpoint;
  }

  /**
   * Copies the parent's data into a branch now (a seeded branch's first use, a restore): whatever
   * needs the branch's data waits for it.
   */
  async copyFromParent(branch: BranchRec, parent: BranchRec): Promise<void> {
    const copy = this.copyInto(branch, parent);
    branch.dataReady = copy;
    await copy;
  }

  /**
   * A new branch's `create_branch` operation, which copies the parent's data, as Neon's does: so
   * POST /branches answers at once, and the branch is there (`init`) from that moment on, for a
   * client that retries the POST (409) and reuses it. Whatever needs the branch's data (its
   * computes' start, a child branch, a schema dump) waits for the operation. `verify` runs after
   * the copy (a point in time must still hold). A copy that fails fails the operation and leaves
   * the branch in state `error`, without data: its computes do not start, and it can be deleted.
   */
  createBranchOperation(branch: BranchRec, parent: BranchRec, verify?: () => Promise<void>): OperationRec {
    let settle!: (error?: Error) => void;
    const ready = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
    ready.catch(() => undefined);
    branch.dataReady = ready;
    const op = this.enqueue(branch, 'create_branch', undefined, async () => {
      await this.copyInto(branch, parent);
      await verify?.();
    });
    // The branch's queue, as it is now, settles when this operation does (failed or not).
    void branch.queue.then(() => settle(op.status === 'finished' ? undefined : new ApiError(409, `branch ${branch.id} has no data: its create_branch operation failed (${op.error ?? 'unknown error'})`)));
    return op;
  }

  /**
   * The copy itself: the branch holds the parent as of now (Neon branches from the parent's latest
   * LSN), once every database and role change asked of the parent is in its Postgres.
   */
  private async copyInto(branch: BranchRec, parent: BranchRec): Promise<void> {
    if (!this.usePostgres) return this.inheritState(branch, parent);
    const target = path.join(this.baseDir, branch.id);
    branch.dataDir = target;
    await parent.catalogApplied;
    const source = await this.materialise(parent);
    await this.copySlot(parent.id, () =>
      this.gate(parent).shared(async () => {
        const running = this.runningPostgres(parent);
        await copyDataDir(source, target, running, this.user);
        // An online copy's backup label names the parent's WAL position it was taken at.
        const label = running ? await readFile(path.join(target, 'backup_label'), 'utf8').catch(() => '') : '';
        this.inheritState(branch, parent, /START WAL LOCATION: ([0-9A-F]+\/[0-9A-F]+)/.exec(label)?.[1]);
      }),
    );
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
   * A read-only copy of a branch's data as of now, in a directory of its own, that starts as a
   * hot standby: what a read-only compute (following the Postgres at port `follow` from then on)
   * and a point-in-time connection (staying as it is) serve. Taken as a child branch's copy is:
   * once the branch's catalog changes are in, through the Postgres that owns its directory.
   */
  private async standbyCopy(branch: BranchRec, dir: string, follow?: number): Promise<void> {
    await branch.catalogApplied;
    const source = await this.materialise(branch);
    await rm(dir, { recursive: true, force: true });
    const primary = follow === undefined ? undefined : `host=127.0.0.1 port=${follow} user=${ADMIN_USER} password=${this.adminPassword} sslmode=disable`;
    await this.copySlot(branch.id, () => this.gate(branch).shared(() => copyDataDir(source, dir, this.runningPostgres(branch), this.user, { follow: primary })));
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
        for (const e of this.endpointsOf(branch.id)) {
          if (e.postgres) this.processes.delete(e.postgres);
          e.postgres = undefined;
        }
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

  /**
   * The running Postgres that owns the branch's own data directory: its read-write compute's, if
   * that runs. Read-only computes and point-in-time copies have directories of their own, so this
   * is the only Postgres a copy of the branch may be read through, and the only one on the
   * directory besides withPostgres's short-lived one (which the data gate keeps apart from it).
   */
  runningPostgres(branch: BranchRec): PostgresProcess | undefined {
    const postgres = this.endpointsOf(branch.id).find((e) => e.type === 'read_write')?.postgres;
    return postgres?.running && postgres.dataDir === branch.dataDir ? postgres : undefined;
  }

  /**
   * Runs `work` on the branch's Postgres: its read-write compute while that runs, otherwise a
   * short-lived Postgres on the branch's data (as Neon reads or changes a branch without waking its
   * compute), stopped afterwards. Undefined when the emulator runs without Postgres.
   */
  async withPostgres<T>(branch: BranchRec, work: (postgres: PostgresProcess) => Promise<T>): Promise<T | undefined> {
    if (!this.usePostgres) return undefined;
    await this.materialise(branch);
    const onRunning = await this.gate(branch).shared(async () => {
      const running = this.runningPostgres(branch);
      return running ? { value: await work(running) } : undefined;
    });
    if (onRunning) return onRunning.value;
    return this.gate(branch).exclusive(async () => {
      const running = this.runningPostgres(branch);
      if (running) return work(running);
      // The directory as it is now: a restore may have replaced it meanwhile.
      const temporary = this.postgresOn(await this.materialise(branch), await freePort());
      try {
        await temporary.start();
        return await work(temporary);
      } finally {
        await temporary.stop().catch(() => temporary.kill());
        this.processes.delete(temporary);
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
      if (op.status === 'failed' && endpointId && (action === 'start_compute' || action === 'suspend_compute')) this.settleAfterFailure(endpointId);
      if (action === 'create_branch' || action === 'create_timeline') branch.state = op.status === 'finished' ? 'ready' : action === 'create_branch' ? 'error' : branch.state;
    });
    return op;
  }

  /**
   * Starts a compute: a read-write one on its branch's data directory, a read-only one as a hot
   * standby on a fresh copy of it (its own directory, so it never touches the other's files).
   */
  async startCompute(endpoint: EndpointRec): Promise<void> {
    const branch = this.branches.get(endpoint.branchId);
    // Not before the branch has its data (it has none if its creation failed).
    await branch?.dataReady;
    // A second start of a running compute (a start asked while one was under way) changes nothing.
    if (this.usePostgres && branch && !endpoint.postgres?.running) {
      endpoint.internalPort ??= await freePort();
      if (endpoint.type === 'read_write') {
        const dataDir = await this.materialise(branch);
        const postgres = (endpoint.postgres ??= this.postgresOn(dataDir, endpoint.internalPort));
        // Never while the emulator itself has a Postgres on this data (see withPostgres), nor mid-copy.
        await this.gate(branch).exclusive(async () => {
          if (!postgres.running) await postgres.start();
        });
      } else {
        if (branch.initSource === 'schema-only' && !branch.emptied) throw new Error('a schema-only branch is emptied when its read_write compute first starts: start that one before a read_only compute');
        endpoint.dataDir = path.join(this.baseDir, endpoint.id);
        // It follows the branch's read-write compute (at the port that one has or will have), as Neon's replicas do.
        const primary = this.endpointsOf(branch.id).find((e) => e.type === 'read_write');
        if (primary) primary.internalPort ??= await freePort();
        await this.standbyCopy(branch, endpoint.dataDir, primary?.internalPort);
        endpoint.postgres = this.postgresOn(endpoint.dataDir, endpoint.internalPort);
        await endpoint.postgres.start();
      }
      if (endpoint.type === 'read_write' && branch.initSource === 'schema-only' && !branch.emptied) {
        await truncateAll(endpoint.postgres);
        branch.emptied = true;
      }
      await endpoint.proxy.start();
    }
    endpoint.state = 'active';
    endpoint.pending = undefined;
    endpoint.startedAt = endpoint.updatedAt = endpoint.lastActiveAt = Date.now();
    this.armIdleTimer(endpoint);
  }

  private postgresOn(dataDir: string, port: number): PostgresProcess {
    const postgres = new PostgresProcess(dataDir, port, this.tls as Tls, this.user, this.adminPassword);
    this.processes.add(postgres);
    return postgres;
  }

  async suspendCompute(endpoint: EndpointRec): Promise<void> {
    clearTimeout(endpoint.idleTimer);
    endpoint.proxy.dropConnections();
    const postgres = endpoint.postgres;
    const branch = this.branches.get(endpoint.branchId);
    // The branch's own directory (a read-write compute's) is not stopped under a copy being taken through it.
    if (postgres && endpoint.type === 'read_write' && branch) await this.gate(branch).exclusive(() => postgres.stop());
    else await postgres?.stop();
    if (endpoint.type === 'read_only') {
      // A read-only compute starts from a fresh copy every time; the old one goes.
      if (endpoint.postgres) this.processes.delete(endpoint.postgres);
      endpoint.postgres = undefined;
      if (endpoint.dataDir) await rm(endpoint.dataDir, { recursive: true, force: true });
    }
    endpoint.state = 'idle';
    endpoint.pending = undefined;
    endpoint.suspendedAt = endpoint.updatedAt = Date.now();
  }

  /** Stops a compute for good: its Postgres, its proxy and its own files. */
  async deleteCompute(endpoint: EndpointRec): Promise<void> {
    await this.suspendCompute(endpoint);
    await endpoint.proxy.stop();
    this.proxies.delete(endpoint.proxy);
    if (endpoint.postgres) this.processes.delete(endpoint.postgres);
  }

  /** After a failed start or suspend the compute says what it is, with nothing pending. */
  private settleAfterFailure(endpointId: string): void {
    const endpoint = this.endpoints.get(endpointId);
    if (!endpoint) return;
    const running = !this.usePostgres ? endpoint.state === 'active' : endpoint.postgres?.running === true;
    endpoint.state = running ? 'active' : 'idle';
    endpoint.pending = undefined;
    endpoint.updatedAt = Date.now();
  }

  /** A client session through the compute's proxy: it keeps the compute awake. */
  sessionOpened(endpoint: EndpointRec): void {
    endpoint.sessions++;
    clearTimeout(endpoint.idleTimer);
    endpoint.lastActiveAt = Date.now();
  }

  sessionClosed(endpoint: EndpointRec): void {
    endpoint.sessions--;
    endpoint.lastActiveAt = Date.now();
    this.armIdleTimer(endpoint);
  }

  /**
   * Scale to zero: a compute with `suspend_timeout_seconds` > 0 and no client session is
   * suspended that many seconds after its last one closed (-1 never suspends).
   */
  armIdleTimer(endpoint: EndpointRec): void {
    clearTimeout(endpoint.idleTimer);
    // 0 is the project's default (`default_endpoint_settings`), which in the emulator is 0: never.
    const seconds = endpoint.suspendTimeout === 0 ? this.defaultEndpointSettings.suspendTimeout : endpoint.suspendTimeout;
    if (seconds <= 0 || endpoint.sessions > 0 || endpoint.state !== 'active' || this.closed) return;
    endpoint.idleTimer = setTimeout(() => this.suspendIdle(endpoint), seconds * 1000);
    endpoint.idleTimer.unref();
  }

  private suspendIdle(endpoint: EndpointRec): void {
    const branch = this.branches.get(endpoint.branchId);
    if (!branch || !this.endpoints.has(endpoint.id) || endpoint.sessions > 0 || endpoint.state !== 'active' || endpoint.pending) return;
    // Not while the branch is busy or its data is being copied: try again a little later.
    if (branch.pendingOps > 0 || (this.copies.get(branch.id)?.running ?? 0) > 0) {
      endpoint.idleTimer = setTimeout(() => this.suspendIdle(endpoint), 500);
      endpoint.idleTimer.unref();
      return;
    }
    endpoint.pending = 'idle';
    this.enqueue(branch, 'suspend_compute', endpoint.id, () => this.suspendCompute(endpoint));
  }

  /**
   * What Neon's proxy does for a connection to a compute that is not running: starts it (a
   * `start_compute` operation) and waits. Resolves once it is active; throws if it cannot start.
   */
  async wake(endpoint: EndpointRec): Promise<void> {
    let started: OperationRec | undefined;
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (!this.endpoints.has(endpoint.id) || this.closed) throw new Error('the compute was deleted');
      if (endpoint.state === 'active' && !endpoint.pending) return;
      if (started?.status === 'failed') throw new Error(`the compute could not start: ${started.error ?? 'unknown error'}`);
      if (!endpoint.pending && endpoint.state !== 'active' && !started) {
        const branch = this.branches.get(endpoint.branchId);
        if (!branch) throw new Error('the branch was deleted');
        endpoint.pending = 'active';
        started = this.enqueue(branch, 'start_compute', endpoint.id, () => this.startCompute(endpoint));
      }
      if (Date.now() > deadline) throw new Error('the compute did not start in time');
      await sleep(20);
    }
  }

  /**
   * A read-only copy of a branch as of now, running as a hot standby that follows nothing, on a
   * port of its own: what a point-in-time connection is served from (see compute-gate.ts).
   * `verify` runs once the copy is made and before it starts: if it throws (the branch changed
   * meanwhile), the copy is removed and the error passed on. `release` stops and removes it.
   */
  async pointInTimeCopy(branch: BranchRec, verify: () => Promise<void>): Promise<{ port: number; release: () => Promise<void> }> {
    const dir = path.join(this.baseDir, `${branch.id}-at-${ids.operationId()}`);
    let postgres: PostgresProcess | undefined;
    const release = async () => {
      if (postgres) {
        await postgres.stop().catch(() => postgres?.kill());
        this.processes.delete(postgres);
      }
      await rm(dir, { recursive: true, force: true });
    };
    try {
      await this.standbyCopy(branch, dir);
      await verify();
      postgres = this.postgresOn(dir, await freePort());
      await postgres.start();
    } catch (error) {
      await release();
      throw error;
    }
    return { port: postgres.port, release };
  }

  /**
   * Ends every client session on the branch's computes, as Neon drops them: at their proxies, and
   * in Postgres too, so that no session goes on holding a lock. The emulator's own connections stay.
   */
  async dropSessions(branch: BranchRec): Promise<void> {
    for (const endpoint of this.endpointsOf(branch.id)) {
      endpoint.proxy.dropConnections();
      if (!endpoint.postgres?.running) continue;
      const admin = await endpoint.postgres.admin('postgres');
      try {
        await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'client backend' AND usename IS DISTINCT FROM current_user");
      } finally {
        await admin.end().catch(() => undefined);
      }
    }
  }

  /** Removes a branch and its computes from the project now; their processes and files go in `work`. */
  removeBranch(branch: BranchRec): () => Promise<void> {
    this.branches.delete(branch.id);
    const endpoints = this.endpointsOf(branch.id);
    for (const e of endpoints) this.endpoints.delete(e.id);
    return async () => {
      for (const e of endpoints) await this.deleteCompute(e);
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
    for (const e of this.endpoints.values()) clearTimeout(e.idleTimer);
    await Promise.all([...[...this.proxies].map((p) => p.stop()), ...[...this.processes].map((p) => p.stop().catch(() => p.kill()))]);
    if (this.baseDir) await rm(this.baseDir, { recursive: true, force: true });
  }

  /** Last resort on process exit: no Postgres is left behind. */
  killAll(): void {
    for (const p of this.processes) p.kill();
  }
}
