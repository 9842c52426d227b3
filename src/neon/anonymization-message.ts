import type { MaskingRule } from '../inputs/masking-rules.js';
import { scrub } from '../text.js';

const HIDDEN = '[value hidden]';

/**
 * The names a person wrote in `masking_rules` (databases, schemas, tables, columns, and the
 * identifiers in masking functions and values, such as `anon.fake_email`): the only names Neon's
 * anonymization message may show, because they are the user's own text, not the data's.
 */
export function namesOfRules(rules: MaskingRule[] | undefined): Set<string> {
  const names = new Set<string>(['anon', 'public']);
  for (const rule of rules ?? []) {
    for (const value of [rule.database_name, rule.schema_name, rule.table_name, rule.column_name]) if (value) names.add(value);
    for (const sql of [rule.masking_function, rule.masking_value]) for (const word of `${sql ?? ''}`.match(/[A-Za-z_][A-Za-z0-9_$]*/g) ?? []) names.add(word);
  }
  return names;
}

/** A word of the message's own language: lowercase letters (a Postgres message is lowercase), or a capitalised one opening a sentence. */
const PLAIN_WORD = /^[a-z]+(?:[-'][a-z]+)*$/;
const OPENING_WORD = /^[A-Z][a-z]+$/;
/** Capitalised words Postgres writes mid-message. */
const MESSAGE_WORDS = new Set(['Failing', 'Key']);
/** A count, as in "(3/5)" or "2 tables": short numbers only (a long one may be a value). */
const COUNT = /^\d{1,4}(?:\/\d{1,4})?$/;

/**
 * Neon's anonymization `status_message`, fit to show in the log, the summary or the comment. A
 * failed rule's message can quote a value from the unmasked data anywhere: after a cast that
 * failed on it, as a "configuration parameter", a "relation" (`::regclass`), after a colon
 * unquoted, in a key that collided or a failing row. So it is shown through an allowlist, word
 * by word: the message's own lowercase words, short counts, punctuation, and names the user wrote
 * in `masking_rules` (`names`, quoted or dotted as in `"email"` or `neondb.public.users`); any
 * other word or quoted text becomes `[value hidden]`. Everything after `DETAIL:`, `HINT:` and the
 * like is dropped. Then anything shaped like a URI, password or key goes (`scrub`); at most 300
 * characters.
 */
export function safeStatusMessage(message: string | undefined, names: Set<string> = namesOfRules(undefined)): string {
  if (!message) return '';
  const text = message
    .replace(/\s+/g, ' ')
    .replace(/\b(?:DETAIL|HINT|CONTEXT|WHERE)\s*:.*$/i, '')
    .trim();
  const known = (name: string) => name.split('.').every((part) => names.has(part.replace(/^"(.*)"$/, '$1')));
  const out: string[] = [];
  let sentenceStart = true;
  // Quoted texts ("…", '…'), bracketed words ((…)), and plain words, in order.
  for (const [token] of text.matchAll(/"(?:[^"]|"")*"|'(?:[^']|'')*'|\S+/g)) {
    const shown = showToken(token, known, sentenceStart);
    if (!(shown === HIDDEN && out.at(-1)?.endsWith(HIDDEN))) out.push(shown);
    sentenceStart = /[.:]$/.test(token);
  }
  return scrub(out.join(' ').replace(/\s+([,.;:)])/g, '$1'), 300);
}

function showToken(token: string, known: (name: string) => boolean, sentenceStart: boolean): string {
  if (token.startsWith("'")) return `'${HIDDEN}'`;
  if (token.startsWith('"')) return known(token.slice(1, -1).replace(/""/g, '"')) ? token : `"${HIDDEN}"`;
  // A word with punctuation around it: "(3/5)", "users,", "anon.fake_email()", "integer:".
  const [, open = '', core = '', close = ''] = /^([([]*)(.*?)([)\]]*(?:\(\))?[)\],.;:]*)$/.exec(token) ?? [];
  if (core === '') return token;
  const word = core.replace(/\(\)$/, '');
  const fine = PLAIN_WORD.test(word) || (OPENING_WORD.test(word) && (sentenceStart || MESSAGE_WORDS.has(word))) || COUNT.test(word) || known(word) || /^[-–—=/*+]+$/.test(word);
  return fine ? `${open}${core}${close}` : `${open}${HIDDEN}${close}`;
}
