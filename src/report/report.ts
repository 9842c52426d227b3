import type { AnonymizationReport } from '../commands/anonymize.js';
import type { ComputeUnits } from '../inputs/compute-units.js';
import type { FoundBranch } from '../neon/api.js';
import type { Connection } from '../neon/connection.js';
import type { NetworkFinding } from '../neon/network-note.js';
import type { Text } from '../text.js';
import type { ConnectionCheckOutcome } from './connection-check.js';
import type { SchemaChanges } from './schema-changes.js';

/** What a command did, for the outputs, the job summary and the PR comment. */
export interface Report {
  command: 'create' | 'delete' | 'get' | 'diff';
  projectId: string;
  branchName: string;
  branchId?: string;
  consoleUrl?: string;
  /** create: true when this run made the branch. */
  created?: boolean;
  /**
   * create, on a branch that already existed: expiry refreshed (or cleared), reset to the parent,
   * left as it is (not made by this action), or, for an anonymized branch Neon cannot restore,
   * deleted and created again from the parent (`reset_on_push`).
   */
  reuse?: 'refreshed' | 'reset' | 'as it is' | 'recreated';
  /** delete: true when this run deleted it, false when it was already gone. */
  deleted?: boolean;
  /** The pull request was closed while this run was creating its branch, so the run deleted it again. */
  closedMeanwhile?: boolean;
  /** When Neon deletes the branch, as Neon holds it; undefined for never. */
  expiresAt?: string;
  connection?: Connection;
  /** An anonymized branch: how many masking rules Neon applied (the connection is written only once it is anonymized). */
  anonymization?: AnonymizationReport;
  /** The compute's size, as Neon reports it. */
  compute?: ComputeUnits;
  /** get_auth_url / get_data_api_url: the URL, '' when the service is not enabled; undefined when not asked. */
  authUrl?: string;
  dataApiUrl?: string;
  notes: Text[];
  /** The branch this run made or found (not shown): a create run that finds its PR closed deletes it. */
  found?: FoundBranch;
  /** What the project's settings say about reaching the branch, when this run read them (its `note` is also in `notes`). */
  network?: NetworkFinding;
  /** The connection check with the output URI (create and get), once it has run. */
  connectionCheck?: ConnectionCheckOutcome;
  /** diff: the schema compared with the parent's, per database. */
  schema?: SchemaChanges;
}

/** The console page of a branch, on the Neon console that serves `apiHost`. */
export function consoleUrl(apiHost: string, projectId: string, branchId: string): string {
  const origin = new URL(apiHost).origin;
  return `${origin}/app/projects/${encodeURIComponent(projectId)}/branches/${encodeURIComponent(branchId)}`;
}
