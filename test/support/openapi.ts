import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

type Json = Record<string, unknown>;
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** The official Neon API description that ships in @neondatabase/api-client. */
function loadSpec(): Json {
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve('@neondatabase/api-client/package.json'));
  // Every `#/components/...` reference points into the schema registered as `neon`.
  const text = readFileSync(path.join(dir, 'public-v2-for-users.gen.yaml'), 'utf8').replaceAll('"#/components/', '"neon#/components/').replaceAll("'#/components/", "'neon#/components/");
  return parse(text) as Json;
}

/** Validates a response of the Neon API against the schema its route and status declare. */
export class NeonSchema {
  private readonly spec = loadSpec();
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly cache = new Map<string, ValidateFunction>();

  constructor() {
    addFormats(this.ajv);
    // The description's own name for a plain integer (BranchesCountResponse.count).
    this.ajv.addFormat('int', true);
    this.ajv.addSchema({ $id: 'neon', components: this.spec.components }, 'neon');
  }

  /** `:name` templates as the emulator writes them, `{name}` as the spec does. */
  hasRoute(method: string, template: string): boolean {
    return this.operation(method, template) !== undefined;
  }

  private operation(method: string, template: string): Json | undefined {
    const paths = this.spec.paths as Record<string, Json>;
    return paths[template.replace(/:([a-z_]+)/g, '{$1}')]?.[method.toLowerCase()] as Json | undefined;
  }

  /** The problems with `body` as the answer `status` to `method template`; empty when it conforms. */
  validate(method: string, template: string, status: number, body: unknown): string[] {
    const op = this.operation(method, template);
    if (!op) return [`${method} ${template} is not in the Neon API description`];
    const responses = op.responses as Record<string, Json>;
    let response = responses[String(status)] ?? responses.default;
    if (!response) return [`${method} ${template} declares no ${status} response`];
    const ref = response.$ref as string | undefined;
    if (ref) response = ((this.spec.components as Json).responses as Record<string, Json>)[ref.split('/').pop() as string] as Json;
    const schema = ((response.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema;
    if (!schema) return [];
    const key = `${method} ${template} ${status}`;
    let check = this.cache.get(key);
    if (!check) {
      check = this.ajv.compile(schema as Json);
      this.cache.set(key, check);
    }
    return check(body) ? [] : (check.errors ?? []).map((e) => `${key}: ${e.instancePath || '(body)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }
}
