import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/index.js';

/** A start that fails once Postgres is already up takes it down again, and its files. */
describe('emulator: a failed start leaves nothing behind', () => {
  it('stops the Postgres it started and removes its data directory, then reports the failure', async () => {
    const emulator = new Emulator({ rateLimits: false });
    const init = emulator.model.init.bind(emulator.model);
    let dataDir = '';
    // The last step of a start fails (as a role bootstrap or a full disk would), after Postgres runs.
    emulator.model.init = async (tls) => {
      await init(tls);
      dataDir = path.dirname([...emulator.model.endpoints.values()][0]?.postgres?.dataDir ?? '');
      throw new Error('the disk is full');
    };
    await expect(emulator.start()).rejects.toThrow('the disk is full');

    expect(dataDir).toMatch(/neon-emulator-/);
    expect(existsSync(dataDir)).toBe(false);
    const running = execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(dataDir));
    expect(running).toEqual([]);
    // Stopping it again (as a Ctrl-C handler would) is harmless.
    await emulator.stop();
  });
});
