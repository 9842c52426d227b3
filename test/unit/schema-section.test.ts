import { renderMarkdown } from '../support/markdown.js';
import { describe, expect, it } from 'vitest';
import { destructiveChanges } from '../../src/schema-diff/destructive.js';
import {
  COMMENT_LIMIT,
  SUMMARY_LIMIT,
  destructiveFailureMessage,
  findSchemaSection,
  outOfDateSchemaSection,
  schemaSectionForComment,
  schemaSectionForSummary,
  type DatabaseSchemaDiff,
} from '../../src/report/schema-section.js';
import { BASE_DUMP, entry, migrated, schemaDiff } from '../support/schema-dumps.js';

const SHA = '3f2c9d81b7e04a5c6d7e8f90a1b2c3d4e5f60718';

function result(database: string, diff: string): DatabaseSchemaDiff {
  return { database, diff, destructive: destructiveChanges(diff) };
}

/** A diff that drops a column: short, with one destructive change. */
const DROP_PHONE = schemaDiff(BASE_DUMP.replace(/\\(un)?restrict .*\n/g, ''), migrated(['    phone character varying(20),\n', '']).replace(/\\(un)?restrict .*\n/g, ''));

/** A unified diff that adds `count` pg_dump entries (a comment on each of many tables), as compare_schema would return it. */
function bigDiff(count: number, text = (i: number) => `COMMENT ON TABLE public.customers IS 'Kunden ${i}: Bestellübersicht — 注文の概要';`): string {
  const added: string[] = [];
  for (let i = 0; i < count; i++) added.push('--', `-- Name: TABLE customers; Type: COMMENT; Schema: public; Owner: neondb_owner`, '--', '', text(i), '', '');
  return [
    'Index: neondb-schema.sql',
    '===================================================================',
    '--- neondb-schema.sql\tBranch main',
    '+++ neondb-schema.sql\tBranch preview/pr-7',
    `@@ -120,3 +120,${3 + added.length} @@`,
    ' ALTER TABLE public.customers OWNER TO neondb_owner;',
    ' ',
    ...added.map((l) => `+${l}`),
    ' --',
    '',
  ].join('\n');
}

/** A diff as its code block holds it: the trailing newlines folded into one. */
const block = (diff: string) => `${diff.replace(/\n+$/, '')}\n`;

/** The text of each fenced code block GitHub would render, as a CommonMark parser renders it. */
function codeBlocks(markdown: string): string[] {
  const html = renderMarkdown(markdown);
  return [...html.matchAll(/<pre><code class="language-diff">([\s\S]*?)<\/code><\/pre>/g)].map((m) =>
    (m[1] as string).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&'),
  );
}

describe('the "Schema changes" section of the PR comment', () => {
  it('shows a short diff whole in a diff block, the destructive changes in words above it', () => {
    const text = schemaSectionForComment([result('neondb', DROP_PHONE)], { room: COMMENT_LIMIT, sha: SHA, parent: 'main' });
    expect(text).toContain('#### Schema changes');
    expect(text).toContain('compared with its parent `main` after the migrations of `3f2c9d8`');
    expect(text).toContain('> [!CAUTION]\n> 1 destructive change:\n> - column `phone` of table `public.customers` dropped or renamed');
    expect(text.indexOf('[!CAUTION]')).toBeLessThan(text.indexOf('```diff'));
    expect(text).not.toContain('<details>'); // short enough to show open
    expect(codeBlocks(text)).toEqual([block(DROP_PHONE)]);
  });

  it('says "no schema changes" for an empty diff', () => {
    const text = schemaSectionForComment([result('neondb', ''), result('analytics', DROP_PHONE)], { room: COMMENT_LIMIT });
    expect(text).toContain('**`neondb`**: no schema changes.');
    expect(codeBlocks(text)).toHaveLength(1);
  });

  it('collapses a long diff in <details>', () => {
    const diff = schemaDiff(BASE_DUMP, migrated([entry('order_items; Type: TABLE'), '']));
    const text = schemaSectionForComment([result('neondb', diff)], { room: COMMENT_LIMIT });
    expect(text).toMatch(/<details><summary>The diff of <code>neondb<\/code> \(\+2 −17\)<\/summary>\n\n````?diff\n/);
    expect(text.indexOf('table `public.order_items` dropped or renamed')).toBeLessThan(text.indexOf('<details>'));
    expect(codeBlocks(text)).toEqual([block(diff)]);
  });

  it('cuts a diff too long for the comment to the room left, says how many lines were cut and that the whole diff is in the job summary', () => {
    const diff = bigDiff(3000);
    const total = diff.trimEnd().split('\n').length;
    const room = COMMENT_LIMIT - 4321; // the rest of the comment
    const text = schemaSectionForComment([result('neondb', diff)], { room });
    expect(text.length).toBeLessThanOrEqual(room);
    expect(text.length).toBeGreaterThan(room - 400); // the room is used, not wasted
    const [shown] = codeBlocks(text);
    const shownLines = (shown as string).trimEnd().split('\n');
    expect(diff.startsWith(shownLines.join('\n'))).toBe(true);
    expect(text).toContain(`${(total - shownLines.length).toLocaleString('en-US')} lines of ${total.toLocaleString('en-US')} cut to fit GitHub's 65,536-character comment limit: the whole diff is in the job summary.`);
  });

  it('several databases share the room: a short diff stays whole while a huge one is cut', () => {
    const text = schemaSectionForComment([result('neondb', bigDiff(3000)), result('analytics', DROP_PHONE), result('audit', '')], { room: 30_000 });
    expect(text.length).toBeLessThanOrEqual(30_000);
    const blocks = codeBlocks(text);
    expect(blocks).toHaveLength(2);
    expect(blocks[1]).toBe(block(DROP_PHONE));
    expect(text).toContain('**`audit`**: no schema changes.');
    expect(text).toMatch(/lines of 21,0\d\d cut to fit/);
  });

  it('never exceeds the room it is given, down to leaving itself out', () => {
    const diffs = [result('neondb', bigDiff(500)), result('analytics', DROP_PHONE)];
    for (const room of [0, 40, 120, 250, 400, 700, 1000, 2500, 10_000, 60_000]) {
      const text = schemaSectionForComment(diffs, { room, sha: SHA });
      expect(text.length, `room ${room}`).toBeLessThanOrEqual(room);
      if (text) expect(findSchemaSection(text)?.state).toBe('current');
    }
    expect(schemaSectionForComment(diffs, { room: 400 })).toContain('- `neondb`: +3500 −0 lines. Details are in the job summary.');
  });

  it('fences a diff that holds backticks (a function body with ``` in it) so it cannot break out of its block', () => {
    // The backticks are unchanged lines of the diff (a space, then ```), which is what could close a fence.
    const before = migrated(['    NEW.updated_at := now();', "    NEW.updated_at := now();\n```\n````sql\n    RAISE NOTICE '``` not a fence ````';"]);
    const diff = schemaDiff(before, before.replace('    RETURN NEW;', '    RETURN NULL;'), { context: 3 });
    expect(diff).toMatch(/^ ````sql$/m);
    expect(codeBlocks(`\`\`\`diff\n${diff}\n\`\`\``)).not.toEqual([block(diff)]); // a plain fence would break
    const text = schemaSectionForComment([result('neondb', diff)], { room: COMMENT_LIMIT });
    expect(codeBlocks(text)).toEqual([block(diff)]);
    expect(findSchemaSection(`${text}\n<sub>footer</sub>`)?.text).toBe(text);
  });

  it('writes identifiers with backticks, pipes or HTML as code spans that hold them', () => {
    const diff = [
      '--- a/neondb',
      '+++ b/neondb',
      '@@ -1,4 +1,0 @@',
      '-CREATE TABLE public."we`ird|<b>name</b>" (',
      '-    id integer',
      '-);',
      '-',
    ].join('\n');
    const text = schemaSectionForComment([result('neondb', diff)], { room: COMMENT_LIMIT });
    expect(renderMarkdown(text)).toContain('<li>table <code>public.&quot;we`ird|&lt;b&gt;name&lt;/b&gt;&quot;</code> dropped or renamed</li>');
  });
});

describe('the "Schema changes" section of the job summary', () => {
  it('holds up to 1 MiB of UTF-8; a longer diff is cut, saying the whole diff is in the schema_diff output', () => {
    const diff = bigDiff(12_000); // about 2.3 MB, many of its characters two or three bytes long
    expect(Buffer.byteLength(diff)).toBeGreaterThan(2 * SUMMARY_LIMIT);
    const text = schemaSectionForSummary([result('neondb', diff)], { sha: SHA });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(Buffer.byteLength(text)).toBeGreaterThan(SUMMARY_LIMIT - 2000);
    expect(text).toMatch(/lines of [\d,]+ cut to fit the job summary's 1 MiB limit: the whole diff is in the step output `schema_diff`\./);
  });

  it('keeps a diff whole when it fits, and names every destructive change (the comment names 20)', () => {
    const drops = Array.from({ length: 30 }, (_, i) => [`-CREATE TABLE public.t${i} (`, '-    id integer', '-);', '-']).flat();
    const diff = ['--- a/neondb', '+++ b/neondb', `@@ -1,${drops.length} +0,0 @@`, ...drops].join('\n');
    const summary = schemaSectionForSummary([result('neondb', diff)]);
    expect(summary.match(/^> - table /gm)).toHaveLength(30);
    expect(codeBlocks(summary)).toEqual([block(diff)]);
    const comment = schemaSectionForComment([result('neondb', diff)], { room: COMMENT_LIMIT });
    expect(comment.match(/^> - table /gm)).toHaveLength(20);
    expect(comment).toContain('> - and 10 more, listed in the job summary');
  });
});

describe('a later push: the diff is out of date until `command: diff` runs again', () => {
  const current = schemaSectionForComment([result('neondb', DROP_PHONE)], { room: COMMENT_LIMIT, sha: SHA });
  const comment = `<!-- neon-preview-branch-action project=p -->\n### Neon preview branch\n\n${current}\n<sub>Updated by the workflow.</sub>`;

  it('keeps the old diff, collapsed and marked out of date, never as current', () => {
    const stale = outOfDateSchemaSection(comment, { room: COMMENT_LIMIT, sha: 'aaaaaaa111' }) as string;
    expect(stale).toContain('#### Schema changes: out of date');
    expect(stale).toContain('This diff was taken at `3f2c9d8`, before this push. The migrations of `aaaaaaa` have not been compared yet');
    expect(stale).not.toContain('state=current');
    expect(stale).not.toMatch(/^#### Schema changes$/m);
    expect(stale).toContain('<details><summary>The diff taken at <code>3f2c9d8</code> (out of date)</summary>');
    expect(codeBlocks(stale)).toEqual([block(DROP_PHONE)]);
    expect(findSchemaSection(stale)).toMatchObject({ sha: SHA, state: 'out-of-date' });
  });

  it('a second push keeps the commit the diff was taken at, without nesting it again', () => {
    const once = outOfDateSchemaSection(comment, { room: COMMENT_LIMIT, sha: 'aaaaaaa111' }) as string;
    const twice = outOfDateSchemaSection(`header\n${once}\nfooter`, { room: COMMENT_LIMIT, sha: 'bbbbbbb222' }) as string;
    expect(twice).toContain('This diff was taken at `3f2c9d8`, before this push. The migrations of `bbbbbbb`');
    expect(twice.match(/<details>/g)).toHaveLength(1);
    expect(twice.match(/<\/details>/g)).toHaveLength(1);
    expect(codeBlocks(twice)).toEqual([block(DROP_PHONE)]);
  });

  it('a long old diff keeps what fits, the destructive changes first, its code block closed and the cut said', () => {
    const drops = Array.from({ length: 800 }, (_, i) => `-    column_${i} text,`);
    const long = ['--- a/neondb', '+++ b/neondb', `@@ -1,${drops.length + 2} +1,2 @@`, ' CREATE TABLE public.wide (', ...drops, '     id integer', ' );'].join('\n');
    const big = schemaSectionForComment([result('neondb', long)], { room: COMMENT_LIMIT, sha: SHA });
    const body = `<!-- neon-preview-branch-action project=p -->\n### Neon preview branch\n\n${big}\n<sub>Updated by the workflow.</sub>`;
    const room = 8000;
    const stale = outOfDateSchemaSection(body, { room, sha: 'aaaaaaa111' }) as string;
    expect(stale.length).toBeLessThanOrEqual(room);
    expect(stale.length).toBeGreaterThan(room / 2);
    expect(stale).toContain('column `column_0` of table `public.wide` dropped or renamed');
    expect(stale).toMatch(/… \d+ more lines of the old diff cut to fit the comment/);
    const [block] = codeBlocks(stale);
    expect(block).toContain('-    column_0 text,');
    expect(stale.match(/<details>/g)?.length).toBe(stale.match(/<\/details>/g)?.length);
    expect(findSchemaSection(stale)).toMatchObject({ sha: SHA, state: 'out-of-date' });
  });

  it('drops the old diff when not even a line of it fits, and says nothing when the comment had no section', () => {
    const stale = outOfDateSchemaSection(comment, { room: 600, sha: 'aaaaaaa111' }) as string;
    expect(stale.length).toBeLessThanOrEqual(600);
    expect(stale).toContain('out of date');
    expect(codeBlocks(stale)).toEqual([]);
    expect(outOfDateSchemaSection('<!-- neon-preview-branch-action project=p -->\n### Neon preview branch', { room: COMMENT_LIMIT })).toBeUndefined();
    expect(outOfDateSchemaSection(undefined, { room: COMMENT_LIMIT })).toBeUndefined();
  });
});

describe('the fail_on_destructive message', () => {
  it('is one line naming what is dropped, per database', () => {
    const diff = schemaDiff(BASE_DUMP, migrated([entry('customer_summary; Type: VIEW'), ''], ['    note text,\n', '']));
    const message = destructiveFailureMessage([result('neondb', diff), result('analytics', '')]) as string;
    expect(message).not.toMatch(/[\r\n]/);
    expect(message).toContain('neondb: view public.customer_summary dropped or renamed; neondb: column note of table public.orders dropped or renamed.');
    expect(message).toContain('fail_on_destructive');
    expect(message).toContain('Review them in the PR comment or the job summary');
    // When this run could not write the comment, the message does not send people to it.
    const noComment = destructiveFailureMessage([result('neondb', diff)], { inComment: false }) as string;
    expect(noComment).toContain('Review them in the job summary, or change the migrations.');
    expect(noComment).not.toContain('PR comment');
  });

  it('names five and counts the rest; nothing destructive, no message; no line breaks from names', () => {
    const drops = Array.from({ length: 8 }, (_, i) => [`-CREATE TABLE public.t${i} (`, '-);']).flat();
    const diff = ['--- a/db', '+++ b/db', `@@ -1,${drops.length} +0,0 @@`, ...drops].join('\n');
    const message = destructiveFailureMessage([result('shop\n::warning::db', diff)]) as string;
    expect(message.match(/table public\.t\d dropped/g)).toHaveLength(5);
    expect(message).toContain('(and 3 more)');
    expect(message).not.toMatch(/[\r\n]/);
    expect(destructiveFailureMessage([result('neondb', DROP_PHONE.replace('-    phone', ' ')), result('x', '')])).toBeUndefined();
  });
});
