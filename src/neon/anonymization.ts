import type { AnnotationValueData, AnonymizedBranchStatusResponse, BranchAnonymizedCreateRequest, MaskingRule } from '@neondatabase/api-client';
import { t } from '../text.js';
import { branchCreateRequest, createdBranch, field, type CreateBranchBody, type CreatedBranch, type NeonApi } from './api.js';

/** Neon's anonymization states, as `anonymized_status` reports them. */
export type AnonymizationState = 'created' | 'initialized' | 'initialization_error' | 'anonymizing' | 'anonymized' | 'error';
export type AnonymizedStatus = AnonymizedBranchStatusResponse;

/**
 * The routes of Neon's anonymized branches (static masking with PostgreSQL Anonymizer):
 * `branch_anonymized`, `masking_rules`, `anonymize`, `anonymized_status`.
 */
export class AnonymizationApi {
  constructor(private readonly api: NeonApi) {}

  private branchPath(branchId: string, what: string): string {
    return `/projects/${encodeURIComponent(this.api.projectId)}/branches/${branchId}/${what}`;
  }

  /**
   * `POST /branch_anonymized`: the branch as a normal create makes it (name, parent, expiry,
   * schema-only, compute, annotations), with its masking rules, anonymization started at once.
   * Undefined when the name is taken (409).
   */
  async create(body: CreateBranchBody, rules: MaskingRule[]): Promise<CreatedBranch | undefined> {
    const request: BranchAnonymizedCreateRequest & { annotation_value: AnnotationValueData } = {
      branch_create: branchCreateRequest(body),
      masking_rules: rules,
      start_anonymization: true,
      annotation_value: body.annotation,
    };
    const response = await this.api.http.call('POST', `/projects/${encodeURIComponent(this.api.projectId)}/branch_anonymized`, { body: request, allow: [409] });
    return response.status === 409 ? undefined : createdBranch(response);
  }

  /** The branch's anonymization state; undefined when it is not an anonymized branch (404). */
  async status(branchId: string): Promise<AnonymizedStatus | undefined> {
    const response = await this.api.http.call('GET', this.branchPath(branchId, 'anonymized_status'), { allow: [404] });
    if (response.status === 404) return undefined;
    field<string>(response, 'state', 'string');
    return response.data as AnonymizedStatus;
  }

  async rules(branchId: string): Promise<MaskingRule[]> {
    return field<MaskingRule[]>(await this.api.http.call('GET', this.branchPath(branchId, 'masking_rules'), { notFound: t`Branch ${branchId} is no longer an anonymized branch, or no longer exists` }), 'masking_rules', 'array');
  }

  /** Replaces the branch's rules (they apply from the next anonymization). */
  async replaceRules(branchId: string, rules: MaskingRule[]): Promise<void> {
    await this.api.http.call('PATCH', this.branchPath(branchId, 'masking_rules'), { body: { masking_rules: rules } });
  }

  /**
   * `POST .../anonymize`: applies the branch's rules to its current data. Undefined when Neon
   * refuses because the state changed meanwhile (409: another run started it).
   */
  async start(branchId: string): Promise<AnonymizedStatus | undefined> {
    const response = await this.api.http.call('POST', this.branchPath(branchId, 'anonymize'), { allow: [409] });
    if (response.status === 409) return undefined;
    field<string>(response, 'state', 'string');
    return response.data as AnonymizedStatus;
  }
}
