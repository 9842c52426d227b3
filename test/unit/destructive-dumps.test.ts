import { describe, expect, it } from 'vitest';
import { describeChange, destructiveChangesBetween } from '../../src/schema-diff/destructive.js';
import { logicalLines } from '../../src/schema-diff/dump-lines.js';

/** A pg_dump --schema-only text of these statements, each with the TOC comment pg_dump writes. */
const dump = (...statements: [string, string][]) =>
  ['--', '-- PostgreSQL database dump', '--', '', 'SET statement_timeout = 0;', ''].concat(statements.flatMap(([toc, sql]) => ['--', `-- Name: ${toc}; Schema: public; Owner: neondb_owner`, '--', '', sql, '', ''])).join('\n');

const columns = (names: string[]) => names.map((n, i) => `    ${n}${i < names.length - 1 ? ',' : ''}`).join('\n');
const wide = (without?: string) =>
  dump([
    'wide; Type: TABLE',
    `CREATE TABLE public.wide (\n${columns(['id integer NOT NULL', 'a text', 'b text', 'c text', 'd text', 'victim regconfig', 'e text', 'f text', 'g text', 'h text', 'i text', 'j text'].filter((c) => !without || !c.startsWith(without)))}\n);`,
  ]);
const described = (changes: ReturnType<typeof destructiveChangesBetween>) => changes.map((c) => describeChange(c));

describe('destructive changes read from the two whole dumps', () => {
  it.each(['regconfig', 'tstzmultirange', 'int4multirange', 'pg_snapshot', 'xid8', 'regtype', 'public.mood', 'character varying(20)[]'])(
    'a column of type %s dropped from the middle of a long table is found, where the diff\'s hunk starts inside the column list',
    (type) => {
      const before = wide().replace('victim regconfig', `victim ${type}`);
      const after = wide('victim');
      expect(described(destructiveChangesBetween(before, after))).toEqual(['column victim of table public.wide dropped or renamed']);
    },
  );

  it('a table whose quoted name holds a line break is one table, and its drop is found', () => {
    const table = dump(['"order\nitems"; Type: TABLE', 'CREATE TABLE public."order\nitems" (\n    id integer\n);'], ['keep; Type: TABLE', 'CREATE TABLE public.keep (\n    id integer\n);']);
    const without = dump(['keep; Type: TABLE', 'CREATE TABLE public.keep (\n    id integer\n);']);
    expect(described(destructiveChangesBetween(table, without))).toEqual(['table public."order\\nitems" dropped or renamed']);
  });

  it('DDL inside a string literal (a column default) is no table: changing that default drops nothing', () => {
    const decoy = (text: string) => dump(['defaults_t; Type: TABLE', `CREATE TABLE public.defaults_t (\n    id integer,\n    name text DEFAULT '${text}'::text\n);`]);
    const before = decoy("x\nCREATE TABLE public.decoy (\n    a integer\n);\n--");
    const after = decoy('y');
    expect(destructiveChangesBetween(before, after)).toEqual([]);
  });

  it('still finds what the diff reading found: a dropped table, index, a NOT NULL added, a type change', () => {
    const before = dump(['t; Type: TABLE', 'CREATE TABLE public.t (\n    id integer,\n    email text,\n    n integer\n);'], ['gone; Type: TABLE', 'CREATE TABLE public.gone (\n    id integer\n);'], ['t_email; Type: INDEX', 'CREATE INDEX t_email ON public.t USING btree (email);']);
    const after = dump(['t; Type: TABLE', 'CREATE TABLE public.t (\n    id integer,\n    email text NOT NULL,\n    n bigint\n);']);
    expect(described(destructiveChangesBetween(before, after)).sort()).toEqual(
      ['NOT NULL added to existing column email of table public.t', 'column n of table public.t changes type from integer to bigint', 'index t_email on public.t dropped or renamed', 'table public.gone dropped or renamed'].sort(),
    );
    expect(destructiveChangesBetween(before, before)).toEqual([]);
  });
});

describe('logicalLines', () => {
  it('keeps literals and quoted names on one line, passes over dollar bodies and comments', () => {
    expect(logicalLines(`a 'x\ny' b\n"n\nm"\n$$ it's\n$$\n-- it's\nE'a\\'\nb'`)).toEqual([`a 'x\\ny' b`, `"n\\nm"`, `$$ it's`, '$$', "-- it's", `E'a\\'\\nb'`]);
    // pg_dump's TOC comment writes a quoted name's line break as it is: the comment ends at "; Type:".
    expect(logicalLines('-- Name: "order\nitems"; Type: TABLE; Schema: public\nCREATE TABLE x ();')).toEqual(['-- Name: "order\\nitems"; Type: TABLE; Schema: public', 'CREATE TABLE x ();']);
  });
});
