import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/index.js';
import { sql } from '../../emulator/sql.js';
import { NeonClient } from '../support/neon-client.js';
import { neonctl } from '../support/neonctl.js';
import { PSQL, psql } from '../support/psql.js';

const IP_REFUSED = 'This IP address 127.0.0.1 is not allowed to connect to this endpoint. Please add it to the allowed list in the Neon console.';
const BLOCKED = 'This connection is trying to access this endpoint from a blocked network.';

/** What happens at a compute's address: TLS required, SCRAM channel binding kept, the project's network rules enforced. */
describe('emulator: compute hosts', () => {
  let neon: Emulator;
  let client: NeonClient;
  let direct: string;
  let pooled: string;

  beforeAll(async () => {
    neon = await Emulator.start({ rateLimits: false });
    client = new NeonClient(neon);
    await neonctl(neon, 'branches', 'create', '--name', 'guarded');
    direct = (await neonctl(neon, 'connection-string', 'guarded')).trim();
    pooled = await client.connectionUri(neon.model.branchByName('guarded')?.id ?? '', true);
  });
  afterAll(() => neon.stop());

  /** Connects with node's pg, channel binding on; resolves with the server's answer or the error a client shows. */
  async function connect(uri: string): Promise<string> {
    const c = new pg.Client({ connectionString: uri, enableChannelBinding: true });
    try {
      await c.connect();
      return String((await c.query('SELECT current_user AS u')).rows[0]?.u);
    } catch (error) {
      return (error as Error).message;
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  it.skipIf(!PSQL)('psql, node pg and neonctl URIs connect, direct and pooled, with channel_binding=require', async () => {
    expect(direct).toMatch(/channel_binding=require/);
    for (const uri of [direct, pooled]) {
      expect(await psql(uri, 'SELECT current_user')).toMatchObject({ code: 0, stdout: 'neondb_owner' });
      expect(await connect(uri)).toBe('neondb_owner');
    }
  });

  it.skipIf(!PSQL)('a connection without TLS is refused with Neon\'s message', async () => {
    const plain = direct.replace('sslmode=require', 'sslmode=disable').replace('&channel_binding=require', '');
    const out = await psql(plain, 'SELECT 1');
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain('connection is insecure (try using `sslmode=require`)');
    expect(await connect(plain)).toBe('connection is insecure (try using `sslmode=require`)');
  });

  it.skipIf(!PSQL)('allowed_ips (neonctl ip-allow): loopback is refused unless listed, as an address, a CIDR range or a range a-b', async () => {
    await neonctl(neon, 'ip-allow', 'add', '203.0.113.0/24');
    try {
      const out = await psql(direct, 'SELECT 1');
      expect(out.stderr).toContain(IP_REFUSED);
      expect(await connect(pooled)).toContain(IP_REFUSED);
      for (const entry of ['127.0.0.1', '127.0.0.0/8', '127.0.0.1-127.0.0.9']) {
        await neonctl(neon, 'ip-allow', 'reset', '203.0.113.0/24', entry);
        expect([entry, await connect(direct)]).toEqual([entry, 'neondb_owner']);
      }
      await neonctl(neon, 'ip-allow', 'reset', '203.0.113.0/24', '127.0.0.2-127.0.0.9');
      expect(await connect(direct)).toContain(IP_REFUSED);
    } finally {
      await neonctl(neon, 'ip-allow', 'reset');
    }
    expect(await connect(direct)).toBe('neondb_owner');
  });

  it('allowed_ips with protected_branches_only applies to protected branches alone', async () => {
    await neonctl(neon, 'ip-allow', 'add', '203.0.113.7', '--protected-only');
    try {
      expect(await connect(direct)).toBe('neondb_owner');
      const guarded = neon.model.branchByName('guarded')?.id ?? '';
      expect((await client.call('PATCH', `${client.project}/branches/${guarded}`, { branch: { protected: true } })).status).toBe(200);
      expect(await connect(direct)).toContain(IP_REFUSED);
      await client.call('PATCH', `${client.project}/branches/${guarded}`, { branch: { protected: false } });
      expect(await connect(direct)).toBe('neondb_owner');
    } finally {
      await neonctl(neon, 'ip-allow', 'reset');
    }
  });

  it('block_public_connections (neonctl projects update) refuses every connection, even from a listed address', async () => {
    await neonctl(neon, 'ip-allow', 'add', '127.0.0.1');
    await neonctl(neon, 'projects', 'update', neon.projectId, '--block-public-connections', 'true');
    try {
      expect(await connect(direct)).toBe(BLOCKED);
      await expect(sql(pooled, 'SELECT 1')).rejects.toThrow(BLOCKED);
    } finally {
      await neonctl(neon, 'projects', 'update', neon.projectId, '--block-public-connections', 'false');
      await neonctl(neon, 'ip-allow', 'reset');
    }
    expect(await connect(pooled)).toBe('neondb_owner');
    expect((await client.call('GET', client.project)).body.project.settings).toMatchObject({ block_public_connections: false, allowed_ips: { ips: [] } });
  });

  it('PATCH /projects refuses an allowlist entry that is not an address, a CIDR range or a range', async () => {
    for (const bad of ['localhost', '10.0.0.0/33', '10.0.0.9-10.0.0.1', '10.0.0.1-::1']) {
      const answer = await client.call('PATCH', client.project, { project: { settings: { allowed_ips: { ips: [bad] } } } });
      expect([bad, answer.status, answer.body.message]).toEqual([bad, 400, expect.stringContaining('is not an IP address, a CIDR range')]);
    }
    expect(await connect(direct)).toBe('neondb_owner');
  });
});
