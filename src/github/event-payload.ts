import { existsSync, readFileSync } from 'node:fs';

/** The triggering event as the runner hands it over: GITHUB_EVENT_NAME and the payload file at GITHUB_EVENT_PATH. */
export function readEvent(env: NodeJS.ProcessEnv): { eventName: string; payload: Record<string, unknown> } {
  const file = env.GITHUB_EVENT_PATH;
  const payload = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  return { eventName: env.GITHUB_EVENT_NAME ?? '', payload };
}
