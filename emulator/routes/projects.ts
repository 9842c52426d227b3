import { computeSize } from '../compute-size.js';
import type { Model } from '../model.js';
import { validateAllowedIps } from '../network-rules.js';
import { ApiError, type Json } from '../records.js';
import { projectListItemView, projectView } from '../views.js';
import { object, ok, type Request, type Response, type RouteEntry } from './common.js';

const FLAGS = ['block_public_connections', 'block_vpc_connections', 'hipaa'];
/** Settings the emulator keeps and shows but that change nothing it does. */
const KEPT = ['quota', 'maintenance_window', 'audit_log_level'];

/**
 * PATCH /projects/{id}: name, settings (merged key by key, as Neon merges them), default compute
 * settings and history retention. `allowed_ips` and `block_public_connections` take effect on the
 * next connection to any compute.
 */
function updateProject(model: Model, req: Request): Response {
  const spec = object(object(req.body, 'request body').project, 'project');
  const settings = object(spec.settings, 'settings');
  for (const flag of FLAGS) if (settings[flag] !== undefined && typeof settings[flag] !== 'boolean') throw new ApiError(400, `settings.${flag} must be a boolean`);
  validateAllowedIps(settings.allowed_ips);
  if (settings.enable_logical_replication === true && model.projectSettings.enable_logical_replication !== true) throw new ApiError(400, 'the emulator does not emulate logical replication (enable_logical_replication)');
  if (settings.enable_logical_replication === false && model.projectSettings.enable_logical_replication === true) throw new ApiError(400, 'logical replication cannot be disabled once enabled');
  if (settings.preload_libraries !== undefined) throw new ApiError(400, 'the emulator does not preload libraries (preload_libraries)');
  if (spec.name !== undefined && (typeof spec.name !== 'string' || spec.name.length < 1 || spec.name.length > 256)) throw new ApiError(400, 'project name must be 1 to 256 characters');
  const retention = spec.history_retention_seconds;
  if (retention !== undefined && (!Number.isInteger(retention) || (retention as number) < 0 || (retention as number) > 2_592_000)) throw new ApiError(400, 'history_retention_seconds must be an integer from 0 to 2592000');
  const defaults = object(spec.default_endpoint_settings, 'default_endpoint_settings');
  if (Object.keys(object(defaults.pg_settings, 'pg_settings')).length) throw new ApiError(400, 'the emulator does not apply pg_settings to computes');
  const size = computeSize(defaults, model.defaultEndpointSettings.size);
  const timeout = defaults.suspend_timeout_seconds;
  if (timeout !== undefined && (!Number.isInteger(timeout) || (timeout as number) < -1 || (timeout as number) > 604_800)) throw new ApiError(400, 'suspend_timeout_seconds must be an integer from -1 (never) to 604800');

  // Everything checked: now change.
  const next: Json = { ...model.projectSettings };
  for (const key of [...FLAGS, ...KEPT]) if (settings[key] !== undefined) next[key] = settings[key];
  if (settings.allowed_ips !== undefined) next.allowed_ips = { ...object(model.projectSettings.allowed_ips, 'allowed_ips'), ...(settings.allowed_ips as Json) };
  model.projectSettings = next;
  if (typeof spec.name === 'string') model.projectName = spec.name;
  if (typeof retention === 'number') model.historyRetentionSeconds = retention;
  model.defaultEndpointSettings = { size, suspendTimeout: typeof timeout === 'number' ? timeout : model.defaultEndpointSettings.suspendTimeout };
  if (timeout !== undefined) for (const e of model.endpoints.values()) model.armIdleTimer(e);
  model.projectUpdatedAt = Date.now();
  return ok({ project: projectView(model), operations: [] });
}

export const projectRoutes: RouteEntry[] = [
  ['GET', '/projects', (m) => ok({ projects: [projectListItemView(m)], pagination: { cursor: m.projectId }, applications: {}, integrations: {} })],
  ['GET', '/projects/:project_id', (m) => ok({ project: projectView(m) })],
  ['PATCH', '/projects/:project_id', updateProject],
  // No other account shares a project with the emulator's user; the list has no next page.
  ['GET', '/projects/shared', () => ok({ projects: [] })],
  // Project-scoped keys are refused before this (403); the emulator serves one project and keeps it.
  ['DELETE', '/projects/:project_id', () => { throw new ApiError(422, 'the emulator does not delete its project: stop the emulator to discard it'); }],
];
