import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/index.js';
import { sql } from '../../emulator/sql.js';
import { NeonClient } from '../support/neon-client.js';
import { neonctl, settled as operationsDone } from '../support/neonctl.js';

/** A compute's state once its operations are over: polls until nothing is pending (at most a minute). */
async function settled(client: NeonClient, endpointId: string): Promise<{ current_state: string; pending_state?: string; autoscaling_limit_min_cu: number; autoscaling_limit_max_cu: number }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { body } = await client.call('GET', `${client.project}/endpoints/${endpointId}`);
    if (!body.endpoint.pending_state || Date.now() > deadline) return body.endpoint;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Read-only computes, failed starts and compute sizes, driven with neonctl where it has the command. */
describe('emulator: computes', () => {
  let neon: Emulator;
  let client: NeonClient;

  beforeAll(async () => {
    neon = await Emulator.start({ rateLimits: false });
    client = new NeonClient(neon);
    await sql(neon.defaultBranchUri(), "CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items VALUES (1, 'kettle'), (2, 'mug')");
  });
  afterAll(() => neon.stop());

  it('neonctl branches add-compute --type read_only: serves the branch, refuses writes as Neon does, and leaves the read-write compute alone', async () => {
    const branch = await client.createBranch({ name: 'replicated' });
    const rwUri = await client.connectionUri(branch.id);
    await sql(rwUri, "INSERT INTO items VALUES (3, 'before the replica')");
    const startedAt = async () => (await sql(rwUri, 'SELECT pg_postmaster_start_time()::text AS t'))[0]?.t;
    const started = await startedAt();
    const rwDir = neon.model.endpoints.get(branch.endpointId)?.postgres?.dataDir ?? '';
    const lockFile = () => readFile(path.join(rwDir, 'postmaster.pid'), 'utf8');
    const lock = await lockFile();

    const added = JSON.parse(await neonctl(neon, 'branches', 'add-compute', 'replicated', '--type', 'read_only', '--output', 'json')) as { id: string };
    expect(await settled(client, added.id)).toMatchObject({ current_state: 'active' });
    const roUri = (await neonctl(neon, 'connection-string', 'replicated', '--endpoint-type', 'read_only')).trim();
    expect(roUri).not.toBe(rwUri);

    // The branch's data, as of the replica's start.
    expect((await sql(roUri, 'SELECT array_agg(id ORDER BY id) AS ids FROM items'))[0]?.ids).toEqual([1, 2, 3]);
    // Writes are refused with Neon's message, and no session setting lifts that.
    await expect(sql(roUri, "INSERT INTO items VALUES (9, 'no')")).rejects.toThrow('cannot execute INSERT in a read-only transaction');
    await expect(sql(roUri, "SET default_transaction_read_only = off; INSERT INTO items VALUES (9, 'no')")).rejects.toThrow('cannot execute INSERT in a read-only transaction');
    await expect(sql(roUri, "BEGIN READ WRITE; INSERT INTO items VALUES (9, 'no')")).rejects.toThrow(/read-write mode during recovery|read-only transaction/);

    // The read-write compute was not restarted, still owns its lock file, and takes writes,
    // which the replica then shows, as Neon's replicas follow their primary.
    await sql(rwUri, "INSERT INTO items VALUES (4, 'after the replica')");
    const deadline = Date.now() + 30_000;
    while ((await sql(roUri, 'SELECT count(*)::int AS n FROM items WHERE id = 4'))[0]?.n !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect((await sql(roUri, 'SELECT array_agg(id ORDER BY id) AS ids FROM items'))[0]?.ids).toEqual([1, 2, 3, 4]);
    expect(await startedAt()).toBe(started);
    expect(neon.model.endpoints.get(added.id)?.postgres?.dataDir).not.toBe(rwDir);
    expect(await lockFile()).toBe(lock);
    expect((await client.call('GET', `${client.project}/endpoints/${branch.endpointId}`)).body.endpoint.current_state).toBe('active');
  });

  it('POST /endpoints read_only on a branch whose read-write compute is idle; deleting the replica removes its files', async () => {
    const branch = await client.createBranch({ name: 'quiet' });
    await sql(await client.connectionUri(branch.id), "INSERT INTO items VALUES (5, 'quiet')");
    await client.settle((await client.call('POST', `${client.project}/endpoints/${branch.endpointId}/suspend`)).body.operations);

    const created = await client.call('POST', `${client.project}/endpoints`, { endpoint: { branch_id: branch.id, type: 'read_only' } });
    expect(created.status).toBe(201);
    await client.settle(created.body.operations);
    const { body } = await client.call('GET', `${client.project}/connection_uri?branch_id=${branch.id}&endpoint_id=${created.body.endpoint.id}&database_name=neondb&role_name=neondb_owner`);
    expect((await sql(body.uri, 'SELECT array_agg(id ORDER BY id) AS ids FROM items'))[0]?.ids).toEqual([1, 2, 5]);
    await expect(sql(body.uri, 'DELETE FROM items')).rejects.toThrow('cannot execute DELETE in a read-only transaction');
    // Reading from the replica did not wake the read-write compute.
    expect((await client.call('GET', `${client.project}/endpoints/${branch.endpointId}`)).body.endpoint.current_state).toBe('idle');

    const dir = neon.model.endpoints.get(created.body.endpoint.id)?.postgres?.dataDir ?? '';
    await client.settle((await client.call('DELETE', `${client.project}/endpoints/${created.body.endpoint.id}`)).body.operations);
    await expect(readFile(path.join(dir, 'PG_VERSION'))).rejects.toThrow(/ENOENT/);
  });

  it('a database made while the read-write compute is idle is made on the branch\'s own data, not through the running read-only compute, which keeps serving', async () => {
    const branch = await client.createBranch({ name: 'split' });
    const rwDir = neon.model.branches.get(branch.id)?.dataDir ?? '';
    await client.settle((await client.call('POST', `${client.project}/endpoints/${branch.endpointId}/suspend`)).body.operations);
    const replica = await client.call('POST', `${client.project}/endpoints`, { endpoint: { branch_id: branch.id, type: 'read_only' } });
    await client.settle(replica.body.operations);
    const roUri = (await client.call('GET', `${client.project}/connection_uri?branch_id=${branch.id}&endpoint_id=${replica.body.endpoint.id}&database_name=neondb&role_name=neondb_owner`)).body.uri as string;
    const reader = new pg.Client({ connectionString: roUri });
    await reader.connect();
    try {
      const roDir = neon.model.endpoints.get(replica.body.endpoint.id)?.postgres?.dataDir ?? '';
      expect(roDir).not.toBe(rwDir);
      const roLock = await readFile(path.join(roDir, 'postmaster.pid'), 'utf8');

      const made = await client.call('POST', `${client.project}/branches/${branch.id}/databases`, { database: { name: 'made_while_idle', owner_name: 'neondb_owner' } });
      expect(made.status).toBe(201);
      await client.settle(made.body.operations);
      // The read-only compute was neither used nor disturbed: same session, same Postgres, same lock file.
      expect((await reader.query('SELECT count(*)::int AS n FROM items')).rows).toEqual([{ n: 2 }]);
      expect(await readFile(path.join(roDir, 'postmaster.pid'), 'utf8')).toBe(roLock);
      // Nor was the read-write compute woken; it finds the database when it starts.
      expect((await client.call('GET', `${client.project}/endpoints/${branch.endpointId}`)).body.endpoint.current_state).toBe('idle');
      const db = await client.call('GET', `${client.project}/connection_uri?branch_id=${branch.id}&database_name=made_while_idle&role_name=neondb_owner`);
      expect(await sql(db.body.uri, 'SELECT current_database() AS db')).toEqual([{ db: 'made_while_idle' }]);
    } finally {
      await reader.end();
    }
  });

  it('a start that fails leaves the compute idle with nothing pending, and its operation failed', async () => {
    const branch = await client.createBranch({ name: 'unlucky' });
    neon.model.failNext.set('start_compute', 1);
    const created = await client.call('POST', `${client.project}/endpoints`, { endpoint: { branch_id: branch.id, type: 'read_only' } });
    await expect(client.settle(created.body.operations)).rejects.toThrow(/start_compute failed/);
    const endpoint = await settled(client, created.body.endpoint.id);
    expect(endpoint.current_state).toBe('idle');
    expect(endpoint.pending_state).toBeUndefined();
  });

  it('compute size: neonctl --cu on branches create and add-compute, and PATCH /endpoints, stored and returned', async () => {
    const created = JSON.parse(await neonctl(neon, 'branches', 'create', '--name', 'sized', '--cu', '0.5-2', '--output', 'json')) as { endpoints: { id: string }[] };
    const rwId = created.endpoints[0]?.id ?? '';
    expect(await settled(client, rwId)).toMatchObject({ current_state: 'active', autoscaling_limit_min_cu: 0.5, autoscaling_limit_max_cu: 2 });
    const added = JSON.parse(await neonctl(neon, 'branches', 'add-compute', 'sized', '--cu', '1', '--output', 'json')) as { id: string };
    expect(await settled(client, added.id)).toMatchObject({ autoscaling_limit_min_cu: 1, autoscaling_limit_max_cu: 1 });
    // A resize restarts the compute: not while the branch's operations run (423), so after them.
    await operationsDone(neon, neon.model.branchByName('sized')?.id ?? '');

    const patched = await client.call('PATCH', `${client.project}/endpoints/${rwId}`, { endpoint: { autoscaling_limit_min_cu: 1, autoscaling_limit_max_cu: 9 } });
    expect(patched.status).toBe(200);
    expect(patched.body.endpoint).toMatchObject({ autoscaling_limit_min_cu: 1, autoscaling_limit_max_cu: 9 });
    // A new size restarts a running compute, as Neon does; then it is the size asked for.
    await client.settle(patched.body.operations);
    expect(patched.body.operations.map((o: { action: string }) => o.action)).toEqual(['suspend_compute', 'start_compute']);
    expect(await settled(client, rwId)).toMatchObject({ current_state: 'active', autoscaling_limit_min_cu: 1, autoscaling_limit_max_cu: 9 });
    // A fixed size may go up to 56 CU.
    expect((await client.call('PATCH', `${client.project}/endpoints/${added.id}`, { endpoint: { autoscaling_limit_min_cu: 56, autoscaling_limit_max_cu: 56 } })).status).toBe(200);

    // The project's default size is what a compute gets when it names none.
    await neonctl(neon, 'projects', 'update', neon.projectId, '--cu', '0.25-1');
    const plain = await client.call('POST', `${client.project}/endpoints`, { endpoint: { branch_id: neon.model.branchByName('sized')?.id, type: 'read_only' } });
    expect(plain.body.endpoint).toMatchObject({ autoscaling_limit_min_cu: 0.25, autoscaling_limit_max_cu: 1 });
    await client.settle(plain.body.operations);
  });

  it('compute size is validated as Neon does, in every place it can be given', async () => {
    const main = neon.model.defaultBranch.id;
    const endpointId = neon.model.endpointsOf(main)[0]?.id ?? '';
    const refusals: [string, string, unknown, RegExp][] = [
      ['POST', '/endpoints', { endpoint: { branch_id: main, type: 'read_only', autoscaling_limit_min_cu: 0.3, autoscaling_limit_max_cu: 1 } }, /0\.3 is not a compute size/],
      ['POST', '/endpoints', { endpoint: { branch_id: main, type: 'read_only', autoscaling_limit_min_cu: 2, autoscaling_limit_max_cu: 1 } }, /must not be greater than/],
      ['PATCH', `/endpoints/${endpointId}`, { endpoint: { autoscaling_limit_min_cu: 1, autoscaling_limit_max_cu: 10 } }, /spans at most 8 CU/],
      ['PATCH', `/endpoints/${endpointId}`, { endpoint: { autoscaling_limit_min_cu: 16, autoscaling_limit_max_cu: 18 } }, /autoscaling goes up to 16 CU/],
      ['PATCH', `/endpoints/${endpointId}`, { endpoint: { autoscaling_limit_max_cu: 17 } }, /17 is not a compute size/],
      ['POST', '/branches', { branch: { name: 'oversized' }, endpoints: [{ type: 'read_write', autoscaling_limit_min_cu: 0.25, autoscaling_limit_max_cu: 12 }] }, /spans at most 8 CU/],
      ['PATCH', '', { project: { default_endpoint_settings: { autoscaling_limit_min_cu: '1' } } }, /autoscaling_limit_min_cu" must be number/],
    ];
    for (const [method, route, body, message] of refusals) {
      const answer = await client.call(method, `${client.project}${route}`, body);
      expect([method, route, answer.status, answer.body.message]).toEqual([method, route, 400, expect.stringMatching(message)]);
    }
    expect(neon.model.branchByName('oversized')).toBeUndefined();
    await expect(neonctl(neon, 'branches', 'create', '--name', 'odd', '--cu', '0.25-12')).rejects.toThrow(/spans at most 8 CU/);
    await expect(neonctl(neon, 'branches', 'add-compute', 'main', '--cu', '3-2')).rejects.toThrow(/must not be greater than/);
  });
});
