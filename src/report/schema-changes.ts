import { COMMENT_LIMIT, findSchemaSection, outOfDateSchemaSection, schemaSectionForComment, type DatabaseSchemaDiff } from './schema-section.js';

/** What `command: diff` found: the branch's schema compared with its parent's, per database. */
export interface SchemaChanges {
  /** The branch compared with: the parent, or the one `base_branch` named (`baseGiven`). */
  parent: { id: string; name?: string };
  baseGiven?: boolean;
  /** `timestamp` or `lsn`: the compared branch as it was then. */
  asOf?: string;
  diffs: DatabaseSchemaDiff[];
}

/** Whether any database's schema differs from the parent's. */
export function schemaChanged(changes: SchemaChanges): boolean {
  return changes.diffs.some((d) => d.diff.trim() !== '');
}

/** Whether any database has a destructive change (see src/schema-diff/destructive.ts). */
export function schemaDestructive(changes: SchemaChanges): boolean {
  return changes.diffs.some((d) => d.destructive.length > 0);
}

/**
 * The `schema_diff` output: the diff of every database that changed, one after another, as one
 * multi-file patch. Each keeps the file headers Neon gave it (`--- a/<database>`, `+++ b/<database>`);
 * one without headers gets them, so every part says which database it is. Empty when nothing changed.
 */
export function joinedDiff(changes: SchemaChanges): string {
  return changes.diffs
    .filter((d) => d.diff.trim() !== '')
    .map((d) => {
      const text = d.diff.replace(/\r\n?/g, '\n').replace(/\n*$/, '\n');
      const firstHunk = text.search(/^@@ /m);
      const head = firstHunk < 0 ? text : text.slice(0, firstHunk);
      return /^--- /m.test(head) ? text : `--- a/${d.database}\n+++ b/${d.database}\n${text}`;
    })
    .join('');
}

/** Where a section goes in a comment that has none: under the branch facts and notes, above the "Updated by" line. */
const FOOTER = '\n<sub>Updated by ';

/**
 * The body with `section` in place of the one it has, or put under the branch facts and notes
 * (a blank line either side); `section` '' takes it out again.
 */
export function placeSchemaSection(body: string, section: string): string {
  const found = findSchemaSection(body);
  if (found) {
    const at = body.indexOf(found.text);
    if (section) return body.slice(0, at) + section + body.slice(at + found.text.length);
    const before = body[at - 1] === '\n' ? at - 1 : at;
    const after = body[at + found.text.length] === '\n' ? at + found.text.length + 1 : at + found.text.length;
    return body.slice(0, before) + body.slice(after);
  }
  if (!section) return body;
  const at = body.lastIndexOf(FOOTER);
  return at < 0 ? `${body}\n\n${section}\n` : `${body.slice(0, at)}\n${section}\n${body.slice(at)}`;
}

/** The characters a section may take in `body` (its own section, if any, left out) under GitHub's limit. */
function roomIn(body: string): number {
  return Math.max(0, COMMENT_LIMIT - placeSchemaSection(body, '').length - 4);
}

/**
 * The comment a `command: diff` run writes: what is there (the branch facts `create` wrote, its
 * connection check and notes) kept as it is, with the "Schema changes" section put in or replaced.
 * With no comment yet, `fresh` (this run's own facts) takes its place.
 */
export function commentWithSchemaChanges(existing: string | undefined, fresh: string, changes: SchemaChanges, sha?: string): string {
  const body = existing ?? fresh;
  const section = schemaSectionForComment(changes.diffs, { room: roomIn(body), sha, parent: changes.parent.name ?? changes.parent.id, baseGiven: changes.baseGiven, asOf: changes.asOf });
  return placeSchemaSection(body, section);
}

/**
 * The comment a `create` run writes on a new push: its own facts, and the diff a `command: diff`
 * run put in the comment before, marked out of date (this push's migrations have not been
 * compared yet), never shown as current.
 */
export function commentKeepingOldDiff(existing: string | undefined, fresh: string, sha?: string): string {
  const section = outOfDateSchemaSection(existing, { room: roomIn(fresh), sha });
  return section ? placeSchemaSection(fresh, section) : fresh;
}
