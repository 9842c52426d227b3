import { describe, expect, it } from 'vitest';
import { forEachLimited } from '../../src/concurrency.js';

describe('forEachLimited', () => {
  it('does every item, never more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await forEachLimited([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5 + (n % 3)));
      done.push(n);
      running--;
    });
    expect(done.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(peak).toBe(3);
  });

  it('with a limit of 0 does nothing (a dry run), and an empty list resolves', async () => {
    const done: number[] = [];
    await forEachLimited([1, 2], 0, async (n) => void done.push(n));
    await forEachLimited([], 4, async () => undefined);
    expect(done).toEqual([]);
  });
});
