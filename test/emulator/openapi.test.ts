import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/index.js';
import { ROUTES } from '../../emulator/routes/index.js';
import { NeonClient } from '../support/neon-client.js';
import { NeonSchema } from '../support/openapi.js';
import { callAnonymizationAuthAndDataApi } from './openapi-anonymization-auth-data-api.js';

/** Every route of the emulator, called the way clients call Neon, answers as the official OpenAPI description says. */
describe('emulator responses conform to the Neon OpenAPI description', () => {
  let neon: Emulator;
  const schema = new NeonSchema();
  const seen: { method: string; route: string; status: number; body: unknown }[] = [];

  let client: NeonClient;
  const call = (method: string, path: string, body?: unknown, key?: string) => client.call(method, path, body, key);
  const settle = (operations: { id: string }[]) => client.settle(operations);

  beforeAll(async () => {
    neon = await Emulator.start({ postgres: false, rateLimits: false, operationDelays: { scheduling: 5, create_branch: 10, start_compute: 10, suspend_compute: 10, delete_timeline: 10, create_timeline: 10, apply_config: 10 } });
    client = new NeonClient(neon, (method, answer) => seen.push({ method, route: answer.route, status: answer.status, body: answer.body }));
  });
  afterAll(() => neon.stop());

  /** Follows a list's cursor to its last page; every page is checked like any answer. */
  async function walk(path: string, items: string, next: (body: Record<string, { cursor?: string; next?: string }>) => string | undefined): Promise<number> {
    let pages = 0;
    let cursor: string | undefined;
    for (;;) {
      const answer = await call('GET', `${path}${path.includes('?') ? '&' : '?'}limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(answer.status).toBe(200);
      pages++;
      const after = next(answer.body);
      if (answer.body[items].length < 2 || !after) return pages;
      cursor = after;
    }
  }

  it('on every route, for success and error answers', async () => {
    const p = `/projects/${neon.projectId}`;
    await call('GET', '/projects');
    await call('GET', p);
    await call('GET', '/projects/shared');
    await call('GET', '/users/me');
    await call('GET', '/users/me/organizations');
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
    const preserved = await call('POST', `${p}/branches/${branchId}/restore`, { source_branch_id: branchId, source_timestamp: new Date().toISOString(), preserve_under_name: 'preview/pr-1-before' });
    expect(preserved.status).toBe(200);
    await settle(preserved.body.operations);
    expect((await call('POST', `${p}/branches/${branchId}/restore`, { source_branch_id: branchId })).status).toBe(400);
    expect((await call('POST', `${p}/branches/${branchId}/restore`, { source_branch_id: main.id, source_lsn: 'FF/0' })).status).toBe(400);
    expect((await call('POST', `${p}/branches`, { branch: { name: 'old', parent_timestamp: '2001-01-01T00:00:00Z' } })).status).toBe(400);
    const pointInTime = await call('POST', `${p}/branches`, { branch: { name: 'now', parent_lsn: main.observed?.lsn }, endpoints: [{ type: 'read_write' }] });
    expect(pointInTime.body.connection_uris).toHaveLength(1);
    await settle(pointInTime.body.operations);
    await call('GET', `${p}/branches/count?search=preview`);
    await call('GET', `${p}/branches/${branchId}/schema?db_name=neondb`);
    await call('GET', `${p}/branches/${branchId}/compare_schema?db_name=neondb`);
    await call('GET', `${p}/branches/${branchId}/compare_schema?db_name=neondb&base_branch_id=${main.id}&timestamp=${encodeURIComponent(new Date().toISOString())}`);
    expect((await call('GET', `${p}/branches/${branchId}/schema`)).status).toBe(400);
    expect((await call('GET', `${p}/branches/${main.id}/compare_schema?db_name=neondb`)).status).toBe(400);
    expect((await call('GET', `${p}/branches/${branchId}/compare_schema?db_name=nope`)).status).toBe(404);
    await settle((await call('POST', `${p}/branches/${pointInTime.body.branch.id}/set_as_default`)).body.operations);
    await settle((await call('POST', `${p}/branches/${main.id}/set_as_default`)).body.operations);

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
    const role = await call('POST', `${p}/branches/${branchId}/roles`, { role: { name: 'app_user' } });
    await settle(role.body.operations);
    await settle((await call('POST', `${p}/branches/${branchId}/roles/app_user/reset_password`)).body.operations);
    const database = await call('POST', `${p}/branches/${branchId}/databases`, { database: { name: 'appdb', owner_name: 'app_user' } });
    await settle(database.body.operations);
    await settle((await call('PATCH', `${p}/branches/${branchId}/databases/appdb`, { database: { name: 'shop', owner_name: 'neondb_owner' } })).body.operations);
    expect((await call('POST', `${p}/branches/${branchId}/databases`, { database: { name: 'shop', owner_name: 'neondb_owner' } })).status).toBe(409);
    expect((await call('POST', `${p}/branches/${branchId}/roles`, { role: { name: 'app_user' } })).status).toBe(409);
    expect((await call('DELETE', `${p}/branches/${branchId}/roles/neondb_owner`)).status).toBe(400);
    await settle((await call('DELETE', `${p}/branches/${branchId}/databases/shop`)).body.operations);
    await settle((await call('DELETE', `${p}/branches/${branchId}/roles/app_user`)).body.operations);
    expect((await call('DELETE', `${p}/branches/${branchId}/databases/shop`)).status).toBe(204);
    expect((await call('DELETE', `${p}/branches/${branchId}/roles/app_user`)).status).toBe(204);
    await call('GET', `${p}/connection_uri?branch_id=${branchId}&database_name=neondb&role_name=neondb_owner`);
    await call('GET', `${p}/connection_uri?branch_id=${branchId}&endpoint_id=${endpointId}&database_name=neondb&role_name=neondb_owner&pooled=true`);
    // Every paginated list, to its last page: each page conforms (the operations cursor is never empty).
    expect(await walk(`${p}/operations`, 'operations', (b) => b.pagination?.cursor)).toBeGreaterThan(3);
    expect(await walk(`${p}/branches?sort_by=name&sort_order=asc`, 'branches', (b) => b.pagination?.next)).toBeGreaterThan(1);
    await walk('/projects', 'projects', (b) => b.pagination?.cursor);
    await walk('/projects/shared', 'projects', (b) => b.pagination?.cursor);

    // API keys: personal, organization and project-scoped, made, listed and revoked.
    const org = (await call('GET', p)).body.project.org_id;
    const personal = await call('POST', '/api_keys', { key_name: 'ci' });
    await call('GET', '/api_keys');
    await call('DELETE', `/api_keys/${personal.body.id}`);
    const scoped = await call('POST', `/organizations/${org}/api_keys`, { key_name: 'preview', project_id: neon.projectId });
    await call('GET', `/organizations/${org}/api_keys`);
    await call('DELETE', `/organizations/${org}/api_keys/${scoped.body.id}`);
    expect((await call('DELETE', p, undefined, neon.projectKey)).status).toBe(403);

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

    expect((await call('POST', `${p}/branches/br-missing-00000000/set_as_default`)).status).toBe(404);
    expect((await call('POST', `${p}/branches/${branchId}/roles/nobody/reset_password`)).status).toBe(404);
    expect((await call('PATCH', `${p}/branches/${branchId}/databases/nope`, { database: { name: 'x' } })).status).toBe(404);
    expect((await call('GET', `${p}/branches/${branchId}/schema?db_name=neondb&format=json`)).status).toBe(400);
    expect((await call('GET', `${p}/branches/${branchId}/schema?db_name=neondb&timestamp=yesterday`)).status).toBe(400);
    expect((await call('GET', '/projects/shared/nothing')).status).toBe(404);
    expect((await call('PATCH', `${p}/branches/count`)).status).toBe(405);

    // A branch whose copy failed: its create_branch operation failed, the branch in state error.
    neon.model.failNext.set('create_branch', 1);
    const broken = await call('POST', `${p}/branches`, { branch: { name: 'preview/broken' }, endpoints: [{ type: 'read_write' }] });
    expect(broken.status).toBe(201);
    await expect(settle(broken.body.operations.slice(0, 1))).rejects.toThrow(/create_branch failed/);
    expect((await call('GET', `${p}/branches/${broken.body.branch.id}`)).body.branch.current_state).toBe('error');
    await call('GET', `${p}/operations/${broken.body.operations[0].id}`);
    await expect(settle(broken.body.operations.slice(1))).rejects.toThrow(/has no data/);
    await settle((await call('DELETE', `${p}/branches/${broken.body.branch.id}`)).body.operations);

    await settle((await call('DELETE', `${p}/branches/${branchId}`)).body.operations);
    await callAnonymizationAuthAndDataApi(client, main.id);

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
