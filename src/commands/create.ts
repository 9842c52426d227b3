import type { RunContext } from '../context.js';
import { ActionError } from '../errors.js';
import * as log from '../log.js';
import { missingText, type Branch, type CreatedBranch, type Endpoint, type FoundBranch, type Operation } from '../neon/api.js';
import { networkFinding, type NetworkFinding } from '../neon/network-note.js';
import { assertNotPrecious, branchAnnotation, isOurs } from '../neon/ownership.js';
import { choosePreviewBranch, type Choice } from '../neon/preview-branch.js';
import { consoleUrl, type Report } from '../report/report.js';
import { t, type Text } from '../text.js';
import { fetchConnection, readyCompute } from './compute.js';
import { lookUp } from './lookup.js';

/** The branch the preview is made from: `parent_branch` (by name or id), or the project's default branch. */
async function parentBranch(ctx: RunContext): Promise<Branch> {
  const parent = ctx.inputs.parentBranch;
  if (!parent) return ctx.api.defaultBranch();
  const found = await ctx.api.findBranch(parent);
  if (!found) throw new ActionError(t`parent_branch "${parent}" was not found in project ${ctx.inputs.projectId}. Check the name or id, or leave it empty for the default branch.`);
  return found.branch;
}

/** The database and role of the outputs must exist on the parent (the branch inherits them): checked before anything is created. */
async function checkDatabaseAndRole(ctx: RunContext, parent: Branch): Promise<void> {
  const { api, inputs } = ctx;
  const [database, role] = await Promise.all([api.hasDatabase(parent.id, inputs.database), api.hasRole(parent.id, inputs.role)]);
  const missing = missingText({ name: inputs.database, exists: database }, { name: inputs.role, exists: role }, t`the parent branch ${parent.name}`);
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
async function createNew(ctx: RunContext, name: string, notes: Text[]): Promise<Made> {
  const { inputs, event, api } = ctx;
  const [parent, project] = await Promise.all([parentBranch(ctx), api.getProject()]);
  await checkDatabaseAndRole(ctx, parent);
  const network = networkFinding(project);
  if (network.note) notes.push(network.note);
  const annotation = branchAnnotation(event);
  let tryName = name;
  for (let attempt = 1; ; attempt++) {
    const result = await api.createBranch({
      name: tryName,
      parentId: inputs.parentBranch ? parent.id : undefined,
      expiresAt: inputs.expiresAt,
      schemaOnly: inputs.branchType === 'schema-only',
      suspendTimeout: inputs.suspendTimeout,
      annotation,
    });
    if (result) {
      if (result.branch.name !== tryName) throw new ActionError(t`Neon created a branch named ${result.branch.name}, not ${tryName}; refusing to use it.`);
      log.info(t`Created branch ${result.branch.id}`);
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

/** Creates this PR's branch, or reuses it, and waits for its compute. */
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
  const { branch } = found;
  assertNotPrecious(found, inputs.parentBranch, 'use');

  let reuse: Report['reuse'];
  let expiresAt = made ? (made.branch.expires_at ?? undefined) : (branch.expires_at ?? undefined);
  const operations: Operation[] = made ? [...made.operations] : [];
  if (!made) {
    const reused = found;
    await log.group(t`Reuse branch ${branch.name}`, async () => {
      if (!isOurs(reused)) {
        reuse = 'as it is';
        notes.push(t`Branch ${branch.name} was not created by this action, so it was reused as it is and its expiry was left unchanged.`);
        return;
      }
      reuse = 'refreshed';
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
      if (inputs.resetOnPush && event.action === 'synchronize' && branch.parent_id) {
        operations.push(...(await api.restoreBranch(branch.id, branch.parent_id)));
        reuse = 'reset';
        log.info(t`Resetting ${branch.name} to the latest state of its parent ${branch.parent_id}`);
      }
    });
  }

  const madeEndpoint: Endpoint | undefined = made?.endpoints.find((e) => `${e.type}` === 'read_write');
  const ready = await log.group(t`Wait for the compute`, async () => {
    await waiter.operations(operations);
    return madeEndpoint ?? readyCompute(ctx, branch);
  });
  const connection = await log.group(t`Fetch the connection URIs`, () => fetchConnection(ctx, branch, ready));
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
    notes,
    found,
    network,
  };
}
