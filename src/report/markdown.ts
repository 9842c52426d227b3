import type { Text } from '../text.js';

/**
 * Text shown as a Markdown code span, so GitHub renders it as it is: no mention (`@team`), no
 * HTML (`<b>`), no link (`[x](y)`), whatever backticks it holds. In a table cell a pipe would end
 * the cell even inside a code span, so it is escaped there (GFM removes the backslash).
 */
export function codeSpan(text: string, where: 'table' | 'text' = 'text'): string {
  let value = text.replace(/[\r\n]+/g, ' ');
  if (where === 'table') value = value.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...value.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = value.startsWith('`') || value.endsWith('`') || (value.startsWith(' ') && value.endsWith(' ') && value.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${value}${pad}${fence}`;
}

/** A Text as Markdown: the action's own words as written, every outside value as a code span. */
export function markdown(text: Text, where: 'table' | 'text' = 'text'): string {
  return text.render((value) => codeSpan(value, where)).replace(/[\r\n]+/g, ' ');
}

/** A link whose target GitHub cannot read as anything else (angle brackets, no spaces or brackets inside). */
export function link(label: string, url: string): string {
  return `[${label}](<${url.replace(/[<>\s\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)}>)`;
}
