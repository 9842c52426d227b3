import type { Dispatcher } from 'undici/index.js';
import undici from '../undici-on-first-use/index.js';
import { ActionError } from '../errors.js';
import { neonNotJson, neonRefused, neonRetryAfterTooLong, neonUnreachable, networkProblem, reasonOf, type NeonRequest } from '../failure.js';
import { proxyFor } from '../inputs/proxy.js';
import * as log from '../log.js';
import { own, t, type Text } from '../text.js';
import type { Deadline } from './deadline.js';
import { DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, retryDelayMs, type RetryPolicy } from './retry-policy.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export interface CallOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Statuses returned to the caller instead of thrown (409 on create, 404 on delete). */
  allow?: number[];
  /** What a 404 means for this request (a missing database, role, branch), for the error line. */
  notFound?: Text;
  /** One attempt only, for a read the run can do without (a failure is the caller's to ignore). */
  once?: boolean;
}
export interface ApiResponse<T> {
  status: number;
  data: T;
  method: Method;
  path: string;
  /**
   * An earlier attempt of this request may have been carried out by Neon although its answer never
   * arrived (the connection dropped after sending, or a 5xx): a retried DELETE that finds nothing
   * was most likely this run's own.
   */
  earlierAttemptMayHaveApplied: boolean;
}

/** A Neon API answer that is not a success and not worth retrying. */
export class NeonApiError extends ActionError {
  constructor(
    text: Text,
    readonly status: number,
  ) {
    super(text);
  }
}

export interface HttpOptions {
  apiHost: string;
  apiKey: string;
  projectId: string;
  deadline: Deadline;
  policy?: RetryPolicy;
  /** Called on every 429, so pollers can slow down too. */
  onRateLimited?: () => void;
}

/** HTTPS_PROXY / HTTP_PROXY (either case) route Neon API calls through the proxy, minus NO_PROXY. */
function proxyConfigured(): boolean {
  return ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((name) => Boolean(process.env[name]));
}

/**
 * undici warns on stderr that EnvHttpProxyAgent is experimental (UNDICI-EHPA) when it is first
 * made: a line in every proxied run's log that the user can do nothing about. That one warning is
 * left out; any other goes through.
 */
function withoutExperimentalWarning<T>(make: () => T): T {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const options = rest[0];
    const code = typeof options === 'object' && options !== null ? (options as { code?: unknown }).code : rest[1];
    if (code === 'UNDICI-EHPA') return;
    (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return make();
  } finally {
    process.emitWarning = emit;
  }
}

/** The one HTTP client for the Neon API: Bearer auth, bounded retries within the deadline, one debug line a request. */
export class NeonHttp {
  private readonly dispatcher: Dispatcher = proxyConfigured()
    ? withoutExperimentalWarning(() => new undici.EnvHttpProxyAgent({ headersTimeout: 30_000, bodyTimeout: 30_000 }))
    : new undici.Agent({ headersTimeout: 30_000, bodyTimeout: 30_000 });
  private readonly policy: RetryPolicy;
  /** Requests sent, for the summary and the budgets. */
  calls = 0;

  constructor(private readonly options: HttpOptions) {
    this.policy = options.policy ?? DEFAULT_RETRY_POLICY;
  }

  async call<T>(method: Method, path: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
    const { deadline } = this.options;
    const url = new URL(this.options.apiHost + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const req: NeonRequest = { method, url, apiHost: this.options.apiHost, projectId: this.options.projectId, notFound: options.notFound };
    const shown = t`${method} ${url.pathname}`;
    let maybeApplied = false;
    for (let attempt = 1; ; attempt++) {
      if (deadline.passed()) throw deadline.error();
      const started = Date.now();
      let status: number;
      let text: string;
      let contentType: string;
      let retryAfter: string | undefined;
      try {
        this.calls++;
        const response = await undici.request(url, {
          method,
          dispatcher: this.dispatcher,
          signal: deadline.signal,
          headers: {
            authorization: `Bearer ${this.options.apiKey}`,
            accept: 'application/json',
            ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
        });
        status = response.statusCode;
        text = await response.body.text();
        contentType = String(response.headers['content-type'] ?? '');
        const header = response.headers['retry-after'];
        retryAfter = Array.isArray(header) ? header[0] : header;
      } catch (error) {
        if (deadline.signal.aborted) throw deadline.error();
        const problem = networkProblem(error);
        if (!problem) throw error;
        log.debug(t`${method} ${url.pathname + url.search} -> ${problem.code} in ${Date.now() - started} ms`);
        if (problem.maybeSent) maybeApplied = true;
        const unreachable = neonUnreachable(problem, req, attempt, proxyFor(url, process.env));
        deadline.lastProblem = unreachable.text;
        const delay = problem.retry && !options.once ? retryDelayMs(this.policy, attempt, undefined, Math.random()) : undefined;
        if (delay === undefined) throw unreachable;
        log.info(t`Neon API: ${problem.code} on ${shown}; retrying in ${(delay / 1000).toFixed(1)}s (attempt ${attempt + 1} of ${this.policy.maxAttempts})`);
        await deadline.sleep(delay);
        continue;
      }
      log.debug(t`${method} ${url.pathname + url.search} -> ${status} in ${Date.now() - started} ms`);
      if (status < 300) return { status, data: parseJson<T>(req, status, contentType, text), method, path: url.pathname, earlierAttemptMayHaveApplied: maybeApplied };
      if (options.allow?.includes(status)) return { status, data: lenientJson<T>(text), method, path: url.pathname, earlierAttemptMayHaveApplied: maybeApplied };
      if (status === 429) this.options.onRateLimited?.();
      if (isRetryableStatus(status) && !options.once) {
        const waitMs = parseRetryAfter(retryAfter, Date.now());
        deadline.lastProblem = t`${shown} answered ${status} ${own(reasonOf(status))}${waitMs === undefined ? own('') : t`, Retry-After ${Math.round(waitMs / 1000)}s`}`;
        if (waitMs !== undefined && waitMs > this.policy.maxRetryAfterMs) throw neonRetryAfterTooLong(req, status, waitMs, this.policy.maxRetryAfterMs);
        const delay = retryDelayMs(this.policy, attempt, waitMs, Math.random());
        if (delay !== undefined) {
          if (status >= 500) maybeApplied = true;
          log.info(t`Neon API: ${status} ${own(reasonOf(status))} on ${shown}; retrying in ${(delay / 1000).toFixed(1)}s (attempt ${attempt + 1} of ${this.policy.maxAttempts})`);
          await deadline.sleep(delay);
          continue;
        }
      }
      throw new NeonApiError(neonRefused(status, req, text, attempt), status);
    }
  }
}

/** A success's body: Neon always answers a JSON object; anything else means something else answered. */
function parseJson<T>(req: NeonRequest, status: number, contentType: string, text: string): T {
  if (status === 204) return {} as T;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw neonNotJson(req, status, contentType, text);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw neonNotJson(req, status, contentType, text);
  return data as T;
}

function lenientJson<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return {} as T;
  }
}
