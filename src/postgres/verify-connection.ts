import type PgModule from 'pg';
import { createSecureContext, type TLSSocket } from 'node:tls';
import { own, t, type Text } from '../text.js';
import {
  classifyConnectionFailure,
  reachedMessage,
  type ConnectionStage,
  type ConnectionTarget,
  type FailureCause,
  type FailureFacts,
  type NetworkRestriction,
} from './connection-failure.js';
import { ConnectionUriError, connectionSettings, tlsOptions, type ConnectionSettings } from './connection-settings.js';

/**
 * What the check found. `text` is the one line to show (outside values kept apart, see text.ts);
 * `message` the same as plain words. A failure keeps what it saw (`facts`, secret-free, and
 * `target`), so it can be named again once the project's settings are known.
 */
export type ConnectionCheck =
  | { ok: true; ms: number; text: Text; message: string }
  | { ok: false; ms: number; cause: FailureCause; text: Text; message: string; facts?: FailureFacts; target?: ConnectionTarget };

export interface ConnectionCheckOptions {
  /** The whole check (DNS, TCP, TLS, login, SELECT 1) ends by then. */
  timeoutMs: number;
  /** The project's setting that keeps runners out, if any: a failure then confirms it, a success replaces the guess. */
  restriction?: NetworkRestriction;
}

const APPLICATION_NAME = 'neon-preview-branch-action';

/**
 * The Postgres client, evaluated on the first check (kept in the one bundle file): runs that check
 * nothing (a bad input, `delete`, `diff`, `verify_connection: off`) do not pay for loading it.
 */
function loadPg(): Promise<typeof PgModule> {
  pgModule ??= import(/* webpackMode: "eager" */ 'pg').then((loaded: { default?: typeof PgModule } & typeof PgModule) => loaded.default ?? loaded);
  return pgModule;
}
let pgModule: Promise<typeof PgModule> | undefined;

/**
 * Does ahead of time what a first connection in a fresh process pays for: evaluating the pg
 * client, setting up Node's TLS (its module and certificate store) and Web Crypto (which SCRAM
 * uses). Call it while the run
 * waits on the network, so the check itself is a connection and a query. Never throws.
 */
export async function prepareConnectionCheck(): Promise<void> {
  try {
    await loadPg();
    createSecureContext({});
    // SCRAM in pg runs on Web Crypto, whose first use loads its own modules.
    const subtle = globalThis.crypto.subtle;
    const key = await subtle.importKey('raw', new Uint8Array(8), 'PBKDF2', false, ['deriveBits']);
    await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(8), iterations: 1 }, key, 256);
    const hmac = await subtle.importKey('raw', new Uint8Array(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    await subtle.sign('HMAC', hmac, new Uint8Array(1));
  } catch {
    // The check itself will say what is wrong.
  }
}

/**
 * Connects with the URI exactly as the step outputs it (its sslmode and channel_binding read as
 * libpq reads them) and runs `SELECT 1`, within `timeoutMs`. Never throws, prints nothing, and
 * its message never holds the URI or the password.
 */
export async function verifyConnection(uri: string, options: ConnectionCheckOptions): Promise<ConnectionCheck> {
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  let settings: ConnectionSettings;
  try {
    settings = connectionSettings(uri);
  } catch (error) {
    const reason = own(error instanceof ConnectionUriError ? error.message : 'the connection URI could not be read');
    const text = t`The connection check did not run: ${reason}.`;
    return { ok: false, ms: elapsed(), cause: 'other', text, message: text.toString() };
  }
  const deadline = started + options.timeoutMs;
  let facts = await attempt(settings, tlsOptions(settings.sslMode), deadline);
  // libpq's prefer and allow fall back to a plain connection when the server does not do TLS.
  if (facts && (settings.sslMode === 'prefer' || settings.sslMode === 'allow') && /does not support SSL/.test(facts.message)) {
    facts = await attempt(settings, false, deadline);
  }
  if (!facts) {
    const ms = elapsed();
    const text = reachedMessage(ms, options.restriction);
    return { ok: true, ms, text, message: text.toString() };
  }
  const secretFree = { ...facts, message: scrub(facts.message, [uri, settings.password, encodeURIComponent(settings.password)]) };
  const target = { host: settings.host, port: settings.port, database: settings.database, role: settings.user, sslMode: settings.sslMode, timeoutMs: options.timeoutMs };
  return { ok: false, ms: elapsed(), ...classifyConnectionFailure(secretFree, target, options.restriction), facts: secretFree, target };
}

/** One connection and SELECT 1: undefined when it worked, else what went wrong. */
async function attempt(settings: ConnectionSettings, ssl: ReturnType<typeof tlsOptions>, deadline: number): Promise<FailureFacts | undefined> {
  let stage: ConnectionStage = 'resolving';
  let timedOut = false;
  let offered: string[] | undefined; // the SASL mechanisms the server offered
  let tls = false;
  const requireBinding = settings.channelBinding === 'require';

  const pg = await loadPg();
  const client = new pg.Client({
    host: settings.host,
    port: settings.port,
    user: settings.user,
    database: settings.database,
    // Called when the server asks for the password, before anything of it is sent.
    password: () => {
      if (requireBinding && !(tls && offered?.includes('SCRAM-SHA-256-PLUS'))) throw channelBindingError(tls, offered);
      return settings.password;
    },
    ssl,
    enableChannelBinding: settings.channelBinding !== 'disable',
    application_name: APPLICATION_NAME,
    options: settings.options,
    keepAlive: false,
  });
  const connection = client.connection;
  client.on('error', () => undefined); // a late socket error must not crash the step; the awaited calls report it
  connection.stream.once('lookup', () => (stage = 'connecting'));
  connection.once('connect', () => (stage = ssl ? 'tls' : 'startup'));
  connection.once('sslconnect', () => {
    tls = true;
    (connection.stream as TLSSocket).once('secureConnect', () => (stage = 'startup'));
  });
  connection.once('authenticationSASL', (message: { mechanisms: string[] }) => (offered = message.mechanisms));
  connection.once('readyForQuery', () => (stage = 'query'));
  if (!/[a-z]/i.test(settings.host)) stage = 'connecting'; // an IP address: nothing to resolve

  const timer = setTimeout(() => {
    timedOut = true;
    connection.stream.destroy();
  }, Math.max(0, deadline - Date.now()));
  try {
    await client.connect();
    // No password asked (trust): libpq's channel_binding=require refuses that too.
    if (requireBinding && !offered) throw channelBindingError(tls, offered);
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    return { code: typeof e.code === 'string' ? e.code : undefined, message: String(e.message ?? error), stage, timedOut };
  } finally {
    clearTimeout(timer);
    // A closed socket ends at once; never let saying goodbye hold the step.
    await Promise.race([client.end().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  }
}

function channelBindingError(tls: boolean, offered: string[] | undefined): Error {
  const why = !tls
    ? 'the connection is not encrypted, and channel binding needs TLS'
    : offered
      ? `the server offered only ${offered.join(', ') || 'no SASL mechanism'}, not SCRAM-SHA-256-PLUS`
      : 'the server asked for no SCRAM authentication';
  return Object.assign(new Error(why), { code: 'CHANNEL_BINDING' });
}

/** Takes every secret out of text a server or a library wrote. */
function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('***');
  return out.replace(/postgres(?:ql)?:\/\/\S+/gi, '<connection URI>');
}
