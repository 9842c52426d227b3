import type { getOctokit } from '@actions/github';

export type Octokit = ReturnType<typeof getOctokit>;

/**
 * How long one GitHub request may take before it counts as a network failure (retried, then a
 * warning for the comment): a GitHub that accepts the connection and never answers must not hold
 * the job until its own timeout (six hours by default).
 */
export const GITHUB_REQUEST_TIMEOUT_MS = 10_000;

/**
 * An Octokit on GITHUB_API_URL (GitHub Enterprise Server too), through HTTPS_PROXY if set, each
 * request bounded by GITHUB_REQUEST_TIMEOUT_MS (`timeoutMs`). Loaded when a run first talks to
 * GitHub, so runs that do not (`get`, a bad input) start faster.
 */
export async function octokitFor(token: string, timeoutMs = GITHUB_REQUEST_TIMEOUT_MS): Promise<Octokit> {
  const { getOctokit } = await import(/* webpackMode: "eager" */ '@actions/github');
  const octokit = getOctokit(token);
  octokit.hook.wrap('request', (request, options) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const given = options.request?.signal as AbortSignal | undefined;
    // Set on these options (this request's own copy): Octokit does not carry a copied options object's signal through.
    options.request = { ...options.request, signal: given ? AbortSignal.any([given, timeout]) : timeout };
    return request(options);
  });
  return octokit;
}
