/**
 * The token for GitHub: `github_token`, or schema-diff-action's name `github-token`. `github_token`
 * defaults to the workflow's `${{ github.token }}`, so a value in it cannot be told from one set
 * by hand: when `github-token` is set, it is the token (a workflow written for schema-diff-action
 * keeps its token), and `github_token` is not used.
 */
export function githubToken(given: { github_token: string; 'github-token': string }): string {
  return given['github-token'] || given.github_token;
}
