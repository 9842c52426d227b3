import net from 'node:net';

/**
 * The compute's "pooler" address: a TCP relay to its Postgres, so pooled and direct URIs are
 * different addresses that both work, as on Neon (no transaction pooling is emulated).
 */
export class Pooler {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    readonly port: number,
    private readonly targetPort: () => number | undefined,
  ) {}

  async start(): Promise<void> {
    if (this.server?.listening) return;
    this.server = net.createServer((client) => {
      const port = this.targetPort();
      if (!port) return client.destroy();
      const upstream = net.connect(port, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  /** Drops every connection (the compute was suspended) but keeps listening. */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  async stop(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
