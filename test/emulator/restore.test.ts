import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/index.js';
import { sql } from '../../emulator/sql.js';
import { NeonClient } from '../support/neon-client.js';
import { neonctl, settled } from '../support/neonctl.js';

const names = async (uri: string) => (await sql(uri, 'SELECT coalesce(array_agg(name ORDER BY id), ARRAY[]::text[]) AS names FROM items'))[0]?.names;

/** Restore and reset with neonctl: refused where Neon refuses, the old state kept where asked, no history invented. */
describe('emulator: branch restore, reset and points in time', () => {
  let neon: Emulator;
  let client: NeonClient;
  let mainUri: string;
  const cli = (...args: string[]) => neonctl(neon, ...args, '--project-id', neon.projectId);

  /** The URI of a branch's read-write compute, adding one when the branch has none (a backup branch). */
  async function uriOf(branchId: string): Promise<string> {
    const endpoints = (await client.call('GET', `${client.project}/branches/${branchId}/endpoints`)).body.endpoints;
    if (!endpoints.length) {
      const { body } = await client.call('POST', `${client.project}/endpoints`, { endpoint: { branch_id: branchId, type: 'read_write' } });
      await client.settle(body.operations);
    }
    return client.connectionUri(branchId);
  }

  beforeAll(async () => {
    neon = await Emulator.start({ rateLimits: false });
    client = new NeonClient(neon);
    mainUri = await client.connectionUri(neon.model.defaultBranch.id);
    await sql(mainUri, "CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items VALUES (1, 'kettle')");
  });
  afterAll(() => neon.stop());

  it('refuses to restore a branch from its own history without preserve_under_name, and leaves its data alone', async () => {
    const branch = await client.createBranch({ name: 'keep' });
    const uri = await client.connectionUri(branch.id);
    await sql(uri, "INSERT INTO items VALUES (2, 'mine')");

    await expect(cli('branches', 'restore', 'keep', `^self@${new Date().toISOString()}`)).rejects.toThrow(/preserve_under_name is required/);
    const noPoint = await client.call('POST', `${client.project}/branches/${branch.id}/restore`, { source_branch_id: branch.id, preserve_under_name: 'keep-old' });
    expect([noPoint.status, noPoint.body.message]).toEqual([400, expect.stringMatching(/source_timestamp or source_lsn is required/)]);
    const noSource = await client.call('POST', `${client.project}/branches/${branch.id}/restore`, {});
    expect(noSource.status).toBe(400);
    expect(noSource.body.message).toMatch(/source_branch_id.*required/);

    expect(await names(uri)).toEqual(['kettle', 'mine']);
    expect((await client.call('GET', `${client.project}/branches`)).body.branches.map((b: { name: string }) => b.name)).not.toContain('keep-old');
  });

  it('reset --preserve-under-name keeps the old state as a branch with its data, which becomes the parent', async () => {
    const branch = await client.createBranch({ name: 'feature' });
    await sql(await client.connectionUri(branch.id), "INSERT INTO items VALUES (3, 'feature only')");
    const child = await client.createBranch({ name: 'feature-child', parent_id: branch.id });

    // A branch with children is reset only when its old state is kept (the children move to it).
    await expect(cli('branches', 'reset', 'feature', '--parent')).rejects.toThrow(/preserve_under_name is required.*child/);
    await cli('branches', 'reset', 'feature', '--parent', '--preserve-under-name', 'feature-before-reset');
    await settled(neon, branch.id);

    const all = (await client.call('GET', `${client.project}/branches`)).body.branches as { id: string; name: string; parent_id?: string }[];
    const backup = all.find((b) => b.name === 'feature-before-reset');
    expect(backup?.parent_id).toBe(neon.model.defaultBranch.id);
    expect(all.find((b) => b.id === branch.id)?.parent_id).toBe(backup?.id);
    expect(all.find((b) => b.id === child.id)?.parent_id).toBe(backup?.id);
    const got = (await client.call('GET', `${client.project}/branches/${branch.id}`)).body.branch;
    expect(got.last_reset_at).toEqual(expect.any(String));

    expect(await names(await client.connectionUri(branch.id))).toEqual(['kettle']);
    await settled(neon, backup?.id as string);
    expect(await names(await uriOf(backup?.id as string))).toEqual(['kettle', 'feature only']);
  });

  it('restores a branch from its own present (a time after its last change), keeping the old state too', async () => {
    const branch = await client.createBranch({ name: 'selfie' });
    await sql(await client.connectionUri(branch.id), "INSERT INTO items VALUES (4, 'selfie')");
    await new Promise((r) => setTimeout(r, 1100));
    const out = await cli('branches', 'restore', 'selfie', `^self@${new Date(Date.now() - 100).toISOString()}`, '--preserve-under-name', 'selfie-before', '--output', 'json');
    expect(out).toContain('selfie');
    await settled(neon, branch.id);
    expect(await names(await client.connectionUri(branch.id))).toEqual(['kettle', 'selfie']);
    const backup = neon.model.branchByName('selfie-before');
    await settled(neon, backup?.id as string);
    expect(await names(await uriOf(backup?.id as string))).toEqual(['kettle', 'selfie']);
  });

  it('never serves the present as the past: a time or LSN before the last change is refused, the present is served', async () => {
    const before = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 50));
    await sql(mainUri, "INSERT INTO items VALUES (5, 'later')");

    await expect(cli('branches', 'create', '--name', 'past', '--parent', before)).rejects.toThrow(/cannot go back in time/);
    expect(neon.model.branchByName('past')).toBeUndefined();

    await new Promise((r) => setTimeout(r, 50));
    const present = JSON.parse(await cli('branches', 'create', '--name', 'present', '--parent', new Date().toISOString(), '--output', 'json'));
    await settled(neon, present.branch.id);
    expect(await names(await client.connectionUri(present.branch.id))).toEqual(['kettle', 'later']);

    // The LSN a branch was made at names the parent's present while the parent is unchanged.
    const lsn = present.branch.parent_lsn as string;
    const atLsn = await client.call('POST', `${client.project}/branches`, { branch: { name: 'at-lsn', parent_lsn: lsn }, endpoints: [{ type: 'read_write' }] });
    expect([atLsn.status, atLsn.body.branch?.parent_lsn]).toEqual([201, lsn]);
    await client.settle(atLsn.body.operations);
    expect(await names(await client.connectionUri(atLsn.body.branch.id))).toEqual(['kettle', 'later']);

    const old = await client.call('POST', `${client.project}/branches`, { branch: { name: 'old-lsn', parent_lsn: '0/100' } });
    expect([old.status, old.body.message]).toEqual([400, expect.stringContaining('cannot go back in time')]);
    const ahead = await client.call('POST', `${client.project}/branches`, { branch: { name: 'ahead', parent_lsn: 'FF/0' } });
    expect([ahead.status, ahead.body.message]).toEqual([400, expect.stringContaining('is ahead of')]);
    const future = await client.call('POST', `${client.project}/branches`, { branch: { name: 'future', parent_timestamp: new Date(Date.now() + 3_600_000).toISOString() } });
    expect([future.status, future.body.message]).toEqual([400, expect.stringContaining('in the future')]);

    const branch = await client.createBranch({ name: 'rewind' });
    const restore = await client.call('POST', `${client.project}/branches/${branch.id}/restore`, { source_branch_id: neon.model.defaultBranch.id, source_timestamp: before });
    expect([restore.status, restore.body.message]).toEqual([400, expect.stringContaining('cannot go back in time')]);
  });
});
