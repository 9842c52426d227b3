import type { Emulator } from '../../emulator/index.js';

export interface Answer {
  status: number;
  headers: Headers;
  // Tests read the fields they need; the OpenAPI test checks the shapes.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  /** The emulator's route template that answered, e.g. `GET /projects/:project_id`. */
  route: string;
}

/** Where the API is: an emulator in this process, or one a test started as a command. */
export interface NeonTarget {
  url: string;
  apiKey: string;
  projectId: string;
  /** The in-process emulator, to name the route that answered. */
  emulator?: Emulator;
}

/**
 * A bare HTTP client for the emulator's Neon API, for tests of the emulator itself. Given an
 * emulator, it calls with the personal key (everything is allowed); pass a key to `call` to act
 * with another.
 */
export class NeonClient {
  private readonly neon: NeonTarget;

  constructor(
    target: Emulator | NeonTarget,
    private readonly onAnswer: (method: string, answer: Answer) => void = () => undefined,
  ) {
    this.neon = 'model' in target ? { url: target.url, apiKey: target.personalKey, projectId: target.projectId, emulator: target } : target;
  }

  get project(): string {
    return `/projects/${this.neon.projectId}`;
  }

  async call(method: string, path: string, body?: unknown, key = this.neon.apiKey): Promise<Answer> {
    const response = await fetch(`${this.neon.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    // A 204 (a database or role that is already gone) has no body.
    const text = await response.text();
    const answer: Answer = { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined, route: this.neon.emulator?.api.requests.at(-1)?.route ?? 'unknown' };
    this.onAnswer(method, answer);
    return answer;
  }

  /** Polls operations until each has finished; fails on a failed one. Waits as told on 429 (an emulator with Neon's rate limits). */
  async settle(operations: { id: string }[] = [], limitMs = 60_000): Promise<void> {
    for (const op of operations) {
      const until = Date.now() + limitMs;
      for (;;) {
        const { status, headers, body } = await this.call('GET', `${this.project}/operations/${op.id}`);
        if (status === 429) {
          await new Promise((r) => setTimeout(r, 1000 * Number(headers.get('retry-after') ?? 1)));
          continue;
        }
        if (status !== 200) throw new Error(`operation ${op.id}: ${status} ${JSON.stringify(body)}`);
        if (body.operation.status === 'finished') break;
        if (body.operation.status === 'failed') throw new Error(`operation ${op.id} failed: ${body.operation.error}`);
        // An operation that never ends is an emulator bug: say which, rather than hang until the test's own timeout.
        if (Date.now() > until) throw new Error(`operation ${body.operation.action} (${op.id}) on ${body.operation.branch_id} still ${body.operation.status} after ${limitMs / 1000} s`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  /** Creates a branch with a read-write compute and waits for it; returns the branch and its endpoint. */
  async createBranch(branch: Record<string, unknown>): Promise<{ id: string; endpointId: string; host: string }> {
    const { status, body } = await this.call('POST', `${this.project}/branches`, { branch, endpoints: [{ type: 'read_write' }] });
    if (status !== 201) throw new Error(`create branch: ${status} ${JSON.stringify(body)}`);
    await this.settle(body.operations);
    return { id: body.branch.id, endpointId: body.endpoints[0].id, host: body.endpoints[0].host };
  }

  async connectionUri(branchId: string, pooled = false): Promise<string> {
    const { body } = await this.call('GET', `${this.project}/connection_uri?branch_id=${branchId}&database_name=neondb&role_name=neondb_owner${pooled ? '&pooled=true' : ''}`);
    return body.uri as string;
  }
}
