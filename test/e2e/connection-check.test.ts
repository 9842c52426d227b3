import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS_BOT } from '../../emulator/github-stub.js';
import type { FaultRule } from '../../emulator/index.js';
import type { RunResult } from '../../emulator/runner.js';
import { sql, World } from '../support/world.js';
import { expectFailedWith, expectSucceeded, neonCall } from './helpers.js';

/**
 * The connection check: once the compute is ready (create, reuse, `get`), the action connects
 * with the `db_url` it outputs (TLS, SCRAM, the outputs' role and database) and runs SELECT 1.
 */
describe('verify_connection: the job goes on with a database that answers', () => {
  let world: World;
  const comment = (pr: number) => world.github.commentsOn(pr).find((c) => c.user.login === ACTIONS_BOT.login && c.body.includes('neon-preview-branch-action'))?.body ?? '';
  const endpointOf = (branchId: string) => [...world.neon.model.endpoints.values()].find((e) => e.branchId === branchId && e.type === 'read_write');
  const settings = () => world.neon.model.projectSettings as Record<string, unknown>;

  /**
   * The compute is suspended through the API, and its start is answered as done while nothing
   * starts: the action believes the compute is ready, and nothing listens on its port.
   */
  async function unreachable(branchId: string): Promise<void> {
    const endpoint = endpointOf(branchId);
    if (!endpoint) throw new Error('no compute');
    await neonCall(world, 'POST', `/endpoints/${endpoint.id}/suspend`);
    for (let i = 0; i < 200 && endpoint.state !== 'idle'; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(endpoint.state).toBe('idle');
    const fault: FaultRule = { method: 'POST', route: '/projects/:project_id/endpoints/:endpoint_id/start', body: '{"operations":[]}', contentType: 'application/json' };
    world.neon.api.faults.add(fault);
    // A suspended compute starts when a client connects (Neon's proxy wakes it): this one's address
    // refuses connections instead, as a compute host the runner cannot reach would. Port 1, where
    // nothing listens: the proxy's own port, once freed, can be taken by another test's emulator.
    await endpoint.proxy.stop();
    endpoint.port = REFUSING_PORT;
  }
  const REFUSING_PORT = 1;
  /** The URI the outputs hold once the compute's address is the refusing one. */
  const atRefusingPort = (uri: string | undefined) => uri?.replace(/@127\.0\.0\.1:\d+\//, `@127.0.0.1:${REFUSING_PORT}/`);

  const checkLines = (result: RunResult) => result.log.split('\n').filter((l) => /Connection (verified|check)|connection to 127\.0\.0\.1|refused the password/.test(l));

  beforeAll(async () => {
    world = await World.start();
  });
  afterEach(() => {
    world.neon.api.faults.clear();
    world.neon.model.projectSettings = { ...settings(), allowed_ips: { ips: [], protected_branches_only: false }, block_public_connections: false };
  });
  afterAll(() => world.stop());

  it('passes on a healthy branch (create, reuse and get): connection_verified true, said in the log, the summary and the comment, and nothing printed by the Postgres client', async () => {
    for (const [action, inputs] of [
      ['opened', {}],
      ['synchronize', {}],
      ['opened', { command: 'get' }],
    ] as const) {
      const result = await world.run(action, 140, inputs);
      expectSucceeded(world, result);
      expect(result.outputs.connection_verified).toBe('true');
      expect(result.log).toMatch(/^Connection verified: the runner reached the branch and ran SELECT 1 in \d+ ms\.$/m);
      expect(result.summary).toMatch(/Connection verified: the runner reached the branch and ran SELECT 1 in \d+ ms\./);
      expect(result.warnings).toEqual([]);
      expect(result.stderr).toBe(''); // no SSL deprecation notice or any other line from pg
    }
    expect(comment(140)).toMatch(/\| Connection \| Verified: the runner reached the branch and ran SELECT 1 in \d+ ms\. \|/);
  });

  it('with off it is skipped: connection_verified empty, and it never connects (an unreachable compute goes unnoticed)', async () => {
    const created = await world.run('opened', 141, { verify_connection: 'off' });
    expectSucceeded(world, created);
    expect(created.outputs.connection_verified).toBe('');
    expect(created.log).toContain('Connection check skipped (verify_connection is off)');
    expect(comment(141)).toContain('| Connection | Not checked (`verify_connection: off`) |');

    await unreachable(created.outputs.branch_id as string);
    const reused = await world.run('synchronize', 141, { verify_connection: 'off' });
    expectSucceeded(world, reused);
    expect(reused.warnings).toEqual([]);
    expect(reused.outputs.connection_verified).toBe('');
  });

  it('an unreachable compute: refused; warn goes on with a warning and connection_verified false, require fails the step after the comment is written', async () => {
    const created = await world.run('opened', 142);
    expectSucceeded(world, created);
    await unreachable(created.outputs.branch_id as string);

    const warned = await world.run('opened', 142, { command: 'get' });
    expectSucceeded(world, warned);
    expect(warned.outputs.connection_verified).toBe('false');
    expect(warned.outputs.db_url).toBe(atRefusingPort(created.outputs.db_url)); // the outputs are written all the same
    expect(warned.warnings).toHaveLength(1);
    expect(warned.warnings[0]).toMatch(/^The runner could not connect: the connection to 127\.0\.0\.1:\d+ was refused\. Check that the branch's compute is running/);
    expect(warned.summary).toMatch(/> \[!WARNING\]\n> The runner could not connect: the connection to `127\.0\.0\.1:\d+` was refused/);

    const required = await world.run('synchronize', 142, { verify_connection: 'require' });
    expectFailedWith(world, required, /^The runner could not connect: the connection to 127\.0\.0\.1:\d+ was refused\..*The step fails because verify_connection is require/);
    expect(required.outputs.connection_verified).toBe('false');
    const body = comment(142);
    expect(body).toMatch(/\| Status \| Reused, expiry refreshed \|/);
    expect(body).toContain('| Connection | **Not verified**: the connection was refused (details below) |');
    expect(body).toMatch(/> \[!WARNING\]\n> The runner could not connect: the connection to `127\.0\.0\.1:\d+` was refused/);
  });

  it("wrong credentials (the role's password changed with SQL, so Neon's URI holds the old one): authentication, with warn and with require", async () => {
    const parent = world.neon.model.defaultBranch.id;
    await neonCall(world, 'POST', `/branches/${parent}/roles`, { role: { name: 'app' } });
    const { password } = await neonCall<{ password: string }>(world, 'GET', `/branches/${parent}/roles/app/reveal_password`);
    const appOnParent = world.neon.defaultBranchUri().replace(/\/\/[^@]+@/, `//app:${encodeURIComponent(password)}@`);
    await sql(appOnParent, "ALTER ROLE app PASSWORD 'set-with-sql-not-through-neon'");

    const warned = await world.run('opened', 143, { role: 'app' });
    expectSucceeded(world, warned);
    expect(warned.outputs.connection_verified).toBe('false');
    expect(warned.warnings).toEqual([expect.stringMatching(/^Postgres refused the password of role app \(28P01\)\. The password in the outputs is out of date/)]);
    expect(comment(143)).toContain('| Connection | **Not verified**: authentication failed (details below) |');

    const required = await world.run('opened', 144, { role: 'app', verify_connection: 'require' });
    expectFailedWith(world, required, /^Postgres refused the password of role app \(28P01\).*The step fails because verify_connection is require/);
    expect(required.outputs.created).toBe('true');
    expect(comment(144)).toMatch(/\| Status \| Created \|[\s\S]*authentication failed/);
  });

  it('an IP allowlist that names the runner: the passed check replaces the guess (no warning) in the log, the summary and the comment', async () => {
    world.neon.model.projectSettings = { ...settings(), allowed_ips: { ips: ['127.0.0.1'], protected_branches_only: false } };
    const result = await world.run('opened', 145);
    expectSucceeded(world, result);
    expect(result.outputs.connection_verified).toBe('true');
    expect(result.warnings).toEqual([]);
    const verified = /Connection verified: the runner reached the branch and ran SELECT 1 in \d+ ms, so the project's IP allowlist admits this runner\./;
    expect(result.log).toMatch(verified);
    expect(result.summary).toMatch(verified);
    expect(result.summary).not.toContain('will likely be refused');
    expect(comment(145)).toMatch(/\| Connection \| Verified: the runner reached the branch and ran SELECT 1 in \d+ ms, so the project's IP allowlist admits this runner\. \|/);
    expect(comment(145)).not.toContain('will likely be refused');

    // With the check off, the guess stays.
    const off = await world.run('opened', 146, { verify_connection: 'off' });
    expect(off.warnings).toEqual([expect.stringMatching(/IP allowlist .* will likely be refused/)]);
  });

  it('a reused branch (the run did not read the project settings): a failed check reads them, and names the restriction', async () => {
    const created = await world.run('opened', 147);
    expectSucceeded(world, created);
    world.neon.model.projectSettings = { ...settings(), block_public_connections: true };
    await unreachable(created.outputs.branch_id as string);
    const from = world.neon.api.requests.length;
    const reused = await world.run('synchronize', 147);
    expectSucceeded(world, reused);
    expect(world.calls(from).filter((c) => c.route === '/projects/:project_id')).toHaveLength(1);
    expect(reused.warnings).toEqual([
      expect.stringMatching(/^The runner could not reach the branch: the project blocks connections from the public internet \(block_public_connections\), and the connection to 127\.0\.0\.1:\d+ was refused\. Run the job on a self-hosted runner/),
    ]);
    expect(checkLines(reused)).toHaveLength(1);
  });

  it.for([
    ['an IP allowlist that does not name the runner', 148, { allowed_ips: { ips: ['203.0.113.7'], protected_branches_only: false } }, /IP allowlist/],
    ['a project closed to the internet', 149, { block_public_connections: true }, /block_public_connections/],
  ] as const)('%s: the refused check confirms the warning (one line, not two); require fails', async ([, pr, restriction, words]) => {
    world.neon.model.projectSettings = { ...settings(), ...restriction };
    const warned = await world.run('opened', pr);
    expectSucceeded(world, warned);
    expect(warned.outputs.connection_verified).toBe('false');
    expect(warned.warnings).toHaveLength(1);
    expect(warned.warnings[0]).toMatch(words);
    expect(warned.warnings[0]).toMatch(/^The (runner could not reach the branch|branch refused the runner's address)/);
    expect(comment(pr)).not.toMatch(/will likely be refused|cannot connect to the branch/);

    const required = await world.run('synchronize', pr, { verify_connection: 'require' });
    expectFailedWith(world, required, words);
  });
});
