/** What the Neon client does after a failed attempt. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 250, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 };

/**
 * 429 (rate limit), 423 (project busy with another operation), 5xx and network failures are
 * worth another try; every other status is the caller's mistake and fails at once.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 423 || status === 408 || status >= 500;
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | undefined, now: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Math.round(Number(header) * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Delay before attempt `attempt + 1` (attempt counts from 1), or undefined to give up.
 * Retry-After is honoured (plus a little jitter so a crowd of runs does not return at once);
 * otherwise exponential backoff with full jitter.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, retryAfterMs: number | undefined, random: number): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > policy.maxRetryAfterMs) return undefined;
    return retryAfterMs + Math.floor(random * policy.baseDelayMs);
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(ceiling / 2 + (random * ceiling) / 2);
}

/** Polls of one operation after which it counts as slow, and the caps before and after. */
const POLL_CAP_MS = 350;
const SLOW_AFTER_POLLS = 15;
const SLOW_POLL_CAP_MS = 1000;

/**
 * Delay before the next poll of an operation: starts short and grows to a cap, so a fast
 * operation is seen finished quickly (the step ends within a poll of the compute being ready);
 * one still running after about 5 s is polled at most once a second, so many runs waiting
 * together spend less of the account's 700 requests a minute. `slowdown` grows when the API
 * answers 429, so a crowd of runs backs off together.
 */
export function pollDelayMs(pollNumber: number, slowdown = 1): number {
  const grown = 100 * 1.5 ** pollNumber;
  const cap = pollNumber < SLOW_AFTER_POLLS ? POLL_CAP_MS : SLOW_POLL_CAP_MS;
  return Math.round(Math.min(cap, grown) * slowdown);
}
