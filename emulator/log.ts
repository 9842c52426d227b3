/**
 * A line of the action's stdout as the runner's log shows it: `::add-mask::` (which the runner
 * consumes) and debug lines hidden, groups as ▸ headings, warnings and errors labelled. Shared by
 * the demo and `npm run action`.
 */
export function logLine(line: string): string | undefined {
  if (line.startsWith('::add-mask::') || line.startsWith('::debug::')) return undefined;
  return line
    .replace(/^::group::/, '▸ ')
    .replace(/^::endgroup::$/, '')
    .replace(/^::(warning|error|notice)[^:]*::/, (_, kind: string) => `${kind.toUpperCase()}: `);
}

/** Prints a stdout line of the action as the runner's log shows it, indented. */
export function showLogLine(line: string): void {
  const shown = logLine(line);
  if (shown !== undefined) console.log(`  ${shown}`);
}
