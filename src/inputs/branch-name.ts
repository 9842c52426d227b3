import type { EventInfo } from '../github/event.js';

export const NEON_BRANCH_NAME_MAX = 256;
const PREFIX = 'preview/';

/** Lower-case, `a-z0-9._-` only, no repeated or edge separators, at most `max` characters. */
export function slug(text: string, max: number): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, max)
    .replace(/^[-.]+|[-.]+$/g, '');
}

/** The start every default name of PR `number` shares, whatever its head branch is called: what the lookup searches for. */
export function pullRequestStem(number: number): string {
  return `${PREFIX}pr-${number}-`;
}

/**
 * The default preview branch name: `preview/pr-<number>-<head branch>` for a pull request, found
 * again by its annotations (repository and PR number) if the head branch is renamed later.
 */
export function defaultBranchName(event: Pick<EventInfo, 'prNumber' | 'headRef' | 'refName'>): string | undefined {
  if (event.prNumber !== undefined) {
    const head = event.headRef ? slug(event.headRef, 80) : '';
    return `${pullRequestStem(event.prNumber)}${head || 'head'}`;
  }
  if (event.refName) {
    const ref = slug(event.refName, 120);
    if (ref) return `${PREFIX}${ref}`;
  }
  return undefined;
}

/**
 * The name a repository's branch gets when another repository's branch, in the same Neon project,
 * already holds the plain name: `<name>@<owner>/<repo>`. Slugs never contain `@`, so it is never
 * another PR's default name.
 */
export function collisionName(name: string, repository: string): string {
  return `${name}@${repository.toLowerCase()}`.slice(0, NEON_BRANCH_NAME_MAX);
}

/** Why Neon would refuse this branch name, or undefined when it is acceptable. */
export function branchNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > NEON_BRANCH_NAME_MAX) return `is ${name.length} characters long; Neon allows at most ${NEON_BRANCH_NAME_MAX}`;
  if (name.trim() !== name) return 'starts or ends with white space';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains a control character';
  return undefined;
}
