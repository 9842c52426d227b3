/** The parts of the triggering event that decide what the action does. */
export interface EventInfo {
  eventName: string;
  /** `payload.action`, e.g. `opened`, `synchronize`, `closed`. */
  action: string;
  prNumber?: number;
  headRef?: string;
  refName?: string;
  owner: string;
  repo: string;
  /** True for a pull request whose head lives in another repository (secrets are not passed). */
  fromFork: boolean;
}

interface Payload {
  action?: string;
  number?: number;
  pull_request?: { number?: number; head?: { ref?: string; repo?: { full_name?: string } | null } };
  repository?: { full_name?: string; name?: string; owner?: { login?: string } };
}

export function eventInfoFrom(
  eventName: string,
  payload: Payload,
  env: { GITHUB_REPOSITORY?: string; GITHUB_REF_NAME?: string; GITHUB_HEAD_REF?: string },
): EventInfo {
  const [envOwner = '', envRepo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const pr = payload.pull_request;
  const repoFullName = payload.repository?.full_name ?? env.GITHUB_REPOSITORY ?? '';
  const headRepo = pr?.head?.repo?.full_name;
  return {
    eventName,
    action: payload.action ?? '',
    prNumber: pr?.number ?? payload.number,
    headRef: pr?.head?.ref ?? (env.GITHUB_HEAD_REF || undefined),
    refName: env.GITHUB_REF_NAME || undefined,
    owner: payload.repository?.owner?.login ?? envOwner,
    repo: payload.repository?.name ?? envRepo,
    fromFork: Boolean(pr && headRepo && headRepo !== repoFullName),
  };
}
