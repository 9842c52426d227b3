import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { planRun, UsageError } from '../../emulator/action-plan.js';
import { Emulator } from '../../emulator/index.js';
import { actionDefaults } from '../../emulator/runner.js';

const INPUTS = Object.keys(actionDefaults());

/** `npm run action -- …`, as a person types it (without npm in between). */
async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  // Whatever the machine has set, these tests choose where the action goes.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !['NEON_API_KEY', 'NEON_PROJECT_ID', 'NEON_API_HOST', 'GITHUB_TOKEN'].includes(name)));
  const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/action-cli.ts', ...args], { env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'close')) as [number];
  return { code, stdout, stderr };
}

describe('npm run action: the command line', () => {
  it('runs on the local emulator and a GitHub stub by default; inputs by name, dashes or underscores', () => {
    expect(planRun(['opened', '--branch-name', 'preview/x', '--comment=false', '--pr', '7'], {}, INPUTS)).toEqual({
      events: ['opened'],
      inputs: { branch_name: 'preview/x', comment: 'false' },
      pr: 7,
      head: 'feature/login',
      neon: { kind: 'emulator' },
      github: { kind: 'stub' },
    });
  });

  it('NEON_API_KEY and NEON_PROJECT_ID run it against that project; GITHUB_TOKEN with GITHUB_REPOSITORY against GitHub', () => {
    const plan = planRun(['closed'], { NEON_API_KEY: 'napi_x', NEON_PROJECT_ID: 'p-1', NEON_API_HOST: 'http://127.0.0.1:4444/api/v2', GITHUB_TOKEN: 'ghp_x', GITHUB_REPOSITORY: 'acme/shop' }, INPUTS);
    expect(plan.neon).toEqual({ kind: 'project', apiKey: 'napi_x', projectId: 'p-1', apiHost: 'http://127.0.0.1:4444/api/v2' });
    expect(plan.github).toEqual({ kind: 'github', token: 'ghp_x', apiUrl: 'https://api.github.com', repository: 'acme/shop' });
  });

  it.each([
    [['opened', '--nope', '1'], /^Unknown option --nope: the inputs are --api_key, .*; also --pr and --head\.$/],
    [['merged'], /^Unknown event "merged": use opened, /],
    [[], /^Name an event/],
    [['opened', '--branch_name'], /^Option --branch_name needs a value/],
    [['opened', '--pr', 'seven'], /^--pr must be a pull request number/],
  ])('%j is refused with one line saying what would be valid', (argv, message) => {
    expect(() => planRun(argv, {}, INPUTS)).toThrow(UsageError);
    expect(() => planRun(argv, {}, INPUTS)).toThrow(message);
  });

  it('half a Neon project or a token without a repository is refused, not half-used', () => {
    expect(() => planRun(['opened'], { NEON_API_KEY: 'napi_x' }, INPUTS)).toThrow(/^Set both NEON_API_KEY and NEON_PROJECT_ID/);
    expect(() => planRun(['opened'], { GITHUB_TOKEN: 'ghp_x' }, INPUTS)).toThrow(/set GITHUB_REPOSITORY=owner\/name/);
  });
});

describe('npm run action: running the built action', () => {
  it('opened then closed on the local emulator: prints the run log, outputs, summary and comment of each', async () => {
    const { code, stdout, stderr } = await cli(['opened', 'closed', '--pr', '7', '--head', 'add-orders']);
    expect([code, stderr]).toEqual([0, '']);
    const [opened = '', closed = ''] = stdout.split('── Run log: pull_request closed #7 ──');
    expect(opened).toContain('── Run log: pull_request opened #7 ──');
    expect(opened).toMatch(/^ {2}▸ Wait for the compute$/m);
    expect(opened).toMatch(/^ {2}branch_name +preview\/pr-7-add-orders$/m);
    expect(opened).toMatch(/^ {2}db_url +postgresql:\/\/neondb_owner:/m); // all local: shown in full
    expect(opened).toMatch(/── Job summary ──\n {2}### Neon preview branch/);
    expect(opened).toMatch(/── PR comment ──\n {2}<!-- neon-preview-branch-action/);
    expect(closed).toMatch(/^ {2}deleted +true$/m);
    expect(stdout).not.toContain('::add-mask::');
  });

  it('against a Neon project named by NEON_API_KEY, NEON_PROJECT_ID and NEON_API_HOST: masked outputs stay masked', async () => {
    const neon = await Emulator.start();
    try {
      const { code, stdout } = await cli(['opened', '--comment', 'false'], { NEON_API_KEY: neon.apiKey, NEON_PROJECT_ID: neon.projectId, NEON_API_HOST: neon.url });
      expect(code).toBe(0);
      expect(stdout).toContain(`Neon: project ${neon.projectId}`);
      expect(stdout).toMatch(/^ {2}db_url +\*\*\* \(masked\)$/m);
      expect(stdout).toMatch(/^ {2}branch_name +preview\/pr-1-feature-login$/m);
      expect(neon.model.branches.size).toBe(2);
    } finally {
      await neon.stop();
    }
  });

  it('a bad argument is one line on stderr and exit code 2, and nothing runs', async () => {
    const { code, stdout, stderr } = await cli(['opened', '--nope', '1']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^npm run action: Unknown option --nope: /)]);
  });
});
