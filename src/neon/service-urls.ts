import { neonMessage } from '../failure.js';
import * as log from '../log.js';
import type { NeonApi } from './api.js';

/** A service's URL, or why there is none (Neon's 404 message, scrubbed). */
export type ServiceUrl = { url: string } | { notEnabled: string };

/** Any key-, secret- or token-shaped field of an answer: masked before anything could show it. */
const SECRET_FIELD = /key|secret|token|password/i;

/** The values of every field, at any depth, whose name says it holds a key, a secret, a token or a password. */
export function secretFieldValues(data: unknown): string[] {
  if (typeof data !== 'object' || data === null) return [];
  return Object.entries(data as Record<string, unknown>).flatMap(([name, value]) =>
    typeof value === 'string' ? (SECRET_FIELD.test(name) && value ? [value] : []) : secretFieldValues(value),
  );
}

function maskSecretFields(data: unknown): void {
  for (const secret of secretFieldValues(data)) log.mask(secret);
}

function urlOf(data: unknown, name: string): string | undefined {
  const value = (data as Record<string, unknown> | null)?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Neon Auth's `base_url` for the branch (`GET .../branches/{id}/auth`). That answer carries no key
 * (only the answer that enables Neon Auth does), and only `base_url` is read from it; any field
 * shaped like a key is masked all the same, in case Neon adds one.
 */
export async function neonAuthUrl(api: NeonApi, branchId: string): Promise<ServiceUrl> {
  const response = await api.http.call('GET', `/projects/${encodeURIComponent(api.projectId)}/branches/${branchId}/auth`, { allow: [404] });
  maskSecretFields(response.data);
  const url = response.status === 404 ? undefined : urlOf(response.data, 'base_url');
  return url ? { url } : { notEnabled: response.status === 404 ? neonMessage(JSON.stringify(response.data)) : 'Neon answered without base_url' };
}

/** The Data API's `url` for one database of the branch (`GET .../branches/{id}/data-api/{database}`). */
export async function dataApiUrl(api: NeonApi, branchId: string, database: string): Promise<ServiceUrl> {
  const path = `/projects/${encodeURIComponent(api.projectId)}/branches/${branchId}/data-api/${encodeURIComponent(database)}`;
  const response = await api.http.call('GET', path, { allow: [404] });
  maskSecretFields(response.data);
  const url = response.status === 404 ? undefined : urlOf(response.data, 'url');
  return url ? { url } : { notEnabled: response.status === 404 ? neonMessage(JSON.stringify(response.data)) : 'Neon answered without url' };
}
