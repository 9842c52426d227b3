import { expect } from 'vitest';
import type { NeonClient } from '../support/neon-client.js';

/**
 * Calls the anonymized-branch, Neon Auth and Data API routes for openapi.test.ts (which validates
 * every answer against the official description and fails on a route never called): each route's
 * success, and the errors Neon answers with.
 */
export async function callAnonymizationAuthAndDataApi(client: NeonClient, mainId: string): Promise<void> {
  const p = client.project;
  const until = async (branchId: string, state: string) => {
    for (let i = 0; i < 400; i++) {
      const { body } = await client.call('GET', `${p}/branches/${branchId}/anonymized_status`);
      if (body.state === state) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`branch ${branchId} never became ${state}`);
  };
  const rule = { database_name: 'neondb', schema_name: 'public', table_name: 'users', column_name: 'email', masking_function: 'anon.fake_email()' };

  const created = await client.call('POST', `${p}/branch_anonymized`, {
    branch_create: { branch: { name: 'preview/anonymized', parent_id: mainId }, endpoints: [{ type: 'read_write' }] },
    masking_rules: [rule],
    start_anonymization: false,
    annotation_value: { 'managed-by': 'neon-preview-branch-action' },
  });
  expect(created.status).toBe(201);
  await client.settle(created.body.operations);
  const id = created.body.branch.id as string;
  expect((await client.call('GET', `${p}/branches/${id}/masking_rules`)).body.masking_rules).toEqual([rule]);
  await client.call('PATCH', `${p}/branches/${id}/masking_rules`, { masking_rules: [rule, { ...rule, column_name: 'name', masking_function: undefined, masking_value: "'REDACTED'" }] });
  await until(id, 'initialized');
  expect((await client.call('POST', `${p}/branches/${id}/anonymize`)).body.state).toBe('anonymizing');
  expect((await client.call('POST', `${p}/branches/${id}/anonymize`)).status).toBe(409);
  await until(id, 'anonymized');
  // Without start_anonymization or rules, and without asking for a compute: Neon adds the read-write one.
  const bare = await client.call('POST', `${p}/branch_anonymized`, {});
  expect(bare.body.endpoints.map((e: { type: string }) => e.type)).toEqual(['read_write']);
  await client.settle(bare.body.operations);

  expect((await client.call('GET', `${p}/branches/${mainId}/anonymized_status`)).status).toBe(404);
  expect((await client.call('GET', `${p}/branches/${mainId}/masking_rules`)).status).toBe(404);
  expect((await client.call('PATCH', `${p}/branches/${id}/masking_rules`, { masking_rules: [{ ...rule, masking_value: "'x'" }] })).status).toBe(400);
  expect((await client.call('POST', `${p}/branch_anonymized`, { masking_rules: [{ database_name: 'neondb' }] })).status).toBe(400);
  expect((await client.call('POST', `${p}/branches/${id}/restore`, { source_branch_id: mainId })).status).toBe(422);

  expect((await client.call('GET', `${p}/branches/${id}/auth`)).status).toBe(404);
  expect((await client.call('POST', `${p}/branches/${id}/auth`, { auth_provider: 'better_auth' })).status).toBe(201);
  expect((await client.call('POST', `${p}/branches/${id}/auth`, { auth_provider: 'better_auth' })).status).toBe(409);
  expect((await client.call('POST', `${p}/branches/${mainId}/auth`, { auth_provider: 'stack', database_name: 'nodb' })).status).toBe(404);
  expect((await client.call('GET', `${p}/branches/${id}/auth`)).status).toBe(200);
  expect((await client.call('DELETE', `${p}/branches/${id}/auth`, {})).status).toBe(200);

  expect((await client.call('GET', `${p}/branches/${id}/data-api/neondb`)).status).toBe(404);
  expect((await client.call('POST', `${p}/branches/${id}/data-api/neondb`, { auth_provider: 'neon_auth' })).status).toBe(201);
  expect((await client.call('POST', `${p}/branches/${id}/data-api/neondb`, {})).status).toBe(409);
  expect((await client.call('POST', `${p}/branches/${id}/data-api/nodb`, {})).status).toBe(404);
  expect((await client.call('GET', `${p}/branches/${id}/data-api/neondb`)).status).toBe(200);
  expect((await client.call('PATCH', `${p}/branches/${id}/data-api/neondb`, { settings: { db_max_rows: 100 } })).status).toBe(201);
  expect((await client.call('DELETE', `${p}/branches/${id}/data-api/neondb`)).status).toBe(200);

  for (const branchId of [id, bare.body.branch.id]) await client.settle((await client.call('DELETE', `${p}/branches/${branchId}`)).body.operations);
}
