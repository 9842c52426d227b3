import { ActionError } from './errors.js';
import * as log from './log.js';
import { own, scrub, t, type Text } from './text.js';

/**
 * The one place that says what a failure means and what to check: every network error, every
 * Neon or GitHub answer that is not a success, and anything else that reaches the entrypoint.
 * "Unexpected failure" is left for what none of these covers: a bug in the action.
 */

interface NetworkKind {
  what: string;
  /** Worth another try. */
  retry: boolean;
  /** The request may have reached the server (so a retried write may find its work done). */
  maybeSent: boolean;
}

const DNS = { retry: true, maybeSent: false };
const CONNECT = { retry: true, maybeSent: false };
const LOST = { retry: true, maybeSent: true };
const TLS = { retry: false, maybeSent: false };

const NETWORK: Record<string, NetworkKind> = {
  ENOTFOUND: { what: 'could not resolve the host', ...DNS },
  EAI_AGAIN: { what: 'the DNS lookup of the host failed', ...DNS },
  ECONNREFUSED: { what: 'the connection was refused', ...CONNECT },
  EHOSTUNREACH: { what: 'the host is unreachable', ...CONNECT },
  ENETUNREACH: { what: 'the network is unreachable', ...CONNECT },
  ENETDOWN: { what: 'the network is down', ...CONNECT },
  UND_ERR_CONNECT_TIMEOUT: { what: 'connecting timed out', ...CONNECT },
  ECONNRESET: { what: 'the connection was reset', ...LOST },
  ECONNABORTED: { what: 'the connection was aborted', ...LOST },
  EPIPE: { what: 'the connection broke', ...LOST },
  ETIMEDOUT: { what: 'the connection timed out', ...LOST },
  UND_ERR_SOCKET: { what: 'the connection was closed before the answer', ...LOST },
  UND_ERR_CLOSED: { what: 'the connection was closed', ...LOST },
  UND_ERR_HEADERS_TIMEOUT: { what: 'no answer came within 30 s', ...LOST },
  UND_ERR_BODY_TIMEOUT: { what: 'the answer stalled for 30 s', ...LOST },
  EPROTO: { what: 'the TLS handshake failed (is it an https:// URL for a plain-HTTP server, or the other way round?)', ...TLS },
  CERT_HAS_EXPIRED: { what: "the server's TLS certificate has expired", ...TLS },
  DEPTH_ZERO_SELF_SIGNED_CERT: { what: "the server's TLS certificate is self-signed", ...TLS },
  SELF_SIGNED_CERT_IN_CHAIN: { what: 'a self-signed certificate is in the TLS chain (a proxy that inspects TLS?)', ...TLS },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: { what: "the server's TLS certificate cannot be verified", ...TLS },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: { what: "the issuer of the server's TLS certificate is not trusted here", ...TLS },
  ERR_TLS_CERT_ALTNAME_INVALID: { what: "the server's TLS certificate is for another host", ...TLS },
};

export interface NetworkProblem extends NetworkKind {
  code: string;
}

/** What a failed request's error means, from its code (Node, undici, the proxy), looking through `cause`s; undefined when it is not a network error. */
export function networkProblem(error: unknown): NetworkProblem | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const { code, message, name } = current as { code?: unknown; message?: unknown; name?: unknown };
    // A request given up by its own time limit (AbortSignal.timeout): the server took the request and never answered.
    if (name === 'TimeoutError') return { code: 'timeout', what: 'no answer came in time', ...LOST };
    const proxy = typeof message === 'string' ? /Proxy response \((\d+)\)/.exec(message) : null;
    if (proxy) {
      const status = Number(proxy[1]);
      return { code: `proxy ${status}`, what: `the proxy refused the tunnel with ${status}`, retry: status >= 500, maybeSent: false };
    }
    if (typeof code === 'string' && NETWORK[code]) return { code, ...(NETWORK[code] as NetworkKind) };
    // OpenSSL's errors (ERR_SSL_WRONG_VERSION_NUMBER: https:// to a plain-HTTP port, …) and undici's HTTP parser's (HPE_*: not HTTP at all).
    if (typeof code === 'string' && code.startsWith('ERR_SSL_')) return { code, ...(NETWORK.EPROTO as NetworkKind) };
    if (typeof code === 'string' && code.startsWith('HPE_')) return { code, what: 'the answer was not HTTP (a server or a proxy speaking another protocol there?)', retry: false, maybeSent: true };
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const attempts = (n: number) => `${n} attempt${n === 1 ? '' : 's'}`;

function networkAdvice(problem: NetworkProblem, setting: string): Text {
  if (problem.code.startsWith('proxy')) return own('Check HTTPS_PROXY, HTTP_PROXY and NO_PROXY: the proxy must allow this host, or NO_PROXY must name it.');
  if (problem.code === 'ENOTFOUND' || problem.code === 'EAI_AGAIN') return t`Check ${own(setting)} (is the host name right?) and the runner's DNS.`;
  if (!problem.retry) return t`Check ${own(setting)}; behind a proxy that inspects TLS, point NODE_EXTRA_CA_CERTS at its CA certificate.`;
  return t`Check ${own(setting)}, HTTPS_PROXY and NO_PROXY, and the service's status page.`;
}

/** Neon could not be reached at all (after retries where they made sense). */
export function neonUnreachable(problem: NetworkProblem, request: { method: string; url: URL }, tries: number, via?: Proxy): ActionError {
  const where = t`${request.url.host}${via ? t` through the proxy ${via.host} (${own(via.variable)})` : own('')}`;
  return new ActionError(
    t`Could not reach the Neon API at ${where}: ${own(problem.what)} (${own(problem.code)} on ${request.method} ${request.url.pathname}, ${own(attempts(tries))}). ${via ? proxyAdvice(via, request.url.host) : networkAdvice(problem, 'api_host')}`,
  );
}

/** A proxy a request went through: its host, and the variable that named it. */
export interface Proxy {
  host: string;
  variable: string;
}

function proxyAdvice(via: Proxy, host: string): Text {
  return t`Check ${own(via.variable)} and NO_PROXY: the proxy must be running and reachable from the runner and allow ${host}, or NO_PROXY must name ${host}.`;
}

/** Neon's own `message` from an error body, scrubbed of anything URI- or secret-shaped. */
export function neonMessage(body: string): string {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    return typeof message === 'string' ? scrub(message) : '';
  } catch {
    return '';
  }
}

export interface NeonRequest {
  method: string;
  url: URL;
  /** api_host as given. */
  apiHost: string;
  projectId: string;
  /** What a 404 on this request means, when the caller knows (a database, a role, a parent branch). */
  notFound?: Text;
}

const withoutCredentials = (apiHost: string) => {
  const url = new URL(apiHost);
  return `${url.origin}${url.pathname}`;
};

const apiHostLacksVersion = (apiHost: string) => !/\/api\/v2\/?$/.test(new URL(apiHost).pathname);

/** A Neon answer that is not a success and not worth (or no longer worth) retrying. */
export function neonRefused(status: number, request: NeonRequest, body: string, tries: number): Text {
  const message = neonMessage(body);
  const said = message ? t` Neon said: ${message}.` : own('');
  const where = t`${request.method} ${request.url.pathname}`;
  switch (status) {
    case 401:
      return t`Neon rejected the API key (401 on ${where}). Check that the api_key secret holds a valid, unrevoked Neon API key.${said}`;
    case 403:
      return t`The API key may not do this (403 on ${where}). Check that the key has access to project ${request.projectId} (a project-scoped key must be for this project).${said}`;
    case 404:
      if (apiHostLacksVersion(request.apiHost)) {
        return t`Not found (404 on ${where}). Check api_host: ${withoutCredentials(request.apiHost)} should be the API's base URL, ending in /api/v2 (such as https://console.neon.tech/api/v2).${said}`;
      }
      return request.notFound
        ? t`${request.notFound} (404 on ${where}).${said}`
        : t`Not found (404 on ${where}). Check project_id "${request.projectId}".${said}`;
    case 429:
    case 423:
    case 408:
      return t`The Neon API kept answering ${status} ${own(reasonOf(status))} on ${where} after ${own(attempts(tries))}. Re-run the job; if it persists, check Neon's status page.${said}`;
    default:
      if (status >= 500) return t`The Neon API kept failing with ${status} on ${where} after ${own(attempts(tries))}. Re-run the job; if it persists, check Neon's status page.${said}`;
      return t`The Neon API refused ${where} with ${status}.${said}`;
  }
}

export function reasonOf(status: number): string {
  if (status === 429) return '(rate limited)';
  if (status === 423) return '(project busy with another operation)';
  if (status === 408) return '(request timeout)';
  return '(server error)';
}

/** A Retry-After longer than the action is willing to wait. */
export function neonRetryAfterTooLong(request: NeonRequest, status: number, waitMs: number, capMs: number): ActionError {
  return new ActionError(
    t`Neon answered ${status} ${own(reasonOf(status))} on ${request.method} ${request.url.pathname} with Retry-After: ${Math.round(waitMs / 1000)}s, longer than this action waits (at most ${Math.round(capMs / 1000)}s). Re-run the job later; if it persists, check Neon's status page and your account's rate limits.`,
  );
}

/** A 2xx answer that is not the API's JSON: another server, a proxy or a captive portal answered. */
export function neonNotJson(request: NeonRequest, status: number, contentType: string, body: string): ActionError {
  const what = body.trim() === '' ? own('is empty') : t`is not JSON (${contentType || 'no content type'}: ${scrub(body, 60)})`;
  return new ActionError(
    t`Neon's answer to ${request.method} ${request.url.pathname} (${status}) ${what}. Check api_host: it must be the Neon API's base URL, such as https://console.neon.tech/api/v2; a proxy or captive portal may be answering instead.`,
  );
}

/** A JSON answer without a field the action needs. */
export function neonMissingField(method: string, path: string, field: string, present = false): ActionError {
  const what = present ? t`has a \`${own(field)}\` of the wrong shape` : t`lacks \`${own(field)}\``;
  return new ActionError(t`Neon's answer to ${method} ${path} ${what}. Check api_host (it must be the Neon API, version 2); re-run the job if it was a glitch.`);
}

/** Whether a GitHub error came with an answer (a status GitHub chose) or is a network failure Octokit reports as 500. */
export function githubStatus(error: unknown): number | undefined {
  const e = error as { status?: unknown; response?: unknown } | null;
  return typeof e?.status === 'number' && e.response !== undefined ? e.status : undefined;
}

/** What a failed GitHub request means, for a warning or an error. `doing` says what the action was doing. */
export function githubFailure(error: unknown, doing: Text, apiUrl: string, via?: Proxy): Text {
  const status = githubStatus(error);
  if (status === 401) return t`GitHub rejected github_token (401) while ${doing}. Check the token: the default \${{ github.token }} works.`;
  if (status === 403 || status === 404) {
    return t`GitHub refused (${status}) ${doing}: give the workflow the permissions it needs (\`pull-requests: write\` for the comment, \`pull-requests: read\` for cleanup); pull requests from forks get a read-only token.`;
  }
  if (status !== undefined) return t`GitHub answered ${status} while ${doing}. If it persists, check GitHub's status page.`;
  // No answer: Octokit reports a network failure as status 500 without a response; it is not GitHub's 500.
  const problem = networkProblem(error);
  const what = problem ? t`${own(problem.what)} (${own(problem.code)})` : t`${scrub(innermostMessage(error))}`;
  const advice = via ? proxyAdvice(via, hostOf(apiUrl)) : problem ? networkAdvice(problem, 'GITHUB_API_URL') : own('Check GITHUB_API_URL, HTTPS_PROXY and NO_PROXY.');
  return t`Could not reach GitHub at ${apiUrl}${via ? t` through the proxy ${via.host} (${own(via.variable)})` : own('')} while ${doing}: ${what}. ${advice}`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function innermostMessage(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const next = (current as { cause?: unknown }).cause;
    if (next instanceof Error && next.message) message = next.message;
    current = next;
  }
  return message;
}

/** Any error that reached the entrypoint, as the step's one error line. */
export function describeFailure(error: unknown): Text {
  if (error instanceof ActionError) return error.text;
  const problem = networkProblem(error);
  if (problem) return t`A network request failed: ${own(problem.what)} (${own(problem.code)}). Check api_host, GITHUB_API_URL, HTTPS_PROXY and NO_PROXY.`;
  const message = error instanceof Error ? error.message : String(error);
  return t`Unexpected failure: ${scrub(message)}. This is a bug in the action: re-run with step debug logging on, and report it with that log.`;
}

/** Fails the step with the error's one line; for a bug (nothing above classified it), the stack goes to the debug log first. */
export function failStep(error: unknown): void {
  if (!(error instanceof ActionError) && !networkProblem(error)) log.debug(t`${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  log.failed(describeFailure(error));
}
