export type Command = 'create' | 'delete' | 'get' | 'cleanup';
export const COMMAND_INPUTS = ['auto', 'create', 'delete', 'get', 'cleanup'] as const;
export type CommandInput = (typeof COMMAND_INPUTS)[number];

/** `auto`: a closed pull request deletes its branch; every other event creates or reuses it. */
export function pickCommand(input: CommandInput, eventName: string, action: string): Command {
  if (input !== 'auto') return input;
  const isPullRequest = eventName === 'pull_request' || eventName === 'pull_request_target';
  return isPullRequest && action === 'closed' ? 'delete' : 'create';
}
