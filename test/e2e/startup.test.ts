import { describe, expect, it } from 'vitest';
import { runAction } from '../../emulator/runner.js';

// Prints, as the process exits, the Node built-ins it loaded that only undici needs.
const PROBE = `data:text/javascript,process.on("exit", () => console.log("undici-only built-ins: " + JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (zlib|http2|perf_hooks|worker_threads)$/.test(m)))))`;

/** Start-up: what a run evaluates before its first output (the benchmark times it). */
describe('start-up', () => {
  it('a run that stops at its input check never evaluates undici (it is loaded on the first request)', async () => {
    const result = await runAction({ inputs: {}, nodeArgs: ['--import', PROBE] });
    expect(result.errors).toEqual([expect.stringContaining('api_key')]);
    expect(result.stdout).toContain('undici-only built-ins: []');
  });
});
