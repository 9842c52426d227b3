import http from 'node:http';
import net from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../emulator/index.js';
import { runAction } from '../../emulator/runner.js';
import { World } from '../support/world.js';
import { expectFailedWith, expectSucceeded } from './helpers.js';

const BRANCHES = '/projects/:project_id/branches';

/**
 * Whatever the network, Neon, GitHub or the runner do, the step ends in one `::error::` line that
 * says what to check (or, where the database is ready anyway, a warning): never "Unexpected failure".
 */
describe('every failure is one classified line', () => {
  let world: World;
  let pr = 700;
  beforeAll(async () => {
    world = await World.start();
  });
  afterAll(() => world.stop());
  beforeEach(() => {
    world.neon.api.faults.clear();
    world.github.faults = [];
    world.github.commentFault = undefined;
  });

  const withFaults = (faults: FaultRule[], inputs: Record<string, string> = {}) => {
    world.neon.api.faults.add(...faults);
    return world.run('opened', pr++, inputs);
  };

  describe('Neon answers that are not the API', () => {
    it.each<[string, FaultRule, RegExp]>([
      ['an HTML page with status 200', { method: 'GET', route: BRANCHES, body: '<!doctype html><html><body>Sign in to continue</body></html>', contentType: 'text/html' }, /not JSON.*text\/html.*api_host/],
      ['an empty body with status 200', { method: 'GET', route: BRANCHES, body: '', contentType: 'application/json' }, /empty.*api_host/],
      ['malformed JSON with status 200', { method: 'GET', route: BRANCHES, body: '{"branches": [', contentType: 'application/json' }, /not JSON.*api_host/],
      ['JSON without the expected fields', { method: 'GET', route: BRANCHES, body: '{"items": []}', contentType: 'application/json' }, /lacks `branches`/],
      ['a list with null in it', { method: 'GET', route: BRANCHES, body: '{"branches": [null]}', contentType: 'application/json' }, /`branches` of the wrong shape.*api_host/],
      ['a list of strings', { method: 'GET', route: BRANCHES, body: '{"branches": ["br-x"]}', contentType: 'application/json' }, /`branches` of the wrong shape.*api_host/],
    ])('%s', async (_name, fault, message) => {
      expectFailedWith(world, await withFaults([fault]), message);
    });
  });

  it("Neon's own message is echoed without anything URI- or password-shaped in it", async () => {
    const message = 'bad branch: postgresql://neondb_owner:npg_Sup3rSecretXyz@ep-cool-1.neon.tech/neondb?sslmode=require password=hunter2 key napi_abcdef1234567890';
    const result = await withFaults([{ method: 'POST', route: BRANCHES, status: 400, message }]);
    expectFailedWith(world, result, /refused POST .*bad branch/);
    for (const secret of ['npg_Sup3rSecretXyz', 'hunter2', 'postgresql://', 'napi_abcdef1234567890', 'ep-cool-1.neon.tech']) expect(result.stdout).not.toContain(secret);
  });

  it("an answer of the wrong shape to a read the run only plans with (the project's recent operations) changes nothing: the step succeeds", async () => {
    const result = await withFaults([{ method: 'GET', route: '/projects/:project_id/operations', body: '{"operations": [null, "x", 3]}', contentType: 'application/json' }]);
    expectSucceeded(world, result);
    expect(result.outputs.created).toBe('true');
  });

  it('a Retry-After longer than the action waits says so, not "after 1 attempts"', async () => {
    const result = await withFaults([{ method: 'GET', route: BRANCHES, status: 429, retryAfter: '900' }]);
    expectFailedWith(world, result, /Retry-After.*900 ?s/);
    expect(result.errors[0]).not.toMatch(/1 attempts/);
  });

  describe('network', () => {
    it('DNS failure: retried, then names api_host and the host', async () => {
      const result = await world.run('opened', pr++, { api_host: 'https://neon-api.invalid/api/v2', timeout: '4' });
      expectFailedWith(world, result, /neon-api\.invalid.*api_host/);
    });

    it('a proxy that refuses the tunnel names the proxy', async () => {
      const proxy = http.createServer((_req, res) => res.writeHead(403).end());
      proxy.on('connect', (_req, socket) => socket.end('HTTP/1.1 403 Forbidden\r\n\r\n'));
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
      const url = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
      try {
        const result = await world.run('opened', pr++, { timeout: '4' }, { env: { HTTPS_PROXY: url, HTTP_PROXY: url } });
        expectFailedWith(world, result, /proxy.*403.*HTTPS?_PROXY/i);
      } finally {
        proxy.close();
      }
    });
  });

  describe('proxies and protocols', () => {
    const listen = async (server: http.Server | net.Server) => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    };
    const closedPort = async () => {
      const server = http.createServer();
      const url = await listen(server);
      await new Promise((resolve) => server.close(resolve));
      return url;
    };

    it('a proxy that answers something other than HTTP: one line naming the proxy and its variable, never "Unexpected failure"', async () => {
      const garbage = net.createServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n'));
      const url = await listen(garbage);
      try {
        const result = await world.run('opened', pr++, { timeout: '5' }, { env: { HTTPS_PROXY: url, HTTP_PROXY: url } });
        expectFailedWith(world, result, /through the proxy 127\.0\.0\.1:\d+ \(HTTP_PROXY\): the answer was not HTTP.*Check HTTP_PROXY and NO_PROXY/);
        expect(result.errors[0]).not.toMatch(/Unexpected/);
        expect(result.stderr).not.toMatch(/EnvHttpProxyAgent|UNDICI-EHPA/);
      } finally {
        garbage.close();
      }
    });

    it('a proxy that is not running is named, not the API host behind it', async () => {
      const url = await closedPort();
      const result = await world.run('opened', pr++, { timeout: '5' }, { env: { HTTPS_PROXY: url, HTTP_PROXY: url } });
      expectFailedWith(world, result, new RegExp(`through the proxy ${url.replace('http://', '').replace(/\./g, '\\.')} \\(HTTP_PROXY\\): the connection was refused`));
    });

    it.each([['proxy.corp:3128'], ['http://proxy.corp:3128 '], ['ftp://proxy.corp']])('HTTPS_PROXY=%j is one error naming the variable, before any call', async (value) => {
      const from = world.neon.api.requests.length;
      const result = await world.run('opened', pr++, {}, { env: { HTTPS_PROXY: value } });
      expectFailedWith(world, result, /environment variable HTTPS_PROXY is .* not a proxy URL/);
      expect(world.neon.api.requests.length).toBe(from);
    });

    it('api_host https:// on a plain-HTTP port: the TLS handshake is named, with api_host', async () => {
      const result = await world.run('opened', pr++, { api_host: world.neon.url.replace(/^http:/, 'https:'), timeout: '5' });
      expectFailedWith(world, result, /TLS handshake failed.*api_host/);
      expect(result.errors[0]).not.toMatch(/Unexpected/);
    });
  });

  describe('wrong hints are gone', () => {
    it('api_host without /api/v2 says to check api_host', async () => {
      const result = await world.run('opened', pr++, { api_host: world.neon.url.replace(/\/api\/v2$/, '') });
      expectFailedWith(world, result, /api_host.*\/api\/v2/);
      expect(result.errors[0]).not.toMatch(/Check project_id/);
    });

    it.each([
      ['database', 'nosuchdb'],
      ['role', 'nosuchrole'],
    ])('a %s that does not exist is named, and no branch is created', async (input, value) => {
      const before = world.neon.model.branches.size;
      const from = world.neon.api.requests.length;
      const result = await world.run('opened', pr++, { [input]: value });
      expectFailedWith(world, result, new RegExp(`${input}.*"${value}".*does not exist`));
      expect(result.errors[0]).not.toMatch(/Check project_id/);
      expect(world.neon.model.branches.size).toBe(before);
      expect(world.calls(from).filter((c) => c.method === 'POST')).toEqual([]);
    });

    it.each([['https://[neon'], ['https://console.neon.tech:99999/api/v2']])('api_host %s is not a URL: named before any call', async (apiHost) => {
      const result = await world.run('opened', pr++, { api_host: apiHost });
      expectFailedWith(world, result, /Input `api_host`/);
    });
  });

  describe('the event file', () => {
    it.each([
      ['corrupt', '{"action": "opened", "number": 5, '],
      ['missing', undefined],
    ])('a %s event file names GITHUB_EVENT_PATH', async (_how, content) => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'event-'));
      const file = path.join(dir, 'event.json');
      if (content !== undefined) await writeFile(file, content);
      const from = world.neon.api.requests.length;
      const result = await runAction({ inputs: world.neon.actionInputs(), githubUrl: world.github.url, env: { GITHUB_EVENT_PATH: file } });
      expectFailedWith(world, result, /GITHUB_EVENT_PATH/);
      expect(world.neon.api.requests.length).toBe(from);
    });
  });

  describe('GitHub', () => {
    it('a network failure on the comment is a warning that says GitHub could not be reached, not "GitHub answered 500"', async () => {
      // A port nothing listens on: the connection is refused.
      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
      const port = (closed.address() as { port: number }).port;
      await new Promise((resolve) => closed.close(resolve));
      const result = await runAction({ inputs: world.neon.actionInputs(), payload: { action: 'opened', number: pr, pull_request: { number: pr++, head: { ref: 'x' } } }, githubUrl: `http://127.0.0.1:${port}` });
      expectSucceeded(world, result);
      expect(result.warnings.join('\n')).toMatch(/could not reach GitHub/i);
      expect(result.warnings.join('\n')).not.toMatch(/answered 500/);
    });

    it('a GitHub that takes the request and never answers: the step ends with a warning, not at the job timeout', async () => {
      const sockets = new Set<net.Socket>();
      const silent = net.createServer((socket) => void sockets.add(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
      const port = (silent.address() as { port: number }).port;
      const started = Date.now();
      try {
        const result = await runAction({ inputs: world.neon.actionInputs(), payload: { action: 'opened', number: pr, pull_request: { number: pr++, head: { ref: 'x' } } }, githubUrl: `http://127.0.0.1:${port}` });
        expectSucceeded(world, result);
        expect(result.warnings.join('\n')).toMatch(/could not reach GitHub.*no answer came in time/i);
        // Two attempts of 10 s each, and the wait between them.
        expect(Date.now() - started).toBeLessThan(60_000);
      } finally {
        for (const socket of sockets) socket.destroy();
        silent.close();
      }
    }, 90_000);

    it('cleanup retries GitHub 5xx like the comment, then succeeds', async () => {
      world.github.faults = [{ method: 'GET', path: /\/pulls$/, status: 502, times: 2 }];
      world.github.openPulls = new Set();
      const result = await world.runEvent('schedule', {}, { command: 'cleanup', dry_run: 'true' });
      expectSucceeded(world, result);
    });

    it('cleanup that cannot reach GitHub is one error that says so', async () => {
      world.github.faults = [{ method: 'GET', path: /\/pulls$/, reset: true, times: 100 }];
      const result = await world.runEvent('schedule', {}, { command: 'cleanup', dry_run: 'true' });
      expectFailedWith(world, result, /could not reach GitHub.*open pull requests/i);
    });
  });
});
