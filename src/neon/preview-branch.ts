import type { EventInfo } from '../github/event.js';
import { collisionName, pullRequestStem } from '../inputs/branch-name.js';
import type { Inputs } from '../inputs/inputs.js';
import type { FoundBranch } from './api.js';
import { isOurs, isOursFor, PR_KEY, REPOSITORY_KEY } from './ownership.js';

/** What a run looks for: its PR's branch in its repository, under the name it would give it. */
export interface PreviewTarget {
  /** The name this run gives a branch it creates. */
  name: string;
  repository: string;
  pr?: number;
  /**
   * With the default name, the PR's branch is whichever branch is annotated with this repository
   * and PR number (its head branch may have been renamed since); with a branch_name given, it is
   * the branch of that name (or its collision name) annotated with this repository.
   */
  byPullRequest: boolean;
  /** What Neon's `search` is asked for: a part of every name the PR's branch can have, narrow enough for one request. */
  search: string;
}

export function previewTarget(inputs: Pick<Inputs, 'branchName' | 'branchNameGiven'>, event: Pick<EventInfo, 'owner' | 'repo' | 'prNumber'>): PreviewTarget {
  const byPullRequest = !inputs.branchNameGiven && event.prNumber !== undefined;
  return {
    name: inputs.branchName,
    repository: `${event.owner}/${event.repo}`,
    pr: event.prNumber,
    byPullRequest,
    search: byPullRequest ? pullRequestStem(event.prNumber as number) : inputs.branchName,
  };
}

export type Choice =
  /** Ours for this repository (and PR): reuse, output, delete. `alsoOurs`: more of them, left by an older version or a race. */
  | { kind: 'ours'; found: FoundBranch; alsoOurs: FoundBranch[] }
  /** A branch of that exact name without our annotation: a person made it; reused as it is, never deleted. */
  | { kind: 'made by hand'; found: FoundBranch }
  /** Nothing for this run: create it as `createAs`; `heldBy` names the repository whose branch holds the plain name. */
  | { kind: 'none'; createAs: string; heldBy?: string }
  /** Both the name and its collision name belong to other repositories. */
  | { kind: 'taken'; heldBy: string };

const created = (f: FoundBranch) => Date.parse(f.branch.created_at ?? '') || 0;

/**
 * Picks this run's branch among those Neon's search returned. A branch annotated for another
 * repository is never chosen; when it holds the plain name, this repository's branch gets the
 * collision name `<name>@<owner>/<repo>` instead (a slug never contains `@`, so it cannot be
 * another PR's default name).
 */
export function choosePreviewBranch(candidates: FoundBranch[], target: PreviewTarget): Choice {
  const alternative = collisionName(target.name, target.repository);
  const forUs = (f: FoundBranch) =>
    isOursFor(f, target.repository) && (target.byPullRequest ? f.annotation?.[PR_KEY] === String(target.pr) : f.branch.name === target.name || f.branch.name === alternative);
  const rank = (f: FoundBranch) => (f.branch.name === target.name ? 0 : f.branch.name === alternative ? 1 : 2);
  const mine = candidates.filter(forUs).sort((a, b) => rank(a) - rank(b) || created(a) - created(b));
  const [first, ...rest] = mine;
  if (first) return { kind: 'ours', found: first, alsoOurs: rest };

  const named = candidates.find((f) => f.branch.name === target.name);
  if (!named) return { kind: 'none', createAs: target.name };
  if (!isOurs(named)) return { kind: 'made by hand', found: named };
  const heldBy = named.annotation?.[REPOSITORY_KEY] ?? 'another repository';
  if (candidates.some((f) => f.branch.name === alternative)) return { kind: 'taken', heldBy };
  return { kind: 'none', createAs: alternative, heldBy };
}
