import { existsSync, readFileSync } from 'node:fs';
import { ActionError } from '../errors.js';
import { scrub, t } from '../text.js';

/**
 * The triggering event as the runner hands it over: GITHUB_EVENT_NAME and the payload file at
 * GITHUB_EVENT_PATH. A runner always writes the file, so a missing or unreadable one is an error,
 * not an empty event (which would make the action guess a branch name).
 */
export function readEvent(env: NodeJS.ProcessEnv): { eventName: string; payload: Record<string, unknown> } {
  const file = env.GITHUB_EVENT_PATH;
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  if (!file) return { eventName, payload: {} };
  if (!existsSync(file)) {
    throw new ActionError(t`The event payload file GITHUB_EVENT_PATH (${file}) does not exist. The Actions runner writes it for every step: run the action as a step of a workflow, or point GITHUB_EVENT_PATH at the event's JSON.`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ActionError(t`The event payload file GITHUB_EVENT_PATH (${file}) is not valid JSON (${scrub((error as Error).message, 120)}). The runner writes it; if you set GITHUB_EVENT_PATH yourself, check the file.`);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new ActionError(t`The event payload file GITHUB_EVENT_PATH (${file}) does not hold a JSON object.`);
  }
  return { eventName, payload: payload as Record<string, unknown> };
}
