import { Emulator, type EmulatorOptions } from '../../emulator/index.js';
import { GitHubStub } from '../../emulator/github-stub.js';
export { sql } from '../../emulator/sql.js';
import { leaks, prEvent, runAction, type RunResult } from '../../emulator/runner.js';

/** An emulated Neon project and a GitHub stub, and a way to run the action against both. */
export class World {
  private constructor(
    readonly neon: Emulator,
    readonly github: GitHubStub,
  ) {}

  static async start(options: EmulatorOptions = {}): Promise<World> {
    const [neon, github] = await Promise.all([Emulator.start(options), GitHubStub.start()]);
    return new World(neon, github);
  }

  async stop(): Promise<void> {
    await Promise.all([this.neon.stop(), this.github.stop()]);
  }

  baseInputs(): Record<string, string> {
    return { api_key: this.neon.apiKey, project_id: this.neon.projectId, api_host: this.neon.url };
  }

  /** Runs the action for a pull request event. */
  run(action: string, pr: number, inputs: Record<string, string> = {}, options: { head?: string; fork?: boolean; env?: Record<string, string> } = {}): Promise<RunResult> {
    return runAction({ inputs: { ...this.baseInputs(), ...inputs }, payload: prEvent(action, pr, options), githubUrl: this.github.url, env: options.env });
  }

  /** Runs the action for any other event, e.g. `schedule` for cleanup. */
  runEvent(eventName: string, payload: unknown, inputs: Record<string, string> = {}): Promise<RunResult> {
    return runAction({ inputs: { ...this.baseInputs(), ...inputs }, eventName, payload, githubUrl: this.github.url });
  }

  /** A URI of the default branch, for seeding and checking the parent's data. */
  parentUri(): string {
    const main = this.neon.model.defaultBranch;
    const endpoint = this.neon.model.endpointsOf(main.id)[0];
    return `postgresql://neondb_owner:${main.roles.get('neondb_owner')?.password}@127.0.0.1:${endpoint?.port}/neondb?sslmode=require`;
  }

  /** Neon API requests since `from`, without operation polls. */
  calls(from = 0): { method: string; route: string; status: number }[] {
    return this.neon.api.requests.slice(from).filter((r) => !r.route.endsWith('/operations/:operation_id'));
  }

  /** Where the password, the API key and the URIs must never show up. */
  leaks(result: RunResult): string[] {
    const secrets = [this.neon.apiKey, ...[...this.neon.model.branches.values()].flatMap((b) => [...b.roles.values()].map((r) => r.password))];
    if (result.outputs.db_url) secrets.push(result.outputs.db_url, result.outputs.db_url_pooled ?? '', result.outputs.password ?? '');
    return leaks(result, secrets, this.github.comments.map((c) => c.body));
  }
}
