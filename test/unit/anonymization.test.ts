import { describe, expect, it } from 'vitest';
import { anonymizationStep } from '../../src/commands/anonymize.js';
import { InputError } from '../../src/errors.js';
import { computeUnitsText, parseComputeUnits } from '../../src/inputs/compute-units.js';
import { parseMaskingRules, sameMaskingRules } from '../../src/inputs/masking-rules.js';
import { namesOfRules, safeStatusMessage } from '../../src/neon/anonymization-message.js';
import { secretFieldValues } from '../../src/neon/service-urls.js';
import { factRows, statusText } from '../../src/report/comment-body.js';
import type { Report } from '../../src/report/report.js';

const EMAIL = { database_name: 'neondb', schema_name: 'public', table_name: 'users', column_name: 'email', masking_function: 'anon.fake_email()' };
const NAME = { database_name: 'neondb', schema_name: 'public', table_name: 'users', column_name: 'name', masking_value: "'REDACTED'" };

describe('masking_rules', () => {
  it('reads create-branch-action v6.4\'s format: a JSON array of rules with a function or a value', () => {
    expect(parseMaskingRules(JSON.stringify([EMAIL, NAME]))).toEqual([EMAIL, NAME]);
    expect(parseMaskingRules('  ')).toBeUndefined();
    // An empty masking_value is a value (an empty string), not a missing one.
    expect(parseMaskingRules(JSON.stringify([{ ...NAME, masking_value: '' }]))?.[0]?.masking_value).toBe('');
  });

  it.each([
    ['not JSON', '[{', /not valid JSON/],
    ['not an array', JSON.stringify(EMAIL), /must be a JSON array/],
    ['an empty array', '[]', /empty array.*every value in it is the original/],
    ['a rule that is not an object', '["email"]', /rule 1 of 1 is not a JSON object/],
    ['a rule missing its table', JSON.stringify([{ ...EMAIL, table_name: undefined }]), /rule 1 of 1 lacks table_name/],
    ['a rule with an empty column', JSON.stringify([EMAIL, { ...NAME, column_name: ' ' }]), /rule 2 of 2 lacks column_name/],
    ['both a function and a value', JSON.stringify([{ ...EMAIL, masking_value: "'x'" }]), /rule 1 of 1 \(neondb\.public\.users\.email\) has both masking_function and masking_value/],
    ['neither', JSON.stringify([{ ...EMAIL, masking_function: undefined }]), /has neither masking_function .* nor masking_value/],
    ['an empty function', JSON.stringify([{ ...EMAIL, masking_function: '' }]), /has neither/],
    ['a function that is not a string', JSON.stringify([{ ...EMAIL, masking_function: 3 }]), /masking_function must be a string/],
    ['a misspelt field', JSON.stringify([{ ...EMAIL, maskingFunction: 'x' }]), /unknown field\(s\) maskingFunction/],
    ['two rules for one column', JSON.stringify([EMAIL, { ...EMAIL, masking_function: 'anon.hash(email)' }]), /rule 2 of 2 masks neondb\.public\.users\.email again/],
  ])('refuses %s, naming the input', (_, text, message) => {
    expect(() => parseMaskingRules(text)).toThrow(InputError);
    expect(() => parseMaskingRules(text)).toThrow(/^Input `masking_rules`/);
    expect(() => parseMaskingRules(text)).toThrow(message);
  });

  it('compares rule lists in any order, by column and mask', () => {
    expect(sameMaskingRules([EMAIL, NAME], [NAME, EMAIL])).toBe(true);
    expect(sameMaskingRules([EMAIL], [EMAIL, NAME])).toBe(false);
    expect(sameMaskingRules([EMAIL], [{ ...EMAIL, masking_function: 'anon.hash(email)' }])).toBe(false);
    expect(sameMaskingRules([NAME], [{ ...NAME, masking_value: 'NULL' }])).toBe(false);
    expect(sameMaskingRules([EMAIL], [{ ...EMAIL, table_name: 'people' }])).toBe(false);
  });
});

describe('compute_units', () => {
  it('reads a fixed size or an autoscaling range, as neonctl --cu does', () => {
    expect(parseComputeUnits('')).toBeUndefined();
    expect(parseComputeUnits('1')).toEqual({ min: 1, max: 1 });
    expect(parseComputeUnits('0.25-2')).toEqual({ min: 0.25, max: 2 });
    expect(parseComputeUnits(' .5 - 4 ')).toEqual({ min: 0.5, max: 4 });
    expect(parseComputeUnits('56')).toEqual({ min: 56, max: 56 });
    expect(parseComputeUnits('8-16')).toEqual({ min: 8, max: 16 });
    expect(parseComputeUnits('2-2')).toEqual({ min: 2, max: 2 });
  });

  it.each([
    ['a size Neon does not offer', '0.3', /0.3 CU is not a size Neon offers/],
    ['an odd size above 16', '17', /17 CU is not a size Neon offers/],
    ['more than 56', '64', /not a size Neon offers/],
    ['zero', '0', /not a size Neon offers/],
    ['a word', 'small', /not a number of compute units/],
    ['a negative size', '-1', /not a number/],
    ['min above max', '4-1', /minimum is above the maximum/],
    ['autoscaling above 16', '8-24', /autoscaling goes up to 16 CU/],
    ['a spread over 8 CU', '0.25-10', /at most 8 CU; raise the minimum to 2/],
    ['three parts', '1-2-3', /neither a size .* nor a range/],
  ])('refuses %s, naming the input', (_, text, message) => {
    expect(() => parseComputeUnits(text)).toThrow(/^Input `compute_units`/);
    expect(() => parseComputeUnits(text)).toThrow(message);
  });

  it('is shown as a size or a range', () => {
    expect(computeUnitsText({ min: 1, max: 1 })).toBe('1 CU');
    expect(computeUnitsText({ min: 0.25, max: 2 })).toBe('0.25–2 CU (autoscaling)');
  });
});

describe("Neon's anonymization status message", () => {
  const rules = parseMaskingRules(
    JSON.stringify([
      { database_name: 'neondb', schema_name: 'public', table_name: 'users', column_name: 'email', masking_function: 'anon.fake_email()' },
      { database_name: 'neondb', schema_name: 'public', table_name: 'people', column_name: 'name', masking_function: 'anon.no_such_fn()' },
    ]),
  );
  const names = namesOfRules(rules);

  it.each([
    ['a failed cast quotes the value it failed on', 'Anonymization failed: invalid input syntax for type integer: "zephyrine@victim.test"', 'Anonymization failed: invalid input syntax for type integer: "[value hidden]"'],
    ['a quoted value with quotes in it', 'Anonymization failed: invalid input syntax for type integer: ""Quoted" Secretname"', 'Anonymization failed: invalid input syntax for type integer: "[value hidden]" [value hidden]'],
    ['a value read as a configuration parameter', 'Anonymization failed: unrecognized configuration parameter "alice.secret@corp.example"', 'Anonymization failed: unrecognized configuration parameter "[value hidden]"'],
    ['a value read as a relation (::regclass)', 'Anonymization failed: relation "alice.secret@corp.example" does not exist', 'Anonymization failed: relation "[value hidden]" does not exist'],
    ['an unquoted value after a colon', 'Anonymization failed: cross-database references are not implemented: alice.secret@corp.example', 'Anonymization failed: cross-database references are not implemented: [value hidden]'],
    ['an out-of-range value', 'value "99999999999" is out of range for type integer', 'value "[value hidden]" is out of range for type integer'],
    ['an enum value', 'invalid input value for enum mood: "furious"', 'invalid input value for enum mood: "[value hidden]"'],
    ['a key that collided', 'duplicate key value violates unique constraint "users_email_key" DETAIL: Key (email)=(a@b.test) already exists.', 'duplicate key value violates unique constraint "[value hidden]"'],
    ['a key without DETAIL', 'Key (email)=(a@b.test) already exists', 'Key ([value hidden]) already exists'],
    ['a failing row', 'new row for relation "users" violates check constraint "c" Failing row contains (1, Secret@x.test).', 'new row for relation "users" violates check constraint "[value hidden]" Failing row contains (1, [value hidden]).'],
    ['a literal', "syntax error at or near 'Zephyrine'", "syntax error at or near '[value hidden]'"],
    ['a long number', 'Anonymization failed at row 123456789', 'Anonymization failed at row [value hidden]'],
  ])('hides %s', (_, message, shown) => {
    expect(safeStatusMessage(message, names)).toBe(shown);
  });

  it.each([
    'Anonymization failed: function anon.no_such_fn() does not exist',
    'Anonymization failed: column "email" of relation "users" does not exist',
    'Anonymization failed: relation "public.people" does not exist',
    'Anonymizing table neondb.public.users (3/5)',
    'Anonymization completed successfully (2 tables, 12 masking rules applied)',
  ])('keeps the message\'s words and the names masking_rules wrote: %s', (message) => {
    expect(safeStatusMessage(message, names)).toBe(message);
  });

  it('without the rules (a reused branch, no masking_rules input), a quoted name is hidden too', () => {
    expect(safeStatusMessage('column "email" of relation "users" does not exist')).toBe('column "[value hidden]" of relation "[value hidden]" does not exist');
  });

  it('takes out anything shaped like a URI or a password, and stays short', () => {
    expect(safeStatusMessage('could not connect to postgresql://u:npg_abcdef@host/db')).toBe('could not connect to [value hidden]');
    expect(safeStatusMessage(`failed: ${'x '.repeat(500)}`).length).toBeLessThanOrEqual(301);
    expect(safeStatusMessage(undefined)).toBe('');
  });
});

describe('the next anonymization step', () => {
  const o = (over: Partial<{ rerunWanted: boolean; startedByThisRun: boolean; mayStart: boolean }> = {}) => ({ rerunWanted: false, startedByThisRun: false, mayStart: true, ...over });
  it('waits while Neon works, and for any state it does not know', () => {
    for (const state of ['created', 'anonymizing', 'something_new']) expect(anonymizationStep(state, o())).toBe('wait');
  });
  it('is done when anonymized, unless the rules changed', () => {
    expect(anonymizationStep('anonymized', o())).toBe('done');
    expect(anonymizationStep('anonymized', o({ rerunWanted: true }))).toBe('start');
  });
  it('starts a branch never started, and restarts one a previous run left in error; fails when its own attempt ended in error', () => {
    expect(anonymizationStep('initialized', o())).toBe('start');
    expect(anonymizationStep('error', o())).toBe('start');
    expect(anonymizationStep('error', o({ startedByThisRun: true }))).toBe('failed');
    expect(anonymizationStep('error', o({ startedByThisRun: true, rerunWanted: true }))).toBe('start');
    expect(anonymizationStep('initialization_error', o())).toBe('failed to initialize');
  });
  it('starts nothing when the run may not change the branch (get, a branch a person made)', () => {
    expect(anonymizationStep('initialized', o({ mayStart: false }))).toBe('not started');
    expect(anonymizationStep('error', o({ mayStart: false }))).toBe('failed');
    expect(anonymizationStep('anonymizing', o({ mayStart: false }))).toBe('wait');
  });
});

describe('comment and summary rows', () => {
  const report: Report = { command: 'create', projectId: 'p', branchName: 'preview/pr-1', branchId: 'br-1', created: true, notes: [] };
  const rows = (r: Partial<Report>) => Object.fromEntries(factRows({ ...report, ...r }));
  it('say the branch is anonymized, with how many rules', () => {
    expect(rows({ anonymization: { rules: 3 } }).Data).toBe('Anonymized: 3 masking rules applied');
    expect(rows({ anonymization: { rules: 1, rerun: 'rules changed' } }).Data).toBe('Anonymized: 1 masking rule applied, anonymized again (masking rules changed)');
    expect(rows({ anonymization: { rules: 2, rerun: 'restarted' } }).Data).toMatch(/previous attempt had failed/);
    expect(rows({}).Data).toBeUndefined();
  });
  it('show the compute size and the service URLs (or that they are not enabled)', () => {
    expect(rows({ compute: { min: 0.25, max: 2 } }).Compute).toBe('0.25–2 CU (autoscaling)');
    expect(rows({ authUrl: 'https://ep-x.neonauth.example/neondb/auth', dataApiUrl: '' })).toMatchObject({ 'Neon Auth': '`https://ep-x.neonauth.example/neondb/auth`', 'Data API': 'not enabled' });
    expect(rows({})['Neon Auth']).toBeUndefined();
  });
  it('a reset anonymized branch says it was created again', () => {
    expect(statusText({ ...report, reuse: 'recreated' })).toMatch(/^Reset: created again from its parent and anonymized/);
  });
});

describe("Neon Auth's answer", () => {
  it('every key-, secret- or token-shaped field is found (to be masked), at any depth; URLs are not', () => {
    const answer = {
      auth_provider: 'stack',
      base_url: 'https://ep-x.neonauth.example/neondb/auth',
      jwks_url: 'https://ep-x.neonauth.example/neondb/auth/.well-known/jwks.json',
      pub_client_key: 'pck_1',
      secret_server_key: 'ssk_2',
      nested: { access_token: 'tok_3', list: [{ api_key: 'napi_4' }], password: 'pw_5' },
    };
    expect(secretFieldValues(answer).sort()).toEqual(['napi_4', 'pck_1', 'pw_5', 'ssk_2', 'tok_3']);
    expect(secretFieldValues(null)).toEqual([]);
  });
});
