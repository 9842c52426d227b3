import type { RunContext } from '../context.js';
import { ActionError } from '../errors.js';
import { sameMaskingRules, type MaskingRule } from '../inputs/masking-rules.js';
import * as log from '../log.js';
import type { Branch, FoundBranch } from '../neon/api.js';
import { AnonymizationApi, type AnonymizedStatus } from '../neon/anonymization.js';
import { namesOfRules, safeStatusMessage } from '../neon/anonymization-message.js';
import { pollDelayMs } from '../neon/retry-policy.js';
import { own, t, type Text } from '../text.js';

/**
 * Anonymized preview branches: nothing that connects (URI, host, password) is fetched, output,
 * summarised or commented until Neon says the branch is `anonymized`. Creating one is in
 * create.ts (`POST /branch_anonymized`); this file decides what a reused one needs and waits.
 */

/** What the report says about an anonymized branch. */
export interface AnonymizationReport {
  /** Masking rules Neon applied in its latest run (`last_run.masked_columns`), else how many rules the branch has. */
  rules: number;
  /** This run anonymized the branch again: its rules changed, or a previous run had ended in error or before starting. */
  rerun?: 'rules changed' | 'restarted';
}

/** What to do next, from the state Neon reports. */
export type AnonymizationStep = 'done' | 'wait' | 'start' | 'failed' | 'failed to initialize' | 'not started';

/**
 * The next step towards an `anonymized` branch. `created` and `anonymizing` (and any state Neon
 * may add) are waited for: nothing is handed out meanwhile. `initialized` (never started) is
 * started; `error` is started again unless this run's own attempt just ended in it (then it
 * fails with Neon's message); `anonymized` is done unless a new run is wanted (rules changed).
 * A run that may not change the branch (`get`, a branch a person made) starts nothing.
 */
export function anonymizationStep(state: string, o: { rerunWanted: boolean; startedByThisRun: boolean; mayStart: boolean }): AnonymizationStep {
  switch (state) {
    case 'anonymized':
      return o.rerunWanted && o.mayStart ? 'start' : 'done';
    case 'initialized':
      return o.mayStart ? 'start' : 'not started';
    case 'error':
      if (o.startedByThisRun && !o.rerunWanted) return 'failed';
      return o.mayStart ? 'start' : 'failed';
    case 'initialization_error':
      return 'failed to initialize';
    default:
      return 'wait';
  }
}

/** `: <Neon's status message>` (values from the data hidden; `names`: those masking_rules wrote), or nothing. */
const said = (status: AnonymizedStatus, names: Set<string>): Text => {
  const message = safeStatusMessage(status.status_message, names);
  return message ? t`: ${message}` : own('');
};

/** ` Neon said: <status message>.` (values from the data hidden), or nothing. */
const neonSaid = (status: AnonymizedStatus, names: Set<string>): Text => {
  const message = safeStatusMessage(status.status_message, names);
  return message ? t` Neon said: ${message}.` : own('');
};

/**
 * A reused branch's anonymization state, or undefined when it is not an anonymized branch. With
 * masking_rules set, a branch that is not anonymized is refused: its data is the parent's,
 * unmasked. Without masking_rules, Neon is asked only when the branch lists restricted actions
 * (an anonymized branch does: restore, and connecting while it is being anonymized).
 */
export async function reusedAnonymization(ctx: RunContext, found: FoundBranch): Promise<AnonymizedStatus | undefined> {
  const { branch } = found;
  const restricted = (branch as Branch & { restricted_actions?: unknown[] }).restricted_actions;
  if (!ctx.inputs.maskingRules && !(Array.isArray(restricted) && restricted.length > 0)) return undefined;
  const status = await new AnonymizationApi(ctx.api).status(branch.id);
  if (!status && ctx.inputs.maskingRules) {
    throw new ActionError(
      t`Branch ${branch.name} (${branch.id}) exists but is not an anonymized branch, and masking_rules is set: its data is not masked, so no connection details are handed out. Delete the branch (or close and reopen the pull request) so that the next run creates it anonymized, or set branch_name to a new name.`,
    );
  }
  return status;
}

export interface EnsureOptions {
  /** The rules masking_rules asks for; undefined to take the branch's own. */
  wanted?: MaskingRule[];
  /** This run created the branch with `start_anonymization: true`. */
  startedByThisRun: boolean;
  /** May change the branch (replace its rules, start anonymizing): not for `get`, nor for a branch a person made. */
  mayChange: boolean;
  /** The state already read, if any. */
  status?: AnonymizedStatus;
}

/**
 * Returns once Neon reports the branch `anonymized` with the rules asked for: replaces changed
 * rules and anonymizes again (masked data stays masked; a newly ruled column is masked now),
 * starts a branch left `initialized`, restarts one a previous run left in `error`, and waits
 * (within `timeout`) while it is `created` or `anonymizing`. Fails with Neon's status message,
 * cleaned of anything that could be a value from the data.
 */
export async function ensureAnonymized(ctx: RunContext, branch: Pick<Branch, 'id' | 'name'>, options: EnsureOptions): Promise<AnonymizationReport> {
  const anonymization = new AnonymizationApi(ctx.api);
  const status = options.status ?? (await anonymization.status(branch.id));
  const rules = options.startedByThisRun ? { count: options.wanted?.length ?? 0, changed: false } : await reconcileRules(ctx, anonymization, branch, options);
  const done = await untilAnonymized(ctx, anonymization, branch, status, { rerunWanted: rules.changed, startedByThisRun: options.startedByThisRun, mayStart: options.mayChange });
  const masked = done.status.last_run?.masked_columns;
  const count = typeof masked === 'number' ? masked : rules.count;
  log.info(t`Branch ${branch.name} is anonymized (${count} masking rule(s) applied), ${ctx.waiter.elapsed()} elapsed`);
  const rerun = rules.changed ? 'rules changed' : done.restarted ? 'restarted' : undefined;
  return { rules: count, ...(rerun ? { rerun } : {}) };
}

/**
 * The branch's rules against masking_rules: replaced when they differ (and the run may change the
 * branch), refused when it may not; a branch without any rule is refused (nothing in it is masked).
 */
async function reconcileRules(ctx: RunContext, anonymization: AnonymizationApi, branch: Pick<Branch, 'id' | 'name'>, options: EnsureOptions): Promise<{ count: number; changed: boolean }> {
  const stored = await anonymization.rules(branch.id);
  const { wanted } = options;
  if (!wanted) {
    if (stored.length === 0) {
      throw new ActionError(
        t`Branch ${branch.name} is an anonymized branch without masking rules: Neon reports it anonymized, but nothing in it is masked. Set masking_rules (the action then applies them), or add rules in the Neon console.`,
      );
    }
    return { count: stored.length, changed: false };
  }
  if (sameMaskingRules(stored, wanted)) return { count: stored.length, changed: false };
  if (!options.mayChange) {
    const why = ctx.inputs.command === 'get' ? 'command get changes nothing; run command create, which applies the rules' : 'it was not made by this action; change its rules in the Neon console';
    throw new ActionError(
      t`Branch ${branch.name} is masked with other rules than masking_rules asks for (${stored.length} rule(s) on the branch, ${wanted.length} asked), and this run may not change it (${own(why)}). No connection details were handed out.`,
    );
  }
  await anonymization.replaceRules(branch.id, wanted);
  log.info(t`masking_rules changed since the branch was anonymized: replaced its ${stored.length} rule(s) with ${wanted.length}; anonymizing it again`);
  return { count: wanted.length, changed: true };
}

/** Steps and polls until the branch is `anonymized` (see `anonymizationStep`); whoever sees that may connect. */
async function untilAnonymized(
  ctx: RunContext,
  anonymization: AnonymizationApi,
  branch: Pick<Branch, 'id' | 'name'>,
  first: AnonymizedStatus | undefined,
  o: { rerunWanted: boolean; startedByThisRun: boolean; mayStart: boolean },
): Promise<{ status: AnonymizedStatus; restarted: boolean }> {
  const { deadline, waiter } = ctx;
  const names = namesOfRules(ctx.inputs.maskingRules);
  let { rerunWanted, startedByThisRun } = o;
  let restarted = false;
  let status = first;
  let lastShown = '';
  let lastShownAt = 0;
  try {
    for (let poll = 0; ; ) {
      if (!status) throw new ActionError(t`Branch ${branch.name} (${branch.id}) is no longer an anonymized branch, or no longer exists: it changed while this run was using it. Re-run the job.`);
      const step = anonymizationStep(status.state, { rerunWanted, startedByThisRun, mayStart: o.mayStart });
      if (step === 'done') return { status, restarted };
      if (step === 'failed') {
        throw new ActionError(
          t`The anonymization of branch ${branch.name} failed.${neonSaid(status, names)} Check masking_rules (a function that does not exist, a table or column that is not there, a value that does not fit the column's type), then re-run the job: the next run applies the rules again. No connection details were written.`,
        );
      }
      if (step === 'failed to initialize') {
        throw new ActionError(
          t`Branch ${branch.name} could not be prepared for anonymization (initialization_error).${neonSaid(status, names)} Delete the branch (or close and reopen the pull request) so that the next run creates it again. No connection details were written.`,
        );
      }
      if (step === 'not started') {
        const why = ctx.inputs.command === 'get' ? 'command get changes nothing' : 'it was not made by this action';
        throw new ActionError(
          t`Branch ${branch.name} is not anonymized yet (${status.state}${said(status, names)}), and this run starts nothing (${own(why)}). Run the action with command create, or start the anonymization in the Neon console. No connection details were handed out.`,
        );
      }
      if (step === 'start') {
        log.info(t`Anonymizing branch ${branch.name} (${status.state} before)`);
        restarted ||= status.state === 'error';
        const started = await anonymization.start(branch.id);
        startedByThisRun = true;
        rerunWanted = false;
        status = started ?? (await anonymization.status(branch.id));
        poll = 0;
        continue;
      }
      // Waiting: one line when the state or its message changes, and every 10 s.
      const shown = `${status.state} ${status.status_message ?? ''}`;
      deadline.latest = t`the anonymization of branch ${branch.name}, last seen ${status.state}${said(status, names)}`;
      if (deadline.passed()) throw deadline.error();
      if (shown !== lastShown || Date.now() - lastShownAt > 10_000) {
        log.info(t`Waiting for the anonymization of ${branch.name}: ${status.state}${said(status, names)}, ${waiter.elapsed()} elapsed`);
        lastShown = shown;
        lastShownAt = Date.now();
      }
      await deadline.sleep(pollDelayMs(poll++, waiter.slowdown));
      status = await anonymization.status(branch.id);
      deadline.lastProblem = undefined;
    }
  } catch (error) {
    // The time ran out while Neon masks the branch: it goes on, and the next run waits for it.
    if (error instanceof ActionError && deadline.passed() && error.message.startsWith('Timed out')) {
      throw new ActionError(t`${error.text} Neon goes on anonymizing the branch, and the next run waits for it. No connection details were written.`);
    }
    throw error;
  }
}
