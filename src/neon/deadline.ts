import { ActionError } from '../errors.js';
import { own, t, type Text } from '../text.js';

/**
 * The `timeout` input, for the whole of a run's work with Neon: requests, retries, Retry-After
 * sleeps and operation polls all end by it. What the run last saw is kept for the message.
 */
export class Deadline {
  private readonly endsAt: number;
  /** Aborts a request still in flight when the time is up. */
  readonly signal: AbortSignal;
  /** The latest state seen of what the run waits for (an operation, a compute). */
  latest?: Text;
  /** The latest failed attempt of a request, when the last thing seen was a failure. */
  lastProblem?: Text;

  constructor(readonly timeoutMs: number) {
    this.endsAt = Date.now() + timeoutMs;
    this.signal = AbortSignal.timeout(timeoutMs);
  }

  remainingMs(): number {
    return Math.max(0, this.endsAt - Date.now());
  }

  passed(): boolean {
    return this.remainingMs() === 0;
  }

  /** Sleeps `ms`, or until the deadline if that comes first, then throws the timeout. */
  async sleep(ms: number): Promise<void> {
    const remaining = this.remainingMs();
    await new Promise((resolve) => setTimeout(resolve, Math.min(ms, remaining)));
    if (ms >= remaining) throw this.error();
  }

  /** The timeout, naming the latest state seen (and the latest failed request, if any). */
  error(waitingFor?: Text): ActionError {
    const what = waitingFor ?? this.latest;
    const seconds = this.timeoutMs / 1000;
    const advice = own('Raise the `timeout` input, or check the branch in the Neon console.');
    if (what) {
      const problem = this.lastProblem ? t`; the latest request: ${this.lastProblem}` : own('');
      return new ActionError(t`Timed out after ${seconds}s waiting for ${what}${problem}. ${advice}`);
    }
    if (this.lastProblem) return new ActionError(t`Timed out after ${seconds}s of retries. The latest: ${this.lastProblem}`);
    return new ActionError(t`Timed out after ${seconds}s waiting for Neon. ${advice}`);
  }
}
