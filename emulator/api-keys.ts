import { randomBytes, randomUUID } from 'node:crypto';
import { ApiError } from './records.js';

const ALPHANUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** The one organization of the emulated account; the project belongs to it (its `org_id`). */
export const ORG_ID = 'org-local-emulator';

/**
 * Neon's three kinds of API key: personal (everything the user may do), organization (every
 * project of the organization, admin-level) and project-scoped (an organization key with a
 * `project_id`: that project only, member-level).
 */
export type KeyKind = 'personal' | 'organization' | 'project';

export interface ApiKeyRec {
  id: number;
  /** The secret token, sent as `Authorization: Bearer <key>`. */
  key: string;
  name: string;
  kind: KeyKind;
  projectId?: string;
  createdAt: number;
  lastUsedAt?: number;
  lastUsedFrom?: string;
  revoked: boolean;
}

/** A request as far as permissions go: its route template and path parameters. */
export interface Target {
  method: string;
  template: string;
  params: Record<string, string>;
}

/** Neon's own words for a project-scoped key used outside its project (answered with 404). */
export const outsideProject = (projectId: string) => `not allowed to perform actions outside the project this key is scoped to; subject_project_id:"${projectId}"`;
export const NOT_FOR_ORG_KEYS = 'not allowed for organization API keys';
export const PROJECT_DELETE_REFUSED = 'a project-scoped API key cannot delete its project: deleting a project needs a personal API key or an organization API key';

/** The emulated account's API keys: made, used and revoked as on Neon. */
export class ApiKeys {
  /** The user every key belongs to (`created_by`). */
  readonly user = { id: randomUUID(), name: 'Local Emulator User', image: '' };
  private readonly byKey = new Map<string, ApiKeyRec>();
  private nextId = 100_001;

  create(kind: KeyKind, name: string, projectId?: string): ApiKeyRec {
    if (kind === 'project' && !projectId) throw new Error('a project-scoped key needs a project');
    // Neon's tokens: `napi_` and 64 letters and digits.
    const key = `napi_${Array.from(randomBytes(64), (b) => ALPHANUM[b % ALPHANUM.length]).join('')}`;
    const record: ApiKeyRec = { id: this.nextId++, key, name, kind, projectId: kind === 'project' ? projectId : undefined, createdAt: Date.now(), revoked: false };
    this.byKey.set(key, record);
    return record;
  }

  /** The live key a Bearer token names, marked as used; undefined for an unknown or revoked one. */
  authenticate(token: string, from: string): ApiKeyRec | undefined {
    const record = this.byKey.get(token);
    if (!record || record.revoked) return undefined;
    record.lastUsedAt = Date.now();
    record.lastUsedFrom = from;
    return record;
  }

  /** The id of the key a token is, revoked or not. */
  idOf(token: string): number | undefined {
    return this.byKey.get(token)?.id;
  }

  /** Live keys of the given kinds, oldest first. */
  list(kinds: KeyKind[]): ApiKeyRec[] {
    return [...this.byKey.values()].filter((k) => !k.revoked && kinds.includes(k.kind));
  }

  /** Revokes a live key of one of `kinds` at once: its next request is a 401. */
  revoke(id: number, kinds: KeyKind[]): ApiKeyRec {
    const record = [...this.byKey.values()].find((k) => k.id === id && !k.revoked && kinds.includes(k.kind));
    if (!record) throw new ApiError(404, `API key not found: ${id}`);
    record.revoked = true;
    return record;
  }
}

/**
 * Whether `key` may make this request; the refusal Neon answers with when it may not. Personal
 * keys reach everything of the user's; organization keys everything of the organization but the
 * user's own routes; project-scoped keys their project only, and cannot delete it.
 */
export function refusal(key: ApiKeyRec, target: Target): ApiError | undefined {
  const { template, params } = target;
  const inProject = template === '/projects/:project_id' || template.startsWith('/projects/:project_id/');
  const personalRoute = template.startsWith('/api_keys') || template.startsWith('/users/');
  if (key.kind === 'project') {
    const projectId = key.projectId as string;
    if (!inProject || params.project_id !== projectId) return new ApiError(404, outsideProject(projectId));
    if (target.method === 'DELETE' && template === '/projects/:project_id') return new ApiError(403, PROJECT_DELETE_REFUSED);
    return undefined;
  }
  if (key.kind === 'organization' && personalRoute) return new ApiError(404, NOT_FOR_ORG_KEYS);
  if (params.org_id !== undefined && params.org_id !== ORG_ID) return new ApiError(404, `organization not found: ${params.org_id}`);
  return undefined;
}
