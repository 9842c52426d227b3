import * as core from '@actions/core';
import { statusOf, type Octokit } from './octokit.js';

export interface PullRequestRef {
  owner: string;
  repo: string;
  number: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ids of the comments carrying our marker, oldest first, from every page of the PR's comments. */
async function findComments(octokit: Octokit, pr: PullRequestRef, marker: string, all: boolean): Promise<number[]> {
  const ids: number[] = [];
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, { owner: pr.owner, repo: pr.repo, issue_number: pr.number, per_page: 100 });
  for await (const page of pages) {
    ids.push(...page.data.filter((c) => c.body?.includes(marker)).map((c) => c.id));
    if (ids.length && !all) break;
  }
  return ids.sort((a, b) => a - b);
}

async function upsert(octokit: Octokit, pr: PullRequestRef, marker: string, body: string): Promise<'created' | 'updated'> {
  const [id] = await findComments(octokit, pr, marker, false);
  if (id !== undefined) {
    await octokit.rest.issues.updateComment({ owner: pr.owner, repo: pr.repo, comment_id: id, body });
    return 'updated';
  }
  const created = await octokit.rest.issues.createComment({ owner: pr.owner, repo: pr.repo, issue_number: pr.number, body });
  // Runs started together may each have created one: the oldest stays, the others go.
  const ours = await findComments(octokit, pr, marker, true);
  const oldest = ours[0];
  if (oldest !== undefined && oldest !== created.data.id) {
    await octokit.rest.issues.deleteComment({ owner: pr.owner, repo: pr.repo, comment_id: created.data.id });
    await octokit.rest.issues.updateComment({ owner: pr.owner, repo: pr.repo, comment_id: oldest, body });
    return 'updated';
  }
  return 'created';
}

/**
 * Writes the one sticky comment of this PR. The branch is ready whatever GitHub says, so a
 * refused or failing comment is a warning, never a failed step.
 */
export async function writeStickyComment(octokit: Octokit, pr: PullRequestRef, marker: string, body: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const done = await upsert(octokit, pr, marker, body);
      core.info(`PR #${pr.number}: comment ${done}`);
      return;
    } catch (error) {
      const status = statusOf(error);
      if (status !== undefined && status >= 500 && attempt < 3) {
        await sleep(500 * attempt);
        continue;
      }
      if (status === 403 || status === 404 || status === 401) {
        core.warning(`Could not write the PR comment (GitHub answered ${status}): give the workflow \`permissions: pull-requests: write\`; pull requests from forks get a read-only token. The branch itself is ready.`);
      } else {
        core.warning(`Could not write the PR comment (${status ? `GitHub answered ${status}` : (error as Error).message}). The branch itself is ready; see the job summary.`);
      }
      return;
    }
  }
}
