import { ActionError } from '../errors.js';
import * as log from '../log.js';
import { scrub, t } from '../text.js';
import type { Endpoint, NeonApi, Operation } from './api.js';
import type { Deadline } from './deadline.js';
import { pollDelayMs } from './retry-policy.js';

const DONE = new Set(['finished', 'skipped']);
const FAILED = new Set(['failed', 'error', 'cancelling', 'cancelled']);

/** Shared by every wait in one run: the deadline, and how much to slow down under rate limits. */
export class Waiter {
  private readonly started = Date.now();
  slowdown = 1;

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

  /** Polls each operation in turn (Neon runs a branch's operations in order) until all are done. */
  async operations(operations: Operation[]): Promise<void> {
    const pending = operations.filter((op) => !DONE.has(`${op.status}`));
    for (const first of pending) {
      let op = first;
      for (let poll = 0; !DONE.has(`${op.status}`); poll++) {
        const label = t`operation ${op.action} (${op.id})`;
        if (FAILED.has(`${op.status}`)) {
          throw new ActionError(t`Neon ${label} ${op.status}${op.error ? t`: ${scrub(op.error)}` : ''}. Re-run the job; if it fails again, check the branch in the Neon console.`);
        }
        this.deadline.latest = t`Neon ${label}, last seen ${op.status}`;
        if (this.deadline.passed()) throw this.deadline.error();
        log.info(t`Waiting for ${op.action} (${op.id.slice(0, 8)}): ${op.status}, ${this.elapsed()} elapsed`);
        await this.deadline.sleep(pollDelayMs(poll, this.slowdown));
        op = await this.api.getOperation(op.id);
        this.deadline.lastProblem = undefined;
      }
      log.info(t`${op.action} (${op.id.slice(0, 8)}): finished, ${this.elapsed()} elapsed`);
    }
  }

  /** Waits until an endpoint someone else is starting (a concurrent run) is active. */
  async endpointActive(endpoint: Endpoint): Promise<Endpoint> {
    let current = endpoint;
    for (let poll = 0; `${current.current_state}` !== 'active'; poll++) {
      this.deadline.latest = t`compute ${current.id} to become active, last seen ${current.current_state}`;
      if (this.deadline.passed()) throw this.deadline.error();
      log.info(t`Waiting for compute ${current.id}: ${current.current_state}, ${this.elapsed()} elapsed`);
      await this.deadline.sleep(pollDelayMs(poll, this.slowdown));
      current = await this.api.getEndpoint(current.id);
      this.deadline.lastProblem = undefined;
    }
    return current;
  }
}
