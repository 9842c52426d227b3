import type { ConnectionOptions } from 'node:tls';

/** libpq's `sslmode` values. */
export type LibpqSslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
/** libpq's `channel_binding` values. */
export type ChannelBinding = 'disable' | 'prefer' | 'require';

/** What a `postgresql://` URI asks for, read as libpq reads it. */
export interface ConnectionSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  sslMode: LibpqSslMode;
  channelBinding: ChannelBinding;
  /** libpq's `options` (Neon's `endpoint=…` for clients without SNI). */
  options?: string;
}

const SSL_MODES: readonly LibpqSslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];
const CHANNEL_BINDINGS: readonly ChannelBinding[] = ['disable', 'prefer', 'require'];

/** A URI we cannot connect with; its message never holds the URI or the password. */
export class ConnectionUriError extends Error {
  override readonly name = 'ConnectionUriError';
}

/**
 * Reads a connection URI with libpq's defaults: port 5432, the database named like the role,
 * `sslmode=prefer` and `channel_binding=prefer` when the URI does not say.
 * `sslrootcert=system` asks for verify-full against the system's certificates, as in libpq 16.
 */
export function connectionSettings(uri: string): ConnectionSettings {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new ConnectionUriError('the connection URI is not a valid URI');
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') throw new ConnectionUriError(`the connection URI starts with ${url.protocol}//, not postgresql://`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new ConnectionUriError('the connection URI has no host');
  const params = url.searchParams;
  const sslMode = (params.get('sslmode') ?? (params.get('sslrootcert') === 'system' ? 'verify-full' : 'prefer')) as LibpqSslMode;
  if (!SSL_MODES.includes(sslMode)) throw new ConnectionUriError(`sslmode=${sslMode.slice(0, 20)} in the connection URI is not one of ${SSL_MODES.join(', ')}`);
  const channelBinding = (params.get('channel_binding') ?? 'prefer') as ChannelBinding;
  if (!CHANNEL_BINDINGS.includes(channelBinding)) throw new ConnectionUriError(`channel_binding=${channelBinding.slice(0, 20)} in the connection URI is not one of ${CHANNEL_BINDINGS.join(', ')}`);
  const user = decode(url.username, 'role');
  return {
    host,
    port: url.port ? Number(url.port) : 5432,
    user,
    password: decode(url.password, 'password'),
    database: decode(url.pathname.slice(1), 'database') || user,
    sslMode,
    channelBinding,
    options: params.get('options') ?? undefined,
  };
}

/**
 * Node's TLS options for an sslmode, as libpq means it: `require` (and `prefer`, `allow`)
 * encrypt without checking the certificate; `verify-ca` checks the chain; `verify-full` checks
 * the chain and that the certificate names the host. Certificates are checked against Node's
 * store plus NODE_EXTRA_CA_CERTS. False for `disable`.
 */
export function tlsOptions(mode: LibpqSslMode): ConnectionOptions | false {
  switch (mode) {
    case 'disable':
      return false;
    case 'allow':
    case 'prefer':
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true };
  }
}

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ConnectionUriError(`the ${what} in the connection URI is not valid percent-encoding`);
  }
}
