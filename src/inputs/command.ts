export type Command = 'create' | 'delete' | 'get' | 'cleanup' | 'diff';
export const COMMAND_INPUTS = ['auto', 'create', 'delete', 'get', 'cleanup', 'diff'] as const;
export type CommandInput = (typeof COMMAND_INPUTS)[number];

/**
 * `auto`: a closed pull request deletes its branch; a scheduled run cleans up (a schedule has no
 * pull request, and its ref is the default git branch: creating would name a branch after it);
 * every other event creates or reuses the branch.
 */
export function pickCommand(input: CommandInput, eventName: string, action: string): Command {
  if (input !== 'auto') return input;
  if (eventName === 'schedule') return 'cleanup';
  const isPullRequest = eventName === 'pull_request' || eventName === 'pull_request_target';
  return isPullRequest && action === 'closed' ? 'delete' : 'create';
}
