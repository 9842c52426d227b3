import { once } from 'node:events';
import net from 'node:net';
import type { Readable } from 'node:stream';
import tls from 'node:tls';

// The front door of one compute, as Neon's proxy is: it answers the client's SSLRequest, ends
// TLS with the emulator's certificate, reads the StartupMessage, asks the gate what to do
// (refuse with an ErrorResponse, or forward to a Postgres on an internal port), then connects
// to that Postgres over TLS, sends the startup on and relays bytes both ways.
//
// SCRAM with channel_binding=require goes through untouched: the binding (tls-server-end-point)
// is a hash of the server certificate, and the proxy and Postgres present the same one.

/** What a client asked for in its StartupMessage, and from where. */
export interface Hello {
  address: string;
  pooled: boolean;
  /** user, database, options, application_name, ...; the gate may change them before they go on. */
  params: Map<string, string>;
}

export type Admission =
  | { refuse: string; code?: string }
  | { port: number; params: Map<string, string>; release?: () => void | Promise<void> };

export type Gate = (hello: Hello) => Promise<Admission>;

// The first 8 bytes of every startup packet: int32 length, int32 code.
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const MAX_STARTUP_LENGTH = 10_000;

/** Neon's refusal of a startup without TLS (neondatabase/neon, proxy/src/proxy/handshake.rs). */
export const INSECURE = 'connection is insecure (try using `sslmode=require`)';

/** Reads exactly `n` bytes from a paused stream; rejects if it ends first. */
function readBytes(stream: Readable, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      stream.off('readable', attempt);
      stream.off('end', fail);
      stream.off('close', fail);
      stream.off('error', fail);
    };
    const fail = () => {
      cleanup();
      reject(new Error('connection closed during the startup'));
    };
    function attempt(): void {
      const chunk = stream.read(n) as Buffer | null;
      if (chunk === null) return;
      cleanup();
      if (chunk.length < n) reject(new Error('connection closed during the startup'));
      else resolve(chunk);
    }
    stream.on('readable', attempt);
    stream.once('end', fail);
    stream.once('close', fail);
    stream.once('error', fail);
    attempt();
  });
}

/** ErrorResponse ('E'): severity, SQLSTATE and message fields, as Neon's proxy writes them. */
export function errorResponse(message: string, code = 'XX000'): Buffer {
  const fields = Buffer.from(`SERROR\0C${code}\0M${message}\0\0`);
  const header = Buffer.alloc(5);
  header.write('E');
  header.writeInt32BE(4 + fields.length, 1);
  return Buffer.concat([header, fields]);
}

/** StartupMessage: length, protocol version, then name\0value\0 pairs and a final \0. */
function startupMessage(version: number, params: Map<string, string>): Buffer {
  const body = Buffer.from([...params].map(([k, v]) => `${k}\0${v}\0`).join('') + '\0');
  const header = Buffer.alloc(8);
  header.writeInt32BE(8 + body.length, 0);
  header.writeInt32BE(version, 4);
  return Buffer.concat([header, body]);
}

function parseParams(body: Buffer): Map<string, string> {
  const parts = body.toString('utf8').split('\0');
  const params = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length && parts[i] !== ''; i += 2) params.set(parts[i] as string, parts[i + 1] as string);
  return params;
}

/** A TLS connection to Postgres on the internal port: SSLRequest, 'S', then the handshake. */
async function connectUpstream(port: number): Promise<tls.TLSSocket> {
  const raw = net.connect(port, '127.0.0.1');
  raw.on('error', () => undefined);
  await once(raw, 'connect');
  const request = Buffer.alloc(8);
  request.writeInt32BE(8, 0);
  request.writeInt32BE(SSL_REQUEST, 4);
  raw.write(request);
  const answer = await readBytes(raw, 1);
  if (answer.toString() !== 'S') {
    raw.destroy();
    throw new Error('the compute refused TLS');
  }
  // Loopback to our own Postgres: its certificate is the one this proxy serves.
  const secure = tls.connect({ socket: raw, rejectUnauthorized: false });
  secure.on('error', () => undefined);
  await once(secure, 'secureConnect');
  return secure;
}

/** Listens on a compute's direct and pooled addresses and passes each connection through the gate. */
export class ComputeProxy {
  private servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly ports: { direct: number; pooled: number },
    private readonly context: tls.SecureContext,
    private readonly gate: Gate,
    /** Where a CancelRequest goes: the compute's Postgres, when it runs. */
    private readonly cancelPort: () => number | undefined,
  ) {}

  async start(): Promise<void> {
    if (this.servers.length) return;
    this.servers = [this.listen(this.ports.direct, false), this.listen(this.ports.pooled, true)];
    await Promise.all(this.servers.map((s) => (s.listening ? undefined : once(s, 'listening'))));
  }

  private listen(port: number, pooled: boolean): net.Server {
    const server = net.createServer((socket) => void this.serve(socket, pooled));
    server.listen(port, '127.0.0.1');
    server.on('error', () => undefined);
    return server;
  }

  /** Drops every client connection (the compute stopped) but keeps listening, as Neon's proxy does. */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  async stop(): Promise<void> {
    this.dropConnections();
    const servers = this.servers;
    this.servers = [];
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  private track<T extends net.Socket>(socket: T): T {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    return socket;
  }

  private async serve(socket: net.Socket, pooled: boolean): Promise<void> {
    this.track(socket);
    try {
      let client: net.Socket = socket;
      let header = await readBytes(client, 8);
      // GSSAPI encryption is not offered: 'N', and the client goes on with the next request.
      while (header.readInt32BE(4) === GSSENC_REQUEST) {
        client.write('N');
        header = await readBytes(client, 8);
      }
      if (header.readInt32BE(4) === SSL_REQUEST) {
        client.write('S');
        client = this.track(new tls.TLSSocket(socket, { isServer: true, secureContext: this.context }));
        header = await readBytes(client, 8);
      }
      const length = header.readInt32BE(0);
      const code = header.readInt32BE(4);
      if (code === CANCEL_REQUEST && length === 16) return await this.cancel(await readBytes(client, 8), header, client);
      if (length < 8 || length > MAX_STARTUP_LENGTH || code >> 16 !== 3) return void client.destroy();
      const params = parseParams(length > 8 ? await readBytes(client, length - 8) : Buffer.alloc(0));
      if (!(client instanceof tls.TLSSocket)) return void client.end(errorResponse(INSECURE));

      const admission = await this.gate({ address: socket.remoteAddress ?? '', pooled, params });
      if ('refuse' in admission) return void client.end(errorResponse(admission.refuse, admission.code));
      const released = (() => {
        let done = false;
        return () => {
          if (!done) void admission.release?.();
          done = true;
        };
      })();
      client.once('close', released);
      let upstream: tls.TLSSocket;
      try {
        upstream = this.track(await connectUpstream(admission.port));
      } catch {
        released();
        return void client.end(errorResponse("Couldn't connect to compute node"));
      }
      if (client.destroyed) {
        upstream.destroy();
        return released();
      }
      upstream.write(startupMessage(code, admission.params));
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    } catch {
      socket.destroy();
    }
  }

  /** A CancelRequest (process id and secret key) goes to the compute's Postgres as it came. */
  private async cancel(keys: Buffer, header: Buffer, client: net.Socket): Promise<void> {
    client.destroy();
    const port = this.cancelPort();
    if (!port) return;
    const upstream = net.connect(port, '127.0.0.1');
    upstream.on('error', () => undefined);
    await once(upstream, 'connect');
    upstream.end(Buffer.concat([header, keys]));
  }
}
