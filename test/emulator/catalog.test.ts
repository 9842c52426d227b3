import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/index.js';
import { sql } from '../../emulator/sql.js';
import { NeonClient } from '../support/neon-client.js';
import { neonctl, settled } from '../support/neonctl.js';

const whoAmI = async (uri: string) => (await sql(uri, 'SELECT current_user AS role, current_database() AS db'))[0];

/** Databases and roles made, changed and deleted through the API are real in the branch's Postgres. */
describe('emulator: databases and roles', () => {
  let neon: Emulator;
  let client: NeonClient;
  const cli = (...args: string[]) => neonctl(neon, ...args, '--project-id', neon.projectId);
  const uri = async (branchId: string, role: string, database: string) =>
    (await client.call('GET', `${client.project}/connection_uri?branch_id=${branchId}&role_name=${role}&database_name=${database}`)).body.uri as string;

  beforeAll(async () => {
    neon = await Emulator.start({ rateLimits: false });
    client = new NeonClient(neon);
  });
  afterAll(() => neon.stop());

  it('branches create answers with a connection URI that connects, as Neon does', async () => {
    const created = JSON.parse(await cli('branches', 'create', '--name', 'with-uri', '--output', 'json'));
    expect(created.connection_uris).toHaveLength(1);
    expect(created.connection_uris[0].connection_parameters).toMatchObject({ database: 'neondb', role: 'neondb_owner' });
    await settled(neon, created.branch.id);
    expect(await whoAmI(created.connection_uris[0].connection_uri)).toEqual({ role: 'neondb_owner', db: 'neondb' });
  });

  it('a role and a database made with neonctl connect with the role password, through connection_uri and neonctl', async () => {
    const branch = await client.createBranch({ name: 'app' });
    const role = JSON.parse(await cli('roles', 'create', '--branch', 'app', '--name', 'app_user', '--output', 'json'));
    expect(role.name).toBe('app_user');
    await cli('databases', 'create', '--branch', 'app', '--name', 'appdb', '--owner-name', 'app_user');
    await settled(neon, branch.id);

    expect(await whoAmI(await uri(branch.id, 'app_user', 'appdb'))).toEqual({ role: 'app_user', db: 'appdb' });
    const printed = (await cli('connection-string', 'app', '--role-name', 'app_user', '--database-name', 'appdb')).trim();
    expect(await whoAmI(printed)).toEqual({ role: 'app_user', db: 'appdb' });
    // The new database belongs to its owner: the owner may create tables in it.
    await sql(printed, 'CREATE TABLE mine (id int); INSERT INTO mine VALUES (1)');

    // A new password: the old one stops working once the operation finishes.
    const reset = await client.call('POST', `${client.project}/branches/${branch.id}/roles/app_user/reset_password`);
    expect(reset.status).toBe(200);
    expect(reset.body.role.password).toMatch(/^npg_/);
    await client.settle(reset.body.operations);
    await expect(sql(printed, 'SELECT 1')).rejects.toThrow(/password authentication failed/);
    expect(await whoAmI(await uri(branch.id, 'app_user', 'appdb'))).toEqual({ role: 'app_user', db: 'appdb' });

    // Renamed and handed to another owner.
    const renamed = await client.call('PATCH', `${client.project}/branches/${branch.id}/databases/appdb`, { database: { name: 'shop', owner_name: 'neondb_owner' } });
    expect(renamed.body.database).toMatchObject({ name: 'shop', owner_name: 'neondb_owner' });
    await client.settle(renamed.body.operations);
    expect(await sql(await uri(branch.id, 'neondb_owner', 'shop'), "SELECT tableowner FROM pg_tables WHERE tablename = 'mine'")).toEqual([{ tableowner: 'app_user' }]);

    await cli('databases', 'delete', 'shop', '--branch', 'app');
    await cli('roles', 'delete', 'app_user', '--branch', 'app');
    await settled(neon, branch.id);
    const names = JSON.parse(await cli('roles', 'list', '--branch', 'app', '--output', 'json')).map((r: { name: string }) => r.name);
    expect(names).toEqual(['neondb_owner']);
    const owner = await client.connectionUri(branch.id);
    expect(await sql(owner, "SELECT (SELECT count(*)::int FROM pg_roles WHERE rolname = 'app_user') AS roles, (SELECT count(*)::int FROM pg_database WHERE datname = 'shop') AS dbs")).toEqual([{ roles: 0, dbs: 0 }]);
    // Already gone: 204, as the description says.
    expect((await client.call('DELETE', `${client.project}/branches/${branch.id}/databases/shop`)).status).toBe(204);
  });

  it('refuses what Neon refuses: a duplicate, an unknown owner, a reserved name, a role that owns a database', async () => {
    const branch = await client.createBranch({ name: 'strict' });
    const p = `${client.project}/branches/${branch.id}`;
    expect((await client.call('POST', `${p}/roles`, { role: { name: 'neondb_owner' } })).status).toBe(409);
    expect((await client.call('POST', `${p}/roles`, { role: { name: 'pg_mine' } })).status).toBe(400);
    expect((await client.call('POST', `${p}/databases`, { database: { name: 'neondb', owner_name: 'neondb_owner' } })).status).toBe(409);
    const noOwner = await client.call('POST', `${p}/databases`, { database: { name: 'x', owner_name: 'nobody_here' } });
    expect([noOwner.status, noOwner.body.message]).toEqual([400, expect.stringContaining('nobody_here')]);
    const owns = await client.call('DELETE', `${p}/roles/neondb_owner`);
    expect([owns.status, owns.body.message]).toEqual([400, expect.stringContaining('owns database neondb')]);
  });

  it('a branch whose compute is idle, or that has none, gets the change in its data; child branches made later inherit it', async () => {
    const sleepy = await client.createBranch({ name: 'sleepy' });
    await client.settle((await client.call('POST', `${client.project}/endpoints/${sleepy.endpointId}/suspend`)).body.operations);
    const db = await client.call('POST', `${client.project}/branches/${sleepy.id}/databases`, { database: { name: 'while_idle', owner_name: 'neondb_owner' } });
    expect(db.status).toBe(201);
    await client.settle(db.body.operations);
    expect((await client.call('GET', `${client.project}/endpoints/${sleepy.endpointId}`)).body.endpoint.current_state).toBe('idle');
    await client.settle((await client.call('POST', `${client.project}/endpoints/${sleepy.endpointId}/start`)).body.operations);
    expect(await whoAmI(await uri(sleepy.id, 'neondb_owner', 'while_idle'))).toEqual({ role: 'neondb_owner', db: 'while_idle' });

    const bare = await client.call('POST', `${client.project}/branches`, { branch: { name: 'bare' } });
    await client.settle(bare.body.operations);
    const role = await client.call('POST', `${client.project}/branches/${bare.body.branch.id}/roles`, { role: { name: 'reader' } });
    const made = await client.call('POST', `${client.project}/branches/${bare.body.branch.id}/databases`, { database: { name: 'reports', owner_name: 'reader' } });
    // A child made at once, before the parent's operations ran, still inherits both.
    const child = await client.createBranch({ name: 'bare-child', parent_id: bare.body.branch.id });
    await client.settle([...role.body.operations, ...made.body.operations]);
    expect(await whoAmI(await uri(child.id, 'reader', 'reports'))).toEqual({ role: 'reader', db: 'reports' });
  });
});
