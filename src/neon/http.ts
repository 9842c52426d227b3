import * as core from '@actions/core';
import type { Dispatcher } from 'undici/index.js';
import undici from '../undici-on-first-use/index.js';
import { ActionError } from '../errors.js';
import { DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, retryDelayMs, type RetryPolicy } from './retry-policy.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export interface CallOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Statuses returned to the caller instead of thrown (409 on create, 404 on delete). */
  allow?: number[];
}
export interface ApiResponse<T> {
  status: number;
  data: T;
}

/** A Neon API answer that is not a success and not worth retrying. */
export class NeonApiError extends ActionError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface HttpOptions {
  apiHost: string;
  apiKey: string;
  projectId: string;
  policy?: RetryPolicy;
  /** Called on every 429, so pollers can slow down too. */
  onRateLimited?: () => void;
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED']);

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** HTTPS_PROXY / HTTP_PROXY (either case) route Neon API calls through the proxy, minus NO_PROXY. */
function proxyConfigured(): boolean {
  return ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((name) => Boolean(process.env[name]));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The one HTTP client for the Neon API: Bearer auth, bounded retries, one debug line a request. */
export class NeonHttp {
  private readonly dispatcher: Dispatcher = proxyConfigured()
    ? new undici.EnvHttpProxyAgent({ headersTimeout: 30_000, bodyTimeout: 30_000 })
    : new undici.Agent({ headersTimeout: 30_000, bodyTimeout: 30_000 });
  private readonly policy: RetryPolicy;
  /** Requests sent, for the summary and the budgets. */
  calls = 0;

  constructor(private readonly options: HttpOptions) {
    this.policy = options.policy ?? DEFAULT_RETRY_POLICY;
  }

  async call<T>(method: Method, path: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
    const url = new URL(this.options.apiHost + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const shownPath = url.pathname + url.search;
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      let status: number;
      let text: string;
      let retryAfter: string | undefined;
      try {
        this.calls++;
        const response = await undici.request(url, {
          method,
          dispatcher: this.dispatcher,
          headers: {
            authorization: `Bearer ${this.options.apiKey}`,
            accept: 'application/json',
            ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
        });
        status = response.statusCode;
        text = await response.body.text();
        const header = response.headers['retry-after'];
        retryAfter = Array.isArray(header) ? header[0] : header;
      } catch (error) {
        const code = networkCode(error);
        if (!code) throw error;
        core.debug(`${method} ${shownPath} -> ${code} in ${Date.now() - started} ms`);
        const delay = retryDelayMs(this.policy, attempt, undefined, Math.random());
        if (delay === undefined) {
          throw new ActionError(`Could not reach the Neon API at ${url.origin} (${code} on ${method} ${url.pathname}, ${attempt} attempts). Check api_host, HTTPS_PROXY and Neon's status page.`);
        }
        core.info(`Neon API: ${code} on ${method} ${url.pathname}; retrying in ${(delay / 1000).toFixed(1)}s (attempt ${attempt + 1} of ${this.policy.maxAttempts})`);
        await sleep(delay);
        continue;
      }
      core.debug(`${method} ${shownPath} -> ${status} in ${Date.now() - started} ms`);
      if (status < 300 || options.allow?.includes(status)) {
        return { status, data: (text ? JSON.parse(text) : {}) as T };
      }
      if (status === 429) this.options.onRateLimited?.();
      if (isRetryableStatus(status)) {
        const delay = retryDelayMs(this.policy, attempt, parseRetryAfter(retryAfter, Date.now()), Math.random());
        if (delay !== undefined) {
          core.info(`Neon API: ${status} ${reason(status)} on ${method} ${url.pathname}; retrying in ${(delay / 1000).toFixed(1)}s (attempt ${attempt + 1} of ${this.policy.maxAttempts})`);
          await sleep(delay);
          continue;
        }
      }
      throw new NeonApiError(explain(status, method, url.pathname, this.options.projectId, neonMessage(text), attempt), status);
    }
  }
}

function reason(status: number): string {
  if (status === 429) return '(rate limited)';
  if (status === 423) return '(project busy with another operation)';
  return '(server error)';
}

/** Neon's own `message`, short and on one line; never the body as a whole. */
function neonMessage(text: string): string {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    return typeof message === 'string' ? message.replace(/\s+/g, ' ').slice(0, 200) : '';
  } catch {
    return '';
  }
}

function explain(status: number, method: string, path: string, projectId: string, message: string, attempts: number): string {
  const said = message ? ` Neon said: "${message}".` : '';
  const where = `${method} ${path}`;
  switch (status) {
    case 401:
      return `Neon rejected the API key (401 on ${where}). Check that the api_key secret holds a valid, unrevoked Neon API key.${said}`;
    case 403:
      return `The API key may not do this (403 on ${where}). Check that the key has access to project ${projectId} (a project-scoped key must be for this project).${said}`;
    case 404:
      return `Not found (404 on ${where}). Check project_id "${projectId}" and, if set, parent_branch.${said}`;
    default:
      if (isRetryableStatus(status)) return `The Neon API kept failing with ${status} on ${where} after ${attempts} attempts. Re-run the job; if it persists, check Neon's status page.${said}`;
      return `The Neon API refused ${where} with ${status}.${said}`;
  }
}
