import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, World } from '../support/world.js';
import { expectFailedWith, expectSucceeded } from './helpers.js';

/**
 * `fail_on_destructive` cannot be fooled by where a change sits in the dump or by what text holds:
 * destructive changes are read from the two whole schemas, lexically.
 */
describe('command: diff finds destructive changes wherever they are', () => {
  let world: World;

  beforeAll(async () => {
    world = await World.start();
    const columns = ['id integer', 'a text', 'b text', 'c text', 'd text', 'victim regconfig', 'e text', 'f text', 'g text', 'h text', 'i text', 'j text'];
    await sql(
      world.neon.defaultBranchUri(),
      `CREATE TABLE public.wide (${columns.join(', ')});
       CREATE TABLE public.defaults_t (id integer, name text DEFAULT E'x\\nCREATE TABLE public.decoy (\\n    a integer\\n);\\n');
       CREATE TABLE public."order\nitems" (id integer);`,
    );
  });
  afterAll(() => world.stop());

  it('a column dropped from the middle of a long table, of a type pg_dump writes bare (regconfig), fails the step', async () => {
    const created = await world.run('opened', 301);
    expectSucceeded(world, created);
    await sql(created.outputs.db_url as string, 'ALTER TABLE public.wide DROP COLUMN victim;');
    const failed = await world.run('opened', 301, { command: 'diff', fail_on_destructive: 'true' });
    expectFailedWith(world, failed, /fail_on_destructive is true: neondb: column victim of table public\.wide dropped or renamed\./);
    expect(failed.outputs).toMatchObject({ schema_changed: 'true', schema_destructive: 'true' });
  });

  it('a table whose name holds a line break, dropped, fails the step, named as one table', async () => {
    const created = await world.run('opened', 302);
    expectSucceeded(world, created);
    await sql(created.outputs.db_url as string, 'DROP TABLE public."order\nitems";');
    const failed = await world.run('opened', 302, { command: 'diff', fail_on_destructive: 'true' });
    expectFailedWith(world, failed, /neondb: table public\."order\\nitems" dropped or renamed/);
  });

  it('a default whose old text looks like DDL, changed, drops nothing: the step passes', async () => {
    const created = await world.run('opened', 303);
    expectSucceeded(world, created);
    await sql(created.outputs.db_url as string, "ALTER TABLE public.defaults_t ALTER COLUMN name SET DEFAULT 'y';");
    const passed = await world.run('opened', 303, { command: 'diff', fail_on_destructive: 'true' });
    expectSucceeded(world, passed);
    expect(passed.outputs).toMatchObject({ schema_changed: 'true', schema_destructive: 'false' });
  });
});
