// One pull-request comment per purpose, edited in place, so a PR shows the latest plan instead of a pile of them.
import { quote } from '@lifeboat/core';
import type { Octokit } from '@octokit/rest';

/** GitHub refuses comment bodies longer than this many characters. */
export const COMMENT_MAX_CHARS = 65_536;

// Room for `snapshots-<site>` with the longest site name (63) the schema allows.
const MARKER_NAME = /^[a-z0-9][a-z0-9-]{0,99}$/;
const TRUNCATION_NOTE =
  '\n\n---\n_Truncated: the full text is longer than a GitHub comment allows; see the workflow run for all of it._';

export interface StickyCommentRequest {
  octokit: Octokit;
  owner: string;
  repo: string;
  issueNumber: number;
  /** Names the comment's purpose, e.g. `plan`; becomes the hidden `<!-- lifeboat:plan -->` tag. */
  marker: string;
  body: string;
  /** Only edit a comment that is there; never start one (a preview with nothing to say refreshes a stale one). */
  updateOnly?: boolean;
}

export type StickyCommentResult =
  | { action: 'created' | 'updated' | 'unchanged'; id: number; url: string }
  | { action: 'absent' }
  | { action: 'failed'; message: string; status?: number };

export const isValidMarker = (marker: string): boolean => MARKER_NAME.test(marker);

export const markerTag = (marker: string): string => `<!-- lifeboat:${marker} -->`;

/** The exact text stored on GitHub: tag first, then the body, cut to fit GitHub's limit. */
export const stickyBody = (marker: string, body: string): string => {
  const tag = markerTag(marker);
  const full = `${tag}\n${body.replace(/\r\n/g, '\n')}`;
  if (full.length <= COMMENT_MAX_CHARS) return full;
  let cut = full.slice(0, COMMENT_MAX_CHARS - TRUNCATION_NOTE.length);
  // Never leave half of a surrogate pair behind.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}${TRUNCATION_NOTE}`;
};

interface ErrorShape {
  status?: unknown;
  message?: unknown;
  response?: { data?: unknown };
}

const apiMessage = (data: unknown): string => {
  if (typeof data !== 'object' || data === null) return '';
  const { message, errors } = data as { message?: unknown; errors?: unknown };
  const details = Array.isArray(errors)
    ? errors.map((e) => (typeof e === 'object' && e !== null ? (e as { message?: unknown }).message : e))
    : [];
  return [message, ...details].filter((m): m is string => typeof m === 'string' && m.length > 0).join('; ');
};

/** Turns an Octokit failure into one actionable line; never echoes request headers (the token lives there). */
export const describeGitHubError = (err: unknown, where: string): { message: string; status?: number } => {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorShape;
  const status = typeof e.status === 'number' && e.status > 0 ? e.status : undefined;
  const said = apiMessage(e.response?.data);
  const quoted = said ? ` ${quote(said, 200)}` : '';
  if (status === undefined || e.response === undefined) {
    const reason = typeof e.message === 'string' ? e.message : String(err);
    return { message: `could not reach the GitHub API: ${quote(reason, 200)}` };
  }
  switch (status) {
    case 401:
      return {
        status,
        message: `GitHub rejected the token (401${quoted}): set GITHUB_TOKEN to a valid token`,
      };
    case 403:
      return {
        status,
        message: `GitHub refused access to ${where} (403${quoted}): the token needs "pull-requests: write" (pull requests from forks only get a read-only token)`,
      };
    case 404:
      return { status, message: `${where} was not found, or the token cannot see it (404)` };
    case 422:
      return { status, message: `GitHub rejected the comment on ${where} (422${quoted})` };
    default:
      return { status, message: `GitHub API error on ${where} (${status}${quoted})` };
  }
};

/** Create, update or leave alone the one comment on a PR that carries `<!-- lifeboat:<marker> -->`. */
export const upsertStickyComment = async (request: StickyCommentRequest): Promise<StickyCommentResult> => {
  const { octokit, owner, repo, issueNumber, marker } = request;
  if (!isValidMarker(marker)) {
    return {
      action: 'failed',
      message: `marker ${quote(marker)} must be lowercase letters, digits and dashes`,
    };
  }
  const where = `${quote(`${owner}/${repo}`)} pull request #${issueNumber}`;
  const tag = markerTag(marker);
  const body = stickyBody(marker, request.body);
  try {
    let existing: { id: number; body?: string | undefined; html_url: string } | undefined;
    // Stop paging at the first match: busy PRs have hundreds of comments.
    const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: issueNumber,
      per_page: 100,
    });
    search: for await (const page of pages) {
      for (const comment of page.data) {
        // The tag leads every sticky body; one merely quoted inside another comment (a plan echoing a
        // description, a human pasting it) must not make that comment the one edited.
        if (comment.body?.startsWith(tag)) {
          existing = comment;
          break search;
        }
      }
    }
    if (existing === undefined) {
      if (request.updateOnly === true) return { action: 'absent' };
      const { data } = await octokit.rest.issues.createComment({
        owner,
        repo,
        issue_number: issueNumber,
        body,
      });
      return { action: 'created', id: data.id, url: data.html_url };
    }
    if ((existing.body ?? '').replace(/\r\n/g, '\n') === body) {
      return { action: 'unchanged', id: existing.id, url: existing.html_url };
    }
    const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
    return { action: 'updated', id: data.id, url: data.html_url };
  } catch (err) {
    return { action: 'failed', ...describeGitHubError(err, where) };
  }
};
