import type { Model } from './model.js';
import { ApiError, iso, type BranchRec, type DataState } from './records.js';

// Points in a branch's history, however they are asked for: the API's `parent_timestamp` and
// `parent_lsn` (create), `source_timestamp` and `source_lsn` (restore), the schema routes'
// `timestamp` and `lsn`, and a connection's `options=neon_timestamp:<time>` or `neon_lsn:<lsn>`
// (what `neonctl connection-string <branch>@<time or lsn>` writes). The emulator keeps no history:
// it serves a point only when the branch's data is the same there as now, as the branch's own
// Postgres tells it (Model.dataState: when a transaction last committed, and the WAL position),
// and refuses everything else, saying so. It never serves the present as the past.

/** A point in a branch's history that the emulator can serve: its current state, named by time or LSN. */
export interface PointInTime {
  lsn: string;
  timestamp: number;
}

/** A point as asked for, checked for form only. */
export type AskedPoint = { kind: 'timestamp'; text: string; at: number } | { kind: 'lsn'; text: string };

/** What the request calls the two ways of asking (`parent_timestamp`/`parent_lsn`, `neon_timestamp`/`neon_lsn`, ...). */
export interface PointNames {
  timestamp: string;
  lsn: string;
}

const LSN = /^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/;
/** RFC 3339 date-time, as the description's `format: date-time` asks. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

const CANNOT = 'the emulator cannot go back in time';

/** `16/B374D848` as a number, to compare WAL positions. */
export function lsnValue(lsn: string): bigint {
  const [high, low] = lsn.split('/') as [string, string];
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

const timestampProblem = (name: string, value: unknown) =>
  typeof value !== 'string' || !DATE_TIME.test(value) || Number.isNaN(Date.parse(value)) ? `${name} must be an RFC 3339 timestamp such as 2024-01-01T00:00:00Z` : undefined;
const lsnProblem = (name: string, value: unknown) => (typeof value !== 'string' || !LSN.test(value) ? `${name} must be an LSN such as 0/1A7F730` : undefined);

/** The API's two fields as one asked point; undefined when neither is given; 400 when both are, or one is malformed. */
export function askedPoint(given: { timestamp?: unknown; lsn?: unknown }, names: PointNames): AskedPoint | undefined {
  const { timestamp, lsn } = given;
  if (timestamp === undefined && lsn === undefined) return undefined;
  if (timestamp !== undefined && lsn !== undefined) throw new ApiError(400, `${names.timestamp} and ${names.lsn} cannot be used together`);
  const problem = timestamp !== undefined ? timestampProblem(names.timestamp, timestamp) : lsnProblem(names.lsn, lsn);
  if (problem) throw new ApiError(400, problem);
  return timestamp !== undefined ? { kind: 'timestamp', text: timestamp as string, at: Date.parse(timestamp as string) } : { kind: 'lsn', text: lsn as string };
}

/**
 * Why `branch`, whose data is `state`, cannot be served as of `asked`; undefined when its data
 * there is its data now: a time at or after its last change (and not in the future), or an LSN
 * from its last change to its current LSN. A pure decision, the same for the API and connections.
 */
export function pointRefusal(branchId: string, asked: AskedPoint, state: DataState, names: PointNames, now = Date.now()): string | undefined {
  if (asked.kind === 'timestamp') {
    if (asked.at > now) return `${names.timestamp} ${asked.text} is in the future`;
    if (asked.at < state.changedAt) {
      return (
        `${CANNOT}: branch ${branchId} last changed at ${new Date(state.changedAt).toISOString()}, after ${names.timestamp} ${asked.text}; ` +
        'it keeps no history, so only a time at or after its last change (its current state) can be served'
      );
    }
    return undefined;
  }
  if (lsnValue(asked.text) > lsnValue(state.lsn)) return `${names.lsn} ${asked.text} is ahead of branch ${branchId}, whose current LSN is ${state.lsn}`;
  if (lsnValue(asked.text) < lsnValue(state.changedLsn)) {
    return (
      `${CANNOT}: branch ${branchId} changed after ${names.lsn} ${asked.text} (its data is the same only from ${state.changedLsn} to ${state.lsn}); ` +
      'it keeps no history, so only an LSN at or after its last change (its current state) can be served'
    );
  }
  return undefined;
}

/** The point the emulator serves for `asked`, once pointRefusal found nothing against it. */
function servedPoint(asked: AskedPoint, state: DataState, now = Date.now()): PointInTime {
  return asked.kind === 'timestamp' ? { lsn: state.lsn, timestamp: asked.at } : { lsn: asked.text, timestamp: now };
}

/** `asked` on `branch` as its data is now (read from its Postgres), or 400 saying why not. */
export async function pointOn(model: Model, branch: BranchRec, asked: AskedPoint, names: PointNames): Promise<PointInTime> {
  // Checked before reading the data, so that a malformed or future point costs nothing.
  if (asked.kind === 'timestamp' && asked.at > Date.now()) throw new ApiError(400, `${names.timestamp} ${asked.text} is in the future`);
  const state = await model.dataState(branch);
  const now = Date.now();
  const refusal = pointRefusal(branch.id, asked, state, names, now);
  if (refusal) throw new ApiError(400, refusal);
  return servedPoint(asked, state, now);
}

/**
 * Resolves `timestamp`/`lsn` (the request's fields named in `names`) on `branch`: the point to
 * serve, 400 when it cannot be served honestly, undefined when neither is given (the branch's head).
 */
export async function resolvePointInTime(model: Model, branch: BranchRec, given: { timestamp?: unknown; lsn?: unknown }, names: PointNames): Promise<PointInTime | undefined> {
  const asked = askedPoint(given, names);
  return asked ? pointOn(model, branch, asked, names) : undefined;
}

/**
 * After a copy made for a point in time: the source must not have changed since that point
 * (a commit between the check and the copy), or the copy would be the present served as the past.
 */
export async function stillAt(model: Model, branch: BranchRec, point: PointInTime, name: string): Promise<void> {
  const state = await model.dataState(branch);
  if (state.changedAt > point.timestamp || lsnValue(state.changedLsn) > lsnValue(point.lsn)) {
    throw new ApiError(409, `branch ${branch.id} changed at ${iso(state.changedAt)}, while the ${name} was being copied; ask again`);
  }
}

/** Splits a startup `options` value as Postgres does (whitespace, with backslash escapes). */
function splitOptions(options: string): string[] {
  const tokens: string[] = [];
  let current = '';
  for (let i = 0; i < options.length; i++) {
    const c = options[i] as string;
    if (c === '\\' && i + 1 < options.length) current += c + options[++i];
    else if (/\s/.test(c)) {
      if (current) tokens.push(current);
      current = '';
    } else current += c;
  }
  if (current) tokens.push(current);
  return tokens;
}

/** What a connection calls the two ways of asking for a point in time. */
export const CONNECTION_POINT_NAMES: PointNames = { timestamp: 'neon_timestamp', lsn: 'neon_lsn' };

/**
 * Takes Neon's own tokens out of a connection's `options` (`neon_timestamp:`, `neon_lsn:` and other
 * `neon_` settings, `endpoint=`, `project=`), which Neon's proxy reads and Postgres would refuse, and
 * returns the point in time asked for and what is left for Postgres.
 */
export function readOptions(options: string | undefined): { pointInTime?: AskedPoint; rest?: string; invalid?: string } {
  if (options === undefined) return {};
  let pointInTime: AskedPoint | undefined;
  const rest: string[] = [];
  for (const token of splitOptions(options)) {
    const [, key, value = ''] = /^(neon_[a-z_]+)[:=](.*)$/.exec(token) ?? [];
    if (key === 'neon_timestamp') {
      if (timestampProblem(key, value)) return { invalid: `invalid neon_timestamp "${value}": expected an RFC 3339 time such as 2024-01-01T00:00:00Z` };
      pointInTime = { kind: 'timestamp', text: value, at: Date.parse(value) };
    } else if (key === 'neon_lsn') {
      if (lsnProblem(key, value)) return { invalid: `invalid neon_lsn "${value}": expected an LSN such as 0/1A7F730` };
      pointInTime = { kind: 'lsn', text: value };
    } else if (key === undefined && !/^(endpoint|project)=/.test(token)) rest.push(token);
  }
  return { pointInTime, rest: rest.length ? rest.join(' ') : undefined };
}
