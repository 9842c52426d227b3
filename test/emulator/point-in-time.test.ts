import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/index.js';
import { sql } from '../../emulator/sql.js';
import { NeonClient } from '../support/neon-client.js';
import { neonctl } from '../support/neonctl.js';
import { PSQL, psql } from '../support/psql.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CANNOT = 'the emulator cannot go back in time';

/** A time safely after everything committed so far (commit times are kept to the millisecond). */
async function now(): Promise<string> {
  await sleep(100);
  const at = new Date().toISOString();
  await sleep(100);
  return at;
}

/** A point-in-time URI with `options` set by hand, as a client that does not use neonctl writes it. */
function withOptions(uri: string, options: string): string {
  const url = new URL(uri);
  url.searchParams.set('options', options);
  return url.toString();
}

/**
 * `neonctl connection-string <branch>@<time or lsn>`: served where the branch's data is provably
 * the same as now (its Postgres's commit times and WAL position, as for the API's points in time),
 * refused otherwise, never the present passed off as the past.
 */
describe('emulator: point-in-time connections', () => {
  let neon: Emulator;
  let client: NeonClient;
  let uri: string;
  let branchId: string;
  let beforeWrite: string;
  let lsnBeforeWrite: string;

  const ids = async (target: string) => (await sql(target, 'SELECT array_agg(id ORDER BY id) AS ids FROM events'))[0]?.ids;

  beforeAll(async () => {
    neon = await Emulator.start({ rateLimits: false });
    client = new NeonClient(neon);
    await neonctl(neon, 'branches', 'create', '--name', 'history');
    branchId = neon.model.branchByName('history')?.id ?? '';
    uri = (await neonctl(neon, 'connection-string', 'history')).trim();
    await sql(uri, 'CREATE TABLE events (id int); INSERT INTO events VALUES (1)');
    beforeWrite = await now();
    lsnBeforeWrite = (await sql(uri, 'SELECT pg_current_wal_lsn()::text AS lsn'))[0]?.lsn as string;
    await sleep(1000);
    await sql(uri, 'INSERT INTO events VALUES (2)');
  });
  afterAll(() => neon.stop());

  it("a time after the branch's last change is its present state: served, read-only, as Neon serves a point in time", async () => {
    const at = await now();
    const pit = (await neonctl(neon, 'connection-string', `history@${at}`)).trim();
    expect(new URL(pit).searchParams.get('options')).toBe(`neon_timestamp:${at}`);
    expect(await ids(pit)).toEqual([1, 2]);
    await expect(sql(pit, 'INSERT INTO events VALUES (3)')).rejects.toThrow('cannot execute INSERT in a read-only transaction');
    if (PSQL) expect(await psql(pit, 'SELECT count(*) FROM events')).toMatchObject({ code: 0, stdout: '2' });
    // The branch itself was not touched, and its compute was not restarted for it.
    expect(await ids(uri)).toEqual([1, 2]);
  });

  it('a time before the last change is refused, saying the emulator cannot go back in time', async () => {
    const pit = (await neonctl(neon, 'connection-string', `history@${beforeWrite}`)).trim();
    await expect(sql(pit, 'SELECT count(*) FROM events')).rejects.toThrow(new RegExp(`${CANNOT}: branch ${branchId} last changed at .*, after neon_timestamp ${beforeWrite.replace(/\./g, '\\.')}`));
    if (PSQL) {
      const out = await psql(pit, 'SELECT count(*) FROM events');
      expect(out.code).not.toBe(0);
      expect(out.stderr).toContain(CANNOT);
    }
  });

  it('a point in time stays that point: a session on it does not see later changes, and after one the same time is refused', async () => {
    const at = await now();
    const pit = new pg.Client({ connectionString: (await neonctl(neon, 'connection-string', `history@${at}`)).trim() });
    await pit.connect();
    try {
      expect((await pit.query('SELECT count(*)::int AS n FROM events')).rows).toEqual([{ n: 2 }]);
      await sql(uri, 'INSERT INTO events VALUES (3)');
      expect((await pit.query('SELECT count(*)::int AS n FROM events')).rows).toEqual([{ n: 2 }]);
    } finally {
      await pit.end();
    }
    const again = (await neonctl(neon, 'connection-string', `history@${at}`)).trim();
    await expect(sql(again, 'SELECT 1')).rejects.toThrow(CANNOT);
  });

  it('an LSN from the last change to the current LSN is served; one before the last change, or ahead of the branch, is refused, pooled or not', async () => {
    // The LSN of the state a point-in-time session sees is one such LSN.
    const present = new pg.Client({ connectionString: (await neonctl(neon, 'connection-string', `history@${await now()}`)).trim() });
    await present.connect();
    const lsn = (await present.query<{ lsn: string }>('SELECT pg_last_wal_replay_lsn()::text AS lsn')).rows[0]?.lsn as string;
    await present.end();

    const atLsn = (await neonctl(neon, 'connection-string', `history@${lsn}`)).trim();
    expect(new URL(atLsn).searchParams.get('options')).toBe(`neon_lsn:${lsn}`);
    expect(await ids(atLsn)).toEqual([1, 2, 3]);
    await expect(sql(atLsn, 'DELETE FROM events')).rejects.toThrow('cannot execute DELETE in a read-only transaction');
    const pooled = await client.connectionUri(branchId, true);
    expect(await ids(withOptions(pooled, `neon_lsn:${lsn}`))).toEqual([1, 2, 3]);

    const old = (await neonctl(neon, 'connection-string', `history@${lsnBeforeWrite}`)).trim();
    await expect(sql(old, 'SELECT 1')).rejects.toThrow(new RegExp(`${CANNOT}: branch ${branchId} changed after neon_lsn ${lsnBeforeWrite}`));
    await expect(sql(withOptions(pooled, `neon_lsn:${lsnBeforeWrite}`), 'SELECT 1')).rejects.toThrow(CANNOT);
    await expect(sql(withOptions(pooled, 'neon_lsn:FF/0'), 'SELECT 1')).rejects.toThrow(`neon_lsn FF/0 is ahead of branch ${branchId}`);
    await expect(sql(withOptions(pooled, 'neon_lsn:yesterday'), 'SELECT 1')).rejects.toThrow('invalid neon_lsn "yesterday"');
  });

  it("a transaction still open is not the branch's past: a time while it is open is served without its rows, and refused once it commits", async () => {
    const open = new pg.Client({ connectionString: uri });
    await open.connect();
    try {
      await open.query('BEGIN');
      await open.query('INSERT INTO events VALUES (4)');
      const at = await now();
      const pit = (await neonctl(neon, 'connection-string', `history@${at}`)).trim();
      expect(await ids(pit)).toEqual([1, 2, 3]);
      await open.query('COMMIT');
      await expect(sql(pit, 'SELECT 1')).rejects.toThrow(CANNOT);
    } finally {
      await open.end();
    }
    expect(await ids(uri)).toEqual([1, 2, 3, 4]);
  });
});
