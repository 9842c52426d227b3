import { scanSide, type DumpMember, type DumpObject, type ObjectKind, type SideFacts, type SideLine } from './dump-scan.js';
import { logicalLines } from './dump-lines.js';
import { parseUnifiedDiff } from './unified-diff.js';

/**
 * A change in a schema diff that can lose data or break what uses the schema. A diff shows a
 * rename as a drop and an add, so every drop reads "dropped or renamed".
 */
export interface DestructiveChange {
  change: 'dropped' | 'type changed' | 'not null added';
  kind: ObjectKind | 'column' | 'enum value';
  /** As the dump writes it: `public.users`, `email`, `'pending'`, `public.add(a integer, b integer)`. */
  name: string;
  /** The table of a column, index or constraint, the type of an attribute or enum value; undefined when the diff's context does not show it. */
  parent?: { kind: 'table' | 'foreign table' | 'type'; name: string };
  /** A column's type before and after, for `type changed`. */
  from?: string;
  to?: string;
}

/**
 * What is destructive in a unified diff of two `pg_dump --schema-only` outputs (the base branch's
 * `-`, the PR branch's `+`), as Neon's `compare_schema` returns it: a table, view, index,
 * constraint, function, type, sequence, schema or extension that is dropped; a column or enum
 * value dropped; a column whose type changes; `NOT NULL` added to an existing column. An added
 * object, and an added `NOT NULL` column, are not destructive: they remove nothing (the migration
 * that added the column already ran on the branch's copy of the data).
 * What a dropped table, type or schema takes with it (its columns, indexes, constraints, owned
 * sequences) is not listed again.
 */
export function destructiveChanges(diff: string): DestructiveChange[] {
  const base: SideFacts[] = [];
  const head: SideFacts[] = [];
  parseUnifiedDiff(diff).forEach((hunk, i) => {
    const side = (skip: '+' | '-'): SideLine[] => hunk.lines.filter((l) => l.kind !== skip).map((l) => ({ text: l.text, changed: l.kind !== ' ' }));
    base.push(scanSide(side('+'), String(i), hunk.section));
    head.push(scanSide(side('-'), String(i), hunk.section));
  });
  return compareSides(base, head);
}

/**
 * The same, read from the two whole dumps (the base branch's and the PR branch's) instead of the
 * diff's hunks: every statement is seen from its start, so a column is known to be a column
 * whatever its type, and the dumps are read lexically first (`logicalLines`): a quoted name or a
 * string literal spanning lines is one line, so text inside a literal never passes for DDL and a
 * name with a line break in it is one name. What the action uses when Neon gives both dumps.
 */
export function destructiveChangesBetween(baseDump: string, headDump: string): DestructiveChange[] {
  const side = (dump: string): SideFacts[] => [scanSide(logicalLines(dump).map((text) => ({ text, changed: true })), 'dump')];
  return compareSides(side(baseDump), side(headDump));
}

function compareSides(base: SideFacts[], head: SideFacts[]): DestructiveChange[] {
  const headObjects = new Set(head.flatMap((f) => f.objects.map((o) => o.key)));
  const headMembers = new Map(head.flatMap((f) => f.members.map((m) => [memberKey(m), m] as const)));
  const dropped = base.flatMap((f) => f.objects).filter((o) => o.changed && !headObjects.has(o.key));

  const droppedHolders = new Set(dropped.filter((o) => o.kind === 'table' || o.kind === 'foreign table' || o.kind === 'type').map((o) => o.name));
  const droppedSchemas = dropped.filter((o) => o.kind === 'schema').map((o) => o.name);
  const inDroppedSchema = (name?: string) => name !== undefined && droppedSchemas.some((s) => name.startsWith(`${s}.`));

  const changes: DestructiveChange[] = [];
  const droppedColumns = new Set<string>();
  for (const m of base.flatMap((f) => f.members)) {
    if (!m.changed || droppedHolders.has(m.owner.key) || inDroppedSchema(m.owner.name)) continue;
    const parent = m.owner.kind === 'unknown' || m.owner.name === undefined ? undefined : { kind: m.owner.kind, name: m.owner.name };
    const now = headMembers.get(memberKey(m));
    if (!now) {
      changes.push({ change: 'dropped', kind: m.kind, name: m.name, parent });
      if (m.kind === 'column' && parent) droppedColumns.add(`${parent.name}.${m.name}`);
    } else if (m.kind === 'column') {
      if (m.type && now.type && m.type !== now.type) changes.push({ change: 'type changed', kind: 'column', name: m.name, parent, from: m.type, to: now.type });
      if (!m.notNull && now.notNull) changes.push({ change: 'not null added', kind: 'column', name: m.name, parent });
    }
  }

  const ownedBy = new Map(base.flatMap((f) => f.sequenceOwners.map((s) => [s.sequence, s] as const)));
  const goesWithSomethingDropped = (o: DumpObject): boolean => {
    if (inDroppedSchema(o.name) || inDroppedSchema(o.parent)) return true;
    if (o.parent !== undefined && droppedHolders.has(o.parent)) return true;
    const owner = o.kind === 'sequence' ? ownedBy.get(o.name) : undefined;
    return owner !== undefined && (droppedHolders.has(owner.table) || droppedColumns.has(`${owner.table}.${owner.column}`));
  };
  const objects: DestructiveChange[] = dropped
    .filter((o) => !goesWithSomethingDropped(o))
    .map((o) => ({ change: 'dropped', kind: o.kind, name: o.name, parent: o.parent === undefined ? undefined : { kind: 'table', name: o.parent } }));

  const seen = new Set<string>();
  return [...objects, ...changes].filter((c) => {
    const key = [c.change, c.kind, c.parent?.name ?? '', c.name].join('\u0000');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function memberKey(m: DumpMember): string {
  return [m.kind, m.owner.key, m.name].join('\u0000');
}

const PARENT_WORD = { table: 'table', 'foreign table': 'foreign table', type: 'type' } as const;

/**
 * One destructive change in words. `name` formats each identifier (plain for a log line, a code
 * span for Markdown).
 */
export function describeChange(c: DestructiveChange, name: (identifier: string) => string = (s) => s): string {
  const of = c.parent ? ` of ${PARENT_WORD[c.parent.kind]} ${name(c.parent.name)}` : '';
  const on = c.parent ? ` on ${name(c.parent.name)}` : '';
  const unseen = c.parent ? '' : ` (its ${c.kind === 'enum value' ? 'type' : 'table'} is outside the diff's context)`;
  const member = c.kind === 'column' && c.parent?.kind === 'type' ? 'attribute' : c.kind;
  if (c.change === 'type changed') return `${member} ${name(c.name)}${of}${unseen} changes type from ${name(c.from ?? '?')} to ${name(c.to ?? '?')}`;
  if (c.change === 'not null added') return `NOT NULL added to existing ${member} ${name(c.name)}${of}${unseen}`;
  switch (c.kind) {
    case 'column':
      return `${member} ${name(c.name)}${of}${unseen} dropped or renamed`;
    case 'enum value':
      return `enum value ${name(c.name)}${of}${unseen} removed or renamed`;
    case 'index':
    case 'constraint':
      return `${c.kind} ${name(c.name)}${on} dropped or renamed`;
    case 'function':
    case 'procedure':
    case 'aggregate':
      return `${c.kind} ${name(c.name)} dropped, renamed or given other arguments`;
    default:
      return `${c.kind} ${name(c.name)} dropped or renamed`;
  }
}
