import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/index.js';
import { sql } from '../../emulator/sql.js';
import { NeonClient } from '../support/neon-client.js';
import { neonctl } from '../support/neonctl.js';
import { PSQL, psql } from '../support/psql.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Scale to zero: idle after `suspend_timeout_seconds` without connections; the next connection starts the compute. */
describe('emulator: scale to zero', () => {
  let neon: Emulator;
  let client: NeonClient;

  beforeAll(async () => {
    neon = await Emulator.start({ rateLimits: false });
    client = new NeonClient(neon);
  });
  afterAll(() => neon.stop());

  const endpoint = async (id: string) => (await client.call('GET', `${client.project}/endpoints/${id}`)).body.endpoint as { current_state: string; pending_state?: string; suspended_at?: string };

  /** The actions of a compute's operations, newest first. */
  const actionsOf = async (id: string): Promise<string[]> =>
    (await client.call('GET', `${client.project}/operations?limit=100`)).body.operations.filter((o: { endpoint_id?: string }) => o.endpoint_id === id).map((o: { action: string }) => o.action);

  /** Polls until the compute is idle (at most a minute); returns when that was first seen. */
  async function idle(id: string): Promise<number> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const e = await endpoint(id);
      if (e.current_state === 'idle' && !e.pending_state) return Date.now();
      if (Date.now() > deadline) throw new Error(`compute ${id} still ${e.current_state} after a minute`);
      await sleep(100);
    }
  }

  it('goes idle that long after its last connection closes, never while one is open; a pooled connection then starts it and is served', async () => {
    const created = JSON.parse(await neonctl(neon, 'branches', 'create', '--name', 'napper', '--suspend-timeout', '2', '--output', 'json')) as { branch: { id: string }; endpoints: { id: string }[] };
    const id = created.endpoints[0]?.id ?? '';
    await client.settle((await client.call('GET', `${client.project}/operations?limit=100`)).body.operations.filter((o: { endpoint_id?: string }) => o.endpoint_id === id));
    const direct = (await neonctl(neon, 'connection-string', 'napper')).trim();
    const pooled = await client.connectionUri(created.branch.id, true);
    await sql(direct, 'CREATE TABLE naps (n int); INSERT INTO naps VALUES (1)');

    // An open session keeps it awake, however long it sits there.
    const open = new pg.Client({ connectionString: direct });
    await open.connect();
    await sleep(5000);
    expect((await endpoint(id)).current_state).toBe('active');
    expect((await open.query('SELECT count(*)::int AS n FROM naps')).rows).toEqual([{ n: 1 }]);
    await open.end();
    const closedAt = Date.now();

    const idleAt = await idle(id);
    expect(idleAt - closedAt).toBeGreaterThanOrEqual(2000);
    const suspended = await endpoint(id);
    expect(Date.parse(suspended.suspended_at ?? '')).toBeGreaterThanOrEqual(Math.floor(closedAt / 1000) * 1000);

    // The next connection, pooled here, starts the compute and is served, as Neon's proxy does.
    const woken = new pg.Client({ connectionString: pooled, enableChannelBinding: true });
    await woken.connect();
    try {
      expect((await woken.query('SELECT count(*)::int AS n FROM naps')).rows).toEqual([{ n: 1 }]);
      expect((await endpoint(id)).current_state).toBe('active');
      expect((await actionsOf(id)).slice(0, 2)).toEqual(['start_compute', 'suspend_compute']);
    } finally {
      await woken.end();
    }
  });

  it.skipIf(!PSQL)('a direct connection with psql wakes it too', async () => {
    const created = await client.call('POST', `${client.project}/branches`, { branch: { name: 'dozer' }, endpoints: [{ type: 'read_write', suspend_timeout_seconds: 1 }] });
    await client.settle(created.body.operations);
    const id = created.body.endpoints[0].id as string;
    await idle(id);
    const before = await actionsOf(id);
    expect(before[0]).toBe('suspend_compute');
    const out = await psql(await client.connectionUri(created.body.branch.id), 'SELECT 41 + 1');
    expect(out).toMatchObject({ code: 0, stdout: '42' });
    // Woken for the connection (and, a second after it closed, suspended again).
    expect((await actionsOf(id)).slice(-before.length - 1, -before.length)).toEqual(['start_compute']);
  });

  it('suspend_timeout_seconds -1, and 0 (the project default, which in the emulator never suspends), keep it running', async () => {
    const created = await client.call('POST', `${client.project}/branches`, { branch: { name: 'insomniac' }, endpoints: [{ type: 'read_write', suspend_timeout_seconds: -1 }] });
    await client.settle(created.body.operations);
    await sql(await client.connectionUri(created.body.branch.id), 'SELECT 1');
    const main = neon.model.endpointsOf(neon.model.defaultBranch.id)[0]?.id ?? '';
    await sleep(3000);
    expect((await endpoint(created.body.endpoints[0].id)).current_state).toBe('active');
    expect((await endpoint(main)).current_state).toBe('active');
    // PATCH sets a timeout on a running compute: it then goes idle.
    const patched = await client.call('PATCH', `${client.project}/endpoints/${created.body.endpoints[0].id}`, { endpoint: { suspend_timeout_seconds: 1 } });
    expect(patched.body.endpoint.suspend_timeout_seconds).toBe(1);
    await idle(created.body.endpoints[0].id);
  });
});
