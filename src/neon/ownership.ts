import { ActionError } from '../errors.js';
import type { EventInfo } from '../github/event.js';
import { t } from '../text.js';
import type { FoundBranch } from './api.js';

/** The annotation that marks a branch as made by this action; delete and cleanup require it. */
export const MANAGED_BY_KEY = 'managed-by';
export const MANAGED_BY = 'neon-preview-branch-action';
export const REPOSITORY_KEY = 'github-repository';
export const PR_KEY = 'github-pr';

export function branchAnnotation(event: Pick<EventInfo, 'owner' | 'repo' | 'prNumber'>): Record<string, string> {
  return {
    [MANAGED_BY_KEY]: MANAGED_BY,
    [REPOSITORY_KEY]: `${event.owner}/${event.repo}`,
    ...(event.prNumber === undefined ? {} : { [PR_KEY]: String(event.prNumber) }),
  };
}

export function isOurs(found: Pick<FoundBranch, 'annotation'>): boolean {
  return found.annotation?.[MANAGED_BY_KEY] === MANAGED_BY;
}

/** GitHub treats `Acme/Shop` and `acme/shop` as one repository. */
export function sameRepository(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** Made by this action for this repository. */
export function isOursFor(found: Pick<FoundBranch, 'annotation'>, repository: string): boolean {
  return isOurs(found) && sameRepository(found.annotation?.[REPOSITORY_KEY], repository);
}

/**
 * Refuses a branch that must never be a preview branch: the project's default branch, a
 * protected branch, or the parent the preview is made from.
 */
export function assertNotPrecious(found: FoundBranch, parentBranch: string | undefined, doing: string): void {
  const { branch } = found;
  const why = branch.default
    ? "is the project's default branch"
    : branch.protected
      ? 'is a protected branch'
      : parentBranch && (branch.name === parentBranch || branch.id === parentBranch)
        ? 'is the parent_branch'
        : undefined;
  if (why) {
    throw new ActionError(t`Refusing to ${doing} branch "${branch.name}" (${branch.id}): it ${why}. Set branch_name to a preview branch name such as preview/pr-123.`);
  }
}
