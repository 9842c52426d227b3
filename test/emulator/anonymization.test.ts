import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/index.js';
import { sql } from '../../emulator/sql.js';
import { NeonClient } from '../support/neon-client.js';

type Rule = { database_name: string; schema_name: string; table_name: string; column_name: string; masking_function?: string; masking_value?: string };
const rule = (table: string, column: string, mask: { fn?: string; value?: string }, schema = 'public'): Rule => ({
  database_name: 'neondb',
  schema_name: schema,
  table_name: table,
  column_name: column,
  ...(mask.fn ? { masking_function: mask.fn } : { masking_value: mask.value }),
});

// Distinctive originals, so that finding one anywhere in a branch can only mean it was not masked.
const PEOPLE = [
  { id: 1, email: 'zephyrine.quillfeather@victim-corp.test', first: 'Zephyrine', last: 'Quillfeather', phone: '+1-202-555-0147', ssn: '078-05-1120', city: 'Skellefteaborg', company: 'Victim Holdings Unlimited', birth: '1961-03-07', salary: 91000, notes: 'allergic to penicillin, lives alone' },
  { id: 2, email: 'balthazar.wintergreen@victim-corp.test', first: 'Balthazar', last: 'Wintergreen', phone: '+1-202-555-0199', ssn: '219-09-9999', city: 'Frostwick Hollow', company: 'Wintergreen Secret Trust', birth: '1975-11-30', salary: 64000, notes: 'owes money to the landlord' },
  { id: 3, email: 'ottoline.marchbanks@victim-corp.test', first: 'Ottoline', last: 'Marchbanks', phone: '+1-202-555-0123', ssn: '457-55-5462', city: 'Quorn under Wold', company: 'Marchbanks Private Bank', birth: '1988-06-15', salary: 123000, notes: 'diagnosed in 2019' },
];
const CONTACTS = [
  { id: 10, email: 'ignatius.pembleton@partner-firm.test', ref: 'CUST-77810-IGNATIUS' },
  { id: 11, email: 'philippa.dunstable@partner-firm.test', ref: 'CUST-77811-PHILIPPA' },
];

const RULES: Rule[] = [
  rule('people', 'email', { fn: 'anon.fake_email()' }),
  rule('people', 'first_name', { fn: 'anon.dummy_first_name()' }),
  rule('people', 'last_name', { fn: 'anon.fake_last_name()' }),
  rule('people', 'phone', { fn: "anon.partial(phone, 2, 'XXXXXXXXXX', 3)" }),
  rule('people', 'ssn', { value: 'NULL' }),
  rule('people', 'city', { fn: 'anon.fake_city()' }),
  rule('people', 'company', { fn: 'anon.fake_company()' }),
  rule('people', 'birth', { fn: "anon.random_date_between('1950-01-01', '2000-12-31')" }),
  rule('people', 'salary', { fn: 'anon.noise(salary, 0.2)' }),
  rule('people', 'notes', { value: "'REDACTED'" }),
  rule('contacts', 'email', { fn: 'anon.partial_email(email)' }, 'crm'),
  rule('contacts', 'ref', { fn: 'anon.hash(ref)' }, 'crm'),
];
/** Neon's reason for the branch's `connect-to-endpoints` restriction, which its computes answer a client with. */
const CLOSED = 'cannot connect to endpoints while branch is being anonymized';
const MASKED_ORIGINALS = [
  ...PEOPLE.flatMap((p) => [p.email, p.first, p.last, p.phone, p.ssn, p.city, p.company, p.notes]),
  ...CONTACTS.flatMap((c) => [c.email, c.ref]),
];

/** Every row of every table of every schema of a database, as text (XML-escaped, as query_to_xml writes it). */
const DUMP = `SELECT coalesce(string_agg(query_to_xml(format('SELECT * FROM %I.%I', n.nspname, c.relname), true, false, '')::text, E'\\n'), '') AS dump
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'`;

describe('emulator: anonymized branches, masked on their own copy with the anon functions', () => {
  let neon: Emulator;
  let client: NeonClient;
  let mainUri: string;
  let parentDump: string;

  const status = async (id: string) => (await client.call('GET', `${client.project}/branches/${id}/anonymized_status`)).body;
  /** Polls the status until it is one of `states`; returns every state seen on the way. */
  const waitFor = async (id: string, ...states: string[]): Promise<string[]> => {
    const seen: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const { state } = await status(id);
      if (seen.at(-1) !== state) seen.push(state);
      if (states.includes(state)) return seen;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`branch ${id} stayed ${seen.at(-1)}`);
  };
  const createAnonymized = async (name: string, rules: Rule[], start = true) => {
    const { status: code, body } = await client.call('POST', `${client.project}/branch_anonymized`, { branch_create: { branch: { name } }, masking_rules: rules, start_anonymization: start });
    expect(code).toBe(201);
    await client.settle(body.operations);
    return body.branch.id as string;
  };
  /** The emulator's own view of a branch's data, whether or not the branch lets clients in. */
  const adminQuery = async (branchId: string, query: string) => {
    const endpoint = neon.model.endpointsOf(branchId).find((e) => e.type === 'read_write');
    const admin = await endpoint?.postgres?.admin('neondb');
    if (!admin) throw new Error('no running compute');
    try {
      return (await admin.query(query)).rows;
    } finally {
      await admin.end();
    }
  };
  const refusal = (uri: string) => sql(uri, 'SELECT 1').then(
    () => 'connected',
    (error: Error) => error.message,
  );

  beforeAll(async () => {
    neon = await Emulator.start({ rateLimits: false });
    client = new NeonClient(neon);
    mainUri = await client.connectionUri(neon.model.defaultBranch.id);
    const literal = (v: string | number) => (typeof v === 'number' ? String(v) : `'${v}'`);
    await sql(
      mainUri,
      `CREATE TABLE people (id int PRIMARY KEY, email text UNIQUE NOT NULL, first_name text, last_name text, phone varchar(20), ssn text,
                            city text, company text, birth date, salary int, notes text, plan text NOT NULL);
       CREATE TABLE orders (id int PRIMARY KEY, person_id int REFERENCES people(id), item text, amount numeric(8,2));
       CREATE SCHEMA crm;
       CREATE TABLE crm.contacts (id int PRIMARY KEY, email text, ref text);
       INSERT INTO people VALUES ${PEOPLE.map((p) => `(${[p.id, p.email, p.first, p.last, p.phone, p.ssn, p.city, p.company, p.birth, p.salary, p.notes, 'pro'].map(literal).join(', ')})`).join(', ')};
       INSERT INTO orders VALUES (100, 1, 'kettle', 25.50), (101, 2, 'teapot', 40.00), (102, 3, 'mug', 9.99);
       INSERT INTO crm.contacts VALUES ${CONTACTS.map((c) => `(${c.id}, '${c.email}', '${c.ref}')`).join(', ')}`,
    );
    parentDump = (await sql(mainUri, DUMP))[0]?.dump as string;
  });
  afterAll(() => neon.stop());

  it('masks the ruled columns: their originals appear nowhere in the branch; other columns and the parent are unchanged', async () => {
    const id = await createAnonymized('preview/masked', RULES);
    const uri = await client.connectionUri(id);
    const states = await waitFor(id, 'anonymized', 'error', 'initialization_error');
    expect(states).toEqual(expect.arrayContaining(['anonymizing', 'anonymized']));
    expect(states.at(-1)).toBe('anonymized');
    expect(states.indexOf('anonymizing')).toBeLessThan(states.indexOf('anonymized'));
    const done = await status(id);
    expect(done.status_message).toBe('Anonymization completed successfully (2 tables, 12 masking rules applied)');
    expect(done.last_run.masked_columns).toBe(12);
    expect((await client.call('GET', `${client.project}/branches/${id}`)).body.branch.restricted_actions.map((r: { name: string }) => r.name)).toEqual(['restore', 'delete-rw-endpoint']);

    // Every table of every schema of the branch, not just the masked columns.
    const dump = (await sql(uri, DUMP))[0]?.dump as string;
    for (const original of MASKED_ORIGINALS) expect(dump, `original value ${original}`).not.toContain(original);
    for (const p of PEOPLE) expect(dump).not.toContain(`<birth>${p.birth}</birth>`);

    const people = await sql(uri, 'SELECT id, email, first_name, last_name, phone, ssn, city, company, birth::text, salary, notes, plan FROM people ORDER BY id');
    expect(people.map((p) => p.id)).toEqual([1, 2, 3]);
    for (const [i, p] of people.entries()) {
      const original = PEOPLE[i] as (typeof PEOPLE)[number];
      expect(p.email).toMatch(/^[a-z]+\.[a-z]+\d{3}@example\.(com|net|org)$/);
      expect(p.phone).toBe(`${original.phone.slice(0, 2)}XXXXXXXXXX${original.phone.slice(-3)}`);
      expect(p.ssn).toBeNull();
      expect(p.notes).toBe('REDACTED');
      expect(String(p.birth) >= '1950-01-01' && String(p.birth) <= '2000-12-31').toBe(true);
      expect(Math.abs((p.salary as number) - original.salary)).toBeLessThanOrEqual(original.salary * 0.2 + 1);
      expect(p.plan).toBe('pro');
    }
    const contacts = await sql(uri, 'SELECT id, email, ref FROM crm.contacts ORDER BY id');
    expect(contacts).toEqual(CONTACTS.map((c) => ({ id: c.id, email: `${c.email.slice(0, 2)}******@pa******.test`, ref: createHash('sha256').update(c.ref).digest('hex') })));
    // Unmasked tables are the parent's, row for row.
    expect(await sql(uri, 'SELECT * FROM orders ORDER BY id')).toEqual(await sql(mainUri, 'SELECT * FROM orders ORDER BY id'));

    // The parent is untouched, and never had the anon functions installed.
    expect((await sql(mainUri, DUMP))[0]?.dump).toBe(parentDump);
    expect(await sql(mainUri, "SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'anon'")).toEqual([{ n: 0 }]);
  });

  it('an unknown function, table or column: error with the message Neon gives, nothing masked, the branch stays closed', async () => {
    const cases: [Rule, string][] = [
      [rule('crm_nope', 'email', { fn: 'anon.fake_email()' }), 'Anonymization failed: relation "public.crm_nope" does not exist'],
      [rule('people', 'nickname', { fn: 'anon.fake_first_name()' }), 'Anonymization failed: column "nickname" of relation "people" does not exist'],
      [rule('orders', 'item', { fn: 'anon.no_such_fn()' }), 'Anonymization failed: function anon.no_such_fn() does not exist'],
    ];
    for (const [i, [bad, message]] of cases.entries()) {
      // A good rule on another table first: it must not stay applied when a later one fails.
      const id = await createAnonymized(`preview/broken-${i}`, [rule('people', 'email', { fn: 'anon.fake_email()' }), bad]);
      expect(await waitFor(id, 'anonymized', 'error')).not.toContain('anonymized');
      const failed = await status(id);
      expect(failed.state).toBe('error');
      expect(failed.status_message).toBe(message);
      expect(failed.failed_at).toEqual(expect.any(String));
      expect(await refusal(await client.connectionUri(id))).toBe(CLOSED);
      expect(await adminQuery(id, 'SELECT email FROM people ORDER BY id')).toEqual(PEOPLE.map((p) => ({ email: p.email })));
    }
  });

  it('after an error, fixed rules and POST anonymize mask the branch', async () => {
    const id = await createAnonymized('preview/fixed', [rule('people', 'email', { fn: 'anon.fake_emial()' })]);
    await waitFor(id, 'error');
    const patched = await client.call('PATCH', `${client.project}/branches/${id}/masking_rules`, { masking_rules: [rule('people', 'email', { fn: 'anon.fake_email()' })] });
    expect(patched.body.masking_rules).toEqual([rule('people', 'email', { fn: 'anon.fake_email()' })]);
    const started = await client.call('POST', `${client.project}/branches/${id}/anonymize`);
    expect(started.body.state).toBe('anonymizing');
    await waitFor(id, 'anonymized', 'error');
    expect((await status(id)).state).toBe('anonymized');
    const emails = (await sql(await client.connectionUri(id), 'SELECT email FROM people')).map((r) => r.email);
    expect(emails.filter((e) => PEOPLE.some((p) => p.email === e))).toEqual([]);
  });

  it('re-anonymizing masks what came in since, closing the branch meanwhile; a restore is refused as on Neon', async () => {
    const id = await createAnonymized('preview/rerun', [rule('people', 'email', { fn: 'anon.dummy_free_email()' }), rule('people', 'notes', { value: "'REDACTED'" })]);
    await waitFor(id, 'anonymized');
    const uri = await client.connectionUri(id);
    // New personal data arrives after the first run (a seed, a migration).
    await sql(uri, "INSERT INTO people (id, email, notes, plan) VALUES (4, 'late.arrival@victim-corp.test', 'late secret', 'free')");
    const open = new pg.Client({ connectionString: uri });
    open.on('error', () => undefined);
    await open.connect();

    // Neon refuses to restore an anonymized branch (its data would be the parent's, unmasked).
    const restore = await client.call('POST', `${client.project}/branches/${id}/restore`, { source_branch_id: neon.model.defaultBranch.id });
    expect(restore.status).toBe(422);
    expect(restore.body.message).toBe('cannot restore anonymized branches');

    // This run takes a few seconds (a rule that sleeps once per UPDATE), to look at the branch meanwhile.
    const slow = rule('orders', 'item', { fn: "anon.dummy_word() || (SELECT '' FROM pg_sleep(3))" });
    await client.call('PATCH', `${client.project}/branches/${id}/masking_rules`, { masking_rules: [rule('people', 'email', { fn: 'anon.dummy_free_email()' }), rule('people', 'notes', { value: "'REDACTED'" }), slow] });
    expect((await client.call('POST', `${client.project}/branches/${id}/anonymize`)).body.state).toBe('anonymizing');
    // Sessions that were open are dropped, new ones refused, until it is anonymized again.
    let dropped = false;
    for (let i = 0; i < 100 && !dropped; i++) {
      dropped = await open.query('SELECT 1').then(() => false, () => true);
      if (!dropped) await new Promise((r) => setTimeout(r, 50));
    }
    expect(dropped).toBe(true);
    await open.end().catch(() => undefined);
    expect(await refusal(uri)).toBe(CLOSED);
    expect((await status(id)).state).toBe('anonymizing');
    await waitFor(id, 'anonymized');
    const rows = await sql(uri, 'SELECT id, email, notes FROM people ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4]);
    for (const r of rows) {
      expect(r.email).toMatch(/@(gmail\.com|yahoo\.com|hotmail\.com|outlook\.com|proton\.me)$/);
      expect(r.notes).toBe('REDACTED');
    }
  });

  it('a branch of an anonymized branch is a branch of its own, open to clients', async () => {
    const id = await createAnonymized('preview/unstarted', [rule('people', 'email', { fn: 'anon.fake_email()' })], false);
    expect(await waitFor(id, 'initialized')).not.toContain('anonymizing');
    expect(await refusal(await client.connectionUri(id))).toBe(CLOSED);
    const child = await client.createBranch({ name: 'preview/child-of-unstarted', parent_id: id });
    expect(await sql(await client.connectionUri(child.id), 'SELECT count(*)::int AS n FROM people')).toEqual([{ n: 3 }]);
  });

  it('a rule cannot run statements of its own, nor mask only the rows row level security shows', async () => {
    const injected = await createAnonymized('preview/injected', [rule('people', 'email', { fn: "anon.fake_email()) AS text); COMMIT; DROP TABLE orders; SELECT CAST((''" })]);
    await waitFor(injected, 'anonymized', 'error');
    expect((await status(injected)).state).toBe('error');
    expect(await adminQuery(injected, 'SELECT count(*)::int AS n FROM orders')).toEqual([{ n: 3 }]);

    await sql(mainUri, "CREATE TABLE secrets (id int, owner_name text, secret text); INSERT INTO secrets VALUES (1, 'neondb_owner', 'visible'), (2, 'someone else', 'hidden-from-owner'); ALTER TABLE secrets ENABLE ROW LEVEL SECURITY; ALTER TABLE secrets FORCE ROW LEVEL SECURITY; CREATE POLICY mine ON secrets USING (owner_name = current_user)");
    const hidden = await createAnonymized('preview/rls', [rule('secrets', 'secret', { value: "'REDACTED'" })]);
    await waitFor(hidden, 'anonymized', 'error');
    expect((await status(hidden)).status_message).toBe('Anonymization failed: masked 1 of 2 rows of public.secrets (row level security?)');
    expect(await adminQuery(hidden, 'SELECT secret FROM secrets ORDER BY id')).toEqual([{ secret: 'visible' }, { secret: 'hidden-from-owner' }]);
    await sql(mainUri, 'DROP TABLE secrets');
  });

  it('the anon functions have the extension\'s names and signatures, and do what its documentation says', async () => {
    const id = await createAnonymized('preview/functions', [rule('orders', 'item', { fn: 'anon.dummy_word()' })]);
    await waitFor(id, 'anonymized');
    const session = new pg.Client({ connectionString: await client.connectionUri(id) });
    await session.connect();
    const query = async (text: string) => (await session.query(text)).rows;
    const one = async (expression: string) => (await query(`SELECT (${expression}) AS v`))[0]?.v;
    const many = async (expression: string, n = 200) => (await query(`SELECT (${expression}) AS v FROM generate_series(1, ${n})`)).map((r) => r.v);

    // Every dummy_* function PostgreSQL Anonymizer 2 documents, each with its _locale variant.
    const documented = ['bic', 'bs', 'bs_adj', 'bs_noun', 'bs_verb', 'building_number', 'buzzword', 'buzzword_middle', 'buzzword_tail', 'catchphrase', 'cell_number', 'city_name', 'city_prefix', 'city_suffix', 'color', 'company_name', 'company_suffix', 'country_code', 'country_name', 'credit_card_number', 'currency_code', 'currency_name', 'currency_symbol', 'dir_path', 'domain_suffix', 'file_extension', 'file_name', 'file_path', 'first_name', 'free_email', 'free_email_provider', 'health_insurance_code', 'hex_color', 'hsl_color', 'hsla_color', 'industry', 'ip', 'ipv4', 'ipv6', 'isbn', 'isbn13', 'isin', 'last_name', 'latitude', 'licence_plate', 'longitude', 'mac_address', 'name', 'name_with_title', 'phone_number', 'post_code', 'profession', 'rfc_status_code', 'rgb_color', 'rgba_color', 'safe_email', 'secondary_address', 'secondary_address_type', 'state_abbr', 'state_name', 'street_name', 'street_suffix', 'suffix', 'timezone', 'title', 'user_agent', 'username', 'valid_statux_code', 'word', 'zip_code'];
    const values = (await query(`SELECT ${documented.map((f) => `anon.dummy_${f}() AS "${f}", anon.dummy_${f}_locale('fr_FR') AS "${f}_fr"`).join(', ')}, anon.dummy_words('[3,4)') AS words, anon.dummy_uuidv4() AS uuid`))[0] ?? {};
    for (const f of documented) {
      expect(values[f], f).toMatch(/\S/);
      expect(values[`${f}_fr`], `${f}_locale`).toMatch(/\S/);
    }
    expect(String(values.words).split(' ')).toHaveLength(3);
    expect(values.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await expect(one("anon.dummy_first_name_locale('xx_XX')")).rejects.toThrow(/locale xx_XX is not supported/);

    expect(await one("anon.partial('abcdefgh', 1, 'xxxx', 3)")).toBe('axxxxfgh');
    expect(await one("anon.partial_email('daamien@gmail.com')")).toBe('da******@gm******.com');
    expect(await one("anon.hash('bob')")).toBe(createHash('sha256').update('bob').digest('hex'));
    expect(await one("anon.digest('bob', 'salt', 'sha512')")).toBe(createHash('sha512').update('bobsalt').digest('hex'));
    expect(await one("anon.digest('bob', 'salt', 'md5')")).toBe(createHash('md5').update('bobsalt').digest('hex'));
    expect(new Set(await many('anon.random_int_between(1, 3)'))).toEqual(new Set([1, 2, 3]));
    for (const v of await many('anon.random_bigint_between(5000000000, 5000000002)')) expect(['5000000000', '5000000001', '5000000002']).toContain(v);
    for (const v of await many("anon.random_date_between('2020-01-01', '2020-01-31')::date::text")) expect(v >= '2020-01-01' && v <= '2020-01-31').toBe(true);
    for (const v of await many('anon.noise(1000, 0.1)')) expect(Math.abs((v as number) - 1000)).toBeLessThanOrEqual(100);
    for (const v of await many("anon.dnoise('2020-06-15 12:00'::timestamp, '1 hour')::text")) expect(v >= '2020-06-15 11:00' && v <= '2020-06-15 13:00').toBe(true);
    expect(await one('pg_typeof(anon.noise(10::bigint, 0.5))::text')).toBe('bigint');
    expect(await one("pg_typeof(anon.dnoise(current_date, '3 days'))::text")).toBe('date');
    expect(await one('length(anon.random_string(12))')).toBe(12);
    expect(await one('anon.random_zip()')).toMatch(/^\d{5}$/);
    expect(await one("anon.random_phone('+33 ')")).toMatch(/^\+33 \d{8}$/);
    expect(await one("anon.random_in(ARRAY['red'])")).toBe('red');
    expect(await one("anon.random_in_int4range('[5,6)')")).toBe(5);
    expect(await one("anon.random_in_int4range('[2022,)')")).toBeNull();
    expect(await one("anon.lorem_ipsum(words := 20)")).toMatch(/^(\w+ ){19}\w+$/);
    expect(String(await one('anon.lorem_ipsum(characters := 7)'))).toHaveLength(7);
    expect(String(await one('anon.lorem_ipsum(2)')).split('\n')).toHaveLength(2);
    expect(String(await one('anon.lorem_ipsum()')).split('\n')).toHaveLength(5);
    expect(await one('anon.fake_email()')).toMatch(/^[a-z]+\.[a-z]+\d{3}@example\.(com|net|org)$/);
    for (const f of ['fake_first_name', 'fake_last_name', 'fake_city', 'fake_country', 'fake_company']) expect(await one(`anon.${f}()`), f).toMatch(/^[A-Z]/);
    expect(await one('anon.fake_address()')).toMatch(/^\d+ [A-Z]\w+ [A-Z]\w+, [A-Z][\w ]+ \d{5}$/);
    expect(await one('anon.fake_iban()')).toMatch(/^GB\d{2}[A-Z]{4}\d{14}$/);
    expect(await one("anon.pseudo_email('bob')")).toBe(await one("anon.pseudo_email('bob')"));
    expect(await one("anon.pseudo_first_name('bob', 'salt')")).toBe(await one("anon.pseudo_first_name('bob', 'salt')"));
    expect(await one("pg_catalog.concat(anon.dummy_uuidv4(), '@example.com')")).toMatch(/^[0-9a-f-]{36}@example\.com$/);
    expect(await one('anon.ternary(1 > 2, 1, 2)')).toBe(2);
    // A valid IBAN: the check digits make the number, rearranged, 1 modulo 97.
    const iban = String(await one('anon.fake_iban()'));
    const digits = (iban.slice(4) + iban.slice(0, 4)).replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
    expect(BigInt(digits) % 97n).toBe(1n);
    await session.end();
  });

  it('statistics, materialized views and large objects keep no masked original: pg_stats, pg_stats_ext, the views and lo_get show only the masked data', async () => {
    // The parent's planner statistics describe its data: most common values, histograms,
    // extended statistics (an MCV list, an expression), an expression index; then a column
    // ANALYZE skips from now on; a materialized view's copy (through a view). A photo is a large
    // object, the column holds its oid.
    await sql(
      mainUri,
      `CREATE TABLE members (id int PRIMARY KEY, email text, nickname text, photo oid, logo oid);
       INSERT INTO members SELECT g, 'member' || (g % 40) || '@stats-victim.test', 'nick-' || (g % 30) || '-hush', NULL, NULL FROM generate_series(1, 300) g;
       CREATE STATISTICS members_mcv (mcv) ON id, email FROM members;
       CREATE STATISTICS members_expr ON lower(email) FROM members;
       CREATE INDEX members_lower_email ON members (lower(email));
       CREATE VIEW member_view AS SELECT id, email, nickname FROM members;
       CREATE MATERIALIZED VIEW member_copy AS SELECT * FROM member_view;
       CREATE MATERIALIZED VIEW member_never_filled AS SELECT email FROM members WITH NO DATA;
       ANALYZE members, member_copy;
       ALTER TABLE members ALTER COLUMN nickname SET STATISTICS 0;
       UPDATE members SET photo = lo_from_bytea(0, convert_to('PHOTO of member1@stats-victim.test', 'UTF8')) WHERE id = 1;
       UPDATE members SET logo = lo_from_bytea(0, convert_to('public logo', 'UTF8')) WHERE id = 2;`,
    );
    const parentStats = await sql(mainUri, "SELECT count(*)::int AS n FROM pg_stats WHERE tablename = 'members' AND most_common_vals::text LIKE '%stats-victim%'");
    expect(parentStats).toEqual([{ n: 1 }]);
    const id = await createAnonymized('preview/statistics', [
      rule('members', 'email', { fn: 'anon.fake_email()' }),
      rule('members', 'nickname', { value: "'anonymous'" }),
      rule('members', 'photo', { value: 'NULL' }),
    ]);
    expect(await waitFor(id, 'anonymized', 'error')).toContain('anonymized');
    const uri = await client.connectionUri(id);
    const shown = JSON.stringify([
      await sql(uri, "SELECT * FROM pg_stats WHERE tablename IN ('members', 'members_lower_email', 'member_copy')"),
      await sql(uri, 'SELECT * FROM member_copy'),
      await sql(uri, "SELECT * FROM pg_stats_ext WHERE tablename = 'members'"),
      await sql(uri, "SELECT * FROM pg_stats_ext_exprs WHERE tablename = 'members'"),
    ]);
    for (const original of ['stats-victim', 'hush']) expect(shown, original).not.toContain(original);
    // Statistics describe the masked data (the planner still has some), and none remain for the column ANALYZE skips.
    expect(shown).toContain('@example.');
    expect(await sql(uri, "SELECT count(*)::int AS n FROM pg_stats WHERE tablename = 'member_copy' AND attname = 'email'")).toEqual([{ n: 1 }]);
    expect(await sql(uri, "SELECT relispopulated FROM pg_class WHERE relname = 'member_never_filled'")).toEqual([{ relispopulated: false }]);
    expect(await sql(uri, "SELECT attname FROM pg_stats WHERE tablename = 'members' AND attname = 'nickname'")).toEqual([]);
    expect(await sql(uri, "SELECT count(*)::int AS n FROM pg_stats_ext WHERE tablename = 'members' AND statistics_name = 'members_mcv' AND most_common_vals IS NOT NULL")).toEqual([{ n: 1 }]);
    // The masked column's large object is gone; one an unmasked column refers to stays.
    const objects = await sql(uri, "SELECT convert_from(lo_get(oid), 'UTF8') AS data FROM pg_largeobject_metadata ORDER BY data");
    expect(objects).toEqual([{ data: 'public logo' }]);
    // The parent keeps its data and its statistics.
    expect(await sql(mainUri, "SELECT count(*)::int AS n FROM pg_stats WHERE tablename = 'members' AND most_common_vals::text LIKE '%stats-victim%'")).toEqual(parentStats);
    expect((await sql(mainUri, 'SELECT count(*)::int AS n FROM pg_largeobject_metadata'))[0]?.n).toBe(2);
    await sql(mainUri, "SELECT lo_unlink(photo) FROM members WHERE photo IS NOT NULL; SELECT lo_unlink(logo) FROM members WHERE logo IS NOT NULL; DROP TABLE members CASCADE");
  });

  it('what the emulator installs to anonymize is no part of the branch\'s schema: with no migrations it compares equal to its parent', async () => {
    const id = await createAnonymized('preview/schema', [rule('people', 'email', { fn: 'anon.fake_email()' })]);
    await waitFor(id, 'anonymized');
    const compared = await client.call('GET', `${client.project}/branches/${id}/compare_schema?db_name=neondb`);
    expect(compared.status).toBe(200);
    expect(compared.body.diff).toBe('');
    const [branchSchema, parentSchema] = await Promise.all(
      [id, neon.model.defaultBranch.id].map(async (b) => (await client.call('GET', `${client.project}/branches/${b}/schema?db_name=neondb`)).body.sql as string),
    );
    expect(branchSchema).toBe(parentSchema);
    expect(branchSchema).not.toMatch(/\banon\b/);
    // The functions are there all the same, and a migration on the branch still shows.
    const uri = await client.connectionUri(id);
    expect(await sql(uri, "SELECT anon.partial('abcdef', 1, 'xx', 1) AS v")).toEqual([{ v: 'axxf' }]);
    await sql(uri, 'ALTER TABLE people ADD COLUMN nickname text');
    const changed = (await client.call('GET', `${client.project}/branches/${id}/compare_schema?db_name=neondb`)).body.diff as string;
    expect(changed.split('\n').filter((l) => /^[+-](?![+-])/.test(l))).toEqual(['-    plan text NOT NULL', '+    plan text NOT NULL,', '+    nickname text']);
  });

  it('a user\'s own objects in an anon schema stay in the schema; only what the emulator installed is left out', async () => {
    await sql(mainUri, 'CREATE SCHEMA anon; CREATE FUNCTION anon.house_rule(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT upper(t) $$');
    try {
      const id = await createAnonymized('preview/own-anon', [rule('people', 'email', { fn: 'anon.fake_email()' })]);
      await waitFor(id, 'anonymized');
      expect((await client.call('GET', `${client.project}/branches/${id}/compare_schema?db_name=neondb`)).body.diff).toBe('');
      const schema = (await client.call('GET', `${client.project}/branches/${id}/schema?db_name=neondb`)).body.sql as string;
      expect(schema).toContain('CREATE SCHEMA anon;');
      expect(schema).toContain('CREATE FUNCTION anon.house_rule(t text) RETURNS text');
      expect(schema).not.toContain('fake_email');
    } finally {
      await sql(mainUri, 'DROP SCHEMA anon CASCADE');
    }
  });
});
