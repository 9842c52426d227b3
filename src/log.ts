import * as core from '@actions/core';
import type { Text } from './text.js';

/**
 * The one way the action writes to the log. Every function takes a Text, so text from inputs, the
 * event, Neon or GitHub is always a separate value, neutralised here: the runner reads `::name::`
 * at the start of a line and the legacy `##[name]` anywhere in one, so a value can never start a
 * line, break one, or hold `##[` or `::` as the runner would read them. Lint keeps `@actions/core`'s
 * writers out of every other file.
 */

const ZERO_WIDTH_SPACE = '\u200b';

/** One outside value, made inert for the runner: control characters shown as escapes, `##[` and `::` broken up. */
export function neutralise(value: string): string {
  return (
    value
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))
      .replace(/##\[/g, `##${ZERO_WIDTH_SPACE}[`)
      .replace(/::/g, `:${ZERO_WIDTH_SPACE}:`)
  );
}

/** The whole line made inert at once, so nothing (a value, or a value next to the action's own words) can act as a command. */
function line(text: Text): string {
  return neutralise(text.toString());
}

export function info(text: Text): void {
  core.info(line(text));
}

export function warning(text: Text): void {
  core.warning(line(text));
}

/** A `::notice::`: worth a look, not a problem (a service that is not enabled, a setting left as it is). */
export function notice(text: Text): void {
  core.notice(line(text));
}

export function debug(text: Text): void {
  core.debug(line(text));
}

/** The step's one `::error::` line; the step fails. */
export function failed(text: Text): void {
  core.setFailed(line(text));
}

export function group<T>(title: Text, work: () => Promise<T>): Promise<T> {
  return core.group(line(title), work);
}

/** Registers a secret with the runner before anything that could show it is written. */
export function mask(secret: string | undefined): void {
  if (!secret || masked.has(secret)) return;
  masked.add(secret);
  core.setSecret(secret);
}
const masked = new Set<string>();
