import type { Octokit } from './octokit.js';

/** Numbers of the repository's open pull requests, a page at a time (only the numbers are kept). */
export async function openPullNumbers(octokit: Octokit, owner: string, repo: string): Promise<Set<number>> {
  const open = new Set<number>();
  const pages = octokit.paginate.iterator(octokit.rest.pulls.list, { owner, repo, state: 'open', per_page: 100 });
  for await (const page of pages) for (const pull of page.data) open.add(pull.number);
  return open;
}
