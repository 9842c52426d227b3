import { describe, expect, it } from 'vitest';
import { DataGate } from '../../emulator/data-gate.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

/** One branch's data directory: copies read it together; a Postgres starting on it has it alone. */
describe('emulator: the data gate of a branch', () => {
  it('lets readers share, keeps a writer alone, and lets no reader in after a waiting writer', async () => {
    const gate = new DataGate();
    const log: string[] = [];
    let releaseA!: () => void;
    let releaseB!: () => void;
    const a = gate.shared(async () => {
      log.push('a in');
      await new Promise<void>((r) => (releaseA = r));
      log.push('a out');
    });
    const b = gate.shared(async () => {
      log.push('b in');
      await new Promise<void>((r) => (releaseB = r));
      log.push('b out');
    });
    await tick();
    const writer = gate.exclusive(async () => {
      log.push('w in');
      await tick();
      log.push('w out');
    });
    const late = gate.shared(async () => void log.push('c in'));
    await tick();
    expect(log).toEqual(['a in', 'b in']);
    releaseA();
    await tick();
    expect(log).toEqual(['a in', 'b in', 'a out']);
    releaseB();
    await Promise.all([a, b, writer, late]);
    expect(log).toEqual(['a in', 'b in', 'a out', 'b out', 'w in', 'w out', 'c in']);
  });

  it('hands the gate on when the work fails', async () => {
    const gate = new DataGate();
    await expect(gate.exclusive(async () => Promise.reject(new Error('start failed')))).rejects.toThrow('start failed');
    await expect(gate.shared(async () => 'read')).resolves.toBe('read');
  });
});
