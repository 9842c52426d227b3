import * as ids from './ids.js';
import { Model, type ModelOptions } from './model.js';
import { NEON_RATE_LIMITS, type RateLimits } from './rate-limit.js';
import { ApiServer } from './server.js';
import { ensureCertificate } from './tls.js';

export type { FaultRule } from './faults.js';
export { CERT_FILE } from './tls.js';

export interface EmulatorOptions extends ModelOptions {
  port?: number;
  apiKey?: string;
  /** Neon's limits by default; `false` for none. */
  rateLimits?: RateLimits | false;
}

/** A local Neon API v2 on real Postgres. */
export class Emulator {
  readonly model: Model;
  readonly apiKey: string;
  private server?: ApiServer;
  url = '';
  private sweep?: NodeJS.Timeout;
  private readonly onExit = () => this.model.killAll();

  constructor(private readonly options: EmulatorOptions = {}) {
    this.model = new Model(options);
    this.apiKey = options.apiKey ?? ids.apiKey();
  }

  static async start(options: EmulatorOptions = {}): Promise<Emulator> {
    const emulator = new Emulator(options);
    await emulator.start();
    return emulator;
  }

  async start(): Promise<void> {
    process.once('exit', this.onExit);
    await this.model.init(await ensureCertificate());
    this.server = new ApiServer(this.model, new Set([this.apiKey]), this.options.rateLimits ?? NEON_RATE_LIMITS);
    const port = await this.server.listen(this.options.port ?? 0);
    this.url = `http://127.0.0.1:${port}/api/v2`;
    this.sweep = setInterval(() => void this.model.expire(), 250);
    this.sweep.unref();
  }

  get projectId(): string {
    return this.model.projectId;
  }

  /** The action inputs that point it at this emulator. */
  actionInputs(): Record<string, string> {
    return { api_key: this.apiKey, project_id: this.projectId, api_host: this.url };
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

  async stop(): Promise<void> {
    if (this.sweep) clearInterval(this.sweep);
    await this.server?.close();
    await this.model.close();
    process.removeListener('exit', this.onExit);
  }
}
