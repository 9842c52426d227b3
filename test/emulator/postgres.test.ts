import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/index.js';
import { sql } from '../../emulator/sql.js';
import { NeonClient } from '../support/neon-client.js';
import { PSQL, psql } from '../support/psql.js';

/** Branches are real Postgres: copies of their parent, isolated, served only while their compute runs. */
describe('emulator: branches on real Postgres', () => {
  let neon: Emulator;
  let client: NeonClient;
  let mainUri: string;

  beforeAll(async () => {
    neon = await Emulator.start({ rateLimits: false });
    client = new NeonClient(neon);
    mainUri = await client.connectionUri(neon.model.defaultBranch.id);
    await sql(mainUri, "CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items VALUES (1, 'kettle'), (2, 'mug')");
  });
  afterAll(() => neon.stop());

  it('a branch holds its parent as of creation; writes on either side stay there; open parent connections carry on', async () => {
    const open = new pg.Client({ connectionString: mainUri });
    await open.connect();
    await open.query('BEGIN');
    await open.query("INSERT INTO items VALUES (3, 'uncommitted')");

    const branch = await client.createBranch({ name: 'copy' });
    const uri = await client.connectionUri(branch.id);
    expect(uri).toMatch(/^postgresql:\/\/neondb_owner:[^@]+@127\.0\.0\.1:\d+\/neondb\?sslmode=require/);

    // The parent's session survived the copy, and its uncommitted row is not in the branch.
    await open.query('COMMIT');
    expect((await open.query('SELECT count(*)::int AS n FROM items')).rows[0].n).toBe(3);
    await open.end();
    expect(await sql(uri, 'SELECT id, name FROM items ORDER BY id')).toEqual([
      { id: 1, name: 'kettle' },
      { id: 2, name: 'mug' },
    ]);

    await sql(uri, "INSERT INTO items VALUES (10, 'branch only')");
    await sql(mainUri, "INSERT INTO items VALUES (20, 'parent only')");
    expect((await sql(uri, 'SELECT array_agg(id ORDER BY id) AS ids FROM items'))[0]?.ids).toEqual([1, 2, 10]);
    expect((await sql(mainUri, 'SELECT array_agg(id ORDER BY id) AS ids FROM items'))[0]?.ids).toEqual([1, 2, 3, 20]);
  });

  it('the pooled URI connects too, to the same branch', async () => {
    const branch = await client.createBranch({ name: 'pooled' });
    const pooled = await client.connectionUri(branch.id, true);
    expect(pooled).not.toBe(await client.connectionUri(branch.id));
    expect((await sql(pooled, 'SELECT count(*)::int AS n FROM items'))[0]?.n).toBe(4);
  });

  it('a schema-only branch has the tables and no rows', async () => {
    const branch = await client.createBranch({ name: 'schema', init_source: 'schema-only' });
    const uri = await client.connectionUri(branch.id);
    expect(await sql(uri, 'SELECT count(*)::int AS n FROM items')).toEqual([{ n: 0 }]);
    await sql(uri, "INSERT INTO items VALUES (1, 'fresh')");
  });

  it('suspending a compute drops its sessions; the next connection starts it again, as on Neon, with the data kept', async () => {
    const branch = await client.createBranch({ name: 'sleepy' });
    const uri = await client.connectionUri(branch.id);
    await sql(uri, "INSERT INTO items VALUES (30, 'kept')");
    const open = new pg.Client({ connectionString: uri });
    await open.connect();
    const dropped = new Promise((resolve) => open.once('error', resolve));
    await client.settle((await client.call('POST', `${client.project}/endpoints/${branch.endpointId}/suspend`)).body.operations);
    expect((await client.call('GET', `${client.project}/endpoints/${branch.endpointId}`)).body.endpoint.current_state).toBe('idle');
    await dropped;
    expect((await sql(uri, 'SELECT name FROM items WHERE id = 30'))[0]?.name).toBe('kept');
    expect((await client.call('GET', `${client.project}/endpoints/${branch.endpointId}`)).body.endpoint.current_state).toBe('active');
    // Starting by API still works, and a start of a running compute changes nothing.
    await client.settle((await client.call('POST', `${client.project}/endpoints/${branch.endpointId}/start`)).body.operations);
    expect((await sql(uri, 'SELECT name FROM items WHERE id = 30'))[0]?.name).toBe('kept');
  });

  it('a branch whose expires_at passes disappears, and its compute stops', async () => {
    const expiresAt = Date.now() + 8000;
    const branch = await client.createBranch({ name: 'short-lived', expires_at: new Date(expiresAt).toISOString() });
    const uri = await client.connectionUri(branch.id);
    await sql(uri, 'SELECT 1');
    // The emulator sweeps every 250 ms, and on every request.
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 500));
    expect((await client.call('GET', `${client.project}/branches/${branch.id}`)).status).toBe(404);
    const names = (await client.call('GET', `${client.project}/branches`)).body.branches.map((b: { name: string }) => b.name);
    expect(names).not.toContain('short-lived');
    await expect(sql(uri, 'SELECT 1')).rejects.toThrow();
  });

  it.skipIf(!PSQL)('psql connects with the URI exactly as connection_uri returns it', async () => {
    const uri = await client.connectionUri(neon.model.defaultBranch.id);
    const out = await psql(uri, 'SELECT current_user, current_database(), ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    expect(out).toMatchObject({ code: 0, stdout: 'neondb_owner|neondb|t' });
  });
});
