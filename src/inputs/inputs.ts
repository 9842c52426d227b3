import { branchNameProblem, defaultBranchName } from './branch-name.js';
import { COMMAND_INPUTS, pickCommand, type Command, type CommandInput } from './command.js';
import { ActionError, InputError } from '../errors.js';
import type { EventInfo } from '../github/event.js';
import { t } from '../text.js';
import { resolveExpiry } from './expiry.js';
import { parseComputeUnits, type ComputeUnits } from './compute-units.js';
import { parseMaskingRules, type MaskingRule } from './masking-rules.js';
import { githubToken } from './github-token.js';
import { parseSchemaDiffInputs, type SchemaDiffInputs } from './schema-diff.js';

export const SSL_MODES = ['require', 'verify-ca', 'verify-full', 'omit'] as const;
export type SslMode = (typeof SSL_MODES)[number];
export const BRANCH_TYPES = ['default', 'schema-only'] as const;
export type BranchType = (typeof BRANCH_TYPES)[number];
export const VERIFY_MODES = ['warn', 'require', 'off'] as const;
/** `verify_connection`: what a failed connection check does (see src/commands/verify.ts). */
export type VerifyMode = (typeof VERIFY_MODES)[number];

/** Every setting the action runs with, validated and with defaults and derived values applied. */
export interface Inputs extends SchemaDiffInputs {
  command: Command;
  apiKey: string;
  projectId: string;
  apiHost: string;
  branchName: string;
  /** True when branch_name was set; false when it is the default derived from the event. */
  branchNameGiven: boolean;
  parentBranch?: string;
  database: string;
  /** True when `database` was set: `command: diff` then compares that database only, else every database of the branch. */
  databaseGiven: boolean;
  role: string;
  ssl: SslMode;
  suspendTimeout?: number;
  /** RFC 3339, or undefined for a branch that never expires. */
  expiresAt?: string;
  branchType: BranchType;
  githubToken: string;
  comment: boolean;
  timeoutMs: number;
  resetOnPush: boolean;
  dryRun: boolean;
  /** Rules for an anonymized branch (at least one); undefined for a branch that is not anonymized. */
  maskingRules?: MaskingRule[];
  getAuthUrl: boolean;
  getDataApiUrl: boolean;
  /** The compute's size on create; undefined for the project's default. */
  computeUnits?: ComputeUnits;
  verifyConnection: VerifyMode;
  failOnDestructive: boolean;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export type ReadInput = (name: string) => string;

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(name, t`"${value}" is not valid; use one of ${allowed.join(', ')}`);
}

function bool(name: string, value: string): boolean {
  if (/^(true|yes|1)$/i.test(value)) return true;
  if (/^(false|no|0|)$/i.test(value)) return false;
  throw new InputError(name, t`"${value}" is not valid; use true or false`);
}

function integer(name: string, value: string, min: number, max: number, unit: string): number {
  if (!/^-?\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max) {
    throw new InputError(name, t`"${value}" is not valid; use a whole number of ${unit} from ${min} to ${max}`);
  }
  return Number(value);
}

function required(name: string, value: string, event: EventInfo): string {
  if (value) return value;
  const fork = event.fromFork
    ? ' This run is for a pull request from a fork, and GitHub does not pass secrets or variables to workflows triggered from forks: run the preview step only for branches of this repository (for example `if: github.event.pull_request.head.repo.full_name == github.repository`).'
    : '';
  throw new InputError(name, `is required but empty.${fork}`);
}

/** Reads and validates every input once; throws an InputError naming the first bad one. */
export function parseInputs(read: ReadInput, event: EventInfo, now: Date): Inputs {
  const command = pickCommand(oneOf<CommandInput>('command', read('command') || 'auto', COMMAND_INPUTS), event.eventName, event.action);
  const apiKey = required('api_key', read('api_key'), event);
  const projectId = required('project_id', read('project_id').trim(), event);
  if (!/^[a-z0-9-]{1,60}$/.test(projectId)) {
    throw new InputError('project_id', t`"${projectId}" is not a Neon project id (lower-case letters, digits and dashes, such as quiet-lake-12345678)`);
  }

  const apiHost = (read('api_host') || 'https://console.neon.tech/api/v2').replace(/\/+$/, '');
  if (!isHttpUrl(apiHost)) throw new InputError('api_host', t`"${apiHost}" is not an http(s) URL such as https://console.neon.tech/api/v2`);

  if (event.eventName === 'issue_comment' && event.prNumber === undefined && !read('branch_name') && command !== 'cleanup') {
    throw new ActionError(
      t`This issue_comment event is on issue #${event.issueNumber ?? 0}, which is not a pull request: there is no preview branch for it. Run the step only for comments on pull requests (if: github.event.issue.pull_request), or set branch_name.`,
    );
  }
  const given = read('branch_name');
  const schemaDiff = parseSchemaDiffInputs(
    { compare_branch: read('compare_branch').trim(), base_branch: read('base_branch').trim(), timestamp: read('timestamp').trim(), lsn: read('lsn').trim(), branch_name: given.trim() },
    command,
    now,
  );
  // compare_branch names the branch `diff` compares (by name or id) instead of the PR's.
  const branchName = given || schemaDiff.compareBranch || (command === 'cleanup' ? 'preview/' : defaultBranchName(event));
  if (branchName === undefined) {
    throw new InputError('branch_name', t`cannot be derived from a ${event.eventName} event with no pull request or ref; set it`);
  }
  const nameProblem = branchNameProblem(branchName);
  if (nameProblem) throw new InputError(!given && schemaDiff.compareBranch ? 'compare_branch' : 'branch_name', t`"${branchName.length > 60 ? `${branchName.slice(0, 60)}…` : branchName}" ${nameProblem}`);

  const expiry = resolveExpiry(read('expires_at').trim(), (read('expires_in') || '3d').trim(), now);
  if (!expiry.ok) throw new InputError(expiry.input, t`${expiry.problem}`);

  const suspend = read('suspend_timeout').trim();
  const database = read('database').trim();
  return {
    command,
    apiKey,
    projectId,
    apiHost,
    branchName,
    branchNameGiven: Boolean(given),
    parentBranch: read('parent_branch').trim() || undefined,
    database: database || 'neondb',
    databaseGiven: Boolean(database),
    role: read('role').trim() || 'neondb_owner',
    ssl: oneOf('ssl', read('ssl') || 'require', SSL_MODES),
    suspendTimeout: suspend ? integer('suspend_timeout', suspend, -1, 604800, 'seconds') : undefined,
    expiresAt: expiry.expiresAt,
    branchType: oneOf('branch_type', read('branch_type') || 'default', BRANCH_TYPES),
    githubToken: githubToken({ github_token: read('github_token'), 'github-token': read('github-token') }),
    comment: bool('comment', read('comment') || 'true'),
    timeoutMs: integer('timeout', read('timeout') || '300', 1, 3600, 'seconds') * 1000,
    resetOnPush: bool('reset_on_push', read('reset_on_push') || 'false'),
    dryRun: bool('dry_run', read('dry_run') || 'false'),
    maskingRules: parseMaskingRules(read('masking_rules')),
    getAuthUrl: bool('get_auth_url', read('get_auth_url') || 'false'),
    getDataApiUrl: bool('get_data_api_url', read('get_data_api_url') || 'false'),
    computeUnits: parseComputeUnits(read('compute_units')),
    verifyConnection: oneOf('verify_connection', read('verify_connection') || 'warn', VERIFY_MODES),
    failOnDestructive: bool('fail_on_destructive', read('fail_on_destructive') || 'false'),
    ...schemaDiff,
  };
}
