import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/index.js';
import { sql } from '../../emulator/sql.js';
import { NeonClient } from '../support/neon-client.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Rejects when `promise` takes longer than `ms`, naming what did not come. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  return Promise.race([promise, sleep(ms).then(() => Promise.reject(new Error(`${what} did not come within ${ms / 1000} s`)))]);
}

/**
 * POST /branches as Neon answers it: at once, with the branch there (`init`) and its data copied by
 * the create_branch operation, so that a client whose POST timed out, retried, got 409 and reuses
 * the branch finds it, and its compute, becoming ready, never vanishing.
 */
describe('emulator: branch creation', () => {
  let neon: Emulator;
  let client: NeonClient;
  let mainUri: string;

  beforeAll(async () => {
    // A database change on a parent takes a while to apply; a branch made meanwhile waits for it.
    neon = await Emulator.start({ rateLimits: false, operationDelays: { apply_config: 4000 } });
    client = new NeonClient(neon);
    mainUri = await client.connectionUri(neon.model.defaultBranch.id);
    await sql(mainUri, "CREATE TABLE items (id int); INSERT INTO items VALUES (1)");
  });
  afterAll(() => neon.stop());

  const branchState = async (id: string) => (await client.call('GET', `${client.project}/branches/${id}`)).body.branch;

  it('answers at once while the copy waits; a retried POST gets 409 and finds the branch and its compute, which become ready with the data', async () => {
    // Nothing may copy the parent's data until the test lets it.
    let release!: () => void;
    const held = neon.model.gate(neon.model.defaultBranch).exclusive(() => new Promise<void>((r) => (release = r)));
    try {
      const request = { branch: { name: 'preview/slow' }, endpoints: [{ type: 'read_write' }] };
      const first = await within(20_000, 'the answer to POST /branches', client.call('POST', `${client.project}/branches`, request));
      expect(first.status).toBe(201);
      const id = first.body.branch.id as string;
      expect(first.body.operations.map((o: { action: string }) => o.action)).toEqual(['create_branch', 'start_compute']);

      // The client retries (its first answer was lost): 409, then it looks the branch up and reuses it.
      const again = await client.call('POST', `${client.project}/branches`, request);
      expect([again.status, again.body.message]).toEqual([409, 'branch with name "preview/slow" already exists']);
      const found = (await client.call('GET', `${client.project}/branches?search=preview/slow`)).body.branches;
      expect(found.map((b: { id: string }) => b.id)).toEqual([id]);
      expect(await branchState(id)).toMatchObject({ current_state: 'init', pending_state: 'ready' });
      const create = await client.call('GET', `${client.project}/operations/${first.body.operations[0].id}`);
      expect(create.body.operation.status).toMatch(/^(scheduling|running)$/);
      const endpoints = (await client.call('GET', `${client.project}/branches/${id}/endpoints`)).body.endpoints;
      expect(endpoints).toEqual([expect.objectContaining({ id: first.body.endpoints[0].id, current_state: 'init', pending_state: 'active' })]);

      release();
      await client.settle(first.body.operations);
      expect(await branchState(id)).toMatchObject({ current_state: 'ready' });
      expect(await sql(await client.connectionUri(id), 'SELECT count(*)::int AS n FROM items')).toEqual([{ n: 1 }]);
    } finally {
      release?.();
      await held;
    }
  });

  it('a copy that cannot be what was asked fails its operation and leaves the branch in state error, with no compute serving it', async () => {
    // The parent's database change is applied at once but its operation lasts: the copy waits for it.
    const db = await client.call('POST', `${client.project}/branches/${neon.model.defaultBranch.id}/databases`, { database: { name: 'slow_change', owner_name: 'neondb_owner' } });
    expect(db.status).toBe(201);
    while ((await sql(mainUri, "SELECT count(*)::int AS n FROM pg_database WHERE datname = 'slow_change'"))[0]?.n !== 1) await sleep(50);
    await sleep(100);
    const at = new Date().toISOString();
    await sleep(100);

    // The parent as it is at `at`: accepted, since nothing changed since.
    const created = await client.call('POST', `${client.project}/branches`, { branch: { name: 'preview/then', parent_timestamp: at }, endpoints: [{ type: 'read_write' }] });
    expect(created.status).toBe(201);
    const id = created.body.branch.id as string;
    // ...but the parent changes before the copy is made: the copy would be the present, not `at`.
    await sql(mainUri, 'INSERT INTO items VALUES (2)');

    await expect(client.settle(created.body.operations.slice(0, 1))).rejects.toThrow(/changed at .* while the parent was being copied; ask again/);
    await expect(client.settle(created.body.operations.slice(1))).rejects.toThrow(/has no data: its create_branch operation failed/);
    // Still there, saying so, until someone deletes it.
    expect(await branchState(id)).toMatchObject({ current_state: 'error' });
    expect((await branchState(id)).pending_state).toBeUndefined();
    const endpoint = (await client.call('GET', `${client.project}/endpoints/${created.body.endpoints[0].id}`)).body.endpoint;
    expect(endpoint).toMatchObject({ current_state: 'idle' });
    await expect(sql(await client.connectionUri(id), 'SELECT 1')).rejects.toThrow(/Couldn't connect to compute node: .*has no data/);
    const schema = await client.call('GET', `${client.project}/branches/${id}/schema?db_name=neondb`);
    expect([schema.status, schema.body.message]).toEqual([409, expect.stringContaining(`branch ${id} has no data`)]);
    const deleted = await client.call('DELETE', `${client.project}/branches/${id}`);
    expect(deleted.status).toBe(200);
    await client.settle(deleted.body.operations);
    expect((await client.call('GET', `${client.project}/branches/${id}`)).status).toBe(404);
    await client.settle(db.body.operations);
  });
});
