import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS_BOT } from '../../emulator/github-stub.js';
import { sql, World } from '../support/world.js';
import { expectFailedWith, expectSucceeded, neonCall } from './helpers.js';

/**
 * `command: diff`, a step after the migrations in the same job: the PR's branch compared with its
 * parent by Neon's `compare_schema`, in the outputs, the job summary and the one sticky comment.
 */
describe('command: diff shows what the migrations did', () => {
  let world: World;
  const ours = (pr: number) => world.github.commentsOn(pr).filter((c) => c.user.login === ACTIONS_BOT.login && c.body.includes('neon-preview-branch-action'));
  const comment = (pr: number) => {
    const all = ours(pr);
    expect(all).toHaveLength(1);
    return all[0]?.body ?? '';
  };
  /** The section of the comment that is the schema's. */
  const section = (body: string) => body.slice(body.indexOf('<!-- neon-schema-changes'), body.indexOf('<!-- /neon-schema-changes -->'));

  beforeAll(async () => {
    world = await World.start();
    // The parent's schema: what main has before any PR.
    await sql(
      world.neon.defaultBranchUri(),
      `CREATE TABLE public.customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL, phone text, created_at timestamptz DEFAULT now());
       CREATE TABLE public.orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES public.customers(id), total numeric(10,2));`,
    );
  });
  afterAll(() => world.stop());

  it('migrations run between create and diff (a table added, a column dropped, an index added) show in the comment under the branch facts, the destructive one flagged; Neon is only read', async () => {
    const created = await world.run('opened', 120);
    expectSucceeded(world, created);
    const factsByCreate = comment(120);
    await sql(
      created.outputs.db_url as string,
      `CREATE TABLE public.invoices (id bigint PRIMARY KEY, order_id bigint NOT NULL, issued_on date);
       ALTER TABLE public.customers DROP COLUMN phone;
       CREATE INDEX orders_customer_idx ON public.orders (customer_id);`,
    );

    const from = world.neon.api.requests.length;
    const diffed = await world.run('opened', 120, { command: 'diff' });
    expectSucceeded(world, diffed);
    expect(world.calls(from).every((c) => c.method === 'GET')).toBe(true);
    expect(world.calls(from).filter((c) => c.route.endsWith('/compare_schema'))).toHaveLength(1);

    expect(diffed.outputs).toMatchObject({ schema_changed: 'true', schema_destructive: 'true', branch_id: created.outputs.branch_id });
    const patch = diffed.outputs.schema_diff ?? '';
    expect(patch).toMatch(/^--- a\/neondb\n\+\+\+ b\/neondb\n@@ /);
    expect(patch).toContain('+CREATE TABLE public.invoices (');
    expect(patch).toContain('-    phone text,');
    expect(patch).toContain('+CREATE INDEX orders_customer_idx ON public.orders USING btree (customer_id);');
    expect(diffed.warnings.join('\n')).toMatch(/neondb.*1 destructive schema change.*column phone of table public\.customers dropped or renamed/);

    const body = comment(120);
    // What create wrote is kept; the section comes under the facts, above the footer.
    expect(body.startsWith(factsByCreate.slice(0, factsByCreate.indexOf('<sub>Updated by')))).toBe(true);
    expect(body).toMatch(/\| Status \| Created \|/);
    const schema = section(body);
    expect(body.indexOf('#### Schema changes')).toBeGreaterThan(body.indexOf('| Expires |'));
    expect(body.indexOf('#### Schema changes')).toBeLessThan(body.indexOf('<sub>Updated by'));
    expect(schema).toContain('compared with its parent `main` after the migrations of `0123456`');
    expect(schema).toContain('> [!CAUTION]\n> 1 destructive change:\n> - column `phone` of table `public.customers` dropped or renamed');
    expect(schema).toContain('+CREATE TABLE public.invoices (');
    expect(schema).toContain('+CREATE INDEX orders_customer_idx');
    expect(schema.indexOf('[!CAUTION]')).toBeLessThan(schema.indexOf('```diff'));

    // The job summary: the same section with the whole diff.
    expect(diffed.summary).toContain('#### Schema changes');
    expect(diffed.summary).toContain(patch.trimEnd());
  });

  it('a schema the migrations left alone says so: no schema changes, outputs false and empty', async () => {
    expectSucceeded(world, await world.run('opened', 121));
    const diffed = await world.run('opened', 121, { command: 'diff' });
    expectSucceeded(world, diffed);
    expect(diffed.outputs).toMatchObject({ schema_changed: 'false', schema_destructive: 'false', schema_diff: '' });
    expect(section(comment(121))).toContain('**`neondb`**: no schema changes.');
    expect(diffed.warnings).toEqual([]);
  });

  it('every database of the branch, several at once, or only `database` when it is set; schema_diff joins them under their own headers', async () => {
    await neonCall(world, 'POST', `/branches/${world.neon.model.defaultBranch.id}/databases`, { database: { name: 'analytics', owner_name: 'neondb_owner' } });
    await waitForOperations(world);
    const created = await world.run('opened', 122);
    expectSucceeded(world, created);
    const analytics = (created.outputs.db_url as string).replace('/neondb?', '/analytics?');
    await sql(created.outputs.db_url as string, 'ALTER TABLE public.orders ADD COLUMN note text;');
    await sql(analytics, 'CREATE TABLE public.events (id bigint, at timestamptz);');

    const both = await world.run('opened', 122, { command: 'diff' });
    expectSucceeded(world, both);
    const patch = both.outputs.schema_diff ?? '';
    expect(patch).toMatch(/^--- a\/neondb\n\+\+\+ b\/neondb\n/);
    expect(patch).toContain('\n--- a/analytics\n+++ b/analytics\n');
    expect(patch).toContain('+    note text');
    expect(patch).toContain('+CREATE TABLE public.events (');
    expect(both.outputs).toMatchObject({ schema_changed: 'true', schema_destructive: 'false' });
    const schema = section(comment(122));
    expect(schema).toContain('**`neondb`** (');
    expect(schema).toContain('**`analytics`** (');

    const one = await world.run('opened', 122, { command: 'diff', database: 'analytics' });
    expectSucceeded(world, one);
    expect(one.outputs.schema_diff).toMatch(/^--- a\/analytics\n/);
    expect(one.outputs.schema_diff).not.toContain('a/neondb');
    expect(section(comment(122))).not.toContain('**`neondb`**');

    const wrong = await world.run('opened', 122, { command: 'diff', database: 'nosuchdb' });
    expectFailedWith(world, wrong, /The database "?nosuchdb"? \(input `database`\) does not exist on branch/);
  });

  it('a huge diff still posts: the comment stays under 65,536 characters, says how many lines were cut, and the summary holds the whole diff', async () => {
    const created = await world.run('opened', 123);
    expectSucceeded(world, created);
    const tables = Array.from({ length: 400 }, (_, i) => `CREATE TABLE public.audit_${String(i).padStart(3, '0')} (id bigint PRIMARY KEY, actor text NOT NULL, action text, payload jsonb, at timestamptz DEFAULT now());`);
    await sql(created.outputs.db_url as string, tables.join('\n'));

    const diffed = await world.run('opened', 123, { command: 'diff' });
    expectSucceeded(world, diffed);
    const patch = diffed.outputs.schema_diff ?? '';
    expect(patch.length).toBeGreaterThan(100_000);
    expect(patch).toContain('CREATE TABLE public.audit_399 (');

    const body = comment(123);
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toMatch(/[\d,]+ lines? of [\d,]+ cut to fit GitHub's 65,536-character comment limit: the whole diff is in the job summary/);
    expect(body).not.toContain('audit_399');
    expect(body).toMatch(/\| Status \| Created \|/);
    expect(diffed.summary).toContain(patch.trimEnd());
    expect(Buffer.byteLength(diffed.summary)).toBeLessThanOrEqual(1024 * 1024);
  });

  it('diff on a PR without a branch fails with one clear error and touches nothing', async () => {
    const from = world.neon.api.requests.length;
    const result = await world.run('opened', 124, { command: 'diff' });
    expectFailedWith(world, result, /No branch named preview\/pr-124-feature-login in project .*Run the action with command create first/);
    expect(world.calls(from).every((c) => c.method === 'GET')).toBe(true);
    expect(ours(124)).toHaveLength(0);
  });

  it('fail_on_destructive: a destructive diff fails the step with one line naming what is dropped, after the comment and the summary are written; an additive one passes', async () => {
    const created = await world.run('opened', 125);
    expectSucceeded(world, created);
    await sql(created.outputs.db_url as string, 'DROP TABLE public.orders; ALTER TABLE public.customers ALTER COLUMN phone SET NOT NULL;');

    const failed = await world.run('opened', 125, { command: 'diff', fail_on_destructive: 'true' });
    expectFailedWith(world, failed, /destructive schema changes, and fail_on_destructive is true: neondb: table public\.orders dropped or renamed; neondb: NOT NULL added to existing column phone of table public\.customers/);
    expect(failed.warnings).toEqual([]);
    expect(failed.outputs).toMatchObject({ schema_changed: 'true', schema_destructive: 'true' });
    expect(failed.summary).toContain('#### Schema changes');
    expect(section(comment(125))).toContain('table `public.orders` dropped or renamed');

    const additive = await world.run('opened', 126);
    expectSucceeded(world, additive);
    await sql(additive.outputs.db_url as string, 'CREATE TABLE public.coupons (code text PRIMARY KEY);');
    const passed = await world.run('opened', 126, { command: 'diff', fail_on_destructive: 'true' });
    expectSucceeded(world, passed);
    expect(passed.outputs).toMatchObject({ schema_changed: 'true', schema_destructive: 'false' });
  });

  it('the next push: create marks the old diff out of date (never shown as current) until diff runs again', async () => {
    const created = await world.run('opened', 127);
    expectSucceeded(world, created);
    await sql(created.outputs.db_url as string, 'ALTER TABLE public.customers DROP COLUMN created_at;');
    expectSucceeded(world, await world.run('opened', 127, { command: 'diff' }));
    expect(comment(127)).toContain('state=current');

    const pushed = await world.run('synchronize', 127, {}, { env: { GITHUB_SHA: 'fedcba9876543210fedcba9876543210fedcba98' } });
    expectSucceeded(world, pushed);
    const stale = comment(127);
    expect(stale).toMatch(/\| Status \| Reused, expiry refreshed \|/);
    expect(stale).toContain('#### Schema changes: out of date');
    expect(stale).toContain('This diff was taken at `0123456`, before this push. The migrations of `fedcba9` have not been compared yet');
    expect(stale).not.toContain('state=current');
    expect(stale).toMatch(/<details><summary>The diff taken at <code>0123456<\/code> \(out of date\)<\/summary>[\s\S]*- {4}created_at timestamp with time zone DEFAULT now\(\)/);

    await sql(created.outputs.db_url as string, 'CREATE TABLE public.wishlists (id bigint);');
    const again = await world.run('synchronize', 127, { command: 'diff' }, { env: { GITHUB_SHA: 'fedcba9876543210fedcba9876543210fedcba98' } });
    expectSucceeded(world, again);
    const fresh = comment(127);
    expect(fresh).not.toContain('out of date');
    expect(fresh).toContain('after the migrations of `fedcba9`');
    expect(fresh).toContain('+CREATE TABLE public.wishlists (');
    expect(fresh.match(/#### Schema changes/g)).toHaveLength(1);
  });
});

/** Waits until the emulator has no operation still running (a database made through the API). */
async function waitForOperations(world: World): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { operations } = await neonCall<{ operations: { status: string }[] }>(world, 'GET', '/operations');
    if (operations.every((o) => o.status === 'finished' || o.status === 'failed')) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('operations did not finish');
}
