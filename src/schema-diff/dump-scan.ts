/**
 * Reads one side of a hunk of a `pg_dump --schema-only` diff (the base branch's lines, or the PR
 * branch's) and says which schema objects its lines define. A hunk shows a few lines around each
 * change, so a side can start in the middle of a statement: inside a table's column list, a view's
 * query or a function body. Lines whose statement cannot be known are left out rather than guessed,
 * with one exception: lines shaped exactly as pg_dump writes a column (four spaces, a bare
 * lower-case name that is not a reserved word, a built-in or qualified type) in a list the hunk
 * closes with `);` or ends inside. Their table is the one named by the `ALTER TABLE … OWNER TO`
 * line after the list, or by git's hunk heading, when the hunk shows one.
 * A hunk that starts inside a function body is recognised by the `$$` that closes it.
 */

export type ObjectKind =
  | 'table'
  | 'foreign table'
  | 'view'
  | 'materialized view'
  | 'index'
  | 'constraint'
  | 'function'
  | 'procedure'
  | 'aggregate'
  | 'type'
  | 'domain'
  | 'sequence'
  | 'schema'
  | 'extension';

export interface SideLine {
  text: string;
  /** Removed (on the base side) or added (on the PR side); false for an unchanged line. */
  changed: boolean;
}

export interface DumpObject {
  kind: ObjectKind;
  /** As the dump writes it: `public.users`, `users_pkey`, `public.add(a integer, b integer)`. */
  name: string;
  /** The table of an index or constraint; undefined when the hunk does not show it. */
  parent?: string;
  key: string;
  changed: boolean;
}

/** What holds a column or an enum value; `unknown` when the hunk does not show it. */
export interface Owner {
  kind: 'table' | 'foreign table' | 'type' | 'unknown';
  name?: string;
  key: string;
}

export interface DumpMember {
  kind: 'column' | 'enum value';
  owner: Owner;
  name: string;
  /** A column's type, without collation, default or constraints. */
  type?: string;
  notNull?: boolean;
  changed: boolean;
}

export interface SequenceOwner {
  sequence: string;
  table: string;
  column: string;
}

export interface SideFacts {
  objects: DumpObject[];
  members: DumpMember[];
  sequenceOwners: SequenceOwner[];
}

// An identifier as pg_dump writes it: lower-case and bare, or double-quoted with "" for a quote.
const ID = String.raw`(?:"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*)`;
const QNAME = String.raw`${ID}(?:\.${ID})*`;
const STATEMENT_START = /^(?:CREATE|ALTER|COMMENT|GRANT|REVOKE|SET|SELECT|DROP|SECURITY LABEL|REFRESH)\b/;
const TOC_COMMENT = /^-- (?:Data for )?Name: .*; Type: .*; Schema: /;
const DOLLAR_TAG = /\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/g;

const CREATE_TABLE = new RegExp(String.raw`^CREATE (?:UNLOGGED )?(FOREIGN )?TABLE (${QNAME})(.*)$`);
const CREATE_TYPE = new RegExp(String.raw`^CREATE TYPE (${QNAME})(.*)$`);
const CREATE_DOMAIN = new RegExp(String.raw`^CREATE DOMAIN (${QNAME}) `);
const CREATE_VIEW = new RegExp(String.raw`^CREATE (?:OR REPLACE )?(MATERIALIZED )?VIEW (${QNAME})`);
const CREATE_ROUTINE = new RegExp(String.raw`^CREATE (?:OR REPLACE )?(FUNCTION|PROCEDURE|AGGREGATE) (${QNAME})\(`);
const CREATE_INDEX = new RegExp(String.raw`^CREATE (?:UNIQUE )?INDEX (?:CONCURRENTLY )?(?:IF NOT EXISTS )?(${ID}) ON (?:ONLY )?(${QNAME})`);
const CREATE_SEQUENCE = new RegExp(String.raw`^CREATE SEQUENCE (?:IF NOT EXISTS )?(${QNAME})`);
const CREATE_SCHEMA = new RegExp(String.raw`^CREATE SCHEMA (?:IF NOT EXISTS )?(${ID})`);
const CREATE_EXTENSION = new RegExp(String.raw`^CREATE EXTENSION (?:IF NOT EXISTS )?(${ID})`);
const ALTER_TABLE_OPEN = new RegExp(String.raw`^ALTER (?:FOREIGN )?TABLE (?:ONLY )?(${QNAME})$`);
const ADD_CONSTRAINT = new RegExp(String.raw`^\s+ADD CONSTRAINT (${ID}) `);
const OWNED_BY = new RegExp(String.raw`^ALTER SEQUENCE (${QNAME}) OWNED BY (${QNAME})\.(${ID});$`);
const OWNER_OF_BLOCK = new RegExp(String.raw`^ALTER (TABLE|FOREIGN TABLE|TYPE) (${QNAME}) OWNER TO `);
const INLINE_CONSTRAINT = new RegExp(String.raw`^\s+CONSTRAINT (${ID}) `);
const COLUMN = new RegExp(String.raw`^\s+(${ID}) (.+?),?$`);
// In a hunk that starts inside a list, only what pg_dump writes for a column: a bare name is lower
// case and never a reserved word (pg_dump quotes those), and the type is a built-in one or qualified.
const STRICT_COLUMN = /^(?: {4}|\t)("(?:[^"]|"")*"|[a-z_][a-z0-9_$]*) ([a-z"].*?),?$/;
const RESERVED = new Set(
  'all analyse analyze and any array as asc asymmetric between bigint bit both case cast check collate column constraint create cross current_date current_time current_timestamp current_user default desc distinct do else end except exists false fetch for foreign from full grant group having ilike in inner int integer intersect into is join lateral leading left like limit not null offset on only or order outer primary references returning right select session_user similar some table then to trailing true union unique user using values variadic when where window with'.split(
    ' ',
  ),
);
const BUILTIN_TYPE =
  /^(?:bigint|bit|boolean|box|bytea|character|cidr|circle|date|daterange|datemultirange|double precision|inet|int4range|int8range|integer|interval|json|jsonb|jsonpath|line|lseg|macaddr8?|money|name|numeric|numrange|oid|path|pg_lsn|point|polygon|real|regclass|smallint|text|time|timestamp|tsquery|tsrange|tstzrange|tsvector|txid_snapshot|uuid|xml)\b/;
const ENUM_VALUE = /^\s+'((?:[^']|'')*)',?$/;
const BLOCK_CLOSE = /^\)/;
const TYPE_ENDS = /\s(?:COLLATE|DEFAULT|NOT NULL|NULL|GENERATED|CONSTRAINT|CHECK|REFERENCES|PRIMARY KEY|UNIQUE)\b/;

type Mode =
  /** Where the hunk starts: we do not know which statement we are in. */
  | { at: 'unknown' }
  | { at: 'top' }
  /** Until a line that ends with `;`. */
  | { at: 'statement' }
  /** A parenthesised list of columns, attributes or enum values, until a line starting with `)`. */
  | { at: 'list'; owner: Owner }
  | { at: 'routine-header' }
  | { at: 'routine-body'; tag: string }
  | { at: 'atomic-body' }
  | { at: 'constraints'; table: string };

export function scanSide(lines: SideLine[], hunkId: string, section = ''): SideFacts {
  const facts: SideFacts = { objects: [], members: [], sequenceOwners: [] };
  const unknownOwner: Owner = { kind: 'unknown', key: `?${hunkId}` };
  const bodyEnd = orphanDollarQuote(lines);
  let mode: Mode = { at: 'unknown' };
  let pending: SideLine[] = []; // lines of an unknown list, kept until we learn what holds them

  const object: AddObject = (kind, name, line, parent) =>
    facts.objects.push({ kind, name, parent: parent?.name, key: objectKey(kind, name, parent?.key), changed: line.changed });
  const member = (owner: Owner, line: SideLine, strict: boolean) => {
    const parsed = parseListLine(line.text, owner, strict);
    if (parsed?.kind === 'constraint') object('constraint', parsed.name, line, owner);
    else if (parsed) facts.members.push({ ...parsed, owner, changed: line.changed });
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as SideLine;
    const text = line.text;

    if (mode.at === 'unknown') {
      if (i < bodyEnd) continue; // inside a function body
      if (i === bodyEnd) {
        mode = endsStatement(afterLastDollarTag(text)) ? { at: 'top' } : { at: 'statement' };
        continue;
      }
      if (BLOCK_CLOSE.test(text)) {
        const owner = ownerAfter(lines, i, section) ?? unknownOwner;
        for (const held of pending) member(owner, held, true);
        pending = [];
        mode = endsStatement(text) ? { at: 'top' } : { at: 'statement' };
        continue;
      }
      if (text === '') {
        pending = [];
        continue;
      }
      if (/^\s/.test(text)) {
        const body = routineHeader(text);
        if (body?.at === 'routine-body' || body?.at === 'atomic-body') {
          pending = [];
          mode = body; // the hunk starts in a function's header: `    AS $$`
        } else if (endsStatement(text)) {
          pending = [];
          mode = { at: 'top' }; // the last line of a view, sequence or constraint
        } else pending.push(line);
        continue;
      }
      if (text === 'END;') {
        pending = [];
        mode = { at: 'top' }; // the end of a BEGIN ATOMIC body
        continue;
      }
      if (!STATEMENT_START.test(text) && !TOC_COMMENT.test(text)) {
        pending = [];
        continue;
      }
      mode = { at: 'top' };
    }

    switch (mode.at) {
      case 'top':
        mode = startStatement(line, facts, object);
        break;
      case 'statement':
        if (endsStatement(text)) mode = { at: 'top' };
        break;
      case 'list':
        if (BLOCK_CLOSE.test(text)) mode = endsStatement(text) ? { at: 'top' } : { at: 'statement' };
        else member(mode.owner, line, false);
        break;
      case 'constraints': {
        const added = ADD_CONSTRAINT.exec(text);
        if (added) object('constraint', added[1] as string, line, { name: mode.table, key: mode.table });
        if (endsStatement(text)) mode = { at: 'top' };
        break;
      }
      case 'routine-header':
        mode = routineHeader(text) ?? mode;
        break;
      case 'routine-body': {
        const close = text.indexOf(mode.tag);
        if (close >= 0) mode = endsStatement(text.slice(close + mode.tag.length)) ? { at: 'top' } : { at: 'statement' };
        break;
      }
      case 'atomic-body':
        if (text === 'END;') mode = { at: 'top' };
        break;
    }
  }
  // The hunk ended inside a list it never saw open or close: a change deep in a long table.
  if (mode.at === 'unknown') for (const held of pending) member(ownerInSection(section) ?? unknownOwner, held, true);
  return facts;
}

/** Reads the first line of a statement at the top level and says where the next line is. */
type AddObject = (kind: ObjectKind, name: string, line: SideLine, parent?: { name?: string; key: string }) => void;

function startStatement(line: SideLine, facts: SideFacts, object: AddObject): Mode {
  const text = line.text;
  if (text === '' || text.startsWith('--') || text.startsWith('\\')) return { at: 'top' };
  const rest: Mode = endsStatement(text) ? { at: 'top' } : { at: 'statement' };

  let m = CREATE_TABLE.exec(text);
  if (m) {
    const kind = m[1] ? 'foreign table' : 'table';
    const name = m[2] as string;
    object(kind, name, line);
    return (m[3] as string).endsWith('(') ? { at: 'list', owner: { kind, name, key: name } } : rest;
  }
  if ((m = CREATE_TYPE.exec(text))) {
    const name = m[1] as string;
    object('type', name, line);
    const tail = m[2] as string;
    if (tail === ' AS ENUM (' || tail === ' AS (') return { at: 'list', owner: { kind: 'type', name, key: name } };
    return rest;
  }
  if ((m = CREATE_DOMAIN.exec(text))) {
    object('domain', m[1] as string, line);
    return rest;
  }
  if ((m = CREATE_VIEW.exec(text))) {
    object(m[1] ? 'materialized view' : 'view', m[2] as string, line);
    return rest;
  }
  if ((m = CREATE_ROUTINE.exec(text))) {
    const kind = (m[1] as string).toLowerCase() as 'function' | 'procedure' | 'aggregate';
    const args = balancedParens(text, m[0].length - 1);
    object(kind, `${m[2]}(${args ?? '…'})`, line);
    if (kind === 'aggregate') return rest;
    return routineHeader(text.slice(m[0].length - 1 + (args?.length ?? 0) + 2)) ?? { at: 'routine-header' };
  }
  if ((m = CREATE_INDEX.exec(text))) {
    object('index', m[1] as string, line, { name: m[2] as string, key: m[2] as string });
    return rest;
  }
  if ((m = CREATE_SEQUENCE.exec(text))) {
    object('sequence', m[1] as string, line);
    return rest;
  }
  if ((m = CREATE_SCHEMA.exec(text))) {
    object('schema', m[1] as string, line);
    return rest;
  }
  if ((m = CREATE_EXTENSION.exec(text))) {
    object('extension', m[1] as string, line);
    return rest;
  }
  if ((m = ALTER_TABLE_OPEN.exec(text))) return { at: 'constraints', table: m[1] as string };
  if ((m = OWNED_BY.exec(text))) {
    facts.sequenceOwners.push({ sequence: m[1] as string, table: m[2] as string, column: m[3] as string });
    return rest;
  }
  return rest;
}

/** Where a function's header leads: into a `$tag$` body, a `BEGIN ATOMIC` body, or to its end. */
function routineHeader(text: string): Mode | undefined {
  const opener = /\bAS (\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$)/.exec(text);
  if (opener) {
    const tag = opener[1] as string;
    const after = text.slice(opener.index + opener[0].length);
    const close = after.indexOf(tag);
    if (close < 0) return { at: 'routine-body', tag };
    return endsStatement(after.slice(close + tag.length)) ? { at: 'top' } : { at: 'statement' };
  }
  if (/\bBEGIN ATOMIC$/.test(text)) return { at: 'atomic-body' };
  if (endsStatement(text)) return { at: 'top' };
  return undefined;
}

/**
 * The index of the first line that closes a dollar-quoted body this side never opened: the hunk
 * starts inside a function body, and every line before it is the function's text. -1 if none.
 */
function orphanDollarQuote(lines: SideLine[]): number {
  let open: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = (lines[i] as SideLine).text;
    for (const match of text.matchAll(DOLLAR_TAG)) {
      if (open === undefined) {
        if (/\bAS $/.test(text.slice(0, match.index))) open = match[0];
        else return i;
      } else if (match[0] === open) open = undefined;
    }
  }
  return -1;
}

function afterLastDollarTag(text: string): string {
  let end = 0;
  for (const match of text.matchAll(DOLLAR_TAG)) end = match.index + match[0].length;
  return text.slice(end);
}

/** What the `ALTER TABLE x OWNER TO` after a closed list (or git's hunk heading) says holds the list. */
function ownerAfter(lines: SideLine[], close: number, section: string): Owner | undefined {
  for (let i = close + 1; i < lines.length; i++) {
    const text = (lines[i] as SideLine).text;
    if (text === '' || /^(?:PARTITION BY|INHERITS|SERVER|OPTIONS|WITH \(|USING)\b/.test(text) || /^\s/.test(text)) continue;
    const m = OWNER_OF_BLOCK.exec(text);
    if (m) {
      const kind = m[1] === 'TYPE' ? 'type' : m[1] === 'FOREIGN TABLE' ? 'foreign table' : 'table';
      return { kind, name: m[2] as string, key: m[2] as string };
    }
    break;
  }
  return ownerInSection(section);
}

/** git's hunk heading: the nearest line above the hunk that starts with a letter. */
function ownerInSection(section: string): Owner | undefined {
  const table = CREATE_TABLE.exec(section);
  if (table && (table[3] as string).endsWith('(')) {
    const name = table[2] as string;
    return { kind: table[1] ? 'foreign table' : 'table', name, key: name };
  }
  const type = CREATE_TYPE.exec(section);
  if (type && type[2] === ' AS (') return { kind: 'type', name: type[1] as string, key: type[1] as string };
  return undefined;
}

type ListLine = { kind: 'constraint'; name: string } | Omit<DumpMember, 'owner' | 'changed'>;

function parseListLine(text: string, owner: Owner, strict: boolean): ListLine | undefined {
  const value = ENUM_VALUE.exec(text);
  if (value) return owner.kind === 'type' || owner.kind === 'unknown' ? { kind: 'enum value', name: `'${value[1]}'` } : undefined;
  const constraint = INLINE_CONSTRAINT.exec(text);
  if (constraint) return { kind: 'constraint', name: constraint[1] as string };
  const column = (strict ? STRICT_COLUMN : COLUMN).exec(text);
  if (!column) return undefined;
  if (strict && !plausibleColumn(column[1] as string, column[2] as string)) return undefined;
  const definition = column[2] as string;
  // Quoted strings (defaults, checks) could hold the words we look for.
  const bare = definition.replace(/'(?:[^']|'')*'/g, "''");
  const typeEnd = TYPE_ENDS.exec(bare);
  const type = (typeEnd ? bare.slice(0, typeEnd.index) : bare).trim().replace(/\s+/g, ' ');
  return { kind: 'column', name: column[1] as string, type, notNull: /\bNOT NULL\b/.test(bare) };
}

function plausibleColumn(name: string, definition: string): boolean {
  if (RESERVED.has(name)) return false;
  return definition.startsWith('"') || BUILTIN_TYPE.test(definition) || /^[a-z_][a-z0-9_]*\.["a-z_]/.test(definition);
}

/** The text between the `(` at `open` and its matching `)`, or undefined when the line ends first. */
function balancedParens(text: string, open: number): string | undefined {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return text.slice(open + 1, i);
  }
  return undefined;
}

function endsStatement(text: string): boolean {
  return /;\s*$/.test(text);
}

export function objectKey(kind: ObjectKind, name: string, parent?: string): string {
  // A view replaced by a materialized view (or back) loses no data.
  const family = kind === 'materialized view' ? 'view' : kind;
  return `${family}\u0000${parent ?? ''}\u0000${name.replace(/\s+/g, ' ')}`;
}
