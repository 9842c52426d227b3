import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/index.js';
import { peakInWindow } from '../../bench/stats.js';
import { NeonClient } from '../support/neon-client.js';

/** Neon's limits and refusals, as the emulator enforces them. */
describe('emulator: rate limits and busy projects', () => {
  let neon: Emulator;
  let client: NeonClient;

  beforeAll(async () => {
    neon = await Emulator.start({ postgres: false });
    client = new NeonClient(neon);
  });
  afterAll(() => neon.stop());

  it('answers 429 with Retry-After past 40 requests a second on one route, and serves other routes meanwhile', async () => {
    const from = neon.api.requests.length;
    const answers = await Promise.all(Array.from({ length: 50 }, () => client.call('GET', client.project)));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    for (const a of limited) expect(Number(a.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // However the 50 spread over time on a busy machine, no second let more than 40 through.
    const accepted = neon.api.requests.slice(from).filter((r) => r.status === 200).map((r) => r.receivedAt);
    expect(peakInWindow(accepted, 1000)).toBeLessThanOrEqual(40);
    expect(accepted.length).toBeGreaterThanOrEqual(40);
    expect((await client.call('GET', `${client.project}/branches`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await client.call('GET', client.project)).status).toBe(200);
  });

  it('answers 429 past 700 requests a minute across routes, with a Retry-After of the seconds left', async () => {
    const busy = await Emulator.start({ postgres: false, rateLimits: { perMinute: 700, perRoutePerSecond: 10_000 } });
    try {
      const c = new NeonClient(busy);
      const statuses: number[] = [];
      for (let i = 0; i < 72; i++) statuses.push(...(await Promise.all(Array.from({ length: 10 }, () => c.call('GET', i % 2 ? c.project : `${c.project}/branches`)))).map((a) => a.status));
      expect(statuses.filter((s) => s === 200)).toHaveLength(700);
      const last = await c.call('GET', c.project);
      expect(last.status).toBe(429);
      expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(30);
    } finally {
      await busy.stop();
    }
  });

  it('answers 423 while a branch has operations running, and accepts once they finish', async () => {
    const { body } = await client.call('POST', `${client.project}/branches`, { branch: { name: 'busy' }, endpoints: [{ type: 'read_write' }] });
    const deleted = await client.call('DELETE', `${client.project}/branches/${body.branch.id}`);
    expect(deleted.status).toBe(423);
    await client.settle(body.operations);
    expect((await client.call('DELETE', `${client.project}/branches/${body.branch.id}`)).status).toBe(200);
  });

  it('refuses a duplicate branch name (409), a missing key (401) and a bad body (400) with a message', async () => {
    const main = neon.model.defaultBranch.name;
    const dup = await client.call('POST', `${client.project}/branches`, { branch: { name: main } });
    expect([dup.status, dup.body.message]).toEqual([409, expect.stringContaining(main)]);
    expect((await client.call('GET', client.project, undefined, '')).status).toBe(401);
    const bad = await client.call('POST', `${client.project}/branches`, { branch: { name: 'x', expires_at: new Date(Date.now() + 40 * 86_400_000).toISOString() } });
    expect([bad.status, bad.body.message]).toEqual([400, expect.stringContaining('30 days')]);
    expect((await client.call('GET', '/no/such/route')).status).toBe(404);
  });
});
