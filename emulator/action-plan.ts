/**
 * The command line of `npm run action`: which events to run, with which inputs, against which Neon
 * and which GitHub. Pure, so it is tested without starting anything.
 */

export const PULL_REQUEST_ACTIONS = ['opened', 'reopened', 'synchronize', 'closed'];
const OTHER_EVENTS = ['push', 'schedule', 'workflow_dispatch'];
const OWN_OPTIONS = ['pr', 'head'];

export const USAGE = `Usage: npm run action -- <event>... [--<input> value ...] [--pr N] [--head REF]

  <event>    ${PULL_REQUEST_ACTIONS.join(', ')} (a pull_request event), or ${OTHER_EVENTS.join(', ')};
             several run one after the other against the same Neon and GitHub.
  --<input>  any input of action.yml (--branch_name or --branch-name, --command get, --comment false, …).
  --pr N     the pull request number (default 1); --head REF its head branch (default feature/login).

Neon:   the local emulator, unless NEON_API_KEY and NEON_PROJECT_ID are set (then that project,
        at NEON_API_HOST if set: point it at \`npm run emulator\` to keep state between runs).
GitHub: a local stub, unless GITHUB_TOKEN is set (then GITHUB_REPOSITORY=owner/name and --pr
        name a real pull request, at GITHUB_API_URL or https://api.github.com).`;

/** A bad command line, said in one line. */
export class UsageError extends Error {}

export interface Plan {
  events: string[];
  inputs: Record<string, string>;
  pr: number;
  head: string;
  neon: { kind: 'emulator' } | { kind: 'project'; apiKey: string; projectId: string; apiHost?: string };
  github: { kind: 'stub' } | { kind: 'github'; token: string; apiUrl: string; repository: string };
}

/** What to run and against what, from the arguments and the environment; throws UsageError. */
export function planRun(argv: string[], env: Record<string, string | undefined>, inputNames: string[]): Plan {
  const events: string[] = [];
  const inputs: Record<string, string> = {};
  const own: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      if (![...PULL_REQUEST_ACTIONS, ...OTHER_EVENTS].includes(arg)) throw new UsageError(`Unknown event "${arg}": use ${[...PULL_REQUEST_ACTIONS, ...OTHER_EVENTS].join(', ')}.`);
      events.push(arg);
      continue;
    }
    const [flag = '', inline] = arg.slice(2).split(/=(.*)/s);
    const name = flag.replace(/-/g, '_');
    if (!inputNames.includes(name) && !OWN_OPTIONS.includes(name)) throw new UsageError(`Unknown option --${flag}: the inputs are ${inputNames.map((n) => `--${n}`).join(', ')}; also --pr and --head.`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`Option --${flag} needs a value, as in --${flag} <value>.`);
    (OWN_OPTIONS.includes(name) ? own : inputs)[name] = value;
  }
  if (events.length === 0) throw new UsageError(`Name an event, as in \`npm run action -- opened\`: ${[...PULL_REQUEST_ACTIONS, ...OTHER_EVENTS].join(', ')}.`);
  const pr = Number(own.pr ?? '1');
  if (!Number.isInteger(pr) || pr < 1) throw new UsageError(`--pr must be a pull request number such as 7, not "${own.pr}".`);

  if (Boolean(env.NEON_API_KEY) !== Boolean(env.NEON_PROJECT_ID)) {
    throw new UsageError(`Set both NEON_API_KEY and NEON_PROJECT_ID to run against a Neon project (only ${env.NEON_API_KEY ? 'NEON_API_KEY' : 'NEON_PROJECT_ID'} is set), or neither for the local emulator.`);
  }
  const neon: Plan['neon'] = env.NEON_API_KEY && env.NEON_PROJECT_ID ? { kind: 'project', apiKey: env.NEON_API_KEY, projectId: env.NEON_PROJECT_ID, apiHost: env.NEON_API_HOST || undefined } : { kind: 'emulator' };

  let github: Plan['github'] = { kind: 'stub' };
  if (env.GITHUB_TOKEN) {
    if (!/^[^/\s]+\/[^/\s]+$/.test(env.GITHUB_REPOSITORY ?? '')) throw new UsageError('GITHUB_TOKEN is set, so the comment goes to GitHub: set GITHUB_REPOSITORY=owner/name too, and --pr to one of its pull requests.');
    github = { kind: 'github', token: env.GITHUB_TOKEN, apiUrl: env.GITHUB_API_URL || 'https://api.github.com', repository: env.GITHUB_REPOSITORY as string };
  }
  return { events, inputs, pr, head: own.head ?? 'feature/login', neon, github };
}

