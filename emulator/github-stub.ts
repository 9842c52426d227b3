import http from 'node:http';

/** Who a token acts as, the way GitHub sees it. */
export interface StubIdentity {
  /** As REST shows it: bots end in `[bot]` (`github-actions[bot]`). */
  login: string;
  type: 'User' | 'Bot';
  /** The GitHub App an installation token belongs to (`github-actions` for the workflow's GITHUB_TOKEN). */
  app?: string;
}

export interface StubComment {
  id: number;
  body: string;
  issue: number;
  user: { login: string; type: 'User' | 'Bot' };
  /** Set by GitHub when an App's installation token wrote the comment. */
  performed_via_github_app: { slug: string } | null;
}

/** An injected failure on matching GitHub requests: a status, or a connection dropped before any answer. */
export interface GitHubFault {
  method?: string;
  /** Matched against the path, e.g. `/pulls`, `/comments`, `/graphql`. */
  path?: RegExp;
  status?: number;
  reset?: boolean;
  times: number;
}

/** The identity of the workflow's own `GITHUB_TOKEN` (an installation token of the GitHub Actions app). */
export const ACTIONS_BOT: StubIdentity = { login: 'github-actions[bot]', type: 'Bot', app: 'github-actions' };

/**
 * A small local GitHub REST API (and the one GraphQL query the action makes), faithful where it
 * matters for the sticky comment: every request needs a token GitHub knows, every comment has the
 * author its token acts as, `GET /user` refuses installation tokens (403, as GitHub does) while
 * GraphQL `viewer` answers every kind of token (bots with `[bot]`). Also: issue comments (list with
 * Link pagination, create, update, delete; each with its `html_url`), open pull requests, one pull request's state and head.
 * Tokens: a token registered in `tokens` acts as its identity; any other `ghs_` token is taken for
 * the workflow's GITHUB_TOKEN (`github-actions[bot]`); anything else is refused with 401.
 */
export class GitHubStub {
  comments: StubComment[] = [];
  /** What `GET /pulls?state=open` lists (cleanup). */
  openPulls = new Set<number>();
  /** Pull requests `GET /pulls/{n}` knows; one not listed here is open, with head `feature/login`. */
  pulls = new Map<number, { state: 'open' | 'closed'; head: string }>();
  tokens = new Map<string, StubIdentity>();
  requests: { method: string; path: string; status: number; login?: string }[] = [];
  /** Answer this status to the next `times` comment requests. */
  commentFault?: { status: number; times: number; on?: 'read' | 'write' };
  faults: GitHubFault[] = [];
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
    for (let i = 0; i < count; i++) this.addComment(issue, `comment ${i} from someone`, { login: 'someone', type: 'User' });
  }

  /** A comment written on GitHub by someone else (a person, or another app). */
  addComment(issue: number, body: string, author: StubIdentity): StubComment {
    const comment: StubComment = {
      id: this.nextId++,
      body,
      issue,
      user: { login: author.login, type: author.type },
      performed_via_github_app: author.app ? { slug: author.app } : null,
    };
    this.comments.push(comment);
    return comment;
  }

  commentsOn(issue: number): StubComment[] {
    return this.comments.filter((c) => c.issue === issue);
  }

  closePull(number: number, head = 'feature/login'): void {
    this.pulls.set(number, { state: 'closed', head: this.pulls.get(number)?.head ?? head });
    this.openPulls.delete(number);
  }

  /** Whom a request's token acts as, or undefined when GitHub would answer 401. */
  identityOf(authorization: string | undefined): StubIdentity | undefined {
    const token = /^(?:token|bearer) (.+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return undefined;
    return this.tokens.get(token) ?? (token.startsWith('ghs_') ? ACTIONS_BOT : undefined);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const who = this.identityOf(req.headers.authorization);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ method, path: url.pathname, status, login: who?.login });
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    const injected = this.faults.find((f) => f.times > 0 && (!f.method || f.method === method) && (!f.path || f.path.test(url.pathname)));
    if (injected) {
      injected.times--;
      if (injected.reset) {
        this.requests.push({ method, path: url.pathname, status: 0, login: who?.login });
        return void req.socket.destroy();
      }
      return send(injected.status ?? 500, { message: `stubbed ${injected.status}` });
    }
    const fault = this.commentFault;
    const isComment = url.pathname.includes('/comments');
    if (fault && fault.times > 0 && isComment && (!fault.on || (fault.on === 'read') === (method === 'GET'))) {
      fault.times--;
      return send(fault.status, { message: `stubbed ${fault.status}` });
    }
    if (!who) return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });

    if (url.pathname === '/graphql' && method === 'POST') {
      const query = String((JSON.parse(raw || '{}') as { query?: unknown }).query ?? '');
      const asked = /\bviewer\s*\{([^}]*)\}/.exec(query)?.[1]?.trim().split(/\s+/) ?? [];
      if (!asked.includes('login') || asked.some((f) => f !== 'login' && f !== '__typename')) return send(200, { errors: [{ message: 'the stub answers only `viewer { login __typename }`' }] });
      return send(200, { data: { viewer: { login: who.login, ...(asked.includes('__typename') ? { __typename: who.type } : {}) } } });
    }
    if (url.pathname === '/user' && method === 'GET') {
      if (who.app) return send(403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user', status: '403' });
      return send(200, { login: who.login, type: who.type });
    }

    const list = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname);
    const one = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname);
    const repo = /^\/repos\/([^/]+\/[^/]+)\//.exec(url.pathname)?.[1] ?? '';
    if (list && method === 'GET') return this.page(url, this.commentsOn(Number(list[1])).map((c) => this.view(c, repo)), send);
    if (list && method === 'POST') {
      const comment = this.addComment(Number(list[1]), String(JSON.parse(raw).body), who);
      return send(201, this.view(comment, repo));
    }
    if (one && method === 'PATCH') {
      // GitHub lets anyone with write access edit any comment: the action itself must hold back.
      const comment = this.comments.find((c) => c.id === Number(one[1]));
      if (!comment) return send(404, { message: 'Not Found' });
      comment.body = String(JSON.parse(raw).body);
      return send(200, this.view(comment, repo));
    }
    if (one && method === 'DELETE') {
      if (!this.comments.some((c) => c.id === Number(one[1]))) return send(404, { message: 'Not Found' });
      this.comments = this.comments.filter((c) => c.id !== Number(one[1]));
      res.writeHead(204).end();
      return void this.requests.push({ method, path: url.pathname, status: 204, login: who.login });
    }
    const pull = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/.exec(url.pathname);
    if (pull && method === 'GET') {
      const number = Number(pull[3]);
      const known = this.pulls.get(number) ?? { state: 'open' as const, head: 'feature/login' };
      const repo = { full_name: `${pull[1]}/${pull[2]}` };
      return send(200, { number, state: known.state, merged: false, head: { ref: known.head, repo }, base: { ref: 'main', repo } });
    }
    if (/^\/repos\/[^/]+\/[^/]+\/pulls$/.test(url.pathname) && method === 'GET') {
      return this.page(url, [...this.openPulls].sort((a, b) => a - b).map((number) => ({ number, state: 'open' })), send);
    }
    send(404, { message: 'Not Found' });
  }

  /** The comment's page on GitHub, as its `html_url` (a pull request's comments live under `/pull/`). */
  static htmlUrl(repo: string, c: StubComment): string {
    return `https://github.com/${repo}/pull/${c.issue}#issuecomment-${c.id}`;
  }

  private view(c: StubComment, repo: string): unknown {
    return { id: c.id, body: c.body, user: c.user, performed_via_github_app: c.performed_via_github_app, html_url: GitHubStub.htmlUrl(repo, c) };
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
