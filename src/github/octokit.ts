import type { getOctokit } from '@actions/github';

export type Octokit = ReturnType<typeof getOctokit>;

/**
 * An Octokit on GITHUB_API_URL (GitHub Enterprise Server too), through HTTPS_PROXY if set. Loaded
 * when a run first talks to GitHub, so runs that do not (`get`, a bad input) start faster.
 */
export async function octokitFor(token: string): Promise<Octokit> {
  const { getOctokit } = await import(/* webpackMode: "eager" */ '@actions/github');
  return getOctokit(token);
}
