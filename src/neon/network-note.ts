import { own, t, type Text } from '../text.js';
import type { Project } from './api.js';

/**
 * Why a GitHub-hosted runner may be refused by the branch's compute, or undefined. The branch is
 * still created: a self-hosted runner inside the private network can reach it.
 */
export function privateNetworkNote(project: Pick<Project, 'settings'>): Text | undefined {
  const settings = project.settings;
  if (settings?.block_public_connections) {
    return own('This project blocks connections from the public internet (block_public_connections), so a GitHub-hosted runner cannot connect to the branch. Use a self-hosted runner inside your private network (see the README).');
  }
  const allowed = settings?.allowed_ips;
  if (allowed?.ips?.length && !allowed.protected_branches_only) {
    return t`This project has an IP allowlist (${allowed.ips.length} ${own(allowed.ips.length === 1 ? 'entry' : 'entries')}) that applies to preview branches, so a GitHub-hosted runner will likely be refused. Allow the runner's addresses or use a self-hosted runner (see the README).`;
  }
  return undefined;
}
