import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

type Json = Record<string, unknown>;
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Json;
}

/** A request as the emulator received it: path parameters decoded, the query as sent, the parsed body. */
export interface RequestParts {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

let cached: Json | undefined;

/**
 * The official Neon API description that ships in @neondatabase/api-client. Parsing its YAML takes
 * seconds on a busy machine, so the result is kept as JSON in the temp directory, per version.
 */
function loadSpec(): Json {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve('@neondatabase/api-client/package.json'));
  const version = (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const copy = path.join(os.tmpdir(), `neon-emulator-openapi-${version}.json`);
  try {
    // Only a copy this user wrote is trusted.
    if (statSync(copy).uid === (process.getuid?.() ?? statSync(copy).uid)) cached = JSON.parse(readFileSync(copy, 'utf8')) as Json;
  } catch {
    // No copy yet, or a broken one: parse the YAML.
  }
  if (!cached) {
    // Every `#/components/...` reference points into the schema registered as `neon`.
    const text = readFileSync(path.join(dir, 'public-v2-for-users.gen.yaml'), 'utf8').replaceAll('"#/components/', '"neon#/components/').replaceAll("'#/components/", "'neon#/components/");
    cached = parse(text) as Json;
    try {
      const staging = `${copy}.${process.pid}`;
      writeFileSync(staging, JSON.stringify(cached), { mode: 0o644 });
      renameSync(staging, copy);
    } catch {
      // A read-only temp directory: parse again next time.
    }
  }
  return cached;
}

/** `:name` templates as the emulator writes them, `{name}` as the description does. */
const specPath = (template: string) => template.replace(/:([a-z_]+)/g, '{$1}');

/** `/branch/endpoints/0/type` → `branch.endpoints[0].type`. */
function fieldName(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  return parts.reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name ? `${name}.${part}` : part), '');
}

/** The most specific of Ajv's errors, as one sentence that names the field. */
function describe(errors: ErrorObject[], where: string): string {
  const specific = errors.filter((e) => !['anyOf', 'oneOf', 'allOf', 'if', 'not'].includes(e.keyword));
  const pool = specific.length ? specific : errors;
  const error = pool.reduce((best, e) => (e.instancePath.length > best.instancePath.length ? e : best), pool[0] as ErrorObject);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return `${where}: "${fieldName(error.instancePath, String(params.missingProperty))}" is required`;
  if (error.keyword === 'additionalProperties') return `${where}: "${fieldName(error.instancePath, String(params.additionalProperty))}" is not allowed`;
  const field = fieldName(error.instancePath);
  const allowed = error.keyword === 'enum' ? ` (${(params.allowedValues as unknown[]).map(String).join(', ')})` : '';
  return `${where}: ${field ? `"${field}" ` : ''}${error.message ?? 'is invalid'}${allowed}`;
}

/**
 * The Neon API as its official OpenAPI description defines it: which routes exist, what a request
 * to each may carry (path, query, body), and what each answer looks like.
 */
export class NeonOpenApi {
  private static instance?: NeonOpenApi;
  private readonly spec = loadSpec();
  /** Answers are checked as sent; query and path values arrive as text and are read as the types declared. */
  private readonly answers = new Ajv({ strict: false, validateSchema: false, allErrors: true });
  private readonly bodies = new Ajv({ strict: false, validateSchema: false, allErrors: true });
  private readonly parameters = new Ajv({ strict: false, validateSchema: false, allErrors: true, coerceTypes: 'array' });
  private readonly cache = new Map<string, ValidateFunction>();

  constructor() {
    for (const ajv of [this.answers, this.bodies, this.parameters]) {
      addFormats(ajv);
      // The description's own name for a plain integer (BranchesCountResponse.count).
      ajv.addFormat('int', true);
      ajv.addSchema({ $id: 'neon', components: this.spec.components }, 'neon');
    }
  }

  /** One per process: validators are compiled once, on first use of each route. */
  static shared(): NeonOpenApi {
    NeonOpenApi.instance ??= new NeonOpenApi();
    return NeonOpenApi.instance;
  }

  hasRoute(method: string, template: string): boolean {
    return this.operation(method, template) !== undefined;
  }

  private operation(method: string, template: string): Json | undefined {
    const paths = this.spec.paths as Record<string, Json>;
    return paths[specPath(template)]?.[method.toLowerCase()] as Json | undefined;
  }

  private compile(ajv: Ajv, key: string, schema: Json): ValidateFunction {
    let check = this.cache.get(key);
    if (!check) {
      check = ajv.compile(schema);
      this.cache.set(key, check);
    }
    return check;
  }

  /** The path and operation parameters of a route, `$ref`s resolved. */
  private parametersOf(method: string, template: string): Parameter[] {
    const item = (this.spec.paths as Record<string, Json>)[specPath(template)] ?? {};
    const shared = (this.spec.components as Json).parameters as Record<string, Parameter>;
    const list = [...((item.parameters as Json[] | undefined) ?? []), ...(((this.operation(method, template) ?? {}).parameters as Json[] | undefined) ?? [])];
    const resolved = list.map((p) => (typeof p.$ref === 'string' ? (shared[p.$ref.split('/').pop() as string] as Parameter) : (p as unknown as Parameter)));
    // An operation's own parameter overrides the path's of the same name and place.
    return [...new Map(resolved.map((p) => [`${p.in} ${p.name}`, p])).values()];
  }

  /**
   * The first way a request breaks the description, as Neon's 400 message would put it (naming
   * the parameter or field), or undefined when it conforms.
   */
  checkRequest(method: string, template: string, request: RequestParts): string | undefined {
    const op = this.operation(method, template);
    if (!op) return `${method} ${specPath(template)} is not a Neon API route`;
    const parameters = this.parametersOf(method, template);
    for (const place of ['path', 'query'] as const) {
      const declared = parameters.filter((p) => p.in === place);
      if (!declared.length) continue;
      const values: Json = {};
      for (const p of declared) {
        if (place === 'path') {
          if (request.params[p.name] !== undefined) values[p.name] = request.params[p.name];
        } else if (request.query.has(p.name)) {
          values[p.name] = p.schema?.type === 'array' ? request.query.getAll(p.name) : request.query.get(p.name);
        }
      }
      const schema = {
        type: 'object',
        properties: Object.fromEntries(declared.map((p) => [p.name, p.schema ?? {}])),
        required: declared.filter((p) => p.required || place === 'path').map((p) => p.name),
      };
      const check = this.compile(this.parameters, `${method} ${template} ${place}`, schema);
      if (!check(values)) return describe(check.errors ?? [], place === 'path' ? 'path parameter' : 'query parameter');
    }
    const requestBody = op.requestBody as Json | undefined;
    if (!requestBody) return undefined;
    if (request.body === undefined) return requestBody.required ? 'request body: a JSON body is required' : undefined;
    const schema = ((requestBody.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema as Json | undefined;
    if (!schema) return undefined;
    const check = this.compile(this.bodies, `${method} ${template} body`, schema);
    return check(request.body) ? undefined : describe(check.errors ?? [], 'request body');
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
    const check = this.compile(this.answers, key, schema as Json);
    return check(body) ? [] : (check.errors ?? []).map((e) => `${key}: ${e.instancePath || '(body)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }
}
