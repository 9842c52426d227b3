import * as core from '@actions/core';
import { ActionError } from '../errors.js';
import type { Endpoint, NeonApi, Operation } from './api.js';
import { pollDelayMs } from './retry-policy.js';

const DONE = new Set(['finished', 'skipped']);
const FAILED = new Set(['failed', 'error', 'cancelling', 'cancelled']);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Shared by every wait in one run: the deadline, and how much to slow down under rate limits. */
export class Waiter {
  private readonly started = Date.now();
  slowdown = 1;

  constructor(
    private readonly api: NeonApi,
    private readonly timeoutMs: number,
  ) {}

  /** Called on each 429 from Neon: poll less often from now on. */
  rateLimited(): void {
    this.slowdown = Math.min(this.slowdown * 2, 16);
  }

  private elapsed(): string {
    return `${((Date.now() - this.started) / 1000).toFixed(1)}s`;
  }

  private checkDeadline(what: string): void {
    if (Date.now() - this.started > this.timeoutMs) {
      throw new ActionError(`Timed out after ${this.timeoutMs / 1000}s waiting for ${what}. Raise the \`timeout\` input, or check the branch in the Neon console.`);
    }
  }

  /** Polls each operation in turn (Neon runs a branch's operations in order) until all are done. */
  async operations(operations: Operation[]): Promise<void> {
    const pending = operations.filter((op) => !DONE.has(`${op.status}`));
    for (const first of pending) {
      let op = first;
      for (let poll = 0; !DONE.has(`${op.status}`); poll++) {
        const label = `operation ${op.action} (${op.id})`;
        if (FAILED.has(`${op.status}`)) {
          throw new ActionError(`Neon ${label} ${op.status}${op.error ? `: ${op.error.slice(0, 200)}` : ''}. Re-run the job; if it fails again, check the branch in the Neon console.`);
        }
        this.checkDeadline(`Neon ${label}, still ${op.status}`);
        core.info(`Waiting for ${op.action} (${op.id.slice(0, 8)}): ${op.status}, ${this.elapsed()} elapsed`);
        await sleep(pollDelayMs(poll, this.slowdown));
        op = await this.api.getOperation(op.id);
      }
      core.info(`${op.action} (${op.id.slice(0, 8)}): finished, ${this.elapsed()} elapsed`);
    }
  }

  /** Waits until an endpoint someone else is starting (a concurrent run) is active. */
  async endpointActive(endpoint: Endpoint): Promise<Endpoint> {
    let current = endpoint;
    for (let poll = 0; `${current.current_state}` !== 'active'; poll++) {
      this.checkDeadline(`compute ${current.id} to become active (it is ${current.current_state})`);
      core.info(`Waiting for compute ${current.id}: ${current.current_state}, ${this.elapsed()} elapsed`);
      await sleep(pollDelayMs(poll, this.slowdown));
      current = await this.api.getEndpoint(current.id);
    }
    return current;
  }
}
