import type { Operation } from './api.js';
import { pollDelayMs } from './retry-policy.js';

/**
 * When to poll an operation. A run learns from the project's latest operations (one request, made
 * while it waits) how long operations of each kind have lately taken in this project, and how
 * many are under way on other branches. It then polls finely only while its operation is likely
 * to finish, and seldom before and after: the step ends soon after the compute is ready, without
 * more polls over a whole wait than polling at a steady pace would spend.
 */

/** What the project's latest operations say about the wait ahead. */
export interface OperationHistory {
  /** How long recent finished operations ran (Neon's `total_duration_ms`), newest first, by action. */
  durations: Record<string, number[]>;
  /** Other branches with an operation scheduled or running: runs (or people) waiting on Neon alongside this one. */
  busyBranches: number;
}

/** Durations kept per action: the latest ones say most about the project as it is now. */
const SAMPLES = 20;

export function operationHistory(operations: Operation[], ownBranchIds: Iterable<string | undefined>): OperationHistory {
  const own = new Set(ownBranchIds);
  const durations: Record<string, number[]> = {};
  const busy = new Set<string>();
  for (const op of operations) {
    if (typeof op !== 'object' || op === null) continue;
    const status = `${op.status}`;
    if (status === 'finished' && typeof op.total_duration_ms === 'number' && op.total_duration_ms > 0) {
      const seen = (durations[`${op.action}`] ??= []);
      if (seen.length < SAMPLES) seen.push(op.total_duration_ms);
    } else if ((status === 'running' || status === 'scheduling') && !own.has(op.branch_id)) {
      busy.add(op.branch_id ?? op.id);
    }
  }
  return { durations, busyBranches: busy.size };
}

/** Where, in ms after it starts, an operation of a kind is likely to finish. */
export interface FinishWindow {
  fromMs: number;
  toMs: number;
}

/**
 * The 10th to the 90th percentile of the recent durations of an operation's kind, a tenth (at least
 * 100 ms) later at the end for the time Neon takes to schedule an operation, which its duration
 * leaves out. Undefined without any recent operation of that kind.
 */
export function finishWindow(durations: number[] | undefined): FinishWindow | undefined {
  if (!durations?.length) return undefined;
  const sorted = [...durations].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
  const [low, high] = [at(0.1), at(0.9)];
  return { fromMs: low, toMs: Math.round(high + Math.max(100, high * 0.1)) };
}

/** The finest poll interval: a tenth of a second, or more when other branches' operations are under way. */
const FINE_MS = 100;
/** The share of Neon's 40 requests a second per route that the project's waiting runs spend together on polls. */
const CROWD_POLLS_PER_SECOND = 20;
/** No poll waits longer than this (before a 429 slows the run down). */
const MAX_DELAY_MS = 1000;
/** Polls across the window: the last operation's (the step's end waits for it), and an earlier one's (it only starts the next). */
const POLLS_IN_WINDOW = { last: 10, earlier: 2 };

export interface PollState {
  /** Since the operation started (or since the run saw the one before it finish). */
  elapsedMs: number;
  /** Polls of this operation so far. */
  pollNumber: number;
  window?: FinishWindow;
  /** The operation the step's end waits for: polled finely in its window. The ones before it only start it. */
  last: boolean;
  busyBranches: number;
  /** Grows with 429s (see Waiter). */
  slowdown: number;
}

/**
 * The delay before the next poll. In the window the last operation is polled ten times, at most
 * every 100 ms (the step ends about half an interval after it finishes), an earlier one twice.
 * Before the window: halfway there, then at its start. After it: half the time since the window
 * opened, so the interval grows again at once (from half the window's width), to 1 s, and a long
 * wait costs fewer polls than the steady schedule. Without a window (no recent operation of the kind), the
 * steady schedule: 100 ms growing to 350 ms, and 1 s after about 5 s. With other runs waiting, no
 * interval is shorter than their share of the route's rate limit allows; a 429 multiplies it.
 */
export function nextPollDelayMs(state: PollState): number {
  const { elapsedMs, window, slowdown } = state;
  const fine = Math.max(FINE_MS, Math.round((state.busyBranches * 1000) / CROWD_POLLS_PER_SECOND));
  if (!window) return Math.round(Math.max(fine, pollDelayMs(state.pollNumber)) * slowdown);
  let delay: number;
  if (elapsedMs < window.fromMs) {
    const remaining = window.fromMs - elapsedMs;
    delay = elapsedMs < remaining ? remaining / 2 : remaining;
  } else if (elapsedMs <= window.toMs) {
    delay = (window.toMs - window.fromMs) / (state.last ? POLLS_IN_WINDOW.last : POLLS_IN_WINDOW.earlier);
  } else {
    delay = (elapsedMs - window.fromMs) / 2;
  }
  return Math.round(Math.max(fine, Math.min(MAX_DELAY_MS, delay)) * slowdown);
}
