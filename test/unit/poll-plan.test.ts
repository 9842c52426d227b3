import { describe, expect, it } from 'vitest';
import type { Operation } from '../../src/neon/api.js';
import { finishWindow, nextPollDelayMs, operationHistory, type FinishWindow } from '../../src/neon/poll-plan.js';
import { pollDelayMs } from '../../src/neon/retry-policy.js';

/** Polls one operation that finishes `finishMs` after it starts: how many polls, and how late the run sees it finished. */
function simulate(finishMs: number, window: FinishWindow | undefined, busyBranches = 0): { polls: number; lateMs: number } {
  let now = 0;
  for (let poll = 0; ; poll++) {
    now += nextPollDelayMs({ elapsedMs: now, pollNumber: poll, window, last: true, busyBranches, slowdown: 1 });
    if (now >= finishMs) return { polls: poll + 1, lateMs: now - finishMs };
  }
}

/** The same with the steady schedule the action used before it learned from the project. */
function steady(finishMs: number): { polls: number; lateMs: number } {
  let now = 0;
  for (let poll = 0; ; poll++) {
    now += pollDelayMs(poll);
    if (now >= finishMs) return { polls: poll + 1, lateMs: now - finishMs };
  }
}

const op = (action: string, status: string, ms: number, branch = 'br-other'): Operation =>
  ({ id: `op-${Math.random()}`, action, status, total_duration_ms: ms, branch_id: branch }) as unknown as Operation;

describe('operationHistory', () => {
  it('keeps the finished durations by kind, newest first, and counts other branches with an operation under way', () => {
    const history = operationHistory(
      [op('start_compute', 'finished', 1500), op('start_compute', 'running', 0, 'br-a'), op('create_branch', 'finished', 1000), op('start_compute', 'finished', 1300), op('create_branch', 'scheduling', 0, 'br-b'), op('start_compute', 'running', 0, 'br-mine'), op('start_compute', 'failed', 900)],
      ['br-mine'],
    );
    expect(history.durations).toEqual({ start_compute: [1500, 1300], create_branch: [1000] });
    expect(history.busyBranches).toBe(2);
  });
});

describe('finishWindow', () => {
  it('spans the 10th to the 90th percentile of the recent durations, plus time for scheduling at the end', () => {
    const window = finishWindow([1000, 1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900]);
    expect(window).toEqual({ fromMs: 1100, toMs: 1900 + 190 });
    expect(finishWindow([200])).toEqual({ fromMs: 200, toMs: 300 });
    expect(finishWindow(undefined)).toBeUndefined();
    expect(finishWindow([])).toBeUndefined();
  });
});

describe('nextPollDelayMs', () => {
  const window = finishWindow([1000, 1100, 1200, 1300, 1400, 1500]) as FinishWindow;

  it('an operation that finishes where the project says is seen sooner than at a steady pace, for at most one more poll', () => {
    for (const finish of [1050, 1200, 1400, 1600]) {
      const planned = simulate(finish, window);
      const before = steady(finish);
      expect(planned.lateMs, `finishing at ${finish} ms`).toBeLessThanOrEqual(110);
      expect(planned.lateMs).toBeLessThan(before.lateMs + 1);
      expect(planned.polls).toBeLessThanOrEqual(before.polls + 1);
    }
  });

  it('one that overruns its window is polled less and less often: a long wait costs fewer polls than the steady pace, never more than one a second', () => {
    for (const finish of [5_000, 10_000, 20_000, 60_000]) expect(simulate(finish, window).polls, `finishing at ${finish} ms`).toBeLessThan(steady(finish).polls);
    expect(nextPollDelayMs({ elapsedMs: 15_000, pollNumber: 20, window, last: true, busyBranches: 0, slowdown: 1 })).toBe(1000);
  });

  it('without a window, the steady schedule; other runs waiting and 429s make every interval longer', () => {
    expect(nextPollDelayMs({ elapsedMs: 0, pollNumber: 3, last: true, busyBranches: 0, slowdown: 1 })).toBe(pollDelayMs(3));
    expect(nextPollDelayMs({ elapsedMs: 1200, pollNumber: 5, window, last: true, busyBranches: 10, slowdown: 1 })).toBe(500);
    expect(nextPollDelayMs({ elapsedMs: 1200, pollNumber: 5, window, last: true, busyBranches: 0, slowdown: 2 })).toBeGreaterThanOrEqual(200);
  });

  it('an operation the step does not end on is polled twice across its window, the last one ten times', () => {
    const mid = { elapsedMs: 1200, pollNumber: 4, window, busyBranches: 0, slowdown: 1 };
    const span = window.toMs - window.fromMs;
    expect(nextPollDelayMs({ ...mid, last: false })).toBe(Math.round(span / 2));
    expect(nextPollDelayMs({ ...mid, last: true })).toBe(Math.round(Math.max(100, span / 10)));
  });
});
