import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/index.js';
import { sql } from '../../emulator/sql.js';
import { NeonClient } from '../support/neon-client.js';
import { neonctl } from '../support/neonctl.js';
import { PSQL, psql } from '../support/psql.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CANNOT = 'The Neon emulator cannot go back in time';

/** `neonctl connection-string <branch>@<time or lsn>`: served honestly, or refused, never the present passed off as the past. */
describe('emulator: point-in-time connections', () => {
  let neon: Emulator;
  let client: NeonClient;
  let beforeWrite: string;

  beforeAll(async () => {
    neon = await Emulator.start({ rateLimits: false });
    client = new NeonClient(neon);
    await neonctl(neon, 'branches', 'create', '--name', 'history');
    const uri = (await neonctl(neon, 'connection-string', 'history')).trim();
    await sql(uri, "CREATE TABLE events (id int); INSERT INTO events VALUES (1)");
    beforeWrite = new Date().toISOString();
    await sleep(1100);
    await sql(uri, 'INSERT INTO events VALUES (2)');
  });
  afterAll(() => neon.stop());

  it('a time after the branch\'s last write is its present state: served, read-only, as Neon serves a point in time', async () => {
    // A moment after the last session closed (as the emulator saw it); neonctl refuses times in the future.
    const branchId = neon.model.branchByName('history')?.id ?? '';
    while (neon.model.writesOf(branchId).open > 0) await sleep(50);
    await sleep(100);
    const at = new Date().toISOString();
    await sleep(200);
    const uri = (await neonctl(neon, 'connection-string', `history@${at}`)).trim();
    expect(new URL(uri).searchParams.get('options')).toBe(`neon_timestamp:${at}`);
    expect(await sql(uri, 'SELECT array_agg(id ORDER BY id) AS ids FROM events')).toEqual([{ ids: [1, 2] }]);
    await expect(sql(uri, 'INSERT INTO events VALUES (3)')).rejects.toThrow('cannot execute INSERT in a read-only transaction');
    if (PSQL) expect(await psql(uri, 'SELECT count(*) FROM events')).toMatchObject({ code: 0, stdout: '2' });
    // The branch itself was not touched.
    expect(await sql(await client.connectionUri(branchId), 'SELECT count(*)::int AS n FROM events')).toEqual([{ n: 2 }]);
  });

  it('a time before the last write is refused, saying the emulator cannot go back in time', async () => {
    const uri = (await neonctl(neon, 'connection-string', `history@${beforeWrite}`)).trim();
    await expect(sql(uri, 'SELECT count(*) FROM events')).rejects.toThrow(CANNOT);
    if (PSQL) {
      const out = await psql(uri, 'SELECT count(*) FROM events');
      expect(out.code).not.toBe(0);
      expect(out.stderr).toContain(CANNOT);
    }
  });

  it('an LSN is refused likewise, pooled or not', async () => {
    const uri = (await neonctl(neon, 'connection-string', 'history@0/1A7F730')).trim();
    expect(new URL(uri).searchParams.get('options')).toBe('neon_lsn:0/1A7F730');
    await expect(sql(uri, 'SELECT 1')).rejects.toThrow(`${CANNOT}: it keeps no history of a branch, so it cannot serve branch history as of LSN 0/1A7F730`);
    const pooled = new URL(await client.connectionUri(neon.model.branchByName('history')?.id ?? '', true));
    pooled.searchParams.set('options', 'neon_lsn:0/1A7F730');
    await expect(sql(pooled.toString(), 'SELECT 1')).rejects.toThrow(CANNOT);
  });

  it('a time while a session that may write is open is refused too', async () => {
    const uri = (await neonctl(neon, 'connection-string', 'history')).trim();
    const at = new Date().toISOString();
    await sleep(200);
    const pit = (await neonctl(neon, 'connection-string', `history@${at}`)).trim();
    const open = new pg.Client({ connectionString: uri });
    await open.connect();
    try {
      await expect(sql(pit, 'SELECT 1')).rejects.toThrow(/cannot go back in time.*session open/);
    } finally {
      await open.end();
    }
  });
});
