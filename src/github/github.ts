import { ActionError } from '../errors.js';
import { githubFailure, githubStatus, networkProblem } from '../failure.js';
import { t, type Text } from '../text.js';
import { proxyFor } from '../inputs/proxy.js';
import { octokitFor, type Octokit } from './octokit.js';

/** The proxy GitHub requests go through, if any (for the failure's text). */
function proxyForUrl(apiUrl: string): ReturnType<typeof proxyFor> {
  try {
    return proxyFor(new URL(apiUrl), process.env);
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A GitHub request that failed for good; its text says what to check. */
export class GitHubError extends ActionError {
  constructor(
    text: Text,
    readonly status: number | undefined,
  ) {
    super(text);
  }
}

/** Who the token acts as: a login, and whether it is a bot (GitHub Actions, a GitHub App) or a person. */
export interface Identity {
  login: string;
  bot: boolean;
}

export interface PullRequestState {
  state: string;
  headRef?: string;
}

/**
 * The action's GitHub: one token, one repository. Every request goes through `request`, which
 * retries GitHub's 5xx and network failures (three attempts; two for a request that got no answer
 * within GITHUB_REQUEST_TIMEOUT_MS) and turns what is left into one
 * GitHubError that says what failed and what to check.
 */
export class GitHub {
  private octokit?: Promise<Octokit>;
  private login?: Promise<Identity>;

  constructor(
    private readonly token: string,
    readonly owner: string,
    readonly repo: string,
    readonly apiUrl: string,
  ) {}

  async request<T>(doing: Text, call: (octokit: Octokit) => Promise<T>): Promise<T> {
    this.octokit ??= octokitFor(this.token);
    const octokit = await this.octokit;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call(octokit);
      } catch (error) {
        const status = githubStatus(error);
        const problem = status === undefined ? networkProblem(error) : undefined;
        const transient = status === undefined ? problem?.retry !== false : status >= 500;
        // A GitHub that took the request and never answered is given one more chance, not two.
        if (transient && attempt < (problem?.code === 'timeout' ? 2 : 3)) {
          await sleep(500 * attempt);
          continue;
        }
        throw new GitHubError(githubFailure(error, doing, this.apiUrl, status === undefined ? proxyForUrl(this.apiUrl) : undefined), status);
      }
    }
  }

  /**
   * The account the token acts as, as REST shows comment authors: `github-actions[bot]` (a bot)
   * for the workflow's GITHUB_TOKEN, `<app>[bot]` for a GitHub App's installation token, the
   * person's login for a personal token. GraphQL's `viewer` answers all three, with its kind
   * (`__typename`); REST `GET /user` refuses installation tokens with 403, so it is only the
   * fallback, for a GraphQL endpoint that fails.
   */
  identity(): Promise<Identity> {
    this.login ??= this.request(t`learning which account github_token acts as`, async (octokit) => {
      try {
        const { viewer } = await octokit.graphql<{ viewer: { login: string; __typename?: string } }>('query { viewer { login __typename } }');
        return { login: viewer.login, bot: viewer.__typename === 'Bot' || /\[bot\]$/i.test(viewer.login) };
      } catch (error) {
        if (githubStatus(error) === undefined && networkProblem(error)) throw error;
        const { data } = await octokit.rest.users.getAuthenticated();
        return { login: data.login, bot: data.type === 'Bot' };
      }
    });
    return this.login;
  }

  async pullRequest(number: number): Promise<PullRequestState> {
    const { data } = await this.request(t`reading pull request #${number}`, (o) => o.rest.pulls.get({ owner: this.owner, repo: this.repo, pull_number: number }));
    return { state: data.state, headRef: data.head?.ref };
  }

  /** Numbers of the repository's open pull requests, a page at a time (only the numbers are kept). */
  async openPullNumbers(): Promise<Set<number>> {
    const open = new Set<number>();
    await this.request(t`listing the open pull requests of ${this.owner}/${this.repo}`, async (octokit) => {
      open.clear();
      const pages = octokit.paginate.iterator(octokit.rest.pulls.list, { owner: this.owner, repo: this.repo, state: 'open', per_page: 100 });
      for await (const page of pages) for (const pull of page.data) open.add(pull.number);
    });
    return open;
  }
}
