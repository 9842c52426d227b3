import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../emulator/index.js';
import type { RunResult } from '../../emulator/runner.js';
import { NeonClient } from '../support/neon-client.js';
import { sql, World } from '../support/world.js';

/**
 * The fault matrix: each cell ends in success or in one clear ::error:: line, with no stack trace
 * and no secret anywhere. The README's table lists these cells.
 */
let world: World;
beforeAll(async () => {
  world = await World.start({ operationDelays: { start_compute: 150, create_branch: 50 } });
});
afterAll(() => world.stop());
beforeEach(() => {
  world.neon.api.faults.clear();
  world.neon.model.failNext.clear();
  world.neon.model.stalled.clear();
  world.neon.model.misrouteConnectionUri = false;
  world.github.commentFault = undefined;
});

const BRANCHES = '/projects/:project_id/branches';
const BRANCH = '/projects/:project_id/branches/:branch_id';

function clean(result: RunResult): void {
  expect(world.leaks(result)).toEqual([]);
  expect(result.log + result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

function succeeded(result: RunResult): void {
  expect(result.errors).toEqual([]);
  expect(result.code).toBe(0);
  clean(result);
}

function failedWith(result: RunResult, message: RegExp): void {
  expect(result.code).toBe(1);
  expect(result.errors).toHaveLength(1);
  expect(result.errors[0]).toMatch(message);
  clean(result);
}

const withFaults = async (pr: number, faults: FaultRule[], action = 'opened', inputs: Record<string, string> = {}) => {
  world.neon.api.faults.add(...faults);
  return world.run(action, pr, inputs);
};

/** Each retried-fault case gets a PR of its own (100, 101, …), so no case finds another's branch. */
let nextRetryPr = 100;

describe('Neon API faults', () => {
  it.each<[string, FaultRule[]]>([
    ['429 storm with Retry-After on create', [{ method: 'POST', route: BRANCHES, status: 429, retryAfter: '1', times: 3 }]],
    ['429 storm without Retry-After on the lookup', [{ method: 'GET', route: BRANCHES, status: 429, times: 3 }]],
    ['423 (project busy) on create', [{ method: 'POST', route: BRANCHES, status: 423, times: 2 }]],
    ['500 on a read (the project)', [{ method: 'GET', route: '/projects/:project_id', status: 500, times: 2 }]],
    ['503 on a write (create)', [{ method: 'POST', route: BRANCHES, status: 503, times: 2 }]],
    ['socket reset on a read', [{ method: 'GET', route: BRANCHES, reset: 'before', times: 2 }]],
    ['socket reset on a write', [{ method: 'POST', route: BRANCHES, reset: 'before', times: 1 }]],
    ['slow responses', [{ method: 'GET', route: BRANCHES, delayMs: 1500, times: 2 }]],
    ['operation polls answered 503', [{ route: '/projects/:project_id/operations/:operation_id', status: 503, times: 2 }]],
  ])('%s: retried, and the step succeeds', async (_name, faults) => {
    const pr = nextRetryPr++;
    const result = await withFaults(pr, faults);
    succeeded(result);
    expect(result.outputs.created).toBe('true');
    if (!faults.some((f) => f.delayMs)) expect(result.log).toMatch(/retrying in \d+\.\ds/);
  });

  it('500 on a read (connection_uri, which a reuse asks for): retried, and the step succeeds', async () => {
    succeeded(await world.run('opened', 904));
    const from = world.neon.api.requests.length;
    const result = await withFaults(904, [{ route: '/projects/:project_id/connection_uri', status: 500, times: 2 }], 'synchronize');
    succeeded(result);
    expect(result.outputs.created).toBe('false');
    expect(result.log).toMatch(/retrying in \d+\.\ds/);
    expect(world.neon.api.requests.slice(from).filter((r) => r.route === '/projects/:project_id/connection_uri' && r.status === 500)).toHaveLength(2);
  });

  it('a create whose response is lost (the branch exists, the client saw a reset) is a reuse', async () => {
    const result = await withFaults(901, [{ method: 'POST', route: BRANCHES, reset: 'after', times: 1 }]);
    succeeded(result);
    expect(result.outputs.created).toBe('false');
    expect([...world.neon.model.branches.values()].filter((b) => b.name === result.outputs.branch_name)).toHaveLength(1);
    expect(await sql(result.outputs.db_url ?? '', 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  it('423 on delete is retried until the branch is deleted', async () => {
    succeeded(await world.run('opened', 902));
    const result = await withFaults(902, [{ method: 'DELETE', route: BRANCH, status: 423, times: 2 }], 'closed');
    succeeded(result);
    expect(result.outputs.deleted).toBe('true');
  });

  it('a rate limit that never lifts ends in one error after bounded retries', async () => {
    const result = await withFaults(903, [{ method: 'GET', route: BRANCHES, status: 503 }]);
    failedWith(result, /kept failing with 503 .* after 8 attempts/);
  });
});

describe('operations and branch state', () => {
  it('an operation that fails names the operation', async () => {
    world.neon.model.failNext.set('start_compute', 1);
    failedWith(await world.run('opened', 910), /operation start_compute \([0-9a-f-]+\) failed/);
  });

  it('operations that never finish end at the timeout input, naming the operation', async () => {
    world.neon.model.stalled.add('start_compute');
    const started = Date.now();
    // Long enough for the branch copy and create_branch on a busy machine; start_compute never ends.
    failedWith(await world.run('opened', 911, { timeout: '6' }), /Timed out after 6s waiting for Neon operation start_compute .*timeout/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('a compute that went idle between create and reuse is started again before the step ends', async () => {
    const first = await world.run('opened', 912);
    succeeded(first);
    const endpoint = world.neon.model.endpointsOf(first.outputs.branch_id ?? '')[0];
    if (!endpoint) throw new Error('no endpoint');
    await world.neon.model.suspendCompute(endpoint);
    const again = await world.run('synchronize', 912);
    expect(again.errors).toEqual([]);
    succeeded(again);
    expect(again.log).toContain('is idle: starting it');
    expect(await sql(again.outputs.db_url ?? '', 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  it('a start someone else made that fails leaves the compute idle: the run waiting on it starts it itself, well before its timeout', async () => {
    const first = await world.run('opened', 917);
    succeeded(first);
    const endpoint = world.neon.model.endpointsOf(first.outputs.branch_id ?? '')[0];
    if (!endpoint) throw new Error('no endpoint');
    await world.neon.model.suspendCompute(endpoint);
    // Another client starts it, and that start fails after a while.
    const usual = world.neon.model.delays.start_compute;
    world.neon.model.delays.start_compute = 3000;
    world.neon.model.failNext.set('start_compute', 1);
    try {
      const started = await new NeonClient(world.neon).call('POST', `/projects/${world.neon.projectId}/endpoints/${endpoint.id}/start`);
      expect(started.status).toBe(200);
      const again = await world.run('synchronize', 917, { timeout: '40' });
      succeeded(again);
      expect(again.log).toMatch(/Waiting for compute ep-[a-z0-9-]+: idle/);
      expect(again.log).toContain('is idle again and nobody is starting it: starting it');
      expect(await sql(again.outputs.db_url ?? '', 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    } finally {
      world.neon.model.delays.start_compute = usual as number;
      world.neon.model.failNext.delete('start_compute');
    }
  });

  it.each([
    ['expired', async (id: string) => {
      const branch = world.neon.model.branches.get(id);
      if (branch) branch.expiresAt = new Date(Date.now() - 1000).toISOString();
      await world.neon.model.expire();
    }],
    ['deleted by hand', async (id: string) => {
      const branch = world.neon.model.branches.get(id);
      if (branch) await world.neon.model.removeBranch(branch)();
    }],
  ])('a branch %s between two pushes is created afresh', async (_how, remove) => {
    const pr = _how === 'expired' ? 913 : 914;
    const first = await world.run('opened', pr);
    succeeded(first);
    await remove(first.outputs.branch_id ?? '');
    const again = await world.run('synchronize', pr);
    succeeded(again);
    expect(again.outputs.created).toBe('true');
    expect(again.outputs.branch_id).not.toBe(first.outputs.branch_id);
    expect(world.github.commentsOn(pr)).toHaveLength(1);
  });

  it('a parent branch that does not exist (deleted) is named in the error', async () => {
    failedWith(await world.run('opened', 915, { parent_branch: 'staging' }), /parent_branch "staging" was not found/);
  });
});

describe('access', () => {
  it('401: a wrong or revoked key says to check the key', async () => {
    failedWith(await world.run('opened', 920, { api_key: 'napi_revoked_key_0000' }), /rejected the API key \(401/);
  });
  it('403 says to check the key has access to the project', async () => {
    failedWith(await withFaults(921, [{ method: 'GET', route: BRANCHES, status: 403 }]), /may not do this \(403.*project/);
  });
  it('404 project says to check project_id', async () => {
    failedWith(await world.run('opened', 922, { project_id: 'no-such-project-123' }), /404.*Check project_id "no-such-project-123"/);
  });
  it('404 parent branch id', async () => {
    failedWith(await world.run('opened', 923, { parent_branch: 'br-missing-00000000' }), /parent_branch "br-missing-00000000" was not found/);
  });
  it('an empty api_key on a fork PR says why, before any API call', async () => {
    const before = world.neon.api.requests.length;
    const result = await world.run('opened', 924, { api_key: '' }, { fork: true });
    failedWith(result, /api_key.*fork/);
    expect(world.neon.api.requests.length).toBe(before);
  });
});

describe('GitHub', () => {
  it('403 on comments is a warning and the step succeeds', async () => {
    world.github.commentFault = { status: 403, times: 10 };
    const result = await world.run('opened', 930);
    succeeded(result);
    expect(result.warnings.join('\n')).toMatch(/Could not write the PR comment: GitHub refused \(403\).*pull-requests: write/);
    expect(result.outputs.db_url).toMatch(/^postgresql:/);
  });
  it('5xx on the comment is retried, then a warning', async () => {
    world.github.commentFault = { status: 502, times: 10 };
    const result = await world.run('opened', 931);
    succeeded(result);
    expect(result.warnings.join('\n')).toMatch(/502/);
  });
  it('a PR with hundreds of comments: the sticky one is found on a later page and updated, never duplicated', async () => {
    world.github.addNoise(932, 150);
    succeeded(await world.run('opened', 932));
    world.github.addNoise(932, 180);
    succeeded(await world.run('synchronize', 932));
    const ours = world.github.commentsOn(932).filter((c) => c.body.includes('neon-preview-branch-action'));
    expect(ours).toHaveLength(1);
    expect(ours[0]?.body).toContain('Reused');
  });
});

describe('bad input fails before any API call, naming the input', () => {
  it.each([
    ['expires_in', 'forever'],
    ['expires_in', '31d'],
    ['expires_at', 'next tuesday'],
    ['timeout', '-1'],
    ['timeout', 'abc'],
    ['command', 'destroy'],
    ['ssl', 'sometimes'],
    ['branch_type', 'full'],
    ['branch_name', 'b'.repeat(300)],
    ['verify_connection', 'sometimes'],
    ['fail_on_destructive', 'maybe'],
  ])('%s = %s', async (input, value) => {
    const before = world.neon.api.requests.length;
    const result = await world.run('opened', 940, { [input]: value });
    failedWith(result, new RegExp(`Input \`${input}\``));
    expect(world.neon.api.requests.length).toBe(before);
  });
});

describe('never the wrong database', () => {
  it("fails loudly when Neon answers with the default branch's URI: in its answer to the create, or when asked for it on a reuse", async () => {
    world.neon.model.misrouteConnectionUri = true;
    try {
      const created = await world.run('opened', 950);
      failedWith(created, /Refusing to output a connection/);
      expect(created.outputs.db_url).toBeUndefined();
      const reused = await world.run('synchronize', 950);
      failedWith(reused, /Refusing to output a connection/);
      expect(reused.outputs.db_url).toBeUndefined();
      expect(world.neon.api.requests.some((r) => r.route === '/projects/:project_id/connection_uri')).toBe(true);
    } finally {
      world.neon.model.misrouteConnectionUri = false;
    }
  });

  it('lookup is exact: preview/pr-1 does not find preview/pr-12', async () => {
    const twelve = await world.run('opened', 12, { branch_name: 'preview/pr-12' });
    succeeded(twelve);
    const one = await world.run('opened', 1, { branch_name: 'preview/pr-1' });
    succeeded(one);
    expect(one.outputs.created).toBe('true');
    expect(one.outputs.branch_id).not.toBe(twelve.outputs.branch_id);
  });

  it.each(['create', 'delete'])('%s refuses the default branch', async (command) => {
    failedWith(await world.run('opened', 951, { command, branch_name: 'main' }), /Refusing to .*"main".*default branch/);
    expect(world.neon.model.defaultBranch.name).toBe('main');
  });

  it('delete refuses a branch this action did not make, and a protected one', async () => {
    const model = world.neon.model;
    const own = model.newBranch({ name: 'alice/experiment', initSource: 'parent-data', parentId: model.defaultBranch.id });
    own.state = 'ready';
    failedWith(await world.run('closed', 952, { branch_name: 'alice/experiment' }), /not created by this action/);
    expect(model.branches.has(own.id)).toBe(true);
    const prot = model.newBranch({ name: 'preview/protected', initSource: 'parent-data', parentId: model.defaultBranch.id, protected: true, annotation: { 'managed-by': 'neon-preview-branch-action', 'github-repository': 'acme/shop' } });
    failedWith(await world.run('closed', 953, { branch_name: 'preview/protected' }), /protected branch/);
    expect(model.branches.has(prot.id)).toBe(true);
  });
});
