import { own, t, type Text } from '../text.js';
import type { Project } from './api.js';

/** Why a GitHub-hosted runner may be refused: the project's settings. */
export type NetworkRestriction = 'block-public-connections' | 'ip-allowlist';

/** What the project's settings say about reaching its preview branches from a runner: the restriction, and the warning that guesses at its effect. */
export interface NetworkFinding {
  restriction?: NetworkRestriction;
  /** The warning, when there is a restriction; the connection check confirms or replaces it. */
  note?: Text;
}

/**
 * The project setting that keeps runners out of preview branches, or undefined: public
 * connections blocked, or an IP allowlist that covers every branch (one for protected branches
 * only does not cover previews). The one place these conditions live, for the warning and for
 * the connection check's messages.
 */
export function networkRestriction(project: Pick<Project, 'settings'>): NetworkRestriction | undefined {
  const settings = project.settings;
  if (settings?.block_public_connections) return 'block-public-connections';
  const allowed = settings?.allowed_ips;
  if (allowed?.ips?.length && !allowed.protected_branches_only) return 'ip-allowlist';
  return undefined;
}

/**
 * Why a GitHub-hosted runner may be refused by the branch's compute, or undefined. The branch is
 * still created: a self-hosted runner inside the private network can reach it.
 */
export function privateNetworkNote(project: Pick<Project, 'settings'>): Text | undefined {
  switch (networkRestriction(project)) {
    case 'block-public-connections':
      return own('This project blocks connections from the public internet (block_public_connections), so a GitHub-hosted runner cannot connect to the branch. Use a self-hosted runner inside your private network (see the README).');
    case 'ip-allowlist': {
      const entries = project.settings?.allowed_ips?.ips?.length ?? 0;
      return t`This project has an IP allowlist (${entries} ${own(entries === 1 ? 'entry' : 'entries')}) that applies to preview branches, so a GitHub-hosted runner will likely be refused. Allow the runner's addresses or use a self-hosted runner (see the README).`;
    }
    default:
      return undefined;
  }
}

/** The restriction and its warning, read from the project once. */
export function networkFinding(project: Pick<Project, 'settings'>): NetworkFinding {
  return { restriction: networkRestriction(project), note: privateNetworkNote(project) };
}
