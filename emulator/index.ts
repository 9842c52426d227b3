import { ApiKeys } from './api-keys.js';
import { Model, type ModelOptions } from './model.js';
import { NEON_RATE_LIMITS, type RateLimits } from './rate-limit.js';
import { ApiServer } from './server.js';
import { ensureCertificate } from './tls.js';

export type { FaultRule } from './faults.js';
export { CERT_FILE } from './tls.js';

export interface EmulatorOptions extends ModelOptions {
  port?: number;
  /** Neon's limits by default; `false` for none. */
  rateLimits?: RateLimits | false;
}

/** A local Neon API v2 on real Postgres. */
export class Emulator {
  readonly model: Model;
  /** The account's API keys; more can be made and revoked through the API, as on Neon. */
  readonly keys = new ApiKeys();
  /** Reaches everything: the project, the organization, the API keys. For the emulator's own tests and tools. */
  readonly personalKey: string;
  /** Reaches this project only and cannot delete it: what the action needs, and all it gets. */
  readonly projectKey: string;
  private server?: ApiServer;
  url = '';
  private sweep?: NodeJS.Timeout;
  private starting?: Promise<void>;
  private stopping?: Promise<void>;
  private readonly onExit = () => this.model.killAll();

  constructor(private readonly options: EmulatorOptions = {}) {
    this.model = new Model(options);
    this.personalKey = this.keys.create('personal', 'emulator-personal').key;
    this.projectKey = this.keys.create('project', 'emulator-project', this.model.projectId).key;
  }

  static async start(options: EmulatorOptions = {}): Promise<Emulator> {
    const emulator = new Emulator(options);
    await emulator.start();
    return emulator;
  }

  /** Binds the port first, then starts Postgres; a start that fails leaves no process and no files behind. */
  start(): Promise<void> {
    this.starting ??= this.startOnce().catch(async (error: unknown) => {
      await this.release();
      throw error;
    });
    return this.starting;
  }

  private async startOnce(): Promise<void> {
    process.once('exit', this.onExit);
    this.server = new ApiServer(this.model, this.keys, this.options.rateLimits ?? NEON_RATE_LIMITS);
    const port = await this.server.listen(this.options.port ?? 0);
    this.url = `http://127.0.0.1:${port}/api/v2`;
    await this.model.init(await ensureCertificate());
    this.server.serving = true;
    this.sweep = setInterval(() => void this.model.expire(), 250);
    this.sweep.unref();
  }

  /** @deprecated Name the key a caller needs: `personalKey` or `projectKey`. This is the personal key. */
  get apiKey(): string {
    return this.personalKey;
  }

  get projectId(): string {
    return this.model.projectId;
  }

  /** The action inputs that point it at this emulator, with the least privilege it needs: a project-scoped key. */
  actionInputs(): Record<string, string> {
    return { api_key: this.projectKey, project_id: this.projectId, api_host: this.url };
  }

  /** The default branch's URI (database neondb, role neondb_owner), to seed or check the parent's data. */
  defaultBranchUri(): string {
    const endpoint = this.model.endpointsOf(this.model.defaultBranch.id).find((e) => e.type === 'read_write');
    if (!endpoint) throw new Error('the default branch has no read_write compute');
    return this.model.uri(endpoint, 'neondb_owner', 'neondb');
  }

  get api(): ApiServer {
    if (!this.server) throw new Error('emulator not started');
    return this.server;
  }

  /** Stops every Postgres it started and removes its data; waits for a start still under way first. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.starting?.catch(() => undefined);
      await this.release();
    })();
    return this.stopping;
  }

  private async release(): Promise<void> {
    if (this.sweep) clearInterval(this.sweep);
    await this.server?.close();
    await this.model.close();
    process.removeListener('exit', this.onExit);
  }
}
