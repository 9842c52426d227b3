import { describe, expect, it } from 'vitest';
import { classifyConnectionFailure, networkRestriction, reachedMessage, type FailureFacts } from '../../src/postgres/connection-failure.js';
import { ConnectionUriError, connectionSettings, tlsOptions } from '../../src/postgres/connection-settings.js';

const NEON_URI = 'postgresql://neondb_owner:npg_S3cr%2Ft%40pw@ep-cool-river-a1b2c3d4.us-east-2.aws.neon.tech/neondb?sslmode=require&channel_binding=require';

describe('reading a connection URI as libpq does', () => {
  it("reads Neon's URI: host, default port, role, decoded password, database, sslmode and channel_binding", () => {
    expect(connectionSettings(NEON_URI)).toEqual({
      host: 'ep-cool-river-a1b2c3d4.us-east-2.aws.neon.tech',
      port: 5432,
      user: 'neondb_owner',
      password: 'npg_S3cr/t@pw',
      database: 'neondb',
      sslMode: 'require',
      channelBinding: 'require',
      options: undefined,
    });
  });

  it("uses libpq's defaults where the URI is silent (ssl: omit drops sslmode): prefer, and the database named like the role", () => {
    expect(connectionSettings('postgresql://alice:pw@127.0.0.1:6543')).toMatchObject({ port: 6543, database: 'alice', sslMode: 'prefer', channelBinding: 'prefer' });
    expect(connectionSettings('postgres://alice:pw@[::1]/db?sslrootcert=system')).toMatchObject({ host: '::1', sslMode: 'verify-full' });
    expect(connectionSettings('postgresql://a:pw@h/db?options=endpoint%3Dep-x')).toMatchObject({ options: 'endpoint=ep-x' });
  });

  it('refuses what libpq refuses, in words that never repeat the URI or the password', () => {
    for (const uri of ['postgresql://a:hunter2@h/db?sslmode=verify', 'postgresql://a:hunter2@h/db?channel_binding=yes', 'mysql://a:hunter2@h/db', 'not a uri hunter2']) {
      let error: unknown;
      try {
        connectionSettings(uri);
      } catch (e) {
        error = e;
      }
      expect(error, uri).toBeInstanceOf(ConnectionUriError);
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('require encrypts without checking the certificate; verify-ca checks the chain only; verify-full checks the host too', () => {
    expect(tlsOptions('disable')).toBe(false);
    expect(tlsOptions('require')).toEqual({ rejectUnauthorized: false });
    expect(tlsOptions('prefer')).toEqual({ rejectUnauthorized: false });
    const ca = tlsOptions('verify-ca');
    expect(ca).toMatchObject({ rejectUnauthorized: true });
    expect(ca && ca.checkServerIdentity?.('other.host', {} as never)).toBeUndefined();
    expect(tlsOptions('verify-full')).toEqual({ rejectUnauthorized: true });
  });
});

const target = { host: 'ep-cool-river-a1b2c3d4.us-east-2.aws.neon.tech', port: 5432, database: 'neondb', role: 'neondb_owner', sslMode: 'verify-full', timeoutMs: 10_000 };
const facts = (f: Partial<FailureFacts>): FailureFacts => ({ message: '', stage: 'startup', timedOut: false, ...f });

describe('naming why the connection check failed', () => {
  it.each([
    ['dns', facts({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND host', stage: 'resolving' }), /does not resolve \(ENOTFOUND\)/],
    ['dns', facts({ message: 'Connection terminated unexpectedly', stage: 'resolving', timedOut: true }), /did not resolve within 10 s/],
    ['refused', facts({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 1.2.3.4:5432', stage: 'connecting' }), /was refused\. Check that the branch's compute is running/],
    ['timeout', facts({ message: 'Connection terminated unexpectedly', stage: 'connecting', timedOut: true }), /did not accept a connection within 10 s/],
    ['timeout', facts({ message: 'Connection terminated unexpectedly', stage: 'tls', timedOut: true }), /accepted the connection but did not answer the TLS handshake within 10 s/],
    ['tls', facts({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate', stage: 'tls' }), /not signed by a certificate authority the runner trusts.*`ssl: require`.*NODE_EXTRA_CA_CERTS/],
    ['tls', facts({ code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: "Hostname/IP does not match certificate's altnames", stage: 'tls' }), /must name the host/],
    ['tls', facts({ message: 'The server does not support SSL connections', stage: 'tls' }), /does not accept TLS/],
    ['tls', facts({ code: '28000', message: 'no pg_hba.conf entry for host "1.2.3.4", user "neondb_owner", database "neondb", no encryption' }), /accepts only encrypted connections.*`require`/],
    ['tls', facts({ code: 'XX000', message: 'connection is insecure (try using `sslmode=require`)' }), /accepts only encrypted connections.*`require`/],
    ['authentication', facts({ code: '28P01', message: 'password authentication failed for user "neondb_owner"' }), /refused the password of role neondb_owner \(28P01\)/],
    ['authentication', facts({ code: 'CHANNEL_BINDING', message: 'the server offered only SCRAM-SHA-256, not SCRAM-SHA-256-PLUS' }), /channel_binding=require, but the server offered only SCRAM-SHA-256/],
    ['database-missing', facts({ code: '3D000', message: 'database "shop" does not exist' }), /database neondb does not exist on the branch\. Check the `database` input/],
    ['role-missing', facts({ code: '28000', message: 'role "ghost" does not exist' }), /role neondb_owner does not exist on the branch\. Check the `role` input/],
    ['not-allowed', facts({ code: 'XX000', message: 'This IP address 20.1.2.3 is not allowed to connect to this endpoint. Please add it to the allowed list in the Neon console.' }), /refused the runner's address/],
    ['not-allowed', facts({ code: 'XX000', message: 'This connection is trying to access this endpoint from a blocked network.' }), /refused the runner's address: the project blocks connections from the public internet \(block_public_connections\)/],
    ['other', facts({ code: '53300', message: 'too many connections for role "neondb_owner"' }), /too many connections open.*db_url_pooled/],
    ['other', facts({ code: 'XX000', message: "Couldn't connect to compute node" }), /The connection check failed \(XX000\): Couldn't connect to compute node\./],
  ])('%s: %s', (cause, f, words) => {
    const failure = classifyConnectionFailure(f, target);
    expect(failure.cause).toBe(cause);
    expect(failure.message).toMatch(words);
    expect(failure.message).not.toMatch(/[\r\n]/);
  });

  it('where the project keeps runners out, a refusal or silence confirms it and says what to do', () => {
    const refused = classifyConnectionFailure(facts({ code: 'ECONNREFUSED', message: 'x', stage: 'connecting' }), target, 'ip-allowlist');
    expect(refused).toMatchObject({
      cause: 'refused',
      message:
        "The runner could not reach the branch: the project's IP allowlist applies to preview branches and does not include this runner, and the connection to ep-cool-river-a1b2c3d4.us-east-2.aws.neon.tech:5432 was refused. Add the runner's addresses to the allowlist, use a self-hosted runner with an allowed address, or set verify_connection to off.",
    });
    const silent = classifyConnectionFailure(facts({ message: 'x', stage: 'connecting', timedOut: true }), target, 'block-public-connections');
    expect(silent.cause).toBe('timeout');
    expect(silent.message).toMatch(/^The runner could not reach the branch: the project blocks connections from the public internet \(block_public_connections\).*self-hosted runner inside your private network/);
    // A wrong password is not the allowlist's doing.
    expect(classifyConnectionFailure(facts({ code: '28P01', message: 'password authentication failed' }), target, 'ip-allowlist').cause).toBe('authentication');
  });

  it('a success replaces the guess about the allowlist', () => {
    expect(reachedMessage(42).toString()).toBe('Connection verified: the runner reached the branch and ran SELECT 1 in 42 ms.');
    expect(reachedMessage(42, 'ip-allowlist').toString()).toBe("Connection verified: the runner reached the branch and ran SELECT 1 in 42 ms, so the project's IP allowlist admits this runner.");
    expect(reachedMessage(42, 'block-public-connections').toString()).toMatch(/from inside the project's private network/);
  });

  it('reads the restriction from the project settings, as the warning does', () => {
    expect(networkRestriction({ settings: { block_public_connections: true } })).toBe('block-public-connections');
    expect(networkRestriction({ settings: { allowed_ips: { ips: ['1.2.3.4'], protected_branches_only: false } } })).toBe('ip-allowlist');
    expect(networkRestriction({ settings: { allowed_ips: { ips: ['1.2.3.4'], protected_branches_only: true } } })).toBeUndefined();
    expect(networkRestriction({ settings: { allowed_ips: { ips: [] } } })).toBeUndefined();
    expect(networkRestriction({})).toBeUndefined();
  });
});
