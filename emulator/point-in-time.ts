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
