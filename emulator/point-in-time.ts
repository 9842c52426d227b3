import type { Model } from './model.js';
import { ApiError, iso, type BranchRec } from './records.js';

/** A point in a branch's history that the emulator can serve: its current state, named by time or LSN. */
export interface PointInTime {
  lsn: string;
  timestamp: number;
}

const LSN = /^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/;
/** RFC 3339 date-time, as the description's `format: date-time` asks. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** `16/B374D848` as a number, to compare WAL positions. */
export function lsnValue(lsn: string): bigint {
  const [high, low] = lsn.split('/') as [string, string];
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

/**
 * Resolves `timestamp`/`lsn` (the request's fields named in `names`) on `branch`. The emulator keeps
 * no history: a time at or after the branch's last change, or an LSN from that change to its
 * current LSN, is its current state and is served; anything earlier is refused with 400, never
 * answered with the present. Undefined when neither is given (the branch's head).
 */
export async function resolvePointInTime(
  model: Model,
  branch: BranchRec,
  given: { timestamp?: unknown; lsn?: unknown },
  names: { timestamp: string; lsn: string },
): Promise<PointInTime | undefined> {
  const { timestamp, lsn } = given;
  if (timestamp === undefined && lsn === undefined) return undefined;
  if (timestamp !== undefined && lsn !== undefined) throw new ApiError(400, `${names.timestamp} and ${names.lsn} cannot be used together`);
  if (timestamp !== undefined) {
    if (typeof timestamp !== 'string' || !DATE_TIME.test(timestamp) || Number.isNaN(Date.parse(timestamp))) throw new ApiError(400, `${names.timestamp} must be an RFC 3339 timestamp`);
    const at = Date.parse(timestamp);
    if (at > Date.now()) throw new ApiError(400, `${names.timestamp} ${timestamp} is in the future`);
    const state = await model.dataState(branch);
    if (at < state.changedAt) {
      throw new ApiError(
        400,
        `the emulator cannot go back in time: branch ${branch.id} last changed at ${new Date(state.changedAt).toISOString()}, after ${names.timestamp} ${timestamp}; ` +
          'it keeps no history, so only a time at or after its last change (its current state) can be served',
      );
    }
    return { lsn: state.lsn, timestamp: at };
  }
  if (typeof lsn !== 'string' || !LSN.test(lsn)) throw new ApiError(400, `${names.lsn} must be an LSN such as 0/1A7F730`);
  const state = await model.dataState(branch);
  if (lsnValue(lsn) > lsnValue(state.lsn)) throw new ApiError(400, `${names.lsn} ${lsn} is ahead of branch ${branch.id}, whose current LSN is ${state.lsn}`);
  if (lsnValue(lsn) < lsnValue(state.changedLsn)) {
    throw new ApiError(
      400,
      `the emulator cannot go back in time: branch ${branch.id} changed after ${names.lsn} ${lsn} (its data is the same only from ${state.changedLsn} to ${state.lsn}); ` +
        'it keeps no history, so only an LSN at or after its last change (its current state) can be served',
    );
  }
  return { lsn, timestamp: Date.now() };
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

// Connections to a branch as it was: `neonctl connection-string <branch>@<time or lsn>` writes
// `options=neon_timestamp:<time>` or `options=neon_lsn:<lsn>` into the URI, and Neon serves the
// branch as of then (read-only). The emulator keeps no history, so it serves a time only when it
// can prove the branch has not changed since, and refuses everything else, saying so.

export type AskedPointInTime = { kind: 'timestamp'; text: string; at: number } | { kind: 'lsn'; text: string };

/**
 * What the emulator knows of a branch's writes: when the last session that could write ended, and
 * how many such sessions are open now (client sessions on its read-write compute and the
 * emulator's own admin connections; a data copy or restore counts as a write when it lands).
 */
export class WriteLog {
  lastAt = Date.now();
  open = 0;

  opened(): void {
    this.open++;
  }

  closed(): void {
    this.open--;
    this.lastAt = Date.now();
  }

  written(): void {
    this.lastAt = Date.now();
  }

  /** True when nothing can have changed the branch from `at` until now. */
  unchangedSince(at: number): boolean {
    return this.open === 0 && this.lastAt <= at;
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

/**
 * Takes Neon's own tokens out of `options` (`neon_timestamp:`, `neon_lsn:` and other `neon_`
 * settings, `endpoint=`, `project=`), which Neon's proxy reads and Postgres would refuse, and
 * returns the point in time asked for and what is left for Postgres.
 */
export function readOptions(options: string | undefined): { pointInTime?: AskedPointInTime; rest?: string; invalid?: string } {
  if (options === undefined) return {};
  let pointInTime: AskedPointInTime | undefined;
  const rest: string[] = [];
  for (const token of splitOptions(options)) {
    const [, key, value = ''] = /^(neon_[a-z_]+)[:=](.*)$/.exec(token) ?? [];
    if (key === 'neon_timestamp') {
      const at = Date.parse(value);
      if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(at)) return { invalid: `invalid neon_timestamp "${value}": expected an RFC 3339 time such as 2024-01-01T00:00:00Z` };
      pointInTime = { kind: 'timestamp', text: value, at };
    } else if (key === 'neon_lsn') {
      if (!/^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/.test(value)) return { invalid: `invalid neon_lsn "${value}": expected an LSN such as 0/1A7F730` };
      pointInTime = { kind: 'lsn', text: value };
    } else if (key === undefined && !/^(endpoint|project)=/.test(token)) rest.push(token);
  }
  return { pointInTime, rest: rest.length ? rest.join(' ') : undefined };
}

const CANNOT = 'The Neon emulator cannot go back in time: it keeps no history of a branch';

/** Why the emulator refuses to serve `branch` as of `pointInTime`; undefined when it can serve the present honestly. */
export function pointInTimeRefusal(branch: string, pointInTime: AskedPointInTime, writes: WriteLog, now = Date.now()): string | undefined {
  if (pointInTime.kind === 'lsn') return `${CANNOT}, so it cannot serve branch ${branch} as of LSN ${pointInTime.text}. Connect without neon_lsn for its present state.`;
  if (pointInTime.at > now) return `neon_timestamp ${pointInTime.text} is in the future.`;
  if (writes.open > 0) return `${CANNOT}, and branch ${branch} has a session open that may be writing to it, so its state at ${pointInTime.text} cannot be proven to be its present one. Connect without neon_timestamp, or when its sessions have closed.`;
  if (writes.lastAt > pointInTime.at) {
    return `${CANNOT}, and branch ${branch} has changed since ${pointInTime.text} (last write at ${new Date(writes.lastAt).toISOString()}). Connect without neon_timestamp for its present state, or ask for a time after its last write.`;
  }
  return undefined;
}
