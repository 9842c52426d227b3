import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/index.js';
import { verifyConnection, type ConnectionCheck } from '../../src/postgres/verify-connection.js';
import { NeonClient } from '../support/neon-client.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the check in a fresh node, as the runner runs the action: its own environment, its own stderr. */
function checkInFreshProcess(uri: string, env: NodeJS.ProcessEnv): Promise<{ result: ConnectionCheck; stdout: string; stderr: string }> {
  const script = `import { verifyConnection } from './src/postgres/verify-connection.ts';
const result = await verifyConnection(process.env.CHECK_URI, { timeoutMs: 20000 });
process.stdout.write(JSON.stringify(result));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, env: { ...env, CHECK_URI: uri }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve({ result: JSON.parse(stdout) as ConnectionCheck, stdout, stderr });
      } catch {
        reject(new Error(`no result: ${stderr}`));
      }
    });
  });
}

/** A port that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function withUri(uri: string, change: (url: URL) => void): string {
  const url = new URL(uri);
  change(url);
  return url.toString();
}

function expectNoSecret(check: ConnectionCheck, uri: string): void {
  const password = decodeURIComponent(new URL(uri).password);
  expect(check.message).not.toContain(password);
  expect(check.message).not.toMatch(/postgres(ql)?:\/\//);
}

/** The check against the emulator's real Postgres (TLS with its self-signed certificate, SCRAM with channel binding). */
describe('connection check: SELECT 1 with the URI the step outputs', () => {
  let neon: Emulator;
  let client: NeonClient;
  let uri: string;

  beforeAll(async () => {
    neon = await Emulator.start({ rateLimits: false });
    client = new NeonClient(neon);
    uri = await client.connectionUri(neon.model.defaultBranch.id);
  });
  afterAll(() => neon.stop());

  it('passes on a healthy branch: TLS, SCRAM with channel_binding=require, direct and pooled', async () => {
    expect(uri).toMatch(/sslmode=require&channel_binding=require$/);
    const check = await verifyConnection(uri, { timeoutMs: 20_000 });
    expect(check).toMatchObject({ ok: true, message: expect.stringMatching(/^Connection verified: the runner reached the branch and ran SELECT 1 in \d+ ms\.$/) });
    const pooled = await client.connectionUri(neon.model.defaultBranch.id, true);
    expect(await verifyConnection(pooled, { timeoutMs: 20_000 })).toMatchObject({ ok: true });
    // ssl: omit leaves sslmode out: libpq's prefer, which encrypts when the server can.
    expect(await verifyConnection(withUri(uri, (u) => (u.search = '')), { timeoutMs: 20_000 })).toMatchObject({ ok: true });
  });

  it('a success replaces the guess about an IP allowlist', async () => {
    const check = await verifyConnection(uri, { timeoutMs: 20_000, restriction: 'ip-allowlist' });
    expect(check.message).toMatch(/so the project's IP allowlist admits this runner\.$/);
  });

  it('a wrong password: authentication, without the password or the URI in the message', async () => {
    const wrong = withUri(uri, (u) => (u.password = 'npg_not-the-password'));
    const check = await verifyConnection(wrong, { timeoutMs: 20_000 });
    expect(check).toMatchObject({ ok: false, cause: 'authentication' });
    expect(check.message).toMatch(/refused the password of role neondb_owner \(28P01\)/);
    expectNoSecret(check, wrong);
  });

  it('a database that does not exist', async () => {
    const check = await verifyConnection(withUri(uri, (u) => (u.pathname = '/shop')), { timeoutMs: 20_000 });
    expect(check).toMatchObject({ ok: false, cause: 'database-missing' });
    expect(check.message).toContain('The database shop does not exist on the branch');
  });

  it('a closed port: refused; with an IP allowlist, the refusal confirms it', async () => {
    const port = await closedPort();
    const closed = withUri(uri, (u) => (u.port = String(port)));
    const check = await verifyConnection(closed, { timeoutMs: 20_000 });
    expect(check).toMatchObject({ ok: false, cause: 'refused' });
    expect(check.message).toContain(`the connection to 127.0.0.1:${port} was refused`);
    expectNoSecret(check, closed);
    const restricted = await verifyConnection(closed, { timeoutMs: 20_000, restriction: 'ip-allowlist' });
    expect(restricted.message).toMatch(/^The runner could not reach the branch: the project's IP allowlist/);
  });

  it('a suspended compute is started by the connection, as Neon\'s proxy does; a deleted one is refused', async () => {
    const branch = await client.createBranch({ name: 'sleepy' });
    const sleepy = await client.connectionUri(branch.id);
    await client.settle((await client.call('POST', `${client.project}/endpoints/${branch.endpointId}/suspend`)).body.operations);
    expect(await verifyConnection(sleepy, { timeoutMs: 20_000 })).toMatchObject({ ok: true });
    // The start the connection caused may still be finishing (423 until then).
    let deleted = await client.call('DELETE', `${client.project}/endpoints/${branch.endpointId}`);
    for (let i = 0; deleted.status === 423 && i < 600; i++) {
      await new Promise((r) => setTimeout(r, 100));
      deleted = await client.call('DELETE', `${client.project}/endpoints/${branch.endpointId}`);
    }
    expect(deleted.status).toBe(200);
    await client.settle(deleted.body.operations);
    expect(await verifyConnection(sleepy, { timeoutMs: 20_000 })).toMatchObject({ ok: false, cause: 'refused' });
  });

  it('a host that does not resolve: DNS', async () => {
    const check = await verifyConnection(withUri(uri, (u) => (u.hostname = 'ep-gone-branch-00000000.invalid')), { timeoutMs: 20_000 });
    expect(check).toMatchObject({ ok: false, cause: 'dns' });
    expect(check.message).toContain("The branch's host ep-gone-branch-00000000.invalid does not resolve");
  });

  it('a port that accepts TCP and says nothing: timeout, within the time given', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const started = Date.now();
      const check = await verifyConnection(withUri(uri, (u) => (u.port = String(port))), { timeoutMs: 1500 });
      expect(check).toMatchObject({ ok: false, cause: 'timeout' });
      expect(check.message).toContain(`127.0.0.1:${port} accepted the connection but did not answer the TLS handshake within 1.5 s`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
      expect(Date.now() - started).toBeLessThan(15_000); // bounded: it does not wait for the server
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('sslmode=disable where the server takes only TLS: says to encrypt', async () => {
    const check = await verifyConnection(withUri(uri, (u) => u.searchParams.set('sslmode', 'disable')), { timeoutMs: 20_000 });
    expect(check).toMatchObject({ ok: false, cause: 'tls' });
    expect(check.message).toMatch(/accepts only encrypted connections.*`require`/);
  });

  it('TLS as libpq means it, in a node that does not trust the emulator certificate: require encrypts and passes, verify-full fails on the certificate; nothing printed', async () => {
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    delete env.NODE_NO_WARNINGS;
    const require = await checkInFreshProcess(uri, env);
    expect(require.result).toMatchObject({ ok: true });
    expect(require.stderr).toBe(''); // no pg SSL deprecation notice, no warning of any kind
    const full = await checkInFreshProcess(withUri(uri, (u) => u.searchParams.set('sslmode', 'verify-full')), env);
    expect(full.result).toMatchObject({ ok: false, cause: 'tls' });
    expect(full.result.message).toMatch(/not signed by a certificate authority the runner trusts \((SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT)\)/);
    expect(full.stderr).toBe('');
    // With the certificate trusted (NODE_EXTRA_CA_CERTS, as this test process has it), verify-ca and verify-full pass.
    expect(await verifyConnection(withUri(uri, (u) => u.searchParams.set('sslmode', 'verify-full')), { timeoutMs: 20_000 })).toMatchObject({ ok: true });
    expect(await verifyConnection(withUri(uri, (u) => u.searchParams.set('sslmode', 'verify-ca')), { timeoutMs: 20_000 })).toMatchObject({ ok: true });
  });
});

/**
 * A server that speaks just enough of the Postgres protocol to ask for the password in clear text,
 * over a plain connection, and records what the client sends back.
 */
async function cleartextPasswordServer(): Promise<{ port: number; received: () => string; close: () => Promise<void> }> {
  let received = '';
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (data: Buffer) => {
      received += data.toString('latin1');
      if (data.length === 8 && data.readInt32BE(4) === 80877103) socket.write('N'); // SSLRequest: no TLS here
      else if (data.length > 8 && data.readInt32BE(4) === 196608) {
        const ask = Buffer.alloc(9);
        ask.write('R', 0);
        ask.writeInt32BE(8, 1);
        ask.writeInt32BE(3, 5); // AuthenticationCleartextPassword
        socket.write(ask);
      } else socket.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    received: () => received,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('connection check: channel_binding=require', () => {
  it('never sends the password to a server that does not prove itself with SCRAM-SHA-256-PLUS', async () => {
    const server = await cleartextPasswordServer();
    try {
      const uri = `postgresql://neondb_owner:npg_Secret123@127.0.0.1:${server.port}/neondb?channel_binding=require`;
      const check = await verifyConnection(uri, { timeoutMs: 10_000 });
      expect(check).toMatchObject({ ok: false, cause: 'authentication' });
      expect(check.message).toMatch(/channel_binding=require, but the connection is not encrypted/);
      expect(server.received()).not.toContain('npg_Secret123');
      // Without the requirement, the same server gets the password: the test can tell.
      await verifyConnection(uri.replace('channel_binding=require', 'channel_binding=prefer'), { timeoutMs: 3000 });
      expect(server.received()).toContain('npg_Secret123');
    } finally {
      await server.close();
    }
  });
});
