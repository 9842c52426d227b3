/**
 * A fault the emulator injects on matching requests, for tests: a status (with or without
 * Retry-After), a socket reset before or after the request is handled, latency, or a body of
 * its own (an HTML page, nothing, broken JSON) in place of the route's answer.
 */
export interface FaultRule {
  method?: string;
  /** A route template such as `/projects/:project_id/branches`; any route when absent. */
  route?: string;
  status?: number;
  retryAfter?: string;
  message?: string;
  /** `before`: drop the connection unhandled; `after`: handle it, then drop the answer. */
  reset?: 'before' | 'after';
  delayMs?: number;
  /** Answer this body as it is (status `status`, 200 when absent), with `contentType`. */
  body?: string;
  contentType?: string;
  /** How many matching requests it applies to; every one when absent. */
  times?: number;
}

export class Faults {
  private rules: FaultRule[] = [];

  add(...rules: FaultRule[]): void {
    this.rules.push(...rules.map((r) => ({ ...r })));
  }

  clear(): void {
    this.rules = [];
  }

  /** The rule for this request, if any, counting it as used. */
  take(method: string, route: string): FaultRule | undefined {
    const rule = this.rules.find((r) => (!r.method || r.method === method) && (!r.route || r.route === route) && (r.times === undefined || r.times > 0));
    if (rule?.times !== undefined) rule.times--;
    return rule;
  }
}
