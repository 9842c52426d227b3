import type { RunContext } from '../context.js';
import { ActionError } from '../errors.js';
import * as log from '../log.js';
import { missingText, type Branch, type CreatedBranch, type Endpoint, type FoundBranch, type Operation } from '../neon/api.js';
import { networkFinding, type NetworkFinding } from '../neon/network-note.js';
import { assertNotPrecious, branchAnnotation, isOurs } from '../neon/ownership.js';
import { choosePreviewBranch, type Choice } from '../neon/preview-branch.js';
import { consoleUrl, type Report } from '../report/report.js';
import { t, type Text } from '../text.js';
import { computeUnitsText, sameComputeUnits } from '../inputs/compute-units.js';
import type { MaskingRule } from '../inputs/masking-rules.js';
import { AnonymizationApi, type AnonymizedStatus } from '../neon/anonymization.js';
import { ensureAnonymized, reusedAnonymization, type AnonymizationReport } from './anonymize.js';
import { computeSize, connectionDetails, findCompute, untilReady, type ComputeToWaitFor } from './compute.js';
import { deleteOne } from './delete.js';
import { lookUp } from './lookup.js';

/** The branch the preview is made from: `parent_branch` (by name or id), or the project's default branch. */
async function parentBranch(ctx: RunContext): Promise<Branch> {
  const parent = ctx.inputs.parentBranch;
  if (!parent) return ctx.api.defaultBranch();
  const found = await ctx.api.findBranch(parent);
  if (!found) throw new ActionError(t`parent_branch "${parent}" was not found in project ${ctx.inputs.projectId}. Check the name or id, or leave it empty for the default branch.`);
  return found.branch;
}

/**
 * The database and role of the outputs must exist on the parent (the branch inherits them): checked
 * before anything is created. A role that owns the database exists, so it is asked for only when
 * it does not (or when the database is missing, to say which of the two is).
 */
async function checkDatabaseAndRole(ctx: RunContext, parent: Branch): Promise<void> {
  const { api, inputs } = ctx;
  const owner = await api.databaseOwner(parent.id, inputs.database);
  if (owner === inputs.role) return;
  const role = await api.hasRole(parent.id, inputs.role);
  const missing = missingText({ name: inputs.database, exists: owner !== undefined }, { name: inputs.role, exists: role }, t`the parent branch ${parent.name}`);
  if (missing) throw new ActionError(t`${missing} Nothing was created.`);
}

function takenError(ctx: RunContext, heldBy: string): ActionError {
  return new ActionError(
    t`Branch ${ctx.target.name} and its alternative name belong to ${heldBy}, not to ${ctx.target.repository}. Set branch_name to a name unique to this repository (for example one that includes \${{ github.repository }}).`,
  );
}

type Made = ({ kind: 'created'; result: CreatedBranch; found: FoundBranch } | { kind: 'exists'; choice: Choice }) & { network: NetworkFinding };

/**
 * Creates the branch (after checking its parent has the database and role), or, when Neon answers
 * 409 because another run made it first, looks again. If the name turned out to be another
 * repository's, it tries once more under this repository's collision name.
 */
async function createNew(ctx: RunContext, name: string, notes: Text[], rules: MaskingRule[] | undefined = ctx.inputs.maskingRules): Promise<Made> {
  const { inputs, event, api } = ctx;
  // The parent and its database and role, and the project's settings, at the same time.
  const checkedParent = async () => {
    const parent = await parentBranch(ctx);
    await checkDatabaseAndRole(ctx, parent);
    return parent;
  };
  const [parent, project] = await Promise.all([checkedParent(), api.getProject()]);
  const network = networkFinding(project);
  if (network.note) notes.push(network.note);
  const annotation = branchAnnotation(event);
  let tryName = name;
  for (let attempt = 1; ; attempt++) {
    const body = {
      name: tryName,
      parentId: inputs.parentBranch ? parent.id : undefined,
      expiresAt: inputs.expiresAt,
      schemaOnly: inputs.branchType === 'schema-only',
      suspendTimeout: inputs.suspendTimeout,
      computeUnits: inputs.computeUnits,
      annotation,
    };
    // With masking rules, an anonymized branch: closed to connections until Neon has masked it.
    const result = rules ? await new AnonymizationApi(api).create(body, rules) : await api.createBranch(body);
    if (result) {
      if (result.branch.name !== tryName) throw new ActionError(t`Neon created a branch named ${result.branch.name}, not ${tryName}; refusing to use it.`);
      log.info(rules ? t`Created anonymized branch ${result.branch.id} with ${rules.length} masking rule(s); anonymizing` : t`Created branch ${result.branch.id}`);
      return { kind: 'created', result, found: { branch: result.branch, annotation }, network };
    }
    log.info(t`Branch ${tryName} already exists (another run made it): looking again`);
    const choice = choosePreviewBranch(await api.searchBranches(ctx.target.search), ctx.target);
    if (choice.kind === 'none' && choice.createAs !== tryName && attempt === 1) {
      tryName = choice.createAs;
      continue;
    }
    if (choice.kind === 'none') throw new ActionError(t`Neon said branch ${tryName} exists (409) but no such branch was found. Re-run the job.`);
    return { kind: 'exists', choice, network };
  }
}

/** Neon calls besides operation polls a run may make (README, "What it does"). */
const CALL_BUDGET = { create: 8, reuse: 5 };

/**
 * Creates this PR's branch, or reuses it, and waits for its compute. What starts when: the lookup
 * (the PR comment is looked for meanwhile, see run.ts); for a new branch, its parent with its
 * database and role, and the project's settings, then the POST; then the wait for the compute,
 * with the URIs fetched during it; the rest (connection check, PR still open, reports) once the
 * compute is ready, in run.ts.
 */
export async function create(ctx: RunContext): Promise<Report> {
  const { inputs, event, api, waiter } = ctx;
  const notes: Text[] = [];
  let choice = await lookUp(ctx);
  let made: CreatedBranch | undefined;
  let found: FoundBranch | undefined;
  let network: NetworkFinding | undefined;

  if (choice.kind === 'taken') throw takenError(ctx, choice.heldBy);
  if (choice.kind === 'none') {
    const name = choice.createAs;
    const result = await log.group(t`Create branch ${name}`, () => createNew(ctx, name, notes));
    network = result.network;
    if (result.kind === 'created') {
      made = result.result;
      found = result.found;
    } else {
      choice = result.choice;
    }
  }
  if (!found) {
    if (choice.kind === 'taken') throw takenError(ctx, choice.heldBy);
    if (choice.kind === 'none') throw new ActionError(t`Branch ${choice.createAs} could not be found or created. Re-run the job.`);
    found = choice.found;
  }
  assertNotPrecious(found, inputs.parentBranch, 'use');
  // A reused anonymized branch (or, with masking_rules, a refusal of one that is not).
  let anonymized: AnonymizedStatus | undefined = made ? undefined : await reusedAnonymization(ctx, found);

  let reuse: Report['reuse'];
  let rules = inputs.maskingRules;
  if (!made && anonymized && isOurs(found) && inputs.resetOnPush && event.action === 'synchronize') {
    // Neon refuses to restore an anonymized branch: the reset is a new branch from the parent, masked again.
    ({ made, found, anonymized, network, rules } = await log.group(t`Reset anonymized branch ${found.branch.name}`, () => recreateAnonymized(ctx, found as FoundBranch, notes)));
    reuse = 'recreated';
  }
  const { branch } = found;
  let expiresAt = made ? (made.branch.expires_at ?? undefined) : (branch.expires_at ?? undefined);
  const operations: Operation[] = made ? [...made.operations] : [];
  /** A reused branch's computes, listed while its expiry is set (which does not touch them). */
  let listed: Promise<Endpoint[]> | undefined;
  if (!made && reuse !== 'recreated') {
    const reused = found;
    await log.group(t`Reuse branch ${branch.name}`, async () => {
      if (!isOurs(reused)) {
        reuse = 'as it is';
        notes.push(t`Branch ${branch.name} was not created by this action, so it was reused as it is and its expiry was left unchanged.`);
        return;
      }
      reuse = 'refreshed';
      const reset = inputs.resetOnPush && event.action === 'synchronize' && branch.parent_id && !anonymized;
      if (!reset) {
        listed = api.listBranchEndpoints(branch.id);
        listed.catch(() => undefined); // awaited below; a failure meanwhile is not left unhandled
      }
      // What Neon holds is what is reported: set (or clear, for `never`) the expiry, and read it back.
      const wanted = inputs.expiresAt ?? null;
      if (wanted !== null || branch.expires_at) {
        const updated = await api.updateBranchExpiry(branch.id, wanted);
        operations.push(...updated.operations);
        expiresAt = updated.branch.expires_at ?? undefined;
        if (wanted === null && expiresAt) {
          throw new ActionError(t`expires_in is never, but Neon kept the branch's expiry (${expiresAt}) after it was cleared. Clear it in the Neon console, or set expires_in.`);
        }
        log.info(expiresAt ? t`Expiry refreshed to ${expiresAt}` : t`Expiry cleared: the branch no longer expires`);
      }
      if (reset && branch.parent_id) {
        operations.push(...(await api.restoreBranch(branch.id, branch.parent_id)));
        reuse = 'reset';
        log.info(t`Resetting ${branch.name} to the latest state of its parent ${branch.parent_id}`);
      }
    });
  }

  // Nothing that connects is fetched before an anonymized branch is anonymized.
  const madeAnonymized = Boolean(made && (reuse === 'recreated' || inputs.maskingRules));
  const handOutWhileWaiting = !madeAnonymized && !anonymized;
  const given = made?.connectionUris.find((c) => c.database === inputs.database && c.role === inputs.role);

  // The wait for the compute, and meanwhile what does not need it ready: the connection URIs (Neon
  // gives them as soon as the compute exists; a new branch's POST answer usually holds them
  // already) and the service URLs. The polls are planned from the project's latest operations
  // when the run can spare that call within its budget.
  const waited = await log.group(t`Wait for the compute`, async () => {
    const madeEndpoint = made?.endpoints.find((e) => `${e.type}` === 'read_write');
    const compute: ComputeToWaitFor = madeEndpoint ? { endpoint: madeEndpoint, operations } : await waiter.operations(operations).then(() => findCompute(ctx, branch, true, listed));
    const stillToCall = (handOutWhileWaiting && given ? 0 : 2) + (inputs.getAuthUrl ? 1 : 0) + (inputs.getDataApiUrl ? 1 : 0);
    const learn = api.callsBesidesPolls + stillToCall + 1 <= (made ? CALL_BUDGET.create : CALL_BUDGET.reuse);
    const [endpoint, details] = await Promise.all([untilReady(ctx, compute, { learn }), handOutWhileWaiting ? connectionDetails(ctx, branch, compute.endpoint, given) : undefined]);
    return { ready: endpoint, details };
  });
  const { ready } = waited;
  const compute = computeSize(ready);
  if (!made && compute && inputs.computeUnits && !sameComputeUnits(compute, inputs.computeUnits)) {
    log.notice(
      t`Compute ${ready.id} of the reused branch ${branch.name} runs at ${computeUnitsText(compute)}, not ${computeUnitsText(inputs.computeUnits)} as compute_units asks: compute_units sizes the compute when the branch is created, and a reused branch's compute is not resized (resizing restarts it and drops its connections). Delete the branch, or close and reopen the pull request, to get the new size.`,
    );
  }
  let anonymization: AnonymizationReport | undefined;
  if (madeAnonymized || anonymized) {
    anonymization = await log.group(t`Wait for the anonymization`, () =>
      ensureAnonymized(ctx, branch, {
        wanted: rules,
        startedByThisRun: madeAnonymized,
        mayChange: madeAnonymized || isOurs(found as FoundBranch),
        status: anonymized,
      }),
    );
  }
  const [connection, services] = waited.details ?? (await log.group(t`Fetch the connection URIs`, () => connectionDetails(ctx, branch, ready)));
  return {
    command: 'create',
    projectId: inputs.projectId,
    branchName: branch.name,
    branchId: branch.id,
    consoleUrl: consoleUrl(inputs.apiHost, inputs.projectId, branch.id),
    created: Boolean(made),
    reuse,
    expiresAt,
    connection,
    ...(anonymization ? { anonymization } : {}),
    ...(compute ? { compute } : {}),
    ...services,
    notes,
    found,
    network,
  };
}

/**
 * `reset_on_push` on an anonymized branch: Neon cannot restore one (422 "cannot restore anonymized
 * branches"), and the data a reset should bring is the parent's, unmasked. So the branch is
 * deleted and created again from the parent, under the same name, with the rules of masking_rules
 * (or, without it, the rules the branch had), anonymized before anything is handed out.
 */
async function recreateAnonymized(
  ctx: RunContext,
  found: FoundBranch,
  notes: Text[],
): Promise<{ made?: CreatedBranch; found: FoundBranch; anonymized?: AnonymizedStatus; network: NetworkFinding; rules: MaskingRule[] }> {
  const rules = ctx.inputs.maskingRules ?? (await new AnonymizationApi(ctx.api).rules(found.branch.id));
  if (rules.length === 0) throw new ActionError(t`Branch ${found.branch.name} is an anonymized branch without masking rules, so it is not created again unmasked. Set masking_rules.`);
  log.info(t`Neon cannot restore an anonymized branch: deleting ${found.branch.name} (${found.branch.id}) and creating it again from its parent, anonymized with ${rules.length} masking rule(s)`);
  await deleteOne(ctx, found);
  const result = await createNew(ctx, found.branch.name, notes, rules);
  if (result.kind === 'created') return { made: result.result, found: result.found, network: result.network, rules };
  // Another run made it again first: that one is used, once it is anonymized.
  if (result.choice.kind !== 'ours') throw new ActionError(t`Branch ${found.branch.name} could not be created again after its reset. Re-run the job.`);
  return { found: result.choice.found, anonymized: await reusedAnonymization(ctx, result.choice.found), network: result.network, rules };
}
