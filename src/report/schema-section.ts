import { describeChange, type DestructiveChange } from '../schema-diff/destructive.js';
import { diffLineCounts } from '../schema-diff/unified-diff.js';

/** One database's answer from Neon's `compare_schema`, and what is destructive in it. */
export interface DatabaseSchemaDiff {
  database: string;
  /** As Neon returned it: a unified diff, or '' when the schemas are the same. */
  diff: string;
  destructive: DestructiveChange[];
}

/** GitHub refuses a comment body longer than this many characters. */
export const COMMENT_LIMIT = 65_536;
/** GitHub keeps at most this many bytes of one step's job summary. */
export const SUMMARY_LIMIT = 1024 * 1024;

/** A diff longer than this many lines is collapsed under `<details>`. */
const COLLAPSE_LINES = 25;
/** The comment names this many destructive changes per database; the summary names them all. */
const COMMENT_DESTRUCTIVE_LINES = 20;

const START = /^<!-- neon-schema-changes sha=([0-9a-f]*) state=(current|out-of-date) -->$/m;
const END = '<!-- /neon-schema-changes -->';
const PREVIOUS = '<!-- neon-schema-changes:previous -->';

interface Target {
  measure: (text: string) => number;
  cutNote: (cut: number, total: number) => string;
  destructiveLines: number;
  /** Where to read what the section leaves out. */
  elsewhere: string;
}

const COMMENT: Target = {
  measure: (text) => text.length, // UTF-16 units: never fewer than the characters GitHub counts
  cutNote: (cut, total) =>
    cut === total
      ? `The diff (${count(total, 'line')}) does not fit GitHub's 65,536-character comment limit: it is in the job summary.`
      : `${count(cut, 'line')} of ${total.toLocaleString('en-US')} cut to fit GitHub's 65,536-character comment limit: the whole diff is in the job summary.`,
  destructiveLines: COMMENT_DESTRUCTIVE_LINES,
  elsewhere: 'the job summary',
};

const SUMMARY: Target = {
  measure: (text) => Buffer.byteLength(text, 'utf8'),
  cutNote: (cut, total) =>
    cut === total
      ? `The diff (${count(total, 'line')}) does not fit the job summary's 1 MiB limit: it is in the step output \`schema_diff\`.`
      : `${count(cut, 'line')} of ${total.toLocaleString('en-US')} cut to fit the job summary's 1 MiB limit: the whole diff is in the step output \`schema_diff\`.`,
  destructiveLines: Number.POSITIVE_INFINITY,
  elsewhere: 'the step output `schema_diff`',
};

/**
 * The "Schema changes" section of the sticky PR comment, at most `room` characters (what is left
 * of GitHub's 65,536 after the rest of the comment). Long diffs are cut, saying how many lines
 * were cut and that the whole diff is in the job summary. Hidden markers let a later run find it
 * (`outOfDateSchemaSection`).
 */
/** What the section says the branch was compared with: its parent (by name), or `base_branch`, and a point in time (`timestamp`, `lsn`). */
export interface ComparedWith {
  parent?: string;
  /** True when `parent` is the branch `base_branch` named, not the compared branch's parent. */
  baseGiven?: boolean;
  /** The compared branch as of this time or LSN, as the input gave it. */
  asOf?: string;
}

export function schemaSectionForComment(diffs: DatabaseSchemaDiff[], options: { room: number; sha?: string } & ComparedWith): string {
  return section(diffs, options, COMMENT);
}

/** The same section for the job summary: at most `room` bytes (1 MiB by default), cut there too if needed. */
export function schemaSectionForSummary(diffs: DatabaseSchemaDiff[], options: { room?: number; sha?: string } & ComparedWith = {}): string {
  return section(diffs, { ...options, room: options.room ?? SUMMARY_LIMIT }, SUMMARY);
}

/**
 * What a later `create` run (a new push, whose migrations have not run yet) puts in the comment
 * in place of the section it finds in the comment's current body: the old diff kept, collapsed,
 * and marked out of date; never shown as current. Undefined when the body has no section.
 * A section already out of date keeps the commit it was taken at.
 */
export function outOfDateSchemaSection(commentBody: string | undefined, options: { room: number; sha?: string }): string | undefined {
  const found = findSchemaSection(commentBody ?? '');
  if (!found) return undefined;
  const takenAt = found.sha ? ` at ${code(found.sha.slice(0, 7))}` : '';
  const takenAtHtml = found.sha ? ` at <code>${found.sha.slice(0, 7)}</code>` : '';
  const now = options.sha ? ` of ${code(options.sha.slice(0, 7))}` : ' of this push';
  const head = [
    `<!-- neon-schema-changes sha=${found.sha} state=out-of-date -->`,
    '#### Schema changes: out of date',
    '',
    '> [!NOTE]',
    `> This diff was taken${takenAt ? `${takenAt},` : ''} before this push. The migrations${now} have not been compared yet: the section is replaced when the \`command: diff\` step runs.`,
    '',
  ];
  const wrap = (previous: string) => [...head, PREVIOUS, `<details><summary>The diff taken${takenAtHtml} (out of date)</summary>`, '', previous, '', '</details>', END].join('\n');
  const full = wrap(found.previous);
  if (COMMENT.measure(full) <= options.room) return full;
  // Too long for this push's comment: what fits of it, from the top (the destructive changes come
  // first), cut at a line and closed where the cut falls inside a code block or a <details>.
  const lines = found.previous.split('\n');
  let [low, high] = [0, lines.length - 1];
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (COMMENT.measure(wrap(cutMarkdown(lines, mid))) <= options.room) low = mid;
    else high = mid - 1;
  }
  if (low > 0) return wrap(cutMarkdown(lines, low));
  const short = [...head, END].join('\n');
  return COMMENT.measure(short) <= options.room ? short : '';
}

/**
 * The first `keep` lines of Markdown, then a line saying how many were cut, with any code fence
 * and `<details>` left open by the cut closed, so the rest of the comment renders as it should.
 */
export function cutMarkdown(lines: string[], keep: number): string {
  const kept = lines.slice(0, keep);
  let fence: string | undefined;
  let details = 0;
  for (const line of kept) {
    const marker = /^(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = undefined;
      continue;
    }
    if (marker) fence = marker;
    else details += (line.match(/<details>/g)?.length ?? 0) - (line.match(/<\/details>/g)?.length ?? 0);
  }
  const cut = lines.length - keep;
  return [...kept, ...(fence ? [fence] : []), ...Array.from({ length: Math.max(0, details) }, () => '</details>'), '', `… ${cut} more line${cut === 1 ? '' : 's'} of the old diff cut to fit the comment (the job summary of the run that took it holds it all).`].join('\n');
}

/** The section of a comment body: its commit, its state and, for the out-of-date form, what to keep. */
export function findSchemaSection(body: string): { sha: string; state: 'current' | 'out-of-date'; text: string; previous: string } | undefined {
  const start = START.exec(body);
  if (!start) return undefined;
  const end = body.lastIndexOf(`\n${END}`);
  if (end < start.index) return undefined;
  const text = body.slice(start.index, end + END.length + 1);
  const inner = body.slice(start.index + start[0].length + 1, end);
  let previous: string;
  if (start[2] === 'out-of-date') {
    const at = inner.indexOf(`${PREVIOUS}\n`);
    const kept = at < 0 ? '' : inner.slice(at + PREVIOUS.length + 1);
    // Unwrap the <details> this function put around it, so a second push does not nest it again.
    previous = kept.replace(/^<details><summary>.*<\/summary>\n\n/, '').replace(/\n\n<\/details>$/, '');
  } else previous = inner.replace(/^#### Schema changes[^\n]*\n/, '').trim();
  return { sha: start[1] as string, state: start[2] as 'current' | 'out-of-date', text, previous };
}

/** The one-line failure for `fail_on_destructive: true`, naming what is dropped; undefined when nothing is destructive. */
export function destructiveFailureMessage(diffs: DatabaseSchemaDiff[], options: { shown?: number; inComment?: boolean } = {}): string | undefined {
  const { shown = 5, inComment = true } = options;
  const all = diffs.flatMap((d) => d.destructive.map((c) => `${oneLine(d.database)}: ${oneLine(describeChange(c))}`));
  if (all.length === 0) return undefined;
  const more = all.length > shown ? ` (and ${all.length - shown} more)` : '';
  return `The migrations make destructive schema changes, and fail_on_destructive is true: ${all.slice(0, shown).join('; ')}${more}. Review them in ${inComment ? 'the PR comment or the job summary' : 'the job summary'}, or change the migrations.`;
}

interface Block {
  lines: string[];
  /** The database's part with the first `shown` lines of its diff. */
  render: (shown: number) => string;
}

function section(diffs: DatabaseSchemaDiff[], options: { room: number; sha?: string } & ComparedWith, target: Target): string {
  const { measure } = target;
  const sha = options.sha && /^[0-9a-f]+$/i.test(options.sha) ? options.sha.toLowerCase() : '';
  const against = options.baseGiven && options.parent ? `the branch ${code(options.parent)} (\`base_branch\`)` : options.parent ? `its parent ${code(options.parent)}` : 'its parent branch';
  const asOf = options.asOf ? ` as of ${code(options.asOf)}` : '';
  const at = sha ? ` after the migrations of ${code(sha.slice(0, 7))}` : '';
  const head = [`<!-- neon-schema-changes sha=${sha} state=current -->`, '#### Schema changes', '', `The preview branch's schema${asOf} compared with ${against}${at}.`, ''];
  const wrap = (parts: string[]) => [...head, ...parts, END].join('\n');

  const blocks = diffs.map((d) => block(d, target));
  const full = wrap(blocks.map((b) => b.render(b.lines.length)));
  if (measure(full) <= options.room) return full;

  // Share the room left by everything else between the diffs; a short diff keeps all its lines.
  let spare = options.room - measure(wrap(blocks.map((b) => b.render(0))));
  for (let attempt = 0; attempt < 6 && spare > 0; attempt++) {
    const { shown, used } = share(blocks, spare, measure);
    const text = wrap(blocks.map((b, i) => b.render(shown[i] as number)));
    const over = measure(text) - options.room;
    if (over <= 0) return text;
    spare = used - over; // the fences, <details> and notes of the diffs now shown take the rest
  }
  const none = wrap(blocks.map((b) => b.render(0)));
  if (measure(none) <= options.room) return none;

  // Not even the lists fit: one line per database.
  const brief = wrap(diffs.map((d) => `- ${briefLine(d)} Details are in ${target.elsewhere}.`));
  if (measure(brief) <= options.room) return brief;
  const changed = diffs.filter((d) => d.diff.trim() !== '').length;
  const destructive = diffs.reduce((n, d) => n + d.destructive.length, 0);
  const least = wrap([`${count(changed, 'database')} changed, ${count(destructive, 'destructive change')}: details are in ${target.elsewhere}.`, '']);
  return measure(least) <= options.room ? least : '';
}

/** How many lines of each diff fit in `room`: the smallest diffs first, each up to an equal share of what is left. */
function share(blocks: Block[], room: number, measure: (text: string) => number): { shown: number[]; used: number } {
  const costs = blocks.map((b) => b.lines.map((l) => measure(l) + 1));
  const total = (i: number) => (costs[i] as number[]).reduce((a, b) => a + b, 0);
  const order = blocks.map((_, i) => i).sort((a, b) => total(a) - total(b));
  const shown = blocks.map(() => 0);
  let left = room;
  order.forEach((i, n) => {
    const allowance = Math.floor(left / (order.length - n));
    let used = 0;
    let k = 0;
    for (const cost of costs[i] as number[]) {
      if (used + cost > allowance) break;
      used += cost;
      k++;
    }
    shown[i] = k;
    left -= used;
  });
  return { shown, used: room - left };
}

function block(d: DatabaseSchemaDiff, target: Target): Block {
  const diff = d.diff.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  const name = code(d.database);
  if (diff.trim() === '') return { lines: [], render: () => `**${name}**: no schema changes.\n` };
  const lines = diff.split('\n');
  const { added, removed } = diffLineCounts(diff);
  const stat = `+${added.toLocaleString('en-US')} −${removed.toLocaleString('en-US')}`;
  const callout = destructiveCallout(d.destructive, target);
  const fence = '`'.repeat(Math.max(3, longestRun(diff, '`') + 1));
  const render = (shown: number): string => {
    const parts = [`**${name}** (${stat} lines)`, ''];
    if (callout.length) parts.push(...callout, '');
    if (shown === 0 && lines.length > 0) {
      parts.push(`<sub>${target.cutNote(lines.length, lines.length)}</sub>`, '');
      return parts.join('\n');
    }
    const fenced = [`${fence}diff`, ...lines.slice(0, shown), fence];
    if (lines.length > COLLAPSE_LINES) parts.push(`<details><summary>The diff of <code>${escapeHtml(d.database)}</code> (${stat})</summary>`, '', ...fenced, '', '</details>', '');
    else parts.push(...fenced, '');
    if (shown < lines.length) parts.push(`<sub>${target.cutNote(lines.length - shown, lines.length)}</sub>`, '');
    return parts.join('\n');
  };
  return { lines, render };
}

function destructiveCallout(changes: DestructiveChange[], target: Target): string[] {
  if (changes.length === 0) return [];
  const listed = changes.slice(0, target.destructiveLines).map((c) => `> - ${describeChange(c, code)}`);
  const more = changes.length - listed.length;
  return [
    '> [!CAUTION]',
    `> ${count(changes.length, 'destructive change')}:`,
    ...listed,
    ...(more > 0 ? [`> - and ${more} more, listed in ${target.elsewhere}`] : []),
  ];
}

function briefLine(d: DatabaseSchemaDiff): string {
  if (d.diff.trim() === '') return `${code(d.database)}: no schema changes.`;
  const { added, removed } = diffLineCounts(d.diff);
  const destructive = d.destructive.length ? `, ${count(d.destructive.length, 'destructive change')}` : '';
  return `${code(d.database)}: +${added} −${removed} lines${destructive}.`;
}

/** A Markdown code span that holds any text: a longer run of backticks than the text has, on one line. */
function code(text: string): string {
  const flat = oneLine(text);
  const ticks = '`'.repeat(longestRun(flat, '`') + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
}

function escapeHtml(text: string): string {
  return oneLine(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function longestRun(text: string, char: string): number {
  let best = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
