import { getOctokit } from '@actions/github';

export type Octokit = ReturnType<typeof getOctokit>;

/** An Octokit on GITHUB_API_URL (GitHub Enterprise Server too), through HTTPS_PROXY if set. */
export function octokitFor(token: string): Octokit {
  return getOctokit(token);
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
