import { readFileSync } from 'node:fs';
import { createPatch, structuredPatch } from 'diff';
import { expect } from 'vitest';

/** A `pg_dump --schema-only` of a small shop (Postgres 17 format, with owners, as Neon's dumps have them). */
export const BASE_DUMP = readFileSync(new URL('../fixtures/schema-diff/base.sql', import.meta.url), 'utf8');

/** pg_dump 17.6+ writes a random key in `\restrict` lines: two dumps of one schema differ there. */
const RESTRICT_KEY = '4fQm2yZ0cJb8wXkP1sVnR7tLhD3eGaUoTqW9iCx5NbE6jMr';

/** The base dump after a migration: each [from, to] replaces text that occurs exactly once. */
export function migrated(...edits: [from: string, to: string][]): string {
  let text = BASE_DUMP.replaceAll(RESTRICT_KEY, 'Zr8pLq3Xv7TnB2mKc9WdH4sYf6JgA1eQuN5tRo0iVbCxDlM');
  for (const [from, to] of edits) {
    expect(text.split(from).length - 1, `the fixture must contain exactly once: ${from}`).toBe(1);
    text = text.replace(from, () => to);
  }
  return text;
}

/** The text of one whole pg_dump entry (its `--` header through the blank lines after it) whose header contains `name`. */
export function entry(header: string): string {
  const start = BASE_DUMP.indexOf(`--\n-- Name: ${header}`);
  expect(start, `no entry "${header}" in the fixture`).toBeGreaterThanOrEqual(0);
  const end = BASE_DUMP.indexOf('\n--\n-- ', start + 4);
  return BASE_DUMP.slice(start, end + 1);
}

export type DiffStyle = 'jsdiff' | 'git';

/**
 * A unified diff of two dumps as a diff tool writes it: jsdiff's createPatch (what neonctl and
 * Neon's schema-diff action print: `Index:`, `===`, then `---`/`+++`), or git's layout (`diff --git`,
 * and after each `@@` the last line before the hunk that starts with a letter, `_` or `$`, which is
 * git's default hunk heading).
 */
export function schemaDiff(before: string, after: string, { style = 'jsdiff', context = 4 }: { style?: DiffStyle; context?: number } = {}): string {
  if (before === after) return '';
  if (style === 'jsdiff') return createPatch('neondb-schema.sql', before, after, 'Branch main', 'Branch preview/pr-7', { context });
  const oldLines = before.split('\n');
  const patch = structuredPatch('a/neondb', 'b/neondb', before, after, '', '', { context });
  const out = ['diff --git a/neondb b/neondb', '--- a/neondb', '+++ b/neondb'];
  for (const hunk of patch.hunks) {
    const heading = oldLines
      .slice(0, hunk.oldStart - 1)
      .reverse()
      .find((l) => /^[A-Za-z_$]/.test(l));
    out.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@${heading ? ` ${heading.slice(0, 80)}` : ''}`, ...hunk.lines);
  }
  return `${out.join('\n')}\n`;
}
