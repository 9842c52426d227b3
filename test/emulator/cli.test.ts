import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NeonClient } from '../support/neon-client.js';

// Every emulator here gets its own temp dir (TMPDIR), so what it leaves behind can be counted.
let tmp = '';
const started: ChildProcess[] = [];
/** Data directories there before the test, so one failed test does not fail the next. */
let before = new Set<string>();

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'emulator-cli-'));
  // As root, Postgres runs as `nobody`, who must reach the data directories in it.
  chmodSync(tmp, 0o755);
});
beforeEach(() => {
  before = new Set(dataDirs());
});
afterEach(() => {
  // A test that failed may leave a process group behind: end it (only ours, by its id).
  for (const child of started.splice(0)) {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Started in its own process group, as a terminal starts a command (so Ctrl-C can be sent to all of it). */
function start(command: string, args: string[]): ChildProcess & { out: string; err: string } {
  const child = spawn(command, args, { env: { ...process.env, TMPDIR: tmp }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }) as ChildProcess & { out: string; err: string };
  started.push(child);
  child.out = '';
  child.err = '';
  child.stdout?.on('data', (d: Buffer) => (child.out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (child.err += d.toString()));
  return child;
}

const emulatorCli = (...args: string[]) => start(process.execPath, ['--import', 'tsx', 'emulator/cli.ts', ...args]);

/** Resolves when the child and everything holding its output have exited; fails after `ms`. */
async function closed(child: ChildProcess, ms = 60_000): Promise<number | null> {
  const timer = setTimeout(() => child.emit('close', 'timeout'), ms);
  const [code] = (await once(child, 'close')) as [number | null | 'timeout'];
  clearTimeout(timer);
  if (code === 'timeout') throw new Error(`still running ${ms / 1000} s later`);
  return code;
}

/** Reads stdout lines until `until` matches one; returns the `KEY=value` lines seen. */
async function readUntil(child: ChildProcess, until: RegExp): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  const input = child.stdout as NodeJS.ReadableStream;
  try {
    for await (const line of createInterface({ input })) {
      const [key = '', value = ''] = line.split(/=(.*)/s);
      env[key] = value;
      if (until.test(line)) return env;
    }
  } finally {
    // Closing the reader pauses the stream; keep it flowing so `close` can come.
    input.resume();
  }
  throw new Error(`the output ended first: ${(child as { err?: string }).err ?? ''}`);
}

/** Emulator data directories (`neon-emulator-XXXXXX`; the certificate and the binaries' cache are kept on purpose). */
const dataDirs = () => readdirSync(tmp).filter((name) => /^neon-emulator-[A-Za-z0-9]{6}$/.test(name));

/** Postgres processes under this file's temp dir, and data directories the test left there. */
function leftovers(): { postgres: string[]; dataDirs: string[] } {
  const postgres = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(tmp) && l.includes('postgres'));
  return { postgres, dataDirs: dataDirs().filter((d) => !before.has(d)) };
}

async function eventually(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  for (const deadline = Date.now() + ms; !check(); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

/** Lines people see on stderr (npm's own notices aside). */
const lines = (text: string) => text.split('\n').filter((l) => l.trim() && !l.startsWith('npm warn'));

// Below the compute ports (15000 and up) and the ephemeral range.
const freshPort = () => 10_000 + Math.floor(Math.random() * 4000);

describe('emulator: the command line', () => {
  it('prints NEON_API_HOST, a project-scoped NEON_API_KEY and NEON_PROJECT_ID; Ctrl-C stops every Postgres it started, removes its data and says so', async () => {
    const port = freshPort();
    const child = emulatorCli('--port', String(port));
    const env = await readUntil(child, /^NODE_EXTRA_CA_CERTS=/);
    expect(env.NEON_API_HOST).toBe(`http://127.0.0.1:${port}/api/v2`);
    expect(env.NEON_API_KEY).toMatch(/^napi_/);
    expect(env.NEON_PROJECT_ID).toMatch(/^[a-z]+-[a-z]+-\d+$/);
    await eventually(() => child.err.includes('Ctrl-C stops it'), 'the banner');
    expect(child.err).toContain('NEON_API_KEY is a project-scoped key');

    // The printed key reaches its project, and only it.
    const client = new NeonClient({ url: env.NEON_API_HOST ?? '', apiKey: env.NEON_API_KEY ?? '', projectId: env.NEON_PROJECT_ID ?? '' });
    expect((await client.call('GET', '/projects')).status).toBe(404);
    // A second branch means a second Postgres; both must go with the emulator.
    await client.createBranch({ name: 'dev' });
    expect(leftovers().postgres).toHaveLength(2);

    process.kill(child.pid as number, 'SIGINT');
    expect(await closed(child)).toBe(0);
    expect(lines(child.err).filter((l) => /stopped/.test(l))).toEqual([expect.stringMatching(/^Neon emulator stopped/)]);
    expect(leftovers()).toEqual({ postgres: [], dataDirs: [] });
  });

  it('--key personal prints a key that reaches every route', async () => {
    const child = emulatorCli('--port', String(freshPort()), '--key', 'personal');
    const env = await readUntil(child, /^NODE_EXTRA_CA_CERTS=/);
    const client = new NeonClient({ url: env.NEON_API_HOST ?? '', apiKey: env.NEON_API_KEY ?? '', projectId: env.NEON_PROJECT_ID ?? '' });
    expect((await client.call('GET', '/projects')).status).toBe(200);
    expect((await client.call('GET', '/api_keys')).status).toBe(200);
    process.kill(child.pid as number, 'SIGTERM');
    await closed(child);
  });

  it('a port that is not a number: one line that says so, no stack trace, a non-zero exit', async () => {
    const child = emulatorCli('--port', 'http');
    expect(await closed(child)).not.toBe(0);
    expect(lines(child.err)).toEqual(['Neon emulator: --port must be a port number from 0 to 65535, not "http"']);
  });

  it('a busy port: one line that says so, no stack trace, a non-zero exit, and nothing left behind', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const child = emulatorCli('--port', String(port));
      expect(await closed(child)).not.toBe(0);
      expect(lines(child.err)).toEqual([`Neon emulator: port ${port} is already in use; choose another with --port N`]);
      expect(child.out).toBe('');
      expect(leftovers()).toEqual({ postgres: [], dataDirs: [] });
    } finally {
      busy.close();
    }
  });

  it('SIGTERM to the npm parent (`npm run emulator & ... kill $!`) stops it cleanly too', async () => {
    const npm = start('npm', ['run', 'emulator', '--', '--port', String(freshPort())]);
    await readUntil(npm, /^NODE_EXTRA_CA_CERTS=/);
    expect(leftovers().postgres).toHaveLength(1);
    process.kill(npm.pid as number, 'SIGTERM');
    // `close` waits for every process that holds the output: npm, its shell and the emulator.
    await closed(npm);
    expect(lines(npm.err).filter((l) => /stopped/.test(l))).toEqual([expect.stringMatching(/^Neon emulator stopped/)]);
    expect(leftovers()).toEqual({ postgres: [], dataDirs: [] });
  });

  it('Ctrl-C during `npm run demo` leaves no Postgres and no data behind, and says it stopped', async () => {
    const npm = start('npm', ['run', 'demo']);
    // The action is running against the emulator: Postgres is up, a branch is being made.
    await readUntil(npm, /Run log: pull_request opened/);
    expect(leftovers().postgres.length).toBeGreaterThan(0);
    // What a terminal does on Ctrl-C: SIGINT to every process of the foreground group.
    process.kill(-(npm.pid as number), 'SIGINT');
    await closed(npm);
    expect(lines(npm.err).filter((l) => /interrupted|stopped/i.test(l))).toEqual([expect.stringMatching(/^Demo interrupted/)]);
    expect(npm.err).not.toMatch(/^\s+at /m);
    expect(leftovers()).toEqual({ postgres: [], dataDirs: [] });
  });
});
