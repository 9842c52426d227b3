import { restrictedActions } from './anonymization.js';
import type { Model } from './model.js';
import { ApiError, iso, type AnonymizationRec, type BranchRec, type DatabaseRec, type EndpointRec, type Json, type OperationRec } from './records.js';

export const REGION = 'aws-us-east-2';
export const ORG_ID = 'org-local-emulator';

/** JSON shapes of the official OpenAPI description (validated against it in the tests). */
export function branchView(model: Model, b: BranchRec): Json {
  return {
    id: b.id,
    project_id: model.projectId,
    ...(b.parentId ? { parent_id: b.parentId, parent_lsn: b.parentLsn ?? '0/0', parent_timestamp: iso(b.parentTimestamp ?? b.createdAt) } : {}),
    name: b.name,
    current_state: b.state,
    ...(b.state === 'init' ? { pending_state: 'ready' } : {}),
    state_changed_at: iso(b.updatedAt),
    creation_source: 'console',
    primary: b.isDefault,
    default: b.isDefault,
    protected: b.protected,
    cpu_used_sec: 0,
    compute_time_seconds: 0,
    active_time_seconds: 0,
    written_data_bytes: 0,
    data_transfer_bytes: 0,
    created_at: iso(b.createdAt),
    updated_at: iso(b.updatedAt),
    ...(b.expiresAt ? { expires_at: b.expiresAt } : {}),
    ...(b.lastResetAt ? { last_reset_at: iso(b.lastResetAt) } : {}),
    init_source: b.initSource,
    ...(b.anonymization ? { restricted_actions: restrictedActions(b) } : {}),
  };
}

export function anonymizedStatusView(model: Model, b: BranchRec, a: AnonymizationRec): Json {
  return {
    project_id: model.projectId,
    branch_id: b.id,
    state: a.state,
    status_message: a.statusMessage,
    created_at: iso(a.createdAt),
    updated_at: iso(a.updatedAt),
    ...(a.failedAt ? { failed_at: iso(a.failedAt) } : {}),
    ...(a.lastRun
      ? {
          last_run: {
            started_at: iso(a.lastRun.startedAt),
            ...(a.lastRun.completedAt ? { completed_at: iso(a.lastRun.completedAt) } : {}),
            ...(a.lastRun.maskedColumns !== undefined ? { masked_columns: a.lastRun.maskedColumns } : {}),
          },
        }
      : {}),
  };
}

export function annotationView(b: BranchRec): Json {
  return { object: { type: 'console/branch', id: b.id }, value: b.annotation ?? {}, created_at: iso(b.createdAt), updated_at: iso(b.updatedAt) };
}

export function endpointView(model: Model, e: EndpointRec): Json {
  return {
    host: `127.0.0.1:${e.port}`,
    id: e.id,
    ...(e.name ? { name: e.name } : {}),
    project_id: model.projectId,
    branch_id: e.branchId,
    autoscaling_limit_min_cu: e.size.min,
    autoscaling_limit_max_cu: e.size.max,
    region_id: REGION,
    type: e.type,
    current_state: e.state,
    ...(e.pending ? { pending_state: e.pending } : {}),
    settings: {},
    pooler_enabled: false,
    pooler_mode: 'transaction',
    disabled: false,
    passwordless_access: true,
    creation_source: 'console',
    created_at: iso(e.createdAt),
    updated_at: iso(e.updatedAt),
    ...(e.startedAt ? { started_at: iso(e.startedAt) } : {}),
    ...(e.suspendedAt ? { suspended_at: iso(e.suspendedAt) } : {}),
    ...(e.lastActiveAt ? { last_active: iso(e.lastActiveAt) } : {}),
    proxy_host: '127.0.0.1',
    suspend_timeout_seconds: e.suspendTimeout,
    provisioner: 'k8s-neonvm',
  };
}

export function operationView(model: Model, op: OperationRec): Json {
  const end = op.finishedAt ?? Date.now();
  return {
    id: op.id,
    project_id: model.projectId,
    branch_id: op.branchId,
    ...(op.endpointId ? { endpoint_id: op.endpointId } : {}),
    action: op.action,
    status: op.status,
    ...(op.error ? { error: op.error } : {}),
    failures_count: op.status === 'failed' ? 1 : 0,
    created_at: iso(op.createdAt),
    updated_at: iso(op.updatedAt),
    total_duration_ms: op.startedAt ? end - op.startedAt : 0,
  };
}

export function projectView(model: Model): Json {
  const created = iso(model.projectCreatedAt);
  return {
    data_storage_bytes_hour: 0,
    data_transfer_bytes: 0,
    written_data_bytes: 0,
    compute_time_seconds: 0,
    active_time_seconds: 0,
    cpu_used_sec: 0,
    id: model.projectId,
    platform_id: 'aws',
    region_id: REGION,
    name: model.projectName,
    provisioner: 'k8s-neonvm',
    default_endpoint_settings: {
      autoscaling_limit_min_cu: model.defaultEndpointSettings.size.min,
      autoscaling_limit_max_cu: model.defaultEndpointSettings.size.max,
      suspend_timeout_seconds: model.defaultEndpointSettings.suspendTimeout,
    },
    settings: model.projectSettings,
    pg_version: 18,
    proxy_host: '127.0.0.1',
    branch_logical_size_limit: 512,
    branch_logical_size_limit_bytes: 536870912,
    store_passwords: true,
    creation_source: 'console',
    history_retention_seconds: model.historyRetentionSeconds,
    created_at: created,
    updated_at: iso(model.projectUpdatedAt),
    consumption_period_start: created,
    consumption_period_end: created,
    owner_id: ORG_ID,
    org_id: ORG_ID,
  };
}

const NOT_IN_LIST = ['data_storage_bytes_hour', 'data_transfer_bytes', 'written_data_bytes', 'compute_time_seconds', 'active_time_seconds', 'consumption_period_start', 'consumption_period_end', 'history_retention_seconds'];

export function projectListItemView(model: Model): Json {
  const full = projectView(model);
  return { ...Object.fromEntries(Object.entries(full).filter(([key]) => !NOT_IN_LIST.includes(key))), active_time: 0 };
}

export function roleView(b: BranchRec, name: string, withPassword = false): Json {
  const r = b.roles.get(name);
  if (!r) throw new ApiError(404, `role not found: ${name}`);
  return {
    branch_id: b.id,
    name,
    ...(withPassword && !r.noLogin ? { password: r.password } : {}),
    protected: false,
    authentication_method: r.noLogin ? 'no_login' : 'password',
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt ?? r.createdAt),
  };
}

export function rolesView(b: BranchRec): Json[] {
  return [...b.roles.keys()].map((name) => roleView(b, name));
}

export function databaseView(b: BranchRec, d: DatabaseRec): Json {
  return { id: d.id, branch_id: b.id, name: d.name, owner_name: d.owner, created_at: iso(d.createdAt), updated_at: iso(d.updatedAt ?? d.createdAt) };
}

export function databasesView(b: BranchRec): Json[] {
  return b.databases.map((d) => databaseView(b, d));
}

export function organizationView(model: Model): Json {
  const created = iso(model.projectCreatedAt);
  return { id: ORG_ID, name: 'Local emulator', handle: 'local-emulator', plan: 'free', managed_by: 'console', created_at: created, updated_at: created };
}

export function userView(): Json {
  const email = 'developer@emulator.localhost';
  return {
    id: 'local-emulator-user',
    email,
    login: email,
    name: 'Local',
    last_name: 'Developer',
    image: '',
    active_seconds_limit: 0,
    projects_limit: 1,
    branches_limit: 5000,
    max_autoscaling_limit: 0,
    compute_seconds_limit: 0,
    plan: 'free',
    auth_accounts: [{ provider: 'keycloak', email, name: 'Local Developer', login: email, image: '' }],
  };
}
