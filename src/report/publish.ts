import type { RunContext } from '../context.js';
import { ActionError } from '../errors.js';
import { lookUpStickyComment, writeStickyComment, type CommentLookup } from '../github/sticky-comment.js';
import * as log from '../log.js';
import { own, t, type Text } from '../text.js';
import { notesAfterCheck, requiredCheckFailed, type ConnectionCheckOutcome } from './connection-check.js';
import { commentBody, commentMarker, noteBlocks } from './comment-body.js';
import { markdown } from './markdown.js';
import { writeConnectionCheckOutput, writeOutputs } from './outputs.js';
import type { Report } from './report.js';
import { commentKeepingOldDiff, commentWithSchemaChanges } from './schema-changes.js';
import { SUMMARY_LIMIT, destructiveFailureMessage, schemaSectionForSummary } from './schema-section.js';
import { appendSummary, summaryRoom, writeSummary } from './summary.js';

/**
 * Reports what a command did: outputs (secrets masked first), log, job summary, PR comment. The
 * connection check (`check`, started as soon as the URI was known) runs meanwhile: the outputs,
 * the summary's table and the search for the comment do not wait for it; its answer then goes
 * into the `connection_verified` output, the log, the summary and the comment. The step fails
 * last (a required check that failed, destructive changes with `fail_on_destructive`), so
 * reviewers still see everything in the comment and the summary.
 */
export async function publish(ctx: RunContext, given: Report, check?: Promise<ConnectionCheckOutcome>): Promise<void> {
  const { inputs, event, github } = ctx;
  const sha = process.env.GITHUB_SHA;
  let report = given;
  writeOutputs(report);

  const pr = event.prNumber;
  const wantsComment = inputs.comment && pr !== undefined && report.command !== 'get';
  const marker = commentMarker(inputs.projectId);
  const lookup: CommentLookup | undefined = wantsComment && github ? lookUpStickyComment(github, { number: pr }, marker) : undefined;

  // The guess about the project's network settings waits for the check, which confirms or replaces it.
  const checking = check !== undefined && inputs.verifyConnection !== 'off';
  const guess = checking ? report.network?.note : undefined;
  const notesNow = report.notes.filter((n) => n !== guess);
  for (const note of notesNow) log.warning(note);
  await writeSummary({ ...report, notes: notesNow });
  if (report.schema) await appendSummary(`\n${schemaSectionForSummary(report.schema.diffs, { room: await summaryRoom(SUMMARY_LIMIT - 2), sha, parent: report.schema.parent.name ?? report.schema.parent.id })}\n`);

  let failure: Text | undefined;
  if (check) {
    const outcome = await check;
    report = { ...report, connectionCheck: outcome, notes: notesAfterCheck(report.notes, report.network, outcome) };
    writeConnectionCheckOutput(outcome);
    await appendSummary(checkSummary(outcome));
    if (outcome.state === 'verified') log.info(outcome.text);
    else if (outcome.state === 'off') log.info(t`Connection check skipped (verify_connection is off)`);
    else if (inputs.verifyConnection === 'require') failure = requiredCheckFailed(outcome);
    else log.warning(outcome.text);
  }
  if (report.schema && inputs.failOnDestructive) {
    const destructive = destructiveFailureMessage(report.schema.diffs);
    if (destructive) failure = own(destructive);
  }

  if (wantsComment) {
    if (!github) {
      log.warning(t`github_token is empty, so the PR comment was skipped. The branch itself is ready; see the job summary.`);
    } else {
      const runUrl = process.env.GITHUB_RUN_ID ? `${process.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${event.owner}/${event.repo}/actions/runs/${process.env.GITHUB_RUN_ID}` : undefined;
      const fresh = commentBody(report, { sha, runUrl });
      const schema = report.schema;
      const body = (current: string | undefined) =>
        schema ? commentWithSchemaChanges(current, fresh, schema, sha) : report.command === 'create' ? commentKeepingOldDiff(current, fresh, sha) : fresh;
      await log.group(t`Comment on the pull request`, () => writeStickyComment(github, { number: pr as number }, marker, body, lookup));
    }
  }
  log.info(t`Done in ${ctx.api.http.calls} Neon API call(s).`);
  if (failure) throw new ActionError(failure);
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
