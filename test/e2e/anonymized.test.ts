import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../emulator/runner.js';
import { sql, World } from '../support/world.js';
import { expectFailedWith, expectSucceeded, neonCall } from './helpers.js';

// Distinctive originals: finding one anywhere in what the action hands out means it was not masked.
const PEOPLE = [
  { id: 1, email: 'zephyrine.quillfeather@victim-corp.test', last: 'Quillfeather', plan: 'pro' },
  { id: 2, email: 'balthazar.wintergreen@victim-corp.test', last: 'Wintergreen', plan: 'free' },
  { id: 3, email: 'ottoline.marchbanks@victim-corp.test', last: 'Marchbanks', plan: 'team' },
];
const rule = (column: string, mask: { fn?: string; value?: string }) => ({
  database_name: 'neondb',
  schema_name: 'public',
  table_name: 'people',
  column_name: column,
  ...(mask.fn !== undefined ? { masking_function: mask.fn } : { masking_value: mask.value }),
});
const EMAIL = rule('email', { fn: 'anon.fake_email()' });
const LAST = rule('last_name', { value: "'REDACTED'" });
const RULES = JSON.stringify([EMAIL, LAST]);

/** Every row of every table of every schema, as text: an original anywhere in it shows. */
const DUMP = `SELECT coalesce(string_agg(query_to_xml(format('SELECT * FROM %I.%I', n.nspname, c.relname), true, false, '')::text, E'\\n'), '') AS dump
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'anon') AND n.nspname NOT LIKE 'pg\\_toast%'`;

const dump = async (uri: string) => (await sql(uri, DUMP))[0]?.dump as string;
const people = (uri: string) => sql(uri, 'SELECT id, email, last_name, plan FROM people ORDER BY id');

/** Where a connection detail could show up: every output, the log, stderr, the summary and this PR's comments. */
function everywhere(world: World, result: RunResult, pr: number): string {
  return [JSON.stringify(result.outputs), result.log, result.stderr, result.summary, ...world.github.commentsOn(pr).map((c) => c.body)].join('\n');
}

/** What would let someone connect to the branch: its compute's host (and port), its pooler's, its role's password. */
function connectionDetails(world: World, branchName: string): string[] {
  const branch = [...world.neon.model.branches.values()].find((b) => b.name === branchName);
  if (!branch) return [];
  const endpoints = world.neon.model.endpointsOf(branch.id);
  return [...endpoints.flatMap((e) => [`127.0.0.1:${e.port}`, e.id]), ...[...branch.roles.values()].map((r) => r.password)];
}

/** Asserts that every connection URI of the branch requested since `from` was asked for after Neon finished masking it. */
function urisFetchedOnlyOnceAnonymized(world: World, from: number, branchName: string): void {
  const branch = [...world.neon.model.branches.values()].find((b) => b.name === branchName);
  const completedAt = branch?.anonymization?.lastRun?.completedAt ?? Number.POSITIVE_INFINITY;
  const uris = world.neon.api.requests.slice(from).filter((r) => r.route === '/projects/:project_id/connection_uri');
  expect(uris.length).toBeGreaterThan(0);
  for (const request of uris) expect(request.receivedAt).toBeGreaterThanOrEqual(completedAt);
}

describe('anonymized previews (masking_rules)', () => {
  let world: World;
  let parentDump: string;

  beforeAll(async () => {
    world = await World.start();
    await sql(
      world.neon.defaultBranchUri(),
      `CREATE TABLE people (id int PRIMARY KEY, email text NOT NULL, last_name text, plan text NOT NULL, salary int);
       CREATE TABLE orders (id int PRIMARY KEY, person_id int REFERENCES people(id), item text);
       INSERT INTO people VALUES ${PEOPLE.map((p) => `(${p.id}, '${p.email}', '${p.last}', '${p.plan}', ${p.id * 1000})`).join(', ')};
       INSERT INTO orders VALUES (100, 1, 'kettle'), (101, 2, 'teapot')`,
    );
    parentDump = await dump(world.neon.defaultBranchUri());
  });
  afterAll(() => world.stop());

  it('creates the branch anonymized: no masked original anywhere in it, other columns and the parent unchanged; the URI is fetched only once Neon says anonymized', async () => {
    const from = world.neon.api.requests.length;
    const result = await world.run('opened', 1, { masking_rules: RULES });
    expectSucceeded(world, result);
    expect(result.outputs.created).toBe('true');
    const uri = result.outputs.db_url ?? '';
    const masked = await dump(uri);
    for (const p of PEOPLE) for (const original of [p.email, p.last]) expect([original, masked.includes(original)]).toEqual([original, false]);
    expect((await people(uri)).map((r) => [r.id, r.plan, r.last_name])).toEqual(PEOPLE.map((p) => [p.id, p.plan, 'REDACTED']));
    expect(await sql(uri, 'SELECT id, person_id, item FROM orders ORDER BY id')).toEqual([
      { id: 100, person_id: 1, item: 'kettle' },
      { id: 101, person_id: 2, item: 'teapot' },
    ]);
    expect(await dump(world.neon.defaultBranchUri())).toBe(parentDump);

    // One anonymized create, then the status polled until anonymized, and only then the URIs.
    const calls = world.neon.api.requests.slice(from);
    const create = calls.find((c) => c.route === '/projects/:project_id/branch_anonymized');
    expect(create?.body).toMatchObject({ masking_rules: [EMAIL, LAST], start_anonymization: true, annotation_value: { 'managed-by': 'neon-preview-branch-action', 'github-pr': '1' } });
    expect(calls.some((c) => c.method === 'POST' && c.route === '/projects/:project_id/branches')).toBe(false);
    const lastStatus = calls.map((c) => c.route.endsWith('/anonymized_status')).lastIndexOf(true);
    const firstUri = calls.findIndex((c) => c.route === '/projects/:project_id/connection_uri');
    expect(lastStatus).toBeGreaterThan(-1);
    expect(firstUri).toBeGreaterThan(lastStatus);
    urisFetchedOnlyOnceAnonymized(world, from, 'preview/pr-1-feature-login');
    expect(result.log).toMatch(/Waiting for the anonymization of preview\/pr-1-feature-login: (created|anonymizing)/);

    // The comment and the summary say so, with the number of rules.
    const comment = world.github.commentsOn(1)[0]?.body ?? '';
    expect(comment).toMatch(/\| Data \| Anonymized: 2 masking rules applied \|/);
    expect(result.summary).toMatch(/\| Data \| Anonymized: 2 masking rules applied \|/);
  });

  it('get in a later job (without masking_rules) hands out the same anonymized branch and changes nothing', async () => {
    const opened = await world.run('synchronize', 1, { masking_rules: RULES });
    expectSucceeded(world, opened);
    const from = world.neon.api.requests.length;
    const got = await world.run('synchronize', 1, { command: 'get' });
    expectSucceeded(world, got);
    expect(got.outputs.db_url).toBe(opened.outputs.db_url);
    expect(got.summary).toMatch(/Anonymized: 2 masking rules applied/);
    expect(world.calls(from).filter((c) => c.method !== 'GET')).toEqual([]);

    // While Neon masks it again (someone re-ran the anonymization), get waits, then hands it out.
    world.neon.model.delays.anonymization = 3000;
    try {
      await neonCall(world, 'POST', `/branches/${got.outputs.branch_id}/anonymize`);
      const during = world.neon.api.requests.length;
      const waited = await world.run('synchronize', 1, { command: 'get' });
      expectSucceeded(world, waited);
      expect(waited.log).toMatch(/Waiting for the anonymization of preview\/pr-1-feature-login: anonymizing/);
      urisFetchedOnlyOnceAnonymized(world, during, 'preview/pr-1-feature-login');
    } finally {
      delete world.neon.model.delays.anonymization;
    }
  });

  it('command: diff on an anonymized branch with no migrations reports no schema change (the masking functions are not the PR\'s)', async () => {
    expectSucceeded(world, await world.run('synchronize', 1, { masking_rules: RULES }));
    const diffed = await world.run('synchronize', 1, { command: 'diff', fail_on_destructive: 'true' });
    expectSucceeded(world, diffed);
    expect(diffed.outputs).toMatchObject({ schema_changed: 'false', schema_destructive: 'false', schema_diff: '' });
  });

  it('a run that times out while Neon anonymizes writes no URI, host or password anywhere; the next run waits for it and hands out masked data', async () => {
    world.neon.model.delays.anonymization = 14_000;
    let slow: RunResult;
    const before = world.neon.api.requests.length;
    try {
      slow = await world.run('opened', 2, { masking_rules: RULES, timeout: '7' });
    } finally {
      delete world.neon.model.delays.anonymization;
    }
    expectFailedWith(world, slow, /Timed out after 7s waiting for the anonymization of branch preview\/pr-2-feature-login, last seen anonymizing.*the next run waits for it/);
    for (const output of ['db_url', 'db_url_pooled', 'db_host', 'db_host_pooled', 'password']) expect([output, slow.outputs[output]]).toEqual([output, undefined]);
    const shown = everywhere(world, slow, 2);
    for (const detail of connectionDetails(world, 'preview/pr-2-feature-login')) expect([detail, shown.includes(detail)]).toEqual([detail, false]);
    // Neon's answer to the create holds a URI, which the run masks and leaves alone; it asks for none.
    expect(world.neon.api.requests.slice(before).filter((r) => r.route === '/projects/:project_id/connection_uri')).toEqual([]);

    // The branch is still being anonymized: the next run waits for it, then hands it out.
    const state = () => [...world.neon.model.branches.values()].find((b) => b.name === 'preview/pr-2-feature-login')?.anonymization?.state;
    expect(state()).toBe('anonymizing');
    const from = world.neon.api.requests.length;
    const resumed = await world.run('synchronize', 2, { masking_rules: RULES });
    expectSucceeded(world, resumed);
    urisFetchedOnlyOnceAnonymized(world, from, 'preview/pr-2-feature-login');
    expect(resumed.outputs.created).toBe('false');
    expect(resumed.log).toMatch(/Waiting for the anonymization of preview\/pr-2-feature-login: anonymizing/);
    const masked = await dump(resumed.outputs.db_url ?? '');
    for (const p of PEOPLE) expect(masked.includes(p.email)).toBe(false);
  });

  it('a failing rule fails the step with Neon\'s message, its data values hidden, and no connection detail; the next run with the rule fixed anonymizes again', async () => {
    // Casting an email to the int column fails, and Postgres' message quotes the email it failed on.
    const bad = JSON.stringify([EMAIL, rule('salary', { fn: 'email' })]);
    const failed = await world.run('opened', 3, { masking_rules: bad });
    const shown = everywhere(world, failed, 3);
    for (const p of PEOPLE) expect([p.email, shown.includes(p.email)]).toEqual([p.email, false]);
    expectFailedWith(world, failed, /The anonymization of branch preview\/pr-3-feature-login failed\. Neon said: Anonymization failed: invalid input syntax for type integer: "\[value hidden\]".*Check masking_rules/);
    for (const detail of connectionDetails(world, 'preview/pr-3-feature-login')) expect([detail, shown.includes(detail)]).toEqual([detail, false]);
    expect(failed.outputs.db_url).toBeUndefined();

    // A function that does not exist: Neon's message names it.
    const unknown = await world.run('opened', 4, { masking_rules: JSON.stringify([rule('email', { fn: 'anon.no_such_fn()' })]) });
    expectFailedWith(world, unknown, /anonymization of branch preview\/pr-4-feature-login failed\. Neon said: .*anon\.no_such_fn\(\) does not exist/);
    expect(unknown.outputs.db_url).toBeUndefined();

    // Fixed: the rules are replaced and the branch anonymized again, from its error state.
    const from = world.neon.api.requests.length;
    const fixed = await world.run('synchronize', 3, { masking_rules: RULES });
    expectSucceeded(world, fixed);
    const routes = world.calls(from).map((c) => `${c.method} ${c.route.replace('/projects/:project_id/branches/:branch_id/', '')}`);
    expect(routes).toEqual(expect.arrayContaining(['PATCH masking_rules', 'POST anonymize']));
    expect(world.github.commentsOn(3)[0]?.body).toMatch(/Anonymized: 2 masking rules applied, anonymized again \(masking rules changed\)/);
    const masked = await dump(fixed.outputs.db_url ?? '');
    for (const p of PEOPLE) expect(masked.includes(p.email)).toBe(false);
  });

  it('a branch a previous run left in error, or never started, is anonymized by the next run', async () => {
    // The rule names a table the branch lacks: error. Then the table appears on the branch (as a
    // migration of a previous job could have made it), and the same rules succeed on a re-run.
    const contacts = JSON.stringify([{ database_name: 'neondb', schema_name: 'public', table_name: 'contacts', column_name: 'email', masking_function: 'anon.fake_email()' }]);
    expectFailedWith(world, await world.run('opened', 8, { masking_rules: contacts }), /failed\. Neon said: .*relation "public\.contacts" does not exist/);
    const branch = [...world.neon.model.branches.values()].find((b) => b.name === 'preview/pr-8-feature-login');
    const admin = await world.neon.model.endpointsOf(branch?.id ?? '').find((e) => e.type === 'read_write')?.postgres?.admin('neondb');
    if (!admin) throw new Error('no compute');
    try {
      await admin.query("CREATE TABLE public.contacts (id int, email text); ALTER TABLE public.contacts OWNER TO neondb_owner; INSERT INTO contacts VALUES (1, 'percival.thornbury@victim-corp.test')");
    } finally {
      await admin.end();
    }
    const from = world.neon.api.requests.length;
    const retried = await world.run('synchronize', 8, { masking_rules: contacts });
    expectSucceeded(world, retried);
    expect(retried.log).toMatch(/Anonymizing branch preview\/pr-8-feature-login \(error before\)/);
    expect(world.github.commentsOn(8)[0]?.body).toMatch(/Anonymized: 1 masking rule applied, anonymized again \(the previous attempt had failed\)/);
    expect((await dump(retried.outputs.db_url ?? '')).includes('percival.thornbury')).toBe(false);
    urisFetchedOnlyOnceAnonymized(world, from, 'preview/pr-8-feature-login');

    // Made (by an earlier version, or by hand with our annotations) without starting the masking: started.
    const made = await neonCall<{ branch: { id: string } }>(world, 'POST', '/branch_anonymized', {
      branch_create: { branch: { name: 'preview/pr-9-feature-login' } },
      masking_rules: [EMAIL],
      start_anonymization: false,
      annotation_value: { 'managed-by': 'neon-preview-branch-action', 'github-repository': 'acme/shop', 'github-pr': '9' },
    });
    const started = await world.run('synchronize', 9, { masking_rules: JSON.stringify([EMAIL]) });
    expectSucceeded(world, started);
    expect(started.outputs.branch_id).toBe(made.branch.id);
    expect(started.log).toMatch(/Anonymizing branch preview\/pr-9-feature-login \((created|initialized) before\)|Waiting for the anonymization of preview\/pr-9-feature-login: created/);
    const masked = await dump(started.outputs.db_url ?? '');
    for (const p of PEOPLE) expect(masked.includes(p.email)).toBe(false);
  });

  it('the same PR started three times at once with masking_rules: one branch, every run hands it out only once anonymized', async () => {
    const from = world.neon.api.requests.length;
    const runs = await Promise.all([1, 2, 3].map(() => world.run('opened', 10, { masking_rules: RULES })));
    for (const run of runs) expectSucceeded(world, run);
    expect(new Set(runs.map((r) => r.outputs.branch_id)).size).toBe(1);
    expect(runs.filter((r) => r.outputs.created === 'true')).toHaveLength(1);
    urisFetchedOnlyOnceAnonymized(world, from, 'preview/pr-10-feature-login');
  });

  it('rules changed since the branch was made: replaced, and a newly ruled column is masked too', async () => {
    expectSucceeded(world, await world.run('opened', 5, { masking_rules: JSON.stringify([EMAIL]) }));
    const more = await world.run('synchronize', 5, { masking_rules: RULES });
    expectSucceeded(world, more);
    expect((await people(more.outputs.db_url ?? '')).map((r) => r.last_name)).toEqual(['REDACTED', 'REDACTED', 'REDACTED']);
    expect(more.summary).toMatch(/anonymized again \(masking rules changed\)/);
    // The same rules again: nothing to do.
    const from = world.neon.api.requests.length;
    expectSucceeded(world, await world.run('synchronize', 5, { masking_rules: RULES }));
    expect(world.calls(from).filter((c) => c.route.endsWith('/anonymize') || c.route.endsWith('/masking_rules') && c.method === 'PATCH')).toEqual([]);
  });

  it('an existing branch that is not anonymized is refused when masking_rules is set: no connection detail, nothing changed', async () => {
    const plain = await world.run('opened', 6);
    expectSucceeded(world, plain);
    const from = world.neon.api.requests.length;
    const refused = await world.run('synchronize', 6, { masking_rules: RULES });
    expectFailedWith(world, refused, /preview\/pr-6-feature-login .* is not an anonymized branch, and masking_rules is set: its data is not masked/);
    expect(refused.outputs.db_url).toBeUndefined();
    expect(world.calls(from).filter((c) => c.method !== 'GET')).toEqual([]);
    expect(world.calls(from).some((c) => c.route === '/projects/:project_id/connection_uri')).toBe(false);
  });

  it('reset_on_push on an anonymized branch: deleted and created again from the parent\'s latest data, masked again', async () => {
    const opened = await world.run('opened', 7, { masking_rules: RULES, reset_on_push: 'true' });
    expectSucceeded(world, opened);
    await sql(opened.outputs.db_url ?? '', "INSERT INTO orders VALUES (700, 1, 'written by the PR')");
    const newcomer = 'cornelius.fairweather@victim-corp.test';
    await sql(world.neon.defaultBranchUri(), `INSERT INTO people VALUES (4, '${newcomer}', 'Fairweather', 'pro', 4000)`);
    try {
      const pushed = await world.run('synchronize', 7, { masking_rules: RULES, reset_on_push: 'true' });
      expectSucceeded(world, pushed);
      expect(pushed.outputs.branch_name).toBe(opened.outputs.branch_name);
      expect(pushed.outputs.branch_id).not.toBe(opened.outputs.branch_id);
      expect(pushed.log).toMatch(/Neon cannot restore an anonymized branch: deleting preview\/pr-7-feature-login/);
      expect(world.github.commentsOn(7)[0]?.body).toMatch(/Reset: created again from its parent and anonymized/);
      const uri = pushed.outputs.db_url ?? '';
      // The parent's latest rows (the newcomer included), masked; the PR's own write gone.
      expect((await people(uri)).map((r) => r.id)).toEqual([1, 2, 3, 4]);
      const masked = await dump(uri);
      for (const email of [...PEOPLE.map((p) => p.email), newcomer]) expect([email, masked.includes(email)]).toEqual([email, false]);
      expect(await sql(uri, 'SELECT count(*)::int AS n FROM orders WHERE id = 700')).toEqual([{ n: 0 }]);
      expect(world.neon.model.branches.has(opened.outputs.branch_id ?? '')).toBe(false);
    } finally {
      await sql(world.neon.defaultBranchUri(), 'DELETE FROM people WHERE id = 4');
    }
  });
});
