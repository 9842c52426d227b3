import type { FailureCause } from '../postgres/connection-failure.js';
import { t, type Text } from '../text.js';
import { markdown } from './markdown.js';
import type { Report } from './report.js';

/** The connection check's answer, as the reports show it. */
export type ConnectionCheckOutcome =
  | { state: 'verified'; ms: number; text: Text }
  | { state: 'failed'; ms: number; cause: FailureCause; text: Text }
  /** `verify_connection: off`. */
  | { state: 'off' };

/** The `connection_verified` output: `true`, `false`, or empty when the check was off. */
export function connectionVerifiedOutput(outcome: ConnectionCheckOutcome): string {
  return outcome.state === 'off' ? '' : String(outcome.state === 'verified');
}

const CAUSE_WORDS: Record<FailureCause, string> = {
  dns: 'the host does not resolve',
  refused: 'the connection was refused',
  tls: 'TLS failed',
  authentication: 'authentication failed',
  timeout: 'timed out',
  'database-missing': 'the database does not exist',
  'role-missing': 'the role does not exist',
  'not-allowed': "the runner's address is not allowed",
  other: 'it failed',
};

/** The "Connection" cell of the comment's and the summary's table. */
export function connectionCell(outcome: ConnectionCheckOutcome): string {
  switch (outcome.state) {
    case 'verified':
      return markdown(outcome.text, 'table').replace(/^Connection verified: t/, 'Verified: t');
    case 'failed':
      return `**Not verified**: ${CAUSE_WORDS[outcome.cause]} (details below)`;
    case 'off':
      return 'Not checked (`verify_connection: off`)';
  }
}

/**
 * The notes once the check has answered. The warning that guessed the project's network settings
 * keep the runner out (`report.network.note`) gives way to what the check found: a failure takes
 * its place (and confirms it, in its own words); a success removes it (the success line says the
 * runner got in). With the check off, the guess stays.
 */
export function notesAfterCheck(notes: Text[], network: Report['network'], outcome: ConnectionCheckOutcome): Text[] {
  if (outcome.state === 'off') return notes;
  const guess = network?.note;
  const kept = notes.filter((n) => n !== guess);
  return outcome.state === 'failed' ? [...kept, outcome.text] : kept;
}

/** The error line of a failed check with `verify_connection: require`. */
export function requiredCheckFailed(outcome: ConnectionCheckOutcome & { state: 'failed' }): Text {
  return t`${outcome.text} The step fails because verify_connection is require (warn goes on with a warning); the branch itself is left as it is.`;
}
