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

/**
 * The default preview branch name: deterministic for a pull request (its number and head branch
 * never change), so the `closed` event finds the branch the `opened` event made.
 */
export function defaultBranchName(event: Pick<EventInfo, 'prNumber' | 'headRef' | 'refName'>): string | undefined {
  if (event.prNumber !== undefined) {
    const head = event.headRef ? slug(event.headRef, 80) : '';
    return `${PREFIX}pr-${event.prNumber}${head ? `-${head}` : ''}`;
  }
  if (event.refName) {
    const ref = slug(event.refName, 120);
    if (ref) return `${PREFIX}${ref}`;
  }
  return undefined;
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
