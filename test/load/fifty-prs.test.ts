import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peakInWindow } from '../../bench/stats.js';
import { World } from '../support/world.js';

/** `npm run test:load` (CI runs it after `npm test`): 50 PRs at once against the emulator's real rate limits. */
describe('load: 50 PRs', () => {
  let world: World;
  beforeAll(async () => {
    world = await World.start();
  });
  afterAll(() => world.stop());

  it('50 different PRs at once: all succeed within the rate limit, no duplicate branches', async () => {
    const from = world.neon.api.requests.length;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => world.run('opened', 600 + i)));
    for (const r of results) expect(r.errors).toEqual([]);
    const names = [...world.neon.model.branches.values()].map((b) => b.name);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(results.map((r) => r.outputs.branch_id)).size).toBe(50);
    for (let pr = 600; pr < 650; pr++) expect(world.github.commentsOn(pr)).toHaveLength(1);
    // The runs back off when told: 429s (mostly the burst of 50 lookups in the first second) stay a
    // small share of the requests, instead of runs hammering a limited API.
    const requests = world.neon.api.requests.slice(from);
    const limited = requests.filter((r) => r.status === 429).length;
    expect(limited / requests.length).toBeLessThan(0.2);
    for (const r of results) expect(world.leaks(r)).toEqual([]);
    console.log(`50 PRs: ${requests.length} requests, ${limited} answered 429, at most ${peakInWindow(requests.map((r) => r.receivedAt), 60_000)} in a minute`);
  }, 300_000);
});
