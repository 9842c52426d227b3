/** The parts of the triggering event that decide what the action does. */
export interface EventInfo {
  eventName: string;
  /** `payload.action`, e.g. `opened`, `synchronize`, `closed`. */
  action: string;
  /** The pull request the event is about: `pull_request*` events, and `issue_comment` on a pull request. */
  prNumber?: number;
  /** The issue an `issue_comment` is on, pull request or not. */
  issueNumber?: number;
  /** The PR's head branch, when the payload carries it (`issue_comment` does not). */
  headRef?: string;
  refName?: string;
  owner: string;
  repo: string;
  /** True for a pull request whose head lives in another repository (secrets are not passed). */
  fromFork: boolean;
}

interface Payload {
  action?: unknown;
  number?: unknown;
  pull_request?: { number?: unknown; head?: { ref?: unknown; repo?: { full_name?: unknown } | null } } | null;
  issue?: { number?: unknown; pull_request?: unknown } | null;
  repository?: { full_name?: unknown; name?: unknown; owner?: { login?: unknown } | null } | null;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined);

export function eventInfoFrom(
  eventName: string,
  payload: Payload,
  env: { GITHUB_REPOSITORY?: string; GITHUB_REF_NAME?: string; GITHUB_HEAD_REF?: string },
): EventInfo {
  const [envOwner = '', envRepo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const pr = payload.pull_request ?? undefined;
  const issue = payload.issue ?? undefined;
  const repoFullName = str(payload.repository?.full_name) ?? env.GITHUB_REPOSITORY ?? '';
  const headRepo = str(pr?.head?.repo?.full_name);
  const issueIsPull = Boolean(issue?.pull_request);
  return {
    eventName,
    action: str(payload.action) ?? '',
    prNumber: num(pr?.number) ?? (issueIsPull ? num(issue?.number) : undefined) ?? (issue ? undefined : num(payload.number)),
    issueNumber: num(issue?.number),
    headRef: str(pr?.head?.ref) ?? (pr ? str(env.GITHUB_HEAD_REF) : undefined),
    refName: str(env.GITHUB_REF_NAME),
    owner: str(payload.repository?.owner?.login) ?? envOwner,
    repo: str(payload.repository?.name) ?? envRepo,
    fromFork: Boolean(pr && headRepo && headRepo !== repoFullName),
  };
}
