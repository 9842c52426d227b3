import { scrub } from '../text.js';

/**
 * Words after which Postgres quotes an identifier (`column "email" of relation "users"`): those
 * names stay, so a person can tell which rule to fix. Any other quoted text may be a value taken
 * from the data (`invalid input syntax for type integer: "zephyrine@example.com"`,
 * `value "99999999999" is out of range`), and is hidden.
 */
const IDENTIFIER_WORDS = new Set([
  'column',
  'relation',
  'table',
  'schema',
  'database',
  'role',
  'function',
  'constraint',
  'index',
  'type',
  'sequence',
  'view',
  'extension',
  'operator',
  'trigger',
  'domain',
  'collation',
  'parameter',
]);

const HIDDEN = '[value hidden]';

/**
 * Neon's anonymization `status_message`, fit to show in the log, the summary or the comment: a
 * failed rule's message can hold a value from the unmasked data (a cast that failed on it, a key
 * that collided, a failing row). Hidden: everything after `DETAIL:`/`Failing row contains`,
 * `Key (…)=(…)` values, single-quoted literals, and double-quoted text that does not follow an
 * identifier word; then anything shaped like a URI, password or key (`scrub`); at most 300 characters.
 */
export function safeStatusMessage(message: string | undefined): string {
  if (!message) return '';
  let out = message.replace(/\s+/g, ' ');
  out = out.replace(/\b(?:DETAIL|HINT|CONTEXT|WHERE)\s*:.*$/i, '').replace(/Failing row contains.*$/i, `Failing row contains ${HIDDEN}`);
  out = out.replace(/\)\s*=\s*\((?:[^()]|\([^()]*\))*\)/g, `)=(${HIDDEN})`);
  out = out.replace(/'(?:[^']|'')*'/g, `'${HIDDEN}'`);
  out = out.replace(/(\S+)(\s+)"((?:[^"]|"")*)"/g, (whole, before: string, space: string) =>
    IDENTIFIER_WORDS.has(before.toLowerCase()) ? whole : `${before}${space}"${HIDDEN}"`,
  );
  // A quoted value at the very start, or right after a colon with no space.
  out = out.replace(/(^|:)"(?:[^"]|"")*"/g, `$1"${HIDDEN}"`);
  return scrub(out.trim(), 300);
}
