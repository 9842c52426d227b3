import type { Connection } from '../neon/connection.js';

/** What a command did, for the outputs, the job summary and the PR comment. */
export interface Report {
  command: 'create' | 'delete' | 'get';
  projectId: string;
  branchName: string;
  branchId?: string;
  consoleUrl?: string;
  /** create: true when this run made the branch. */
  created?: boolean;
  /** delete: true when this run deleted it, false when it was already gone. */
  deleted?: boolean;
  reset?: boolean;
  expiresAt?: string;
  connection?: Connection;
  notes: string[];
}

/** The console page of a branch, on the Neon console that serves `apiHost`. */
export function consoleUrl(apiHost: string, projectId: string, branchId: string): string {
  const origin = new URL(apiHost).origin;
  return `${origin}/app/projects/${projectId}/branches/${branchId}`;
}
