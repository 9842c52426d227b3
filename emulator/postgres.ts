import { spawn, type ChildProcess } from 'node:child_process';
import { appendFile, chmod, chown, copyFile, cp, mkdir, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { postgresBinDir } from './postgres-binaries.js';

/** Where the Postgres binaries live: npm's copy, or as root a copy `nobody` can run (postgres-binaries.ts). */
function binDir(): string {
  return postgresBinDir();
}

/** Postgres refuses to run as root: run it as `nobody` then, and hand it its files. */
export interface RunAs {
  uid: number;
  gid: number;
}

export async function runAsUser(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = await readFile('/etc/passwd', 'utf8');
  const line = passwd.split('\n').find((l) => l.startsWith('nobody:'));
  if (!line) throw new Error('Running as root and no `nobody` user to run Postgres as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export async function chownTree(target: string, user: RunAs | undefined): Promise<void> {
  if (!user) return;
  await chown(target, user.uid, user.gid);
  const entries = await readdir(target, { withFileTypes: true, recursive: true });
  await Promise.all(entries.map((e) => chown(path.join(e.parentPath, e.name), user.uid, user.gid)));
}

function run(bin: string, args: string[], user: RunAs | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(binDir(), bin), args, { stdio: ['ignore', 'ignore', 'pipe'], ...(user ?? {}) });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${bin} exited ${code}: ${stderr.slice(-500)}`))));
  });
}

/**
 * Compute ports come from below Linux's ephemeral range (32768 and up), so an outgoing connection
 * cannot take a port between its check here and Postgres or the pooler binding it. Each process
 * starts at a random point and never hands the same port out twice.
 */
const PORT_RANGE = [15_000, 32_000] as const;
let nextPort = PORT_RANGE[0] + Math.floor(Math.random() * (PORT_RANGE[1] - PORT_RANGE[0]));
const handedOut = new Set<number>();

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let tries = 0; tries < PORT_RANGE[1] - PORT_RANGE[0]; tries++) {
    const port = nextPort;
    nextPort = port + 1 >= PORT_RANGE[1] ? PORT_RANGE[0] : port + 1;
    if (handedOut.has(port)) continue;
    if (await canListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port between ${PORT_RANGE[0]} and ${PORT_RANGE[1]}`);
}

export const ADMIN_USER = 'cloud_admin';

const HBA = `# Written by the Neon emulator: TLS and SCRAM for everyone, as on Neon; the emulator's own admin may skip TLS,
# and streams the WAL of a read-write compute to its branch's read-only computes.
hostssl all all 127.0.0.1/32 scram-sha-256
host    all ${ADMIN_USER} 127.0.0.1/32 scram-sha-256
host    replication ${ADMIN_USER} 127.0.0.1/32 scram-sha-256
`;

/** One initdb per emulator; every root branch starts as a copy of it. */
export async function initTemplate(dir: string, adminPassword: string, user: RunAs | undefined): Promise<void> {
  await mkdir(path.dirname(dir), { recursive: true });
  const pwfile = `${dir}.pw`;
  await writeFile(pwfile, adminPassword, { mode: 0o600 });
  await chownTree(path.dirname(dir), user);
  await run('initdb', ['-D', dir, '-U', ADMIN_USER, `--pwfile=${pwfile}`, '-A', 'scram-sha-256', '-E', 'UTF8', '--locale=C', '--wal-segsize=1', '-N', '--no-instructions'], user);
  await rm(pwfile);
  await writeFile(path.join(dir, 'pg_hba.conf'), HBA);
  await chownTree(dir, user);
}

export interface Tls {
  certFile: string;
  keyFile: string;
}

/**
 * A running Postgres on its own data directory, listening on a loopback port that only the
 * compute's proxy and the emulator's own admin connections use: one Neon compute.
 */
export class PostgresProcess {
  private child?: ChildProcess;
  private exited?: Promise<void>;

  constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly tls: Tls,
    private readonly user: RunAs | undefined,
    private readonly adminPassword: string,
  ) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  async start(): Promise<void> {
    // postmaster.pid is Postgres's own: a compute never removes one (its data directory is its
    // own, and Postgres itself clears a lock left by a process that is gone).
    const settings = {
      port: String(this.port),
      listen_addresses: '127.0.0.1',
      unix_socket_directories: '',
      ssl: 'on',
      ssl_cert_file: this.tls.certFile,
      ssl_key_file: this.tls.keyFile,
      shared_buffers: '16MB',
      // Neon's smallest computes allow about a hundred.
      max_connections: '100',
      fsync: 'off',
      synchronous_commit: 'off',
      max_wal_size: '64MB',
      // Keeps the WAL an online copy needs even when other copies force checkpoints meanwhile.
      wal_keep_size: '256MB',
      password_encryption: 'scram-sha-256',
      // When each transaction committed: how the emulator knows when a branch's data last changed.
      track_commit_timestamp: 'on',
      logging_collector: 'off',
    };
    const args = ['-D', this.dataDir, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
    const child = spawn(path.join(binDir(), 'postgres'), args, { stdio: ['ignore', 'ignore', 'pipe'], ...(this.user ?? {}) });
    this.child = child;
    let log = '';
    child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    this.exited = new Promise((resolve) => child.on('exit', () => resolve()));
    child.on('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (!this.child) throw new Error(`Postgres on port ${this.port} exited while starting: ${log.slice(-800)}`);
      try {
        const client = await this.admin('postgres', 2000);
        await client.end();
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`Postgres on port ${this.port} did not start: ${log.slice(-800)}`);
        await new Promise((r) => setTimeout(r, 40));
      }
    }
  }

  /** Fast shutdown: connections are dropped, as when Neon suspends a compute. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  kill(): void {
    this.child?.kill('SIGKILL');
  }

  /** The emulator's own connection, straight to the internal port; a short timeout while probing a starting server, a patient one for work. */
  async admin(database: string, timeoutMs = 15_000): Promise<pg.Client> {
    const client = new pg.Client({ host: '127.0.0.1', port: this.port, user: ADMIN_USER, password: this.adminPassword, database, ssl: false, connectionTimeoutMillis: timeoutMs });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }
}

const NOT_COPIED = new Set(['postmaster.pid', 'postmaster.opts', 'pg_wal']);

/**
 * Copies a branch's data directory into a new one. When its Postgres is running this is an
 * online base backup (pg_backup_start / copy / pg_backup_stop, then the WAL): the parent keeps
 * serving its connections, and the copy recovers to a consistent state when it starts. With
 * `standby`, the copy starts as a hot standby (standby.signal): it serves reads, and Postgres
 * refuses every write ("cannot execute INSERT in a read-only transaction"), whatever a client
 * sets; with `follow` (a libpq connection string to the primary) it then streams its WAL.
 */
export async function copyDataDir(source: string, target: string, running: PostgresProcess | undefined, user: RunAs | undefined, standby?: { follow?: string }): Promise<void> {
  if (!running?.running) {
    await cp(source, target, { recursive: true, filter: (src) => !['postmaster.pid', 'postmaster.opts'].includes(path.relative(source, src)) });
  } else {
    const client = await running.admin('postgres');
    try {
      await client.query(`SELECT pg_backup_start('neon-emulator-branch', true)`);
      await copyLive(source, target, (relative) => NOT_COPIED.has(relative));
      const { rows } = await client.query<{ labelfile: string }>('SELECT labelfile FROM pg_backup_stop(false)');
      await copyLive(path.join(source, 'pg_wal'), path.join(target, 'pg_wal'), () => false);
      await writeFile(path.join(target, 'backup_label'), rows[0]?.labelfile ?? '');
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  await mkdir(path.join(target, 'pg_wal', 'archive_status'), { recursive: true });
  if (standby) {
    await writeFile(path.join(target, 'standby.signal'), '');
    // A standby that follows streams the primary's WAL from then on; one that does not stays at the copy.
    if (standby.follow) await appendFile(path.join(target, 'postgresql.auto.conf'), `primary_conninfo = '${standby.follow.replace(/'/g, "''")}'\n`);
  }
  await chmod(target, 0o700);
  await chownTree(target, user);
}

/** Files copied at once within one directory of a live copy (enough to be quick, few enough for the file limit). */
const FILES_AT_ONCE = 16;

const vanished = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

async function ignoreVanished(work: Promise<void>): Promise<void> {
  try {
    await work;
  } catch (error) {
    if (!vanished(error)) throw error;
  }
}

/**
 * Copies the directory tree of a running Postgres, as pg_basebackup does: a file that disappears
 * meanwhile (a WAL segment being recycled, a temporary file, a dropped table's) is left out, since
 * the WAL replayed from the backup's start brings the copy to a consistent state without it.
 */
async function copyLive(source: string, target: string, skip: (relative: string) => boolean, root = source): Promise<void> {
  let entries;
  try {
    entries = await readdir(source, { withFileTypes: true });
  } catch (error) {
    if (vanished(error)) return;
    throw error;
  }
  await mkdir(target, { recursive: true, mode: 0o700 });
  const files: string[] = [];
  for (const entry of entries) {
    const from = path.join(source, entry.name);
    if (skip(path.relative(root, from))) continue;
    if (entry.isDirectory()) await copyLive(from, path.join(target, entry.name), skip, root);
    else if (entry.isSymbolicLink()) await ignoreVanished(readlink(from).then((link) => symlink(link, path.join(target, entry.name))));
    else files.push(entry.name);
  }
  for (let i = 0; i < files.length; i += FILES_AT_ONCE) {
    await Promise.all(files.slice(i, i + FILES_AT_ONCE).map((name) => ignoreVanished(copyFile(path.join(source, name), path.join(target, name)))));
  }
}

/** Empties every user table of every database: a schema-only branch keeps the schema alone. */
export async function truncateAll(postgres: PostgresProcess): Promise<void> {
  const admin = await postgres.admin('postgres');
  const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datallowconn AND datname NOT IN ('template0','template1','postgres')");
  await admin.end();
  for (const { datname } of rows) {
    const client = await postgres.admin(datname);
    await client.query(`DO $$ DECLARE t text; BEGIN
      SELECT string_agg(format('%I.%I', schemaname, tablename), ', ') INTO t FROM pg_tables
       WHERE schemaname NOT IN ('pg_catalog', 'information_schema');
      IF t IS NOT NULL THEN EXECUTE 'TRUNCATE ' || t || ' RESTART IDENTITY CASCADE'; END IF; END $$`);
    await client.end();
  }
}
