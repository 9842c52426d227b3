import { InputError } from '../errors.js';
import { t } from '../text.js';
import type { Command } from './command.js';

/**
 * A point in the compared branch's history (schema-diff-action's `timestamp` or `lsn`): Neon's
 * `compare_schema` then reads the branch's schema as it was there, not at its head.
 */
export type PointInTime = { timestamp: string } | { lsn: string };

/** `command: diff`'s names from neondatabase/schema-diff-action, validated. */
export interface SchemaDiffInputs {
  /** The branch to compare, by name or id; undefined for the PR's preview branch (found as `get` finds it). */
  compareBranch?: string;
  /** The branch to compare with, by name or id; undefined for the compared branch's parent. */
  baseBranch?: string;
  pointInTime?: PointInTime;
}

/** As given to the step (trimmed), empty when not set. */
export interface SchemaDiffGiven {
  compare_branch: string;
  base_branch: string;
  timestamp: string;
  lsn: string;
  branch_name: string;
}

/** RFC 3339 date-time, as Neon's `format: date-time`: `2024-05-01T12:00:00Z`, fractions and offsets allowed. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;

/** Whether `text` is an RFC 3339 time that is on the calendar (no 30 February, no 25:00). */
function isDateTime(text: string): boolean {
  const m = DATE_TIME.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = [1, 2, 3, 4, 5, 6, 9, 10].map((k) => Number(m[k] ?? 0)) as [number, number, number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour < 24 && minute < 60 && second < 60 && offsetHours < 24 && offsetMinutes < 60;
}

/** A Postgres LSN: two hexadecimal halves of at most 8 digits, `0/16B3748`. */
const LSN = /^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/;

const DIFF_ONLY = ['compare_branch', 'base_branch', 'timestamp', 'lsn'] as const;

/**
 * Validates schema-diff-action's inputs: they mean something only with `command: diff` (with any
 * other command, setting one is an error rather than a setting silently ignored), `compare_branch`
 * and `branch_name` cannot both name the branch, `timestamp` is an RFC 3339 time not in the
 * future, `lsn` looks like `0/16B3748`, and only one of the two is set.
 */
export function parseSchemaDiffInputs(given: SchemaDiffGiven, command: Command, now: Date): SchemaDiffInputs {
  const set = DIFF_ONLY.filter((name) => given[name] !== '');
  if (set.length === 0) return {};
  if (command !== 'diff') {
    const [first] = set;
    throw new InputError(first ?? 'compare_branch', t`is used only with command diff (this run's command is ${command}); remove it, or set command: diff`);
  }
  if (given.compare_branch && given.branch_name) {
    throw new InputError('compare_branch', t`and branch_name both name the branch to compare ("${given.compare_branch}" and "${given.branch_name}"); set only one`);
  }
  if (given.timestamp && given.lsn) {
    throw new InputError('timestamp', t`and lsn are both set; set only one of them (a time, or a WAL position) to compare the branch as it was then`);
  }
  let pointInTime: PointInTime | undefined;
  if (given.timestamp) {
    const at = Date.parse(given.timestamp);
    if (!isDateTime(given.timestamp) || Number.isNaN(at)) {
      throw new InputError('timestamp', t`"${given.timestamp}" is not an RFC 3339 time; use one such as 2024-05-01T12:00:00Z`);
    }
    if (at > now.getTime()) throw new InputError('timestamp', t`${given.timestamp} is in the future; use a time up to now`);
    pointInTime = { timestamp: given.timestamp };
  } else if (given.lsn) {
    if (!LSN.test(given.lsn)) throw new InputError('lsn', t`"${given.lsn}" is not an LSN; use one such as 0/16B3748 (two hexadecimal parts separated by /)`);
    pointInTime = { lsn: given.lsn };
  }
  return { compareBranch: given.compare_branch || undefined, baseBranch: given.base_branch || undefined, pointInTime };
}
