import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../emulator/runner.js';
import { World } from '../support/world.js';
import { expectClean, expectFailedWith, expectSucceeded, neonCall } from './helpers.js';

const EMAIL = { database_name: 'neondb', schema_name: 'public', table_name: 'people', column_name: 'email', masking_function: 'anon.fake_email()' };

/** Where a secret could show up: every output, the log, stderr, the summary and this PR's comments. */
function everywhere(world: World, result: RunResult, pr: number): string {
  return [JSON.stringify(result.outputs), result.log, result.stderr, result.summary, ...world.github.commentsOn(pr).map((c) => c.body)].join('\n');
}

describe('Neon Auth and the Data API (get_auth_url, get_data_api_url)', () => {
  let world: World;
  beforeAll(async () => {
    world = await World.start();
  });
  afterAll(() => world.stop());

  it('not enabled: empty outputs and a notice each, never a failure', async () => {
    const result = await world.run('opened', 20, { get_auth_url: 'true', get_data_api_url: 'true' });
    expectSucceeded(world, result);
    expect(result.outputs.auth_url).toBe('');
    expect(result.outputs.data_api_url).toBe('');
    expect(result.notices.join('\n')).toMatch(/Neon Auth is not enabled on branch preview\/pr-20-feature-login.*auth_url is empty/);
    expect(result.notices.join('\n')).toMatch(/the Data API is not enabled for database neondb on branch preview\/pr-20-feature-login.*data_api_url is empty/);
    expect(result.outputs.db_url).toMatch(/^postgresql:/);
    expect(world.github.commentsOn(20)[0]?.body).toMatch(/\| Neon Auth \| not enabled \|[\s\S]*\| Data API \| not enabled \|/);
  });

  it('enabled: the URLs as outputs, in the summary and the comment; Neon Auth\'s keys nowhere', async () => {
    const first = await world.run('opened', 21);
    const id = first.outputs.branch_id ?? '';
    const auth = await neonCall<{ secret_server_key: string; pub_client_key: string; base_url: string }>(world, 'POST', `/branches/${id}/auth`, { auth_provider: 'stack' });
    const dataApi = await neonCall<{ url: string }>(world, 'POST', `/branches/${id}/data-api/neondb`, {});
    const result = await world.run('synchronize', 21, { get_auth_url: 'true', get_data_api_url: 'true' });
    expectSucceeded(world, result);
    expect(result.outputs.auth_url).toBe(auth.base_url);
    expect(result.outputs.data_api_url).toBe(dataApi.url);
    expect(result.notices).toEqual([]);
    const comment = world.github.commentsOn(21)[0]?.body ?? '';
    expect(comment).toContain(auth.base_url);
    expect(result.summary).toContain(dataApi.url);
    const shown = everywhere(world, result, 21);
    for (const key of [auth.secret_server_key, auth.pub_client_key]) expect(shown.includes(key)).toBe(false);
    // Not asked: no request, empty outputs.
    const from = world.neon.api.requests.length;
    const plain = await world.run('synchronize', 21);
    expect(plain.outputs.auth_url).toBe('');
    expect(world.calls(from).some((c) => c.route.endsWith('/auth') || c.route.includes('/data-api/'))).toBe(false);
  });
});

describe('compute_units, and bad inputs', () => {
  let world: World;
  beforeAll(async () => {
    world = await World.start();
  });
  afterAll(() => world.stop());

  it('is sent as the compute\'s autoscaling limits on create, and the comment and summary show the compute\'s size', async () => {
    const from = world.neon.api.requests.length;
    const result = await world.run('opened', 30, { compute_units: '0.5-2' });
    expectSucceeded(world, result);
    const create = world.neon.api.requests.slice(from).find((c) => c.method === 'POST' && c.route === '/projects/:project_id/branches');
    expect((create?.body as { endpoints: unknown[] }).endpoints).toEqual([{ type: 'read_write', autoscaling_limit_min_cu: 0.5, autoscaling_limit_max_cu: 2 }]);
    // What Neon reports for the compute is what is shown: the size asked for, stored by Neon.
    const size = '0.5–2 CU (autoscaling)';
    expect(world.github.commentsOn(30)[0]?.body).toContain(`| Compute | ${size} |`);
    expect(result.summary).toContain(`| Compute | ${size} |`);

    // The same size on the next push: nothing to say.
    const same = await world.run('synchronize', 30, { compute_units: '0.5-2' });
    expectSucceeded(world, same);
    expect(same.notices.join('\n')).not.toContain('compute_units');

    // A reused branch's compute keeps its size (resizing would restart it): a notice says so.
    const reusedFrom = world.neon.api.requests.length;
    const reused = await world.run('synchronize', 30, { compute_units: '4' });
    expectSucceeded(world, reused);
    expect(reused.notices.join('\n')).toContain(`runs at ${size}, not 4 CU as compute_units asks`);
    expect(world.calls(reusedFrom).filter((c) => c.route.startsWith('/projects/:project_id/endpoints') && c.method !== 'GET')).toEqual([]);
  });

  it('a fixed size: compute_units 1 is sent as min = max = 1, stored by Neon, shown as 1 CU; the same value on the next push says nothing', async () => {
    const from = world.neon.api.requests.length;
    const result = await world.run('opened', 32, { compute_units: '1' });
    expectSucceeded(world, result);
    const create = world.neon.api.requests.slice(from).find((c) => c.method === 'POST' && c.route === '/projects/:project_id/branches');
    expect((create?.body as { endpoints: unknown[] }).endpoints).toEqual([{ type: 'read_write', autoscaling_limit_min_cu: 1, autoscaling_limit_max_cu: 1 }]);
    const { endpoints } = await neonCall<{ endpoints: { type: string; autoscaling_limit_min_cu: number; autoscaling_limit_max_cu: number }[] }>(world, 'GET', `/branches/${result.outputs.branch_id}/endpoints`);
    expect(endpoints.map((e) => [e.type, e.autoscaling_limit_min_cu, e.autoscaling_limit_max_cu])).toEqual([['read_write', 1, 1]]);
    expect(world.github.commentsOn(32)[0]?.body).toContain('| Compute | 1 CU |');
    expect(result.summary).toContain('| Compute | 1 CU |');

    const same = await world.run('synchronize', 32, { compute_units: '1' });
    expectSucceeded(world, same);
    expect(same.notices.join('\n')).not.toContain('compute_units asks');
    expect(world.github.commentsOn(32)[0]?.body).toContain('| Compute | 1 CU |');
  });

  it('an anonymized branch gets it too', async () => {
    const from = world.neon.api.requests.length;
    const result = await world.run('opened', 31, { compute_units: '1', masking_rules: JSON.stringify([{ ...EMAIL, masking_function: undefined, masking_value: "'x'" }]) });
    // The table does not exist in this project: the anonymization fails, but the request carried the size.
    expect(result.code).toBe(1);
    expectClean(world, result);
    const create = world.neon.api.requests.slice(from).find((c) => c.route === '/projects/:project_id/branch_anonymized');
    expect((create?.body as { branch_create: { endpoints: unknown[] } }).branch_create.endpoints).toEqual([{ type: 'read_write', autoscaling_limit_min_cu: 1, autoscaling_limit_max_cu: 1 }]);
  });

  it.each([
    ['masking_rules', 'not json'],
    ['masking_rules', '{"database_name": "neondb"}'],
    ['masking_rules', '[]'],
    ['masking_rules', JSON.stringify([{ database_name: 'neondb', schema_name: 'public', table_name: 'people', masking_function: 'anon.fake_email()' }])],
    ['masking_rules', JSON.stringify([{ ...EMAIL, masking_value: "'x'" }])],
    ['masking_rules', JSON.stringify([{ ...EMAIL, masking_function: undefined }])],
    ['compute_units', '0.3'],
    ['compute_units', '3-1'],
    ['compute_units', '0.25-12'],
    ['compute_units', '8-24'],
    ['compute_units', 'big'],
    ['get_auth_url', 'maybe'],
    ['get_data_api_url', 'sure'],
  ])('bad %s = %s fails before any API call, naming the input', async (input, value) => {
    const before = world.neon.api.requests.length;
    const result = await world.run('opened', 32, { [input]: value });
    expectFailedWith(world, result, new RegExp(`Input \`${input}\``));
    expect(world.neon.api.requests.length).toBe(before);
  });
});
