import { GitHubStub } from './github-stub.js';
import { Emulator } from './index.js';
import { showLogLine } from './log.js';
import { PULL_REQUEST_ACTIONS, planRun, UsageError, USAGE, type Plan } from './action-plan.js';
import { actionDefaults, prEvent, runAction, type RunResult } from './runner.js';

/**
 * `npm run action -- <event>... [--<input> value ...] [--pr N] [--head REF]`: the built action,
 * run by hand as the Actions runner would run it, printing the run log, outputs, job summary and
 * PR comment. Against the local Neon emulator and a GitHub stub by default; against a real Neon
 * project when NEON_API_KEY and NEON_PROJECT_ID are set, and a real GitHub when GITHUB_TOKEN is.
 */

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

function printResult(result: RunResult, comments: string[] | undefined, showSecrets: boolean): void {
  console.log(bold(`\n── Outputs (exit code ${result.code}) ──`));
  const outputs = Object.entries(result.outputs);
  if (outputs.length === 0) console.log('  (none)');
  for (const [name, value] of outputs) console.log(`  ${name.padEnd(16)} ${!showSecrets && result.masked.includes(value) ? '*** (masked)' : value}`);
  console.log(bold('\n── Job summary ──'));
  console.log(result.summary.trim() ? result.summary.trimEnd().replace(/^/gm, '  ') : '  (none)');
  console.log(bold('\n── PR comment ──'));
  if (comments === undefined) console.log('  (on GitHub: see the pull request)');
  else console.log(comments.length ? comments.join('\n\n').replace(/^/gm, '  ') : '  (none)');
  if (result.stderr.trim()) {
    console.log(bold('\n── stderr ──'));
    console.log(result.stderr.trimEnd().replace(/^/gm, '  '));
  }
}

async function main(): Promise<number> {
  let plan: Plan;
  try {
    if (process.argv.includes('--help') || process.argv.includes('-h')) {
      console.log(USAGE);
      return 0;
    }
    plan = planRun(process.argv.slice(2), process.env, Object.keys(actionDefaults()));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`npm run action: ${error.message}`);
    return 2;
  }

  const local = plan.neon.kind === 'emulator';
  console.log(bold(`Neon: ${local ? 'the local emulator (real Postgres)' : `project ${plan.neon.kind === 'project' ? plan.neon.projectId : ''}`}; GitHub: ${plan.github.kind === 'stub' ? 'a local stub' : plan.github.repository}`));
  const [emulator, stub] = await Promise.all([local ? Emulator.start() : undefined, plan.github.kind === 'stub' ? GitHubStub.start() : undefined]);
  let code = 0;
  try {
    const neonInputs = emulator ? emulator.actionInputs() : plan.neon.kind === 'project' ? { api_key: plan.neon.apiKey, project_id: plan.neon.projectId, ...(plan.neon.apiHost ? { api_host: plan.neon.apiHost } : {}) } : {};
    const repository = plan.github.kind === 'github' ? plan.github.repository : 'acme/shop';
    for (const event of plan.events) {
      const isPullRequest = PULL_REQUEST_ACTIONS.includes(event);
      console.log(bold(`\n── Run log: ${isPullRequest ? `pull_request ${event} #${plan.pr}` : event} ──`));
      const result = await runAction({
        inputs: { ...neonInputs, ...(plan.github.kind === 'github' ? { github_token: plan.github.token } : {}), ...plan.inputs },
        eventName: isPullRequest ? 'pull_request' : event,
        payload: isPullRequest ? prEvent(event, plan.pr, { head: plan.head, repository }) : {},
        githubUrl: stub ? stub.url : plan.github.kind === 'github' ? plan.github.apiUrl : undefined,
        env: { GITHUB_REPOSITORY: repository, ...(isPullRequest ? {} : { GITHUB_REF_NAME: plan.head }) },
        onLine: showLogLine,
      });
      printResult(result, stub?.commentsOn(plan.pr).map((c) => c.body), local);
      code = result.code || code;
    }
  } finally {
    await Promise.all([emulator?.stop(), stub?.stop()]);
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`npm run action: ${(error as Error).message}`);
    process.exit(1);
  },
);
