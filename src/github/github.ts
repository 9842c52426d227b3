import { ActionError } from '../errors.js';
import { githubFailure, githubStatus, networkProblem } from '../failure.js';
import { t, type Text } from '../text.js';
import { octokitFor, type Octokit } from './octokit.js';

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

export interface PullRequestState {
  state: string;
  headRef?: string;
}

/**
 * The action's GitHub: one token, one repository. Every request goes through `request`, which
 * retries GitHub's 5xx and network failures (three attempts) and turns what is left into one
 * GitHubError that says what failed and what to check.
 */
export class GitHub {
  private octokit?: Promise<Octokit>;
  private login?: Promise<string>;

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
        const transient = status === undefined ? networkProblem(error)?.retry !== false : status >= 500;
        if (transient && attempt < 3) {
          await sleep(500 * attempt);
          continue;
        }
        throw new GitHubError(githubFailure(error, doing, this.apiUrl), status);
      }
    }
  }

  /**
   * The login the token acts as, as REST shows comment authors: `github-actions[bot]` for the
   * workflow's GITHUB_TOKEN, `<app>[bot]` for a GitHub App's installation token, the person's login
   * for a personal token. GraphQL's `viewer` answers all three (REST `GET /user` refuses
   * installation tokens with 403, so it is only the fallback, for a GraphQL endpoint that fails).
   */
  identity(): Promise<string> {
    this.login ??= this.request(t`learning which account github_token acts as`, async (octokit) => {
      try {
        return (await octokit.graphql<{ viewer: { login: string } }>('query { viewer { login } }')).viewer.login;
      } catch (error) {
        if (githubStatus(error) === undefined && networkProblem(error)) throw error;
        return (await octokit.rest.users.getAuthenticated()).data.login;
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
