import { GitHubStub } from './github-stub.js';
import { Emulator } from './index.js';
import { showLogLine } from './log.js';
import { runAction } from './runner.js';
import { interrupted, oneLine, stopOnSignals } from './signals.js';
import { sql } from './sql.js';

/**
 * `npm run demo`: the built action, run for real as the Actions runner would, against the local
 * Neon emulator and a GitHub stub: open a PR, use the preview database, close the PR.
 */
const bold = (s: string) => `\x1b[1m${s}\x1b[0m`;

async function runStep(emulator: Emulator, github: GitHubStub, action: string): Promise<Record<string, string>> {
  const payload = { action, number: 1, pull_request: { number: 1, head: { ref: 'add-orders', repo: { full_name: 'acme/shop' } } }, repository: { full_name: 'acme/shop', name: 'shop', owner: { login: 'acme' } } };
  console.log(bold(`\n── Run log: pull_request ${action} ──`));
  const result = await runAction({
    inputs: { ...emulator.actionInputs(), github_token: 'ghs_demo' },
    payload,
    githubUrl: github.url,
    onLine: showLogLine,
  });
  if (result.stderr) process.stderr.write(result.stderr);
  if (result.code !== 0) throw new Error(`the action failed on ${action} (exit ${result.code})`);
  return result.outputs;
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log(bold('Starting the local Neon emulator (real Postgres) and a GitHub API stub…'));
  const github = await GitHubStub.start();
  const emulator = new Emulator();
  // Ctrl-C at any point, even while Postgres starts, leaves no process and no data behind.
  stopOnSignals(() => Promise.all([emulator.stop(), github.stop()]).then(() => undefined), 'Demo interrupted: the emulator stopped every Postgres it started and removed its data.', 130);
  await emulator.start();
  try {
    const parentUri = emulator.defaultBranchUri();
    await sql(parentUri, "CREATE TABLE products (id serial PRIMARY KEY, name text, price numeric); INSERT INTO products (name, price) VALUES ('Kettle', 39.90), ('Teapot', 24.50), ('Mug', 9.00)");
    console.log(`Seeded branch main of project ${emulator.projectId} with 3 products.`);

    const outputs = await runStep(emulator, github, 'opened');
    console.log(bold('\n── Step outputs (masked in a real run; shown here because it is all local) ──'));
    for (const [k, v] of Object.entries(outputs)) console.log(`  ${k.padEnd(15)} ${v}`);
    console.log(bold('\n── PR comment ──'));
    console.log(github.commentsOn(1).map((c) => c.body).join('\n').replace(/^/gm, '  '));

    console.log(bold('\n── Connecting to the preview branch with db_url, exactly as a migration step would ──'));
    const rows = await sql(outputs.db_url ?? '', 'SELECT name, price FROM products ORDER BY id');
    for (const r of rows) console.log(`  ${String(r.name).padEnd(8)} ${String(r.price)}`);
    await sql(outputs.db_url ?? '', "ALTER TABLE products ADD COLUMN stock int DEFAULT 0; INSERT INTO products (name, price) VALUES ('Preview-only item', 1)");
    const parentCount = await sql(parentUri, 'SELECT count(*)::int AS n FROM products');
    console.log(`  Migrated the preview branch and added a row; the parent still has ${String(parentCount[0]?.n)} products.`);

    await runStep(emulator, github, 'closed');
    const gone = !emulator.model.branches.has(outputs.branch_id ?? '');
    console.log(bold(`\nBranch ${outputs.branch_name} (${outputs.branch_id}) ${gone ? 'is gone' : 'STILL EXISTS'} after the PR closed.`));
    if (!gone) throw new Error('the preview branch was not deleted');
    console.log(bold(`Demo finished in ${((Date.now() - started) / 1000).toFixed(1)}s.`));
  } finally {
    await Promise.all([emulator.stop(), github.stop()]);
  }
}

main().catch((error: unknown) => {
  // Ctrl-C makes the running step fail; the signal handler reports and exits.
  if (interrupted()) return;
  console.error(`Demo failed: ${oneLine(error)}`);
  process.exit(1);
});
