import type { MaskingRule } from '@neondatabase/api-client';
import { InputError } from '../errors.js';
import { t } from '../text.js';

export type { MaskingRule };

const INPUT = 'masking_rules';
const LOCATION_FIELDS = ['database_name', 'schema_name', 'table_name', 'column_name'] as const;
const MASK_FIELDS = ['masking_function', 'masking_value'] as const;
const KNOWN = new Set<string>([...LOCATION_FIELDS, ...MASK_FIELDS]);

/** `neondb.public.users.email`: the column a rule masks. */
export function ruleColumn(rule: Pick<MaskingRule, (typeof LOCATION_FIELDS)[number]>): string {
  return LOCATION_FIELDS.map((field) => rule[field]).join('.');
}

const EXAMPLE = '[{"database_name": "neondb", "schema_name": "public", "table_name": "users", "column_name": "email", "masking_function": "anon.fake_email()"}]';

/**
 * `masking_rules` as create-branch-action v6.4 takes it: a JSON array of Neon masking rules, each
 * naming its column (`database_name`, `schema_name`, `table_name`, `column_name`) and exactly one
 * of `masking_function` and `masking_value`. Undefined when the input is empty. At least one rule
 * is required: with none, Neon reports the branch anonymized while nothing in it is masked.
 */
export function parseMaskingRules(text: string): MaskingRule[] | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (error) {
    throw new InputError(INPUT, t`is not valid JSON (${(error as Error).message}); give a JSON array of rules such as ${EXAMPLE}`);
  }
  if (!Array.isArray(parsed)) throw new InputError(INPUT, t`must be a JSON array of rules such as ${EXAMPLE}`);
  if (parsed.length === 0) {
    throw new InputError(
      INPUT,
      'is an empty array. With no rule Neon marks the branch anonymized while every value in it is the original: give at least one rule, or leave masking_rules empty for a branch that is not anonymized',
    );
  }
  const seen = new Set<string>();
  return parsed.map((raw: unknown, i) => {
    const which = `rule ${i + 1} of ${parsed.length}`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InputError(INPUT, t`${which} is not a JSON object`);
    const r = raw as Record<string, unknown>;
    const unknown = Object.keys(r).filter((key) => !KNOWN.has(key));
    if (unknown.length) throw new InputError(INPUT, t`${which} has the unknown field(s) ${unknown.join(', ')}; a rule has ${[...KNOWN].join(', ')}`);
    const missing = LOCATION_FIELDS.filter((field) => typeof r[field] !== 'string' || (r[field] as string).trim() === '');
    if (missing.length) throw new InputError(INPUT, t`${which} lacks ${missing.join(', ')} (each a non-empty string)`);
    const rule: MaskingRule = { database_name: r.database_name as string, schema_name: r.schema_name as string, table_name: r.table_name as string, column_name: r.column_name as string };
    const column = ruleColumn(rule);
    for (const field of MASK_FIELDS) {
      if (r[field] !== undefined && typeof r[field] !== 'string') throw new InputError(INPUT, t`${which} (${column}): ${field} must be a string`);
    }
    const hasFunction = typeof r.masking_function === 'string' && r.masking_function.trim() !== '';
    const hasValue = typeof r.masking_value === 'string';
    if (hasFunction && hasValue) throw new InputError(INPUT, t`${which} (${column}) has both masking_function and masking_value; give exactly one`);
    if (!hasFunction && !hasValue) {
      throw new InputError(INPUT, t`${which} (${column}) has neither masking_function (such as anon.fake_email()) nor masking_value (such as 'REDACTED'); give exactly one`);
    }
    if (seen.has(column)) throw new InputError(INPUT, t`${which} masks ${column} again; give one rule per column`);
    seen.add(column);
    if (hasFunction) rule.masking_function = r.masking_function as string;
    else rule.masking_value = r.masking_value as string;
    return rule;
  });
}

/** A rule as one comparable string: its column and how it is masked. */
function ruleKey(rule: MaskingRule): string {
  const mask = typeof rule.masking_function === 'string' && rule.masking_function !== '' ? `function ${rule.masking_function}` : `value ${rule.masking_value ?? ''}`;
  return `${ruleColumn(rule)}\u0000${mask}`;
}

/** Whether two rule lists mask the same columns the same way, in any order. */
export function sameMaskingRules(a: readonly MaskingRule[], b: readonly MaskingRule[]): boolean {
  const keys = (rules: readonly MaskingRule[]) => rules.map(ruleKey).sort().join('\n');
  return a.length === b.length && keys(a) === keys(b);
}
