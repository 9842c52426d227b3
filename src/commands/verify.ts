import type { RunContext } from '../context.js';
import { networkRestriction } from '../neon/network-note.js';
import { classifyConnectionFailure } from '../postgres/connection-failure.js';
import { prepareConnectionCheck, verifyConnection, type ConnectionCheck } from '../postgres/verify-connection.js';
import type { ConnectionCheckOutcome } from '../report/connection-check.js';
import type { Report } from '../report/report.js';
import { scrub, t } from '../text.js';

/** The check never takes longer than this, and never runs past `timeout`. */
export const CHECK_LIMIT_MS = 30_000;

/**
 * For a run that will check its connection (create and get, unless verify_connection is off):
 * loads the Postgres client and Node's TLS once the run's first request is on its way, so that
 * work overlaps the wait for Neon instead of adding to the time after the compute is ready.
 */
export function prepareCheck(ctx: Pick<RunContext, 'inputs'>): void {
  const { command, verifyConnection } = ctx.inputs;
  if (verifyConnection === 'off' || (command !== 'create' && command !== 'get')) return;
  setImmediate(() => void prepareConnectionCheck());
}

/**
 * Starts the connection check with the URI the step outputs (`db_url`): connect as the runner
 * would (TLS, SCRAM, the outputs' role and database) and run `SELECT 1`. Call it the moment the
 * URI is known and await it only where its answer is needed: it never rejects, and it writes
 * nothing, so whatever does not depend on it runs meanwhile. Undefined when there is nothing to
 * check (no URI); `{ state: 'off' }` with `verify_connection: off`.
 */
export function startConnectionCheck(ctx: RunContext, report: Report): Promise<ConnectionCheckOutcome> | undefined {
  if (!report.connection) return undefined;
  if (ctx.inputs.verifyConnection === 'off') return Promise.resolve({ state: 'off' });
  // It never rejects: a bug in it is a failed check, not a crash while other work is under way.
  return check(ctx, report.connection.dbUrl, report.network).catch((error: unknown) => ({
    state: 'failed' as const,
    ms: 0,
    cause: 'other' as const,
    text: t`The connection check failed: ${scrub(error instanceof Error ? error.message : String(error))}.`,
  }));
}

async function check(ctx: RunContext, uri: string, network: Report['network']): Promise<ConnectionCheckOutcome> {
  const timeoutMs = Math.min(CHECK_LIMIT_MS, ctx.deadline.remainingMs());
  let result: ConnectionCheck = await verifyConnection(uri, { timeoutMs, restriction: network?.restriction });
  if (!result.ok && network === undefined && result.facts && result.target) {
    // This run did not read the project's settings (a reused branch): read them now, only on
    // failure, so a failure caused by them says so.
    const restriction = await ctx.api.getProject().then(networkRestriction, () => undefined);
    if (restriction) result = { ...result, ...classifyConnectionFailure(result.facts, result.target, restriction) };
  }
  return result.ok ? { state: 'verified', ms: result.ms, text: result.text } : { state: 'failed', ms: result.ms, cause: result.cause, text: result.text };
}
