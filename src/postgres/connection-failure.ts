import { networkRestriction, type NetworkRestriction } from '../neon/network-note.js';
import { own, t, type Text } from '../text.js';

export { networkRestriction, type NetworkRestriction };

export type FailureCause = 'dns' | 'refused' | 'tls' | 'authentication' | 'timeout' | 'database-missing' | 'role-missing' | 'not-allowed' | 'other';

/** How far a connection attempt got before it failed. */
export type ConnectionStage = 'resolving' | 'connecting' | 'tls' | 'startup' | 'query';

/** What the attempt saw, as plain data: the error's code and message, the stage, and whether our deadline ended it. */
export interface FailureFacts {
  /** A Node error code (ENOTFOUND, ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, …) or a Postgres SQLSTATE (28P01, 3D000, …). */
  code?: string;
  message: string;
  stage: ConnectionStage;
  timedOut: boolean;
}

/** What was being connected to: nothing secret. */
export interface ConnectionTarget {
  host: string;
  port: number;
  database: string;
  role: string;
  sslMode: string;
  timeoutMs: number;
}

export interface ConnectionFailure {
  cause: FailureCause;
  /**
   * One line: what happened and what to do. Never the URI or the password. The host, role,
   * database and the server's words are separate values (shown as code in Markdown, inert in the log).
   */
  text: Text;
  /** `text` as plain words. */
  message: string;
}

const failure = (cause: FailureCause, text: Text): ConnectionFailure => ({ cause, text, message: text.toString() });

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);
const UNTRUSTED_CERT = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

/**
 * Names the cause of a failed connection check in one line a person can act on. Where the project
 * keeps runners out (`restriction`), a refusal or silence confirms that rather than being a mystery.
 */
export function classifyConnectionFailure(facts: FailureFacts, target: ConnectionTarget, restriction?: NetworkRestriction): ConnectionFailure {
  const where = t`${`${target.host}:${target.port}`}`;
  const code = facts.code ?? '';
  const message = facts.message;
  const seconds = own(`${Math.round(target.timeoutMs / 100) / 10} s`);
  // Where the project keeps runners out, a refusal or silence is that, not a mystery.
  const keptOut = (what: Text, cause: FailureCause): ConnectionFailure | undefined =>
    restriction && failure(cause, t`The runner could not reach the branch: ${restrictionWords(restriction)}, and ${what}. ${restrictionAdvice(restriction)}`);

  if (DNS_CODES.has(code) || (facts.timedOut && facts.stage === 'resolving')) {
    const what = facts.timedOut ? t`did not resolve within ${seconds}` : t`does not resolve (${code})`;
    return failure('dns', t`The branch's host ${target.host} ${what} from the runner. Check the runner's DNS; a host that resolves only inside a private network needs a self-hosted runner there.`);
  }
  // Neon's proxy refuses by the project's network settings before any password is asked.
  const blockedNetwork = /from a blocked network/i.test(message);
  if (blockedNetwork || /IP address .*not allowed|not allowed to connect/i.test(message)) {
    const which = restriction ?? (blockedNetwork ? 'block-public-connections' : 'ip-allowlist');
    return failure('not-allowed', t`The branch refused the runner's address: ${restrictionWords(which)}. Neon said "${clip(message)}". ${restrictionAdvice(which)}`);
  }
  if (UNREACHABLE_CODES.has(code)) {
    const what = code === 'ECONNREFUSED' ? t`the connection to ${where} was refused` : t`${where} is unreachable (${code})`;
    return (
      keptOut(what, 'refused') ??
      failure(
        'refused',
        t`The runner could not connect: ${what}. Check that the branch's compute is running (a suspended compute starts on connect; a deleted one does not) and that the host and port in the outputs are right.`,
      )
    );
  }
  if (facts.timedOut || TIMEOUT_CODES.has(code)) {
    const what =
      facts.stage === 'connecting'
        ? t`${where} did not accept a connection within ${seconds}`
        : t`${where} accepted the connection but did not ${own(stageWords(facts.stage))} within ${seconds}`;
    return (
      keptOut(what, 'timeout') ??
      failure(
        'timeout',
        t`The connection check timed out: ${what}. Check that nothing between the runner and Neon (a firewall, a proxy) blocks port ${target.port}, and that the compute is not stuck starting; a longer \`timeout\` gives it more time.`,
      )
    );
  }
  if (code === 'CHANNEL_BINDING') {
    return failure(
      'authentication',
      t`The URI asks for channel_binding=require, but ${own(clip(message))}. A server that does not prove it holds the password's keys may not be the branch: check the host, or use a URI without channel_binding=require.`,
    );
  }
  const tls = tlsProblem(code, message, target);
  if (tls) return failure('tls', tls);
  if (code === '28P01' || /password authentication failed|SASL|SCRAM/i.test(message)) {
    return failure(
      'authentication',
      t`Postgres refused the password of role ${target.role} (${code || 'authentication failed'}). The password in the outputs is out of date if the role's password was changed since (for example with SQL rather than through Neon); re-run the job, reset the password through Neon, and check the \`role\` input.`,
    );
  }
  if (code === '28000' && /not permitted to log in/i.test(message)) {
    return failure('authentication', t`Role ${target.role} may not log in (${code}: ${clip(message)}). Set the \`role\` input to a role that can log in, or give it LOGIN on the parent branch.`);
  }
  if (code === '3D000' || /database ".*" does not exist/.test(message)) {
    return failure('database-missing', t`The database ${target.database} does not exist on the branch. Check the \`database\` input: it must name a database of the parent branch.`);
  }
  if ((code === '28000' && /role ".*" does not exist/.test(message)) || /role ".*" does not exist/.test(message)) {
    return failure('role-missing', t`The role ${target.role} does not exist on the branch. Check the \`role\` input: it must name a role of the parent branch.`);
  }
  if (code === '28000' && /no pg_hba\.conf entry/.test(message)) {
    return failure('not-allowed', t`The server refused the connection by its access rules (28000: ${clip(message)}). Check the \`ssl\` input and that the role may connect from the runner.`);
  }
  if (code === '53300' || /too many connections/i.test(message)) {
    return failure('other', t`The branch has too many connections open (${code || 'too many connections'}). Close idle connections or use the pooled URL \`db_url_pooled\`; the check will pass once there is room.`);
  }
  if (code === '57P03') {
    return failure('other', t`The branch's compute is still starting (57P03: ${clip(message)}). Re-run the job, or raise \`timeout\`.`);
  }
  if (/terminated unexpectedly|ECONNRESET|socket hang up/i.test(`${code} ${message}`)) {
    const ing = own(stageWords(facts.stage, true));
    return (
      keptOut(t`the server closed the connection while the runner was ${ing}`, 'refused') ??
      failure('other', t`The server closed the connection while the runner was ${ing}. Check that the host and port in the outputs are a Postgres server and that the compute is running.`)
    );
  }
  return failure('other', code ? t`The connection check failed (${code}): ${clip(message)}.` : t`The connection check failed: ${clip(message)}.`);
}

/** The line for a check that passed: where the project restricts access, it replaces the guess. */
export function reachedMessage(ms: number, restriction?: NetworkRestriction): Text {
  const answered = t`the runner reached the branch and ran SELECT 1 in ${ms} ms`;
  if (restriction === 'block-public-connections') return t`Connection verified: ${answered}, so this runner connects from inside the project's private network despite block_public_connections.`;
  if (restriction === 'ip-allowlist') return t`Connection verified: ${answered}, so the project's IP allowlist admits this runner.`;
  return t`Connection verified: ${answered}.`;
}

function tlsProblem(code: string, message: string, target: ConnectionTarget): Text | undefined {
  const mode = t`sslmode=${target.sslMode}`;
  if (UNTRUSTED_CERT.has(code)) {
    return t`TLS failed: with ${mode} the runner checks the server's certificate, and it is not signed by a certificate authority the runner trusts (${code}). Use \`ssl: require\` to encrypt without that check (as libpq does), or give the runner the CA with NODE_EXTRA_CA_CERTS.`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return t`TLS failed: with ${mode} the server's certificate must name the host ${target.host}, and it does not (${code}). Use \`ssl: verify-ca\` or \`ssl: require\`, or connect with the host name the certificate names.`;
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return t`TLS failed: the server's certificate is not valid now (${code}). Check the runner's clock; \`ssl: require\` encrypts without checking the certificate.`;
  }
  if (/does not support SSL/i.test(message)) {
    return t`TLS failed: the server at ${`${target.host}:${target.port}`} does not accept TLS, and ${mode} requires it. A Neon compute always accepts TLS: check the host and port.`;
  }
  // Postgres's pg_hba.conf refusal, and Neon's proxy's own words for a startup without TLS.
  if ((/no encryption/.test(message) && code === '28000') || /connection is insecure \(try using `sslmode=require`\)/.test(message)) {
    return t`The server accepts only encrypted connections, and ${mode} did not encrypt. Set the \`ssl\` input to \`require\`.`;
  }
  if (/^(?:ERR_SSL_|ERR_TLS_|EPROTO$)/.test(code) || /SSL routines|TLS|certificate/i.test(message)) {
    return t`TLS failed (${code || 'handshake'}): ${clip(message)}. Check the \`ssl\` input; \`require\` encrypts without checking the certificate.`;
  }
  return undefined;
}

function stageWords(stage: ConnectionStage, ing = false): string {
  switch (stage) {
    case 'tls':
      return ing ? 'setting up TLS' : 'answer the TLS handshake';
    case 'startup':
      return ing ? 'logging in' : 'finish the login';
    case 'query':
      return ing ? 'running SELECT 1' : 'answer SELECT 1';
    default:
      return ing ? 'connecting' : 'answer';
  }
}

function restrictionWords(restriction: NetworkRestriction): Text {
  return own(
    restriction === 'block-public-connections'
      ? 'the project blocks connections from the public internet (block_public_connections)'
      : "the project's IP allowlist applies to preview branches and does not include this runner",
  );
}

function restrictionAdvice(restriction: NetworkRestriction): Text {
  return own(
    restriction === 'block-public-connections'
      ? 'Run the job on a self-hosted runner inside your private network, or set verify_connection to off.'
      : "Add the runner's addresses to the allowlist, use a self-hosted runner with an allowed address, or set verify_connection to off.",
  );
}

/** Server text, one line and short; the caller has already taken any secret out. */
function clip(text: string): string {
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
