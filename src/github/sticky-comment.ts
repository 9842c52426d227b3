import * as log from '../log.js';
import { t } from '../text.js';
import { GitHubError, type GitHub, type Identity } from './github.js';

export interface PullRequestRef {
  number: number;
}

interface CommentAuthor {
  user?: { login?: string; type?: string } | null;
}

/**
 * Whether a comment was written by the account the token acts as (`who`). Anyone can paste the
 * hidden marker into a comment of their own; only the author tells ours apart, by login and by
 * kind: a bot's comments are a Bot's (REST writes its login with `[bot]`, GraphQL may leave it
 * out), a person's are a User's of exactly that login. So a person whose login is a bot's bare
 * name (a user called `github-actions`) never passes for the bot.
 */
export function writtenBy(comment: CommentAuthor, who: Identity): boolean {
  const author = comment.user?.login?.toLowerCase();
  if (!author) return false;
  const wanted = who.login.toLowerCase();
  if (who.bot) {
    const bare = wanted.replace(/\[bot\]$/, '');
    return comment.user?.type === 'Bot' && (author === `${bare}[bot]` || author === bare);
  }
  return comment.user?.type !== 'Bot' && author === wanted;
}

/** One of our comments: its id and its body as it is now. */
export interface OurComment {
  id: number;
  body: string;
}

/** Our comments (the marker, written by `login`), oldest first, from every page of the PR's comments (or up to the first page with one, if `all` is false). */
async function findOurs(github: GitHub, pr: PullRequestRef, marker: string, who: Identity, all: boolean): Promise<OurComment[]> {
  return github.request(t`reading the comments of pull request #${pr.number}`, async (octokit) => {
    const found: OurComment[] = [];
    const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, { owner: github.owner, repo: github.repo, issue_number: pr.number, per_page: 100 });
    for await (const page of pages) {
      found.push(...page.data.filter((c) => c.body?.includes(marker) && writtenBy(c, who)).map((c) => ({ id: c.id, body: c.body ?? '' })));
      if (found.length && !all) break;
    }
    return found.sort((a, b) => a.id - b.id);
  });
}

/** What looking for our comment found: it (or nothing) and who we are, or the failure, kept for when the comment is written. */
export type CommentLookup = Promise<{ who: Identity; comment?: OurComment } | { error: unknown }>;

/**
 * Starts looking for this PR's comment: who the token is, then the PR's comments. It never
 * rejects, so it can run while other work does (the connection check); `writeStickyComment`
 * takes its answer.
 */
export function lookUpStickyComment(github: GitHub, pr: PullRequestRef, marker: string): CommentLookup {
  return (async () => {
    const who = await github.identity();
    const [comment] = await findOurs(github, pr, marker, who, false);
    return { who, comment };
  })().catch((error: unknown) => ({ error }));
}

/** The new body, or how to make it from the comment's current body (undefined when there is none yet). */
export type CommentBody = string | ((current: string | undefined) => string);

/** What writing the comment did, and the comment's page (`html_url`) as GitHub answered it. */
interface Written {
  done: 'created' | 'updated';
  url?: string;
}

async function upsert(github: GitHub, pr: PullRequestRef, marker: string, body: CommentBody, lookup: CommentLookup): Promise<Written> {
  const found = await lookup;
  if ('error' in found) throw found.error;
  const { who, comment } = found;
  const render = typeof body === 'string' ? () => body : body;
  const { owner, repo } = github;
  if (comment) {
    const updated = await github.request(t`updating the comment on pull request #${pr.number}`, (o) => o.rest.issues.updateComment({ owner, repo, comment_id: comment.id, body: render(comment.body) }));
    return { done: 'updated', url: updated.data.html_url };
  }
  const created = await github.request(t`commenting on pull request #${pr.number}`, (o) => o.rest.issues.createComment({ owner, repo, issue_number: pr.number, body: render(undefined) }));
  // Runs started together may each have created one: the oldest of ours stays, this run's goes.
  // The new comment's author is GitHub's own word for who the token is.
  const author = created.data.user;
  const ours = await findOurs(github, pr, marker, author?.login ? { login: author.login, bot: author.type === 'Bot' } : who, true);
  const oldest = ours[0];
  if (oldest !== undefined && oldest.id !== created.data.id) {
    await github.request(t`removing a duplicate comment on pull request #${pr.number}`, (o) => o.rest.issues.deleteComment({ owner, repo, comment_id: created.data.id }));
    const kept = await github.request(t`updating the comment on pull request #${pr.number}`, (o) => o.rest.issues.updateComment({ owner, repo, comment_id: oldest.id, body: render(oldest.body) }));
    return { done: 'updated', url: kept.data.html_url };
  }
  return { done: 'created', url: created.data.html_url };
}

/**
 * Writes the one sticky comment of this PR: found again by its marker among the comments of the
 * account the token acts as, never anyone else's. `lookup`, when given, is a search started
 * earlier (`lookUpStickyComment`). The branch is ready whatever GitHub says, so a refused or
 * failing comment is a warning, never a failed step. Answers the comment's URL, undefined when none was written.
 */
export async function writeStickyComment(github: GitHub, pr: PullRequestRef, marker: string, body: CommentBody, lookup?: CommentLookup): Promise<string | undefined> {
  try {
    const { done, url } = await upsert(github, pr, marker, body, lookup ?? lookUpStickyComment(github, pr, marker));
    log.info(t`PR #${pr.number}: comment ${done}`);
    return url;
  } catch (error) {
    if (!(error instanceof GitHubError)) throw error;
    log.warning(t`Could not write the PR comment: ${error.text} The branch itself is ready; see the job summary.`);
    return undefined;
  }
}
