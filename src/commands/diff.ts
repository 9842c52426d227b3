import { forEachLimited } from '../concurrency.js';
import type { RunContext } from '../context.js';
import { ActionError } from '../errors.js';
import * as log from '../log.js';
import { assertNotPrecious } from '../neon/ownership.js';
import { consoleUrl, type Report } from '../report/report.js';
import type { Branch } from '@neondatabase/api-client';
import type { FoundBranch } from '../neon/api.js';
import type { DatabaseSchemaDiff } from '../report/schema-section.js';
import { describeChange, destructiveChanges, destructiveChangesBetween, type DestructiveChange } from '../schema-diff/destructive.js';
import { diffLineCounts } from '../schema-diff/unified-diff.js';
import { join, own, t } from '../text.js';
import { existingBranch } from './lookup.js';

/**
 * Databases compared at once. Neon allows 40 requests a second per route; a handful at a time
 * keeps a project with many databases well inside that, and a 429 is retried anyway.
 */
const AT_ONCE = 4;

/**
 * `command: diff`: the PR's branch (found as `get` finds it), or `compare_branch`, compared with
 * its parent, or `base_branch`, for every database of the branch, or only `database` when it is
 * set, with Neon's `compare_schema`; with `timestamp` or `lsn`, the branch as it was then. Reads
 * only: it creates, changes and deletes nothing on Neon.
 */
export async function diff(ctx: RunContext): Promise<Report> {
  const { inputs, api } = ctx;
  const found = inputs.compareBranch ? await namedBranch(ctx, inputs.compareBranch, 'compare_branch') : await existingBranch(ctx);
  // A branch named by compare_branch is only read, whatever it is: schema-diff-action compares any two branches.
  if (!inputs.compareBranch) assertNotPrecious(found, inputs.parentBranch, 'compare the schema of');
  const { branch } = found;
  const at = inputs.pointInTime;
  const asOf = at ? ('timestamp' in at ? t` as of ${at.timestamp}` : t` as of LSN ${at.lsn}`) : own('');

  const diffs = await log.group(inputs.baseBranch ? t`Compare the schema${asOf} with base_branch ${inputs.baseBranch}` : t`Compare the schema${asOf} with the parent branch`, async () => {
    const [base, databases] = await Promise.all([baseBranch(ctx, branch), inputs.databaseGiven ? [inputs.database] : api.listDatabaseNames(branch.id)]);
    const results = new Map<string, DatabaseSchemaDiff>();
    await forEachLimited(databases, AT_ONCE, async (database) => {
      const notFound = inputs.databaseGiven
        ? t`The database "${database}" (input \`database\`) does not exist on branch ${branch.name}: set database to one of its databases, or leave it empty to compare every database`
        : undefined;
      const text = await api.compareSchema(branch.id, base.id, database, notFound, at);
      results.set(database, { database, diff: text, destructive: text.trim() ? await destructiveIn(ctx, text, { branch: branch.id, base: base.id, database, at }) : [] });
    });
    const ordered = databases.map((d) => results.get(d) as DatabaseSchemaDiff);
    for (const d of ordered) logDatabase(d, inputs.failOnDestructive);
    return { base, ordered };
  });

  return {
    command: 'diff',
    projectId: inputs.projectId,
    branchName: branch.name,
    branchId: branch.id,
    consoleUrl: consoleUrl(inputs.apiHost, inputs.projectId, branch.id),
    expiresAt: branch.expires_at ?? undefined,
    notes: [],
    found,
    schema: { parent: { id: diffs.base.id, name: diffs.base.name }, baseGiven: Boolean(inputs.baseBranch), asOf: at && ('timestamp' in at ? at.timestamp : at.lsn), diffs: diffs.ordered },
  };
}

/**
 * The destructive changes of a database whose schema changed, read from the two whole dumps (two
 * reads, at once: every statement seen from its start; see `destructiveChangesBetween`). If Neon
 * does not give them, from the diff's hunks, which show only a few lines around each change.
 */
async function destructiveIn(ctx: RunContext, diffText: string, o: { branch: string; base: string; database: string; at: RunContext['inputs']['pointInTime'] }): Promise<DestructiveChange[]> {
  try {
    const [baseDump, headDump] = await Promise.all([ctx.api.branchSchema(o.base, o.database), ctx.api.branchSchema(o.branch, o.database, o.at)]);
    return destructiveChangesBetween(baseDump, headDump);
  } catch (error) {
    if (!(error instanceof ActionError)) throw error;
    log.info(t`The whole schemas of ${o.database} could not be read (${error.text}); destructive changes are read from the diff alone`);
    return destructiveChanges(diffText);
  }
}

/** A branch named by an input (`compare_branch`, `base_branch`), by name or id; none is one error naming the input. */
async function namedBranch(ctx: RunContext, nameOrId: string, input: string): Promise<FoundBranch> {
  const found = await ctx.api.findBranch(nameOrId);
  if (found) log.info(t`${input} ${nameOrId}: branch ${found.branch.name} (${found.branch.id})`);
  else throw new ActionError(t`No branch named ${nameOrId} (input ${input}, a branch name or id) in project ${ctx.inputs.projectId}. Check the name, or the id (br-...) on the Neon console.`);
  return found;
}

/** What the branch is compared with: base_branch when set, else its parent. */
async function baseBranch(ctx: RunContext, branch: Branch): Promise<Branch> {
  if (ctx.inputs.baseBranch) return (await namedBranch(ctx, ctx.inputs.baseBranch, 'base_branch')).branch;
  const parentId = branch.parent_id;
  if (!parentId) throw new ActionError(t`Branch ${branch.name} (${branch.id}) has no parent branch, so there is nothing to compare its schema with. Set base_branch to the branch to compare with.`);
  const parent = await ctx.api.getBranch(parentId);
  if (!parent) {
    throw new ActionError(t`The parent branch ${parentId} of ${branch.name} no longer exists, so there is nothing to compare the schema with. Run the action with command create on a new branch, or set base_branch.`);
  }
  return parent;
}

/** One line per database; its destructive changes as a warning, unless fail_on_destructive makes them the step's error. */
function logDatabase(d: DatabaseSchemaDiff, failOnDestructive: boolean): void {
  if (d.diff.trim() === '') {
    log.info(t`Database ${d.database}: no schema changes`);
    return;
  }
  const { added, removed } = diffLineCounts(d.diff);
  log.info(t`Database ${d.database}: +${added} -${removed} lines`);
  if (d.destructive.length === 0) return;
  const changes = join(
    d.destructive.map((c) => own(describeChange(c))),
    '; ',
  );
  const line = t`Database ${d.database}: ${d.destructive.length} destructive schema ${own(d.destructive.length === 1 ? 'change' : 'changes')}: ${changes}`;
  if (failOnDestructive) log.info(line);
  else log.warning(line);
}
