import http from 'node:http';

export interface StubComment {
  id: number;
  body: string;
  issue: number;
}

/**
 * A small local GitHub REST API: issue comments (list with Link pagination, create, update) and
 * open pull requests, enough for the sticky comment and cleanup. Faults: a status on comment writes
 * or reads, for a number of requests.
 */
export class GitHubStub {
  comments: StubComment[] = [];
  openPulls = new Set<number>();
  requests: { method: string; path: string; status: number }[] = [];
  /** Answer this status to the next `times` comment requests. */
  commentFault?: { status: number; times: number; on?: 'read' | 'write' };
  url = '';
  private nextId = 1;
  private readonly server = http.createServer((req, res) => void this.handle(req, res));

  static async start(): Promise<GitHubStub> {
    const stub = new GitHubStub();
    await new Promise<void>((resolve) => stub.server.listen(0, '127.0.0.1', () => resolve()));
    stub.url = `http://127.0.0.1:${(stub.server.address() as { port: number }).port}`;
    return stub;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Adds `count` comments by other people to an issue, to test pagination. */
  addNoise(issue: number, count: number): void {
    for (let i = 0; i < count; i++) this.comments.push({ id: this.nextId++, body: `comment ${i} from someone`, issue });
  }

  commentsOn(issue: number): StubComment[] {
    return this.comments.filter((c) => c.issue === issue);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ method, path: url.pathname, status });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const fault = this.commentFault;
    const isComment = url.pathname.includes('/comments');
    if (fault && fault.times > 0 && isComment && (!fault.on || (fault.on === 'read') === (method === 'GET'))) {
      fault.times--;
      return send(fault.status, { message: `stubbed ${fault.status}` });
    }
    const list = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname);
    const one = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (list && method === 'GET') {
      const all = this.commentsOn(Number(list[1]));
      return this.page(url, all.map((c) => ({ id: c.id, body: c.body })), send);
    }
    if (list && method === 'POST') {
      const comment = { id: this.nextId++, body: String(JSON.parse(raw).body), issue: Number(list[1]) };
      this.comments.push(comment);
      return send(201, { id: comment.id, body: comment.body });
    }
    if (one && method === 'PATCH') {
      const comment = this.comments.find((c) => c.id === Number(one[1]));
      if (!comment) return send(404, { message: 'Not Found' });
      comment.body = String(JSON.parse(raw).body);
      return send(200, { id: comment.id, body: comment.body });
    }
    if (one && method === 'DELETE') {
      this.comments = this.comments.filter((c) => c.id !== Number(one[1]));
      res.writeHead(204).end();
      return void this.requests.push({ method, path: url.pathname, status: 204 });
    }
    if (/^\/repos\/[^/]+\/[^/]+\/pulls$/.test(url.pathname) && method === 'GET') {
      return this.page(url, [...this.openPulls].sort((a, b) => a - b).map((number) => ({ number, state: 'open' })), send);
    }
    send(404, { message: 'Not Found' });
  }

  private page(url: URL, items: unknown[], send: (status: number, body: unknown, headers?: Record<string, string>) => void): void {
    const perPage = Number(url.searchParams.get('per_page') ?? 30);
    const page = Number(url.searchParams.get('page') ?? 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const headers: Record<string, string> = {};
    if (page < last) {
      const next = new URL(url);
      next.searchParams.set('page', String(page + 1));
      headers.link = `<${next}>; rel="next"`;
    }
    send(200, items.slice((page - 1) * perPage, page * perPage), headers);
  }
}
