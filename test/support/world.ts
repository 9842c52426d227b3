import { Emulator, type EmulatorOptions } from '../../emulator/index.js';
import { GitHubStub } from '../../emulator/github-stub.js';
import { isOperationPoll } from '../../emulator/server.js';
export { sql } from '../../emulator/sql.js';
import { leaks, prEvent, runAction, type RunResult } from '../../emulator/runner.js';

/**
 * An emulated Neon project and a GitHub stub, and a way to run the action against both. The action
 * gets a project-scoped API key, the least privilege the README recommends.
 */
export class World {
  private constructor(
    readonly neon: Emulator,
    readonly github: GitHubStub,
  ) {}

  static async start(options: EmulatorOptions = {}): Promise<World> {
    const [neon, github] = await Promise.all([Emulator.start(options), GitHubStub.start()]);
    return new World(neon, github);
  }

  /**
   * Stops both, and fails (the test file, from `afterAll`) if the action sent any request that
   * does not conform to Neon's OpenAPI description: every run of the suite proves it conforms.
   */
  async stop(): Promise<void> {
    await Promise.all([this.neon.stop(), this.github.stop()]);
    const actionKey = this.neon.keys.idOf(this.neon.projectKey);
    const refused = this.neon.api.refused.filter((r) => r.keyId === actionKey);
    if (refused.length) {
      throw new Error(`The action sent ${refused.length} request(s) that do not conform to Neon's OpenAPI description:\n${refused.map((r) => `  ${r.method} ${r.path}: ${r.message}`).join('\n')}`);
    }
  }

  /** Runs the action for a pull request event. */
  run(action: string, pr: number, inputs: Record<string, string> = {}, options: { head?: string; fork?: boolean; env?: Record<string, string> } = {}): Promise<RunResult> {
    return runAction({ inputs: { ...this.neon.actionInputs(), ...inputs }, payload: prEvent(action, pr, options), githubUrl: this.github.url, env: options.env });
  }

  /** Runs the action for any other event, e.g. `schedule` for cleanup. */
  runEvent(eventName: string, payload: unknown, inputs: Record<string, string> = {}): Promise<RunResult> {
    return runAction({ inputs: { ...this.neon.actionInputs(), ...inputs }, eventName, payload, githubUrl: this.github.url });
  }

  /** Neon API requests since `from`, without operation polls. */
  calls(from = 0): { method: string; route: string; status: number }[] {
    return this.neon.api.requests.slice(from).filter((r) => !isOperationPoll(r));
  }

  /** Where the password, the API key and the URIs must never show up. */
  leaks(result: RunResult): string[] {
    const secrets = [this.neon.projectKey, this.neon.personalKey, ...[...this.neon.model.branches.values()].flatMap((b) => [...b.roles.values()].map((r) => r.password))];
    if (result.outputs.db_url) secrets.push(result.outputs.db_url, result.outputs.db_url_pooled ?? '', result.outputs.password ?? '');
    return leaks(result, secrets, this.github.comments.map((c) => c.body));
  }
}
