/** Neon's limits: 700 requests a minute per account, and bursts of 40 a second per route. */
export interface RateLimits {
  perMinute: number;
  perRoutePerSecond: number;
}

export const NEON_RATE_LIMITS: RateLimits = { perMinute: 700, perRoutePerSecond: 40 };

/**
 * Sliding windows, counted at each request's arrival (`now`: the moment it came in, which a
 * request whose body took longer to read may pass after a later one); `check` answers the seconds to wait (Retry-After), or 0 to let it through. */
export class RateLimiter {
  private readonly minute: number[] = [];
  private readonly seconds = new Map<string, number[]>();
  /** 429s given, for the benchmark. */
  rejected = 0;

  constructor(private readonly limits: RateLimits) {}

  check(route: string, now = Date.now()): number {
    prune(this.minute, now - 60_000);
    const perRoute = this.seconds.get(route) ?? [];
    prune(perRoute, now - 1000);
    this.seconds.set(route, perRoute);
    let wait = 0;
    if (this.minute.length >= this.limits.perMinute) wait = Math.max(wait, (this.minute[0] as number) + 60_000 - now);
    if (perRoute.length >= this.limits.perRoutePerSecond) wait = Math.max(wait, (perRoute[0] as number) + 1000 - now);
    if (wait > 0) {
      this.rejected++;
      return Math.max(1, Math.ceil(wait / 1000));
    }
    insertInOrder(this.minute, now);
    insertInOrder(perRoute, now);
    return 0;
  }
}

function prune(times: number[], before: number): void {
  let drop = 0;
  while (drop < times.length && (times[drop] as number) <= before) drop++;
  times.splice(0, drop);
}

/** Keeps the window sorted when requests are checked in another order than they arrived. */
function insertInOrder(times: number[], at: number): void {
  let i = times.length;
  while (i > 0 && (times[i - 1] as number) > at) i--;
  times.splice(i, 0, at);
}
