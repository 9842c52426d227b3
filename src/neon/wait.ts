import { ActionError } from '../errors.js';
import * as log from '../log.js';
import { scrub, t } from '../text.js';
import type { Endpoint, NeonApi, Operation } from './api.js';
import type { Deadline } from './deadline.js';
import { finishWindow, nextPollDelayMs, operationHistory, type OperationHistory } from './poll-plan.js';
import { pollDelayMs } from './retry-policy.js';

const DONE = new Set(['finished', 'skipped']);
const FAILED = new Set(['failed', 'error', 'cancelling', 'cancelled']);
/** The project's latest operations read to plan the polls: enough for a score of each kind. */
const HISTORY_SIZE = 100;
/** How long the first poll waits for that read at most (it is a single request, made as the wait starts). */
const HISTORY_WAIT_MS = 100;

/** Shared by every wait in one run: the deadline, and how much to slow down under rate limits. */
export class Waiter {
  private readonly started = Date.now();
  slowdown = 1;
  /** The read of the project's latest operations, made once a run, and what it said once it answered. */
  private history?: Promise<unknown>;
  private learned?: OperationHistory;

  constructor(
    private readonly api: NeonApi,
    private readonly deadline: Deadline,
  ) {}

  /** Called on each 429 from Neon: poll less often from now on. */
  rateLimited(): void {
    this.slowdown = Math.min(this.slowdown * 2, 16);
  }

  /** Seconds since the run began waiting, for progress lines. */
  elapsed(): string {
    return `${((Date.now() - this.started) / 1000).toFixed(1)}s`;
  }

  /**
   * Polls each operation in turn (Neon runs a branch's operations in order) until all are done.
   * With `learn`, the first wait of the run also reads the project's latest operations (one
   * request, while it waits) and polls where they say the operation is likely to finish (see
   * poll-plan.ts); without, or when that read fails, at a steady pace.
   */
  async operations(operations: Operation[], options: { learn?: boolean } = {}): Promise<void> {
    const pending = operations.filter((op) => !DONE.has(`${op.status}`));
    if (pending.length === 0) return;
    if (options.learn) {
      // A plan, not a need: whatever goes wrong with this read (an error, an answer of the wrong shape), the run polls at a steady pace.
      this.history ??= this.api
        .recentOperations(HISTORY_SIZE)
        .then((recent) => (this.learned = operationHistory(recent, pending.map((op) => op.branch_id))))
        .catch(() => undefined);
      if (!this.learned) await Promise.race([this.history, new Promise((resolve) => setTimeout(resolve, HISTORY_WAIT_MS))]);
    }
    let startedAt = Date.now();
    for (const [index, first] of pending.entries()) {
      let op = first;
      let delay = 0;
      const window = finishWindow(this.learned?.durations[`${op.action}`]);
      if (window) log.info(t`Recent ${op.action} operations in this project finished ${seconds(window.fromMs)}–${seconds(window.toMs)} after they started: polling most often then`);
      for (let poll = 0; !DONE.has(`${op.status}`); poll++) {
        const label = t`operation ${op.action} (${op.id})`;
        if (FAILED.has(`${op.status}`)) {
          throw new ActionError(t`Neon ${label} ${op.status}${op.error ? t`: ${scrub(op.error)}` : ''}. Re-run the job; if it fails again, check the branch in the Neon console.`);
        }
        this.deadline.latest = t`Neon ${label}, last seen ${op.status}`;
        if (this.deadline.passed()) throw this.deadline.error();
        log.info(t`Waiting for ${op.action} (${op.id.slice(0, 8)}): ${op.status}, ${this.elapsed()} elapsed`);
        const last = index === pending.length - 1;
        delay = nextPollDelayMs({ elapsedMs: Date.now() - startedAt, pollNumber: poll, window, last, busyBranches: this.learned?.busyBranches ?? 0, slowdown: this.slowdown });
        await this.deadline.sleep(delay);
        op = await this.api.getOperation(op.id);
        this.deadline.lastProblem = undefined;
      }
      // It finished, on average, half a poll interval before this run saw it: the next one started then.
      startedAt = Date.now() - delay / 2;
      log.info(t`${op.action} (${op.id.slice(0, 8)}): finished, ${this.elapsed()} elapsed`);
    }
  }

  /**
   * Waits until an endpoint someone else is starting (a concurrent run) is active. If that start
   * ends without making it active (the compute is idle again, nothing pending), this run starts
   * it itself rather than waiting for the timeout.
   */
  async endpointActive(endpoint: Endpoint): Promise<Endpoint> {
    let current = endpoint;
    for (let poll = 0; `${current.current_state}` !== 'active'; poll++) {
      this.deadline.latest = t`compute ${current.id} to become active, last seen ${current.current_state}`;
      if (this.deadline.passed()) throw this.deadline.error();
      if (poll > 0 && `${current.current_state}` === 'idle' && `${current.pending_state ?? ''}` !== 'active') {
        log.info(t`Compute ${current.id} is idle again and nobody is starting it: starting it`);
        await this.operations(await this.api.startEndpoint(current.id));
        return { ...current, current_state: 'active' as Endpoint['current_state'] };
      }
      log.info(t`Waiting for compute ${current.id}: ${current.current_state}, ${this.elapsed()} elapsed`);
      await this.deadline.sleep(pollDelayMs(poll, this.slowdown));
      current = await this.api.getEndpoint(current.id);
      this.deadline.lastProblem = undefined;
    }
    return current;
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;
