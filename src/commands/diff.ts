import { forEachLimited } from '../concurrency.js';
import type { RunContext } from '../context.js';
import { ActionError } from '../errors.js';
import * as log from '../log.js';
import { assertNotPrecious } from '../neon/ownership.js';
import { consoleUrl, type Report } from '../report/report.js';
import type { DatabaseSchemaDiff } from '../report/schema-section.js';
import { describeChange, destructiveChanges } from '../schema-diff/destructive.js';
import { diffLineCounts } from '../schema-diff/unified-diff.js';
import { join, own, t } from '../text.js';
import { existingBranch } from './lookup.js';

/**
 * Databases compared at once. Neon allows 40 requests a second per route; a handful at a time
 * keeps a project with many databases well inside that, and a 429 is retried anyway.
 */
const AT_ONCE = 4;

/**
 * `command: diff`: the PR's branch (found as `get` finds it) compared with its parent, for every
 * database of the branch, or only `database` when it is set, with Neon's `compare_schema`. Reads
 * only: it creates, changes and deletes nothing on Neon.
 */
export async function diff(ctx: RunContext): Promise<Report> {
  const { inputs, api } = ctx;
  const found = await existingBranch(ctx);
  assertNotPrecious(found, inputs.parentBranch, 'compare the schema of');
  const { branch } = found;
  const parentId = branch.parent_id;
  if (!parentId) throw new ActionError(t`Branch ${branch.name} (${branch.id}) has no parent branch, so there is nothing to compare its schema with.`);

  const diffs = await log.group(t`Compare the schema with the parent branch`, async () => {
    const [parent, databases] = await Promise.all([api.getBranch(parentId), inputs.databaseGiven ? [inputs.database] : api.listDatabaseNames(branch.id)]);
    if (!parent) {
      throw new ActionError(t`The parent branch ${parentId} of ${branch.name} no longer exists, so there is nothing to compare the schema with. Run the action with command create on a new branch.`);
    }
    const results = new Map<string, DatabaseSchemaDiff>();
    await forEachLimited(databases, AT_ONCE, async (database) => {
      const notFound = inputs.databaseGiven
        ? t`The database "${database}" (input \`database\`) does not exist on branch ${branch.name}: set database to one of its databases, or leave it empty to compare every database`
        : undefined;
      const text = await api.compareSchema(branch.id, parentId, database, notFound);
      results.set(database, { database, diff: text, destructive: destructiveChanges(text) });
    });
    const ordered = databases.map((d) => results.get(d) as DatabaseSchemaDiff);
    for (const d of ordered) logDatabase(d, inputs.failOnDestructive);
    return { parent, ordered };
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
    schema: { parent: { id: parentId, name: diffs.parent.name }, diffs: diffs.ordered },
  };
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
