import type { RunContext } from '../context.js';
import { ActionError } from '../errors.js';
import { lookUpStickyComment, writeStickyComment, type CommentLookup } from '../github/sticky-comment.js';
import * as log from '../log.js';
import { own, t, type Text } from '../text.js';
import { notesAfterCheck, requiredCheckFailed, type ConnectionCheckOutcome } from './connection-check.js';
import { commentBody, commentMarker, deleteComment, noteBlocks } from './comment-body.js';
import { markdown } from './markdown.js';
import { writeCommentUrlOutput, writeConnectionCheckOutput, writeOutputs } from './outputs.js';
import type { Report } from './report.js';
import { commentKeepingOldDiff, commentWithSchemaChanges } from './schema-changes.js';
import { SUMMARY_LIMIT, destructiveFailureMessage, schemaSectionForSummary } from './schema-section.js';
import { appendSummary, summaryRoom, writeSummary } from './summary.js';

/** Whether this run writes the PR comment: `comment` is on, the run is for a pull request, and the command is not `get`. */
function wantsComment(ctx: Pick<RunContext, 'inputs' | 'event'>): boolean {
  return ctx.inputs.comment && ctx.event.prNumber !== undefined && ctx.inputs.command !== 'get';
}

/**
 * Starts looking for this PR's comment (who the token is, then the PR's comments), for a run that
 * will write it: call it as the run starts, so the search goes on while the run waits for Neon.
 * It never rejects; `publish` takes its answer.
 */
export function startCommentSearch(ctx: RunContext): CommentLookup | undefined {
  const pr = ctx.event.prNumber;
  if (!wantsComment(ctx) || !ctx.github || pr === undefined) return undefined;
  return lookUpStickyComment(ctx.github, { number: pr }, commentMarker(ctx.inputs.projectId));
}

/**
 * Reports what a command did: outputs (secrets masked first), log, job summary, PR comment. The
 * comment was looked for while the run worked (`lookup`, see `startCommentSearch`), and the
 * connection check (`check`, started as soon as the compute was ready) runs while the outputs and
 * the summary's table are written; its answer then goes into the `connection_verified` output, the
 * log, the summary and the comment, the last two at once. The step fails last (a required check
 * that failed, destructive changes with `fail_on_destructive`), so reviewers still see everything
 * in the comment and the summary.
 */
export async function publish(ctx: RunContext, given: Report, check?: Promise<ConnectionCheckOutcome>, lookup?: CommentLookup): Promise<void> {
  const { inputs } = ctx;
  const sha = process.env.GITHUB_SHA;
  let report = given;
  writeOutputs(report);

  const marker = commentMarker(inputs.projectId);

  // The guess about the project's network settings waits for the check, which confirms or replaces it.
  const checking = check !== undefined && inputs.verifyConnection !== 'off';
  const guess = checking ? report.network?.note : undefined;
  const notesNow = report.notes.filter((n) => n !== guess);
  for (const note of notesNow) log.warning(note);
  await writeSummary({ ...report, notes: notesNow });
  if (report.schema) await appendSummary(`\n${schemaSectionForSummary(report.schema.diffs, { room: await summaryRoom(SUMMARY_LIMIT - 2), sha, parent: report.schema.parent.name ?? report.schema.parent.id, baseGiven: report.schema.baseGiven, asOf: report.schema.asOf })}\n`);

  let failure: Text | undefined;
  let checkLines = '';
  if (check) {
    const outcome = await check;
    report = { ...report, connectionCheck: outcome, notes: notesAfterCheck(report.notes, report.network, outcome) };
    writeConnectionCheckOutput(outcome);
    checkLines = checkSummary(outcome);
    if (outcome.state === 'verified') log.info(outcome.text);
    else if (outcome.state === 'off') log.info(t`Connection check skipped (verify_connection is off)`);
    else if (inputs.verifyConnection === 'require') failure = requiredCheckFailed(outcome);
    else log.warning(outcome.text);
  }
  // The summary's last lines and the comment hold the same facts and do not depend on each other.
  const [, commentUrl] = await Promise.all([appendSummary(checkLines), writeComment(ctx, report, marker, lookup)]);
  writeCommentUrlOutput(commentUrl);
  if (report.schema && inputs.failOnDestructive) {
    // It points where the changes can be read: the comment only if this run wrote it.
    const destructive = destructiveFailureMessage(report.schema.diffs, { inComment: commentUrl !== undefined });
    if (destructive) failure = own(destructive);
  }
  log.info(t`Done in ${ctx.api.http.calls} Neon API call(s).`);
  if (failure) throw new ActionError(failure);
}

/** The PR comment, when the run writes one (see `wantsComment`), and its URL; a run without a token says so. */
async function writeComment(ctx: RunContext, report: Report, marker: string, lookup: CommentLookup | undefined): Promise<string | undefined> {
  const { event, github } = ctx;
  const pr = event.prNumber;
  if (!wantsComment(ctx) || pr === undefined) return undefined;
  if (!github) {
    log.warning(t`github_token is empty, so the PR comment was skipped. The branch itself is ready; see the job summary.`);
    return undefined;
  }
  const sha = process.env.GITHUB_SHA;
  const runUrl = process.env.GITHUB_RUN_ID ? `${process.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${event.owner}/${event.repo}/actions/runs/${process.env.GITHUB_RUN_ID}` : undefined;
  const fresh = commentBody(report, { sha, runUrl });
  const schema = report.schema;
  const body = (current: string | undefined) =>
    schema ? commentWithSchemaChanges(current, fresh, schema, sha) : report.command === 'create' ? commentKeepingOldDiff(current, fresh, sha) : report.command === 'delete' ? deleteComment(current, fresh, report) : fresh;
  return log.group(t`Comment on the pull request`, () => writeStickyComment(github, { number: pr }, marker, body, lookup));
}

/** The summary's lines for the check, under the table written before it answered. */
function checkSummary(outcome: ConnectionCheckOutcome): string {
  switch (outcome.state) {
    case 'verified':
      return `\n${markdown(outcome.text)}\n`;
    case 'failed':
      return `\n${noteBlocks([outcome.text]).join('')}`;
    case 'off':
      return '\nConnection not checked (`verify_connection: off`).\n';
  }
}
