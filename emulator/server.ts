import http from 'node:http';
import { refusal, type ApiKeys } from './api-keys.js';
import { Faults } from './faults.js';
import type { Model } from './model.js';
import { NeonOpenApi } from './openapi.js';
import { ApiError } from './records.js';
import { RateLimiter, type RateLimits } from './rate-limit.js';
import { matchRoute, type RouteMatch } from './routes/index.js';

export interface RequestRecord {
  method: string;
  route: string;
  path: string;
  status: number;
  /** When the request arrived and when it was answered (epoch ms). */
  receivedAt: number;
  at: number;
  /** The id of the API key it authenticated with. */
  keyId?: number;
  /** The JSON body it carried, for tests that check what a client sent. */
  body?: unknown;
}

/** A request refused (400) because it does not conform to the official OpenAPI description. */
export interface RefusedRecord {
  method: string;
  route: string;
  path: string;
  keyId: number;
  message: string;
}

/** A poll of one operation's status: the benchmark and the budgets count these apart from the calls. */
export const isOperationPoll = (record: Pick<RequestRecord, 'route'>): boolean => record.route === '/projects/:project_id/operations/:operation_id';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The HTTP face of the emulator: `/api/v2` routes, API keys and their scopes, requests checked
 * against the official OpenAPI description, rate limits, injected faults.
 */
export class ApiServer {
  readonly faults = new Faults();
  readonly requests: RequestRecord[] = [];
  /** Requests answered 400 for not conforming to the description: a client bug Neon would refuse too. */
  readonly refused: RefusedRecord[] = [];
  readonly limiter?: RateLimiter;
  /** Off until the project is ready: the port is bound first, so a busy port fails before any Postgres starts. */
  serving = false;
  private readonly server: http.Server;
  private readonly openApi = NeonOpenApi.shared();

  constructor(
    private readonly model: Model,
    private readonly keys: ApiKeys,
    limits: RateLimits | false,
  ) {
    this.limiter = limits ? new RateLimiter(limits) : undefined;
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5000;
  }

  async listen(port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    return (this.server.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    let routeName = 'unknown';
    let keyId: number | undefined = undefined;
    let body: unknown;
    const send = (status: number, answer: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ method, route: routeName, path: url.pathname, status, receivedAt, at: Date.now(), keyId, ...(body === undefined ? {} : { body }) });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(answer));
    };
    const fail = (status: number, message: string, headers: Record<string, string> = {}) => send(status, { code: '', message }, headers);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (!this.serving) return fail(503, 'the emulator is starting', { 'retry-after': '1' });

    const path = url.pathname.startsWith('/api/v2/') ? url.pathname.slice('/api/v2'.length) : undefined;
    const matched: RouteMatch = path === undefined ? { status: 404, message: `route not found: ${method} ${url.pathname}` } : matchRoute(method, path);
    if (!('route' in matched)) return fail(matched.status, matched.message);
    const { route, params } = matched;
    routeName = route.template;
    const auth = req.headers.authorization ?? '';
    const key = auth.startsWith('Bearer ') ? this.keys.authenticate(auth.slice(7), req.socket.remoteAddress ?? '') : undefined;
    if (!key) return fail(401, 'authentication required: send a valid API key as a Bearer token');
    keyId = key.id;

    const denied = refusal(key, { method, template: route.template, params });
    if (denied) return fail(denied.status, denied.message);

    const fault = this.faults.take(method, route.template);
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.reset === 'before') {
      this.requests.push({ method, route: routeName, path: url.pathname, status: 0, receivedAt, at: Date.now(), keyId });
      return void req.socket.destroy();
    }
    if (fault?.body !== undefined) {
      this.requests.push({ method, route: routeName, path: url.pathname, status: fault.status ?? 200, receivedAt, at: Date.now(), keyId });
      res.writeHead(fault.status ?? 200, { 'content-type': fault.contentType ?? 'text/html; charset=utf-8' });
      return void res.end(fault.body);
    }
    if (fault?.status) return fail(fault.status, fault.message ?? `injected fault ${fault.status}`, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
    const wait = this.limiter?.check(`${method} ${route.template}`, receivedAt) ?? 0;
    if (wait > 0) return fail(429, 'rate limit exceeded', { 'retry-after': String(wait) });

    let problem: string | undefined;
    if (chunks.length) {
      try {
        body = JSON.parse(Buffer.concat(chunks).toString());
      } catch {
        problem = 'request body is not valid JSON';
      }
    }
    problem ??= this.openApi.checkRequest(method, route.template, { params, query: url.searchParams, body });
    if (problem) {
      this.refused.push({ method, route: routeName, path: url.pathname + url.search, keyId: key.id, message: problem });
      return fail(400, problem);
    }
    if (params.project_id !== undefined && params.project_id !== this.model.projectId) return fail(404, `project not found: ${params.project_id}`);
    try {
      await this.model.expire();
      const result = await route.handler(this.model, { params, query: url.searchParams, body, keys: this.keys });
      if (fault?.reset === 'after') {
        this.requests.push({ method, route: routeName, path: url.pathname, status: 0, receivedAt, at: Date.now(), keyId });
        return void req.socket.destroy();
      }
      send(result.status, result.body);
    } catch (error) {
      if (error instanceof ApiError) return fail(error.status, error.message);
      fail(500, `internal error: ${(error as Error).message}`);
    }
  }
}
