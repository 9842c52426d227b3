import { expect } from 'vitest';
import { runAction, type RunResult } from '../../emulator/runner.js';
import type { World } from '../support/world.js';

/** A `pull_request` payload for any repository, as GitHub sends it (the fields the action reads). */
export function pullRequestPayload(action: string, number: number, options: { repo?: string; head?: string; fork?: boolean } = {}) {
  const full = options.repo ?? 'acme/shop';
  const [owner = '', name = ''] = full.split('/');
  const repository = { full_name: full, name, owner: { login: owner } };
  return {
    action,
    number,
    pull_request: { number, state: action === 'closed' ? 'closed' : 'open', head: { ref: options.head ?? 'feature/login', repo: { full_name: options.fork ? `stranger/${name}` : full } } },
    repository,
  };
}

/** Runs the built action for any event of any repository, as the runner would (GITHUB_REPOSITORY matches the payload). */
export function runIn(
  world: World,
  eventName: string,
  payload: { repository?: { full_name?: string }; [key: string]: unknown },
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
): Promise<RunResult> {
  return runAction({
    inputs: { ...world.neon.actionInputs(), ...inputs },
    eventName,
    payload,
    githubUrl: world.github.url,
    env: { GITHUB_REPOSITORY: payload.repository?.full_name ?? 'acme/shop', ...env },
  });
}

/** The commands the Actions runner registers (any other name is plain text to it). */
const REGISTERED = new Set(['set-env', 'set-output', 'save-state', 'add-mask', 'add-path', 'add-matcher', 'remove-matcher', 'debug', 'warning', 'error', 'notice', 'group', 'endgroup', 'echo', 'stop-commands']);

export interface RunnerCommand {
  command: string;
  data: string;
  legacy: boolean;
  line: string;
}

/**
 * The workflow commands the runner would act on in this stdout, parsed by its own rules
 * (ActionCommand.TryParseV2, then the legacy TryParse): `::name ...::data` at the start of a line
 * after leading white space, else `##[name ...]data` anywhere in the line.
 */
export function runnerCommands(stdout: string): RunnerCommand[] {
  const found: RunnerCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const trimmed = line.trimStart();
    if (trimmed.startsWith('::')) {
      const end = trimmed.indexOf('::', 2);
      if (end >= 0) {
        const info = trimmed.slice(2, end);
        const name = info.split(' ')[0] ?? '';
        if (REGISTERED.has(name)) {
          found.push({ command: name, data: trimmed.slice(end + 2), legacy: false, line });
          continue;
        }
      }
    }
    const at = line.indexOf('##[');
    if (at >= 0) {
      const close = line.indexOf(']', at);
      const name = close < 0 ? '' : (line.slice(at + 3, close).split(' ')[0] ?? '');
      if (REGISTERED.has(name)) found.push({ command: name, data: line.slice(close + 1), legacy: true, line });
    }
  }
  return found;
}

/** Exit code, error lines, no stack trace, no "Unexpected failure", and no secret anywhere. */
export function expectSucceeded(world: World, result: RunResult): void {
  expect(result.errors).toEqual([]);
  expect(result.code).toBe(0);
  expectClean(world, result);
}

export function expectFailedWith(world: World, result: RunResult, message: RegExp): void {
  expect(result.errors).toHaveLength(1);
  expect(result.errors[0]).toMatch(message);
  expect(result.code).toBe(1);
  expectClean(world, result);
}

export function expectClean(world: World, result: RunResult): void {
  expect(world.leaks(result)).toEqual([]);
  expect(result.log + result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(result.log).not.toMatch(/Unexpected failure/);
}

export { renderMarkdown } from '../support/markdown.js';

/** The HTML with every `<code>…</code>` taken out: what is left is rendered as markup, links and mentions. */
export function outsideCode(html: string): string {
  return html.replace(/<code>[\s\S]*?<\/code>/g, '');
}

/** The text of every `<code>` element, HTML entities decoded. */
export function codeTexts(html: string): string[] {
  return [...html.matchAll(/<code>([\s\S]*?)<\/code>/g)].map((m) =>
    (m[1] ?? '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&'),
  );
}

/** A request to the emulated Neon API, as a person with the key would make it (neonctl, the console). */
export async function neonCall<T = Record<string, unknown>>(world: World, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${world.neon.url}/projects/${world.neon.projectId}${path}`, {
    method,
    headers: { authorization: `Bearer ${world.neon.apiKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Waits until `check` holds, polling every 50 ms, for at most `ms`. */
export async function until(check: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
