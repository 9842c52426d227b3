import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { actionNode, nodeFor, runAction } from '../../emulator/runner.js';

const declared = (parse(readFileSync('action.yml', 'utf8')) as { runs: { using: string } }).runs.using;

/** The runner emulation runs dist/index.js on the runtime action.yml declares, as GitHub does. */
describe('runner emulation: the Node version', () => {
  it(`runs the action on the Node of action.yml's runs.using (${declared}), whatever Node runs the tests`, async () => {
    const major = declared.replace('node', '');
    expect(execFileSync(actionNode(), ['--version'], { encoding: 'utf8' })).toMatch(new RegExp(`^v${major}\\.`));
    // The action process itself reports its version before main() runs.
    const result = await runAction({ inputs: {}, nodeArgs: ['--import', 'data:text/javascript,console.log("node=" + process.version)'] });
    expect(result.stdout).toMatch(new RegExp(`^node=v${major}\\.`, 'm'));
    expect(result.errors).toEqual([expect.stringContaining('api_key')]);
  });

  it('a runtime that is not installed fails with one line saying what to install', () => {
    expect(() => nodeFor('node99')).toThrow(/^action\.yml declares runs\.using: node99, but Node 99 is not installed: .*Run `npm ci`/);
    expect(() => nodeFor('docker')).toThrow(/not a Node runtime/);
  });
});
