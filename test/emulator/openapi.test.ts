import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/index.js';
import { ROUTES } from '../../emulator/routes/index.js';
import { NeonClient } from '../support/neon-client.js';
import { NeonSchema } from '../support/openapi.js';

/** Every route of the emulator, called the way clients call Neon, answers as the official OpenAPI description says. */
describe('emulator responses conform to the Neon OpenAPI description', () => {
  let neon: Emulator;
  const schema = new NeonSchema();
  const seen: { method: string; route: string; status: number; body: unknown }[] = [];

  let client: NeonClient;
  const call = (method: string, path: string, body?: unknown, key?: string) => client.call(method, path, body, key);
  const settle = (operations: { id: string }[]) => client.settle(operations);

  beforeAll(async () => {
    neon = await Emulator.start({ postgres: false, rateLimits: false, operationDelays: { scheduling: 5, create_branch: 10, start_compute: 10, suspend_compute: 10, delete_timeline: 10 } });
    client = new NeonClient(neon, (method, answer) => seen.push({ method, route: answer.route, status: answer.status, body: answer.body }));
  });
  afterAll(() => neon.stop());

  it('on every route, for success and error answers', async () => {
    const p = `/projects/${neon.projectId}`;
    await call('GET', '/projects');
    await call('GET', p);
    await call('PATCH', p, { project: { name: 'renamed', settings: { allowed_ips: { ips: ['203.0.113.0/24', '10.0.0.1-10.0.0.9'], protected_branches_only: true }, block_public_connections: false }, default_endpoint_settings: { autoscaling_limit_min_cu: 0.25, autoscaling_limit_max_cu: 1 } } });
    const main = neon.model.defaultBranch;

    const created = await call('POST', `${p}/branches`, {
      branch: { name: 'preview/pr-1', expires_at: new Date(Date.now() + 86_400_000).toISOString() },
      endpoints: [{ type: 'read_write', suspend_timeout_seconds: 300, autoscaling_limit_min_cu: 0.5, autoscaling_limit_max_cu: 2 }],
      annotation_value: { 'managed-by': 'neon-preview-branch-action' },
    });
    expect(created.status).toBe(201);
    await settle(created.body.operations);
    const schemaOnly = await call('POST', `${p}/branches`, { branch: { name: 'preview/pr-2', init_source: 'schema-only', parent_id: main.id }, endpoints: [{ type: 'read_write' }] });
    await settle(schemaOnly.body.operations);
    const branchId = created.body.branch.id;

    const page = await call('GET', `${p}/branches?search=preview&limit=1&sort_by=name&sort_order=asc`);
    await call('GET', `${p}/branches?limit=1&cursor=${encodeURIComponent(page.body.pagination.next)}`);
    await call('GET', `${p}/branches/${branchId}`);
    await settle((await call('PATCH', `${p}/branches/${branchId}`, { branch: { expires_at: new Date(Date.now() + 2 * 86_400_000).toISOString() } })).body.operations);
    await settle((await call('POST', `${p}/branches/${branchId}/restore`, { source_branch_id: main.id, preserve_under_name: undefined })).body.operations);

    const endpoints = await call('GET', `${p}/branches/${branchId}/endpoints`);
    const endpointId = endpoints.body.endpoints[0].id;
    await call('GET', `${p}/endpoints`);
    await call('GET', `${p}/endpoints/${endpointId}`);
    await settle((await call('POST', `${p}/endpoints/${endpointId}/suspend`)).body.operations);
    await settle((await call('POST', `${p}/endpoints/${endpointId}/start`)).body.operations);
    await settle((await call('POST', `${p}/endpoints/${endpointId}/restart`)).body.operations);
    const readOnly = await call('POST', `${p}/endpoints`, { endpoint: { branch_id: branchId, type: 'read_only', autoscaling_limit_min_cu: 1, autoscaling_limit_max_cu: 1, name: 'replica' } });
    await settle(readOnly.body.operations);
    await settle((await call('PATCH', `${p}/endpoints/${readOnly.body.endpoint.id}`, { endpoint: { autoscaling_limit_min_cu: 0.25, autoscaling_limit_max_cu: 4, suspend_timeout_seconds: 60 } })).body.operations);
    await settle((await call('DELETE', `${p}/endpoints/${readOnly.body.endpoint.id}`)).body.operations);

    await call('GET', `${p}/branches/${branchId}/databases`);
    await call('GET', `${p}/branches/${branchId}/databases/neondb`);
    await call('GET', `${p}/branches/${branchId}/roles`);
    await call('GET', `${p}/branches/${branchId}/roles/neondb_owner`);
    await call('GET', `${p}/branches/${branchId}/roles/neondb_owner/reveal_password`);
    await call('GET', `${p}/connection_uri?branch_id=${branchId}&database_name=neondb&role_name=neondb_owner`);
    await call('GET', `${p}/connection_uri?branch_id=${branchId}&endpoint_id=${endpointId}&database_name=neondb&role_name=neondb_owner&pooled=true`);
    const ops = await call('GET', `${p}/operations?limit=2`);
    await call('GET', `${p}/operations?limit=2&cursor=${encodeURIComponent(ops.body.pagination.cursor)}`);

    // Errors: the GeneralError shape, with the status codes Neon uses.
    expect((await call('GET', `${p}/branches/br-missing-00000000`)).status).toBe(404);
    expect((await call('GET', `/projects/no-such-project-123/branches`)).status).toBe(404);
    expect((await call('GET', `${p}/branches`, undefined, 'wrong-key')).status).toBe(401);
    expect((await call('POST', `${p}/branches`, { branch: { name: 'preview/pr-1' } })).status).toBe(409);
    expect((await call('POST', `${p}/branches`, '{not json')).status).toBe(400);
    expect((await call('POST', `${p}/branches`, { branch: { name: 'x', expires_at: 'tomorrow' } })).status).toBe(400);
    expect((await call('GET', `${p}/branches/${branchId}/roles/nobody`)).status).toBe(404);
    expect((await call('PATCH', p, { project: { settings: { allowed_ips: { ips: ['not-an-ip'] } } } })).status).toBe(400);
    expect((await call('PATCH', p, { project: { default_endpoint_settings: { autoscaling_limit_min_cu: 3, autoscaling_limit_max_cu: 2 } } })).status).toBe(400);
    expect((await call('POST', `${p}/endpoints`, { endpoint: { branch_id: branchId, type: 'read_only', autoscaling_limit_max_cu: 0.3 } })).status).toBe(400);
    expect((await call('PATCH', `${p}/endpoints/${endpointId}`, { endpoint: { autoscaling_limit_min_cu: 0.25, autoscaling_limit_max_cu: 10 } })).status).toBe(400);
    expect((await call('PATCH', `${p}/endpoints/ep-missing-00000000`, { endpoint: { suspend_timeout_seconds: 60 } })).status).toBe(404);
    expect((await call('POST', `${p}/branches`, { branch: { name: 'too-big' }, endpoints: [{ type: 'read_write', autoscaling_limit_min_cu: 17, autoscaling_limit_max_cu: 17 }] })).status).toBe(400);

    await settle((await call('DELETE', `${p}/branches/${branchId}`)).body.operations);

    const problems = seen.flatMap((r) => (r.route === 'unknown' ? [] : schema.validate(r.method, r.route, r.status, r.body)));
    expect(problems).toEqual([]);
    // Every route the emulator serves is in the official description, and was checked above.
    const called = new Set(seen.map((r) => `${r.method} ${r.route}`));
    expect(ROUTES.filter((r) => !called.has(`${r.method} ${r.template}`)).map((r) => `${r.method} ${r.template}`)).toEqual([]);
    expect(ROUTES.filter((r) => !schema.hasRoute(r.method, r.template)).map((r) => `${r.method} ${r.template}`)).toEqual([]);
  });

  it('the checker catches a response that breaks the description', () => {
    const broken = { branch: { id: 'br-x', name: 'x' } };
    expect(schema.validate('GET', '/projects/:project_id/branches/:branch_id', 200, broken).length).toBeGreaterThan(0);
  });
});
