import { type FakeGitHub, startFakeGitHub } from '@lifeboat/test-support';
import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMENT_MAX_CHARS, markerTag, stickyBody, upsertStickyComment } from './sticky-comment.js';

const TOKEN = 'ghs_sticky-test-token-0123456789';
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const clientFor = (gh: FakeGitHub, token = TOKEN) =>
  new Octokit({ auth: token, baseUrl: gh.url, log: silent });
const target = { owner: 'acme', repo: 'lifeboat', issueNumber: 7 };

let gh: FakeGitHub;
beforeEach(async () => {
  gh = await startFakeGitHub({ token: TOKEN, idleTimeoutMs: 20_000 });
});
afterEach(async () => {
  await gh.close();
});

const commentsOn = (issueNumber: number) => gh.state.comments.filter((c) => c.issueNumber === issueNumber);

describe('upsertStickyComment', () => {
  it('creates the comment, then updates it in place, then leaves it alone', async () => {
    const octokit = clientFor(gh);
    const first = await upsertStickyComment({ octokit, ...target, marker: 'plan', body: 'plan v1' });
    expect(first).toMatchObject({ action: 'created' });
    if (!('url' in first)) throw new Error(JSON.stringify(first));
    expect(first.url).toContain(`#issuecomment-${first.id}`);
    expect(commentsOn(7)).toHaveLength(1);
    expect(commentsOn(7)[0]?.body).toBe(`${markerTag('plan')}\nplan v1`);

    const second = await upsertStickyComment({ octokit, ...target, marker: 'plan', body: 'plan v2' });
    expect(second).toEqual({ action: 'updated', id: first.id, url: first.url });
    expect(commentsOn(7)).toHaveLength(1);
    expect(commentsOn(7)[0]?.body).toBe(`${markerTag('plan')}\nplan v2`);

    const patchesBefore = gh.requests.filter((r) => r.method === 'PATCH').length;
    const third = await upsertStickyComment({ octokit, ...target, marker: 'plan', body: 'plan v2' });
    expect(third).toEqual({ action: 'unchanged', id: first.id, url: first.url });
    expect(gh.requests.filter((r) => r.method === 'PATCH')).toHaveLength(patchesBefore);
    expect(gh.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('finds its marker among 150+ comments by following the pages, and touches no other comment', async () => {
    for (let i = 0; i < 160; i++) gh.addComment({ ...target, issueNumber: 7, body: `chatter ${i}` });
    const mine = gh.addComment({
      ...target,
      body: `${markerTag('plan')}\nold plan`,
      user: 'github-actions[bot]',
    });
    for (let i = 0; i < 5; i++) gh.addComment({ ...target, body: `later ${i}` });
    // Another purpose's sticky comment and another PR's plan must survive untouched.
    const other = gh.addComment({ ...target, body: `${markerTag('drill')}\ndrill report` });
    const elsewhere = gh.addComment({ ...target, issueNumber: 8, body: `${markerTag('plan')}\nPR 8 plan` });
    const before = structuredClone(gh.state.comments.filter((c) => c.id !== mine.id));

    const result = await upsertStickyComment({
      octokit: clientFor(gh),
      ...target,
      marker: 'plan',
      body: 'new plan',
    });

    expect(result).toMatchObject({ action: 'updated', id: mine.id });
    const pagesRead = gh.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/issues/7/comments'));
    expect(pagesRead.map((r) => r.query.page ?? '1')).toEqual(['1', '2']);
    expect(gh.state.comments.find((c) => c.id === mine.id)?.body).toBe(`${markerTag('plan')}\nnew plan`);
    expect(gh.state.comments.filter((c) => c.id !== mine.id)).toEqual(before);
    expect(gh.state.comments.find((c) => c.id === other.id)?.body).toContain('drill report');
    expect(gh.state.comments.find((c) => c.id === elsewhere.id)?.body).toContain('PR 8 plan');
    expect(gh.requests.filter((r) => r.method === 'PATCH').map((r) => r.path)).toEqual([
      `/repos/acme/lifeboat/issues/comments/${mine.id}`,
    ]);
  });

  it('creates a new comment when none of 250 comments carries the marker', async () => {
    for (let i = 0; i < 250; i++) gh.addComment({ ...target, body: `lifeboat:plan mentioned ${i}` });
    const result = await upsertStickyComment({
      octokit: clientFor(gh),
      ...target,
      marker: 'plan',
      body: 'fresh',
    });
    expect(result.action).toBe('created');
    const pagesRead = gh.requests.filter((r) => r.method === 'GET').map((r) => r.query.page ?? '1');
    expect(pagesRead).toEqual(['1', '2', '3']);
    expect(commentsOn(7)).toHaveLength(251);
  });

  it('fails with a clear message and no token when the token is wrong', async () => {
    const wrong = 'ghp_wrong-token-abcdef';
    const result = await upsertStickyComment({
      octokit: clientFor(gh, wrong),
      ...target,
      marker: 'plan',
      body: 'x',
    });
    expect(result.action).toBe('failed');
    if (result.action !== 'failed') return;
    expect(result.status).toBe(401);
    expect(result.message).toMatch(/rejected the token/);
    expect(result.message).toMatch(/Bad credentials/);
    expect(result.message).not.toContain(wrong);
    expect(result.message).not.toContain(TOKEN);
    expect(gh.state.comments).toHaveLength(0);
  });

  it('says "not found" for a comment that vanished between listing and editing', async () => {
    const mine = gh.addComment({ ...target, body: `${markerTag('plan')}\nold` });
    const octokit = clientFor(gh);
    // Delete it as soon as the list has been served, like a concurrent run or a human would.
    octokit.hook.after('request', (_response, options) => {
      if (options.method === 'GET') gh.state.comments.splice(gh.state.comments.indexOf(mine), 1);
    });
    const result = await upsertStickyComment({ octokit, ...target, marker: 'plan', body: 'new' });
    expect(result).toMatchObject({ action: 'failed', status: 404 });
    if (result.action === 'failed') expect(result.message).toContain('"acme/lifeboat" pull request #7');
  });

  it('reports an unreachable API as such', async () => {
    const url = gh.url;
    await gh.close();
    const octokit = new Octokit({ auth: TOKEN, baseUrl: url, log: silent });
    const result = await upsertStickyComment({ octokit, ...target, marker: 'plan', body: 'x' });
    expect(result.action).toBe('failed');
    if (result.action === 'failed') expect(result.message).toMatch(/^could not reach the GitHub API/);
  });

  it('keeps one comment per site preview marker, beside the plan, each edited in place', async () => {
    const octokit = clientFor(gh);
    const plan = await upsertStickyComment({ octokit, ...target, marker: 'plan', body: 'the plan' });
    const lisle = await upsertStickyComment({
      octokit,
      ...target,
      marker: 'snapshots-lisle',
      body: 'lisle v1',
    });
    const portage = await upsertStickyComment({
      octokit,
      ...target,
      marker: 'snapshots-portage',
      body: 'portage v1',
    });
    expect([plan.action, lisle.action, portage.action]).toEqual(['created', 'created', 'created']);
    const again = await upsertStickyComment({
      octokit,
      ...target,
      marker: 'snapshots-lisle',
      body: 'lisle v2',
    });
    expect(again).toMatchObject({ action: 'updated', id: lisle.action === 'created' ? lisle.id : -1 });
    expect(commentsOn(7).map((c) => c.body)).toEqual([
      `${markerTag('plan')}\nthe plan`,
      `${markerTag('snapshots-lisle')}\nlisle v2`,
      `${markerTag('snapshots-portage')}\nportage v1`,
    ]);
  });

  it('accepts the marker of the longest site name the schema allows', async () => {
    const marker = `snapshots-${'s'.repeat(63)}`;
    const result = await upsertStickyComment({ octokit: clientFor(gh), ...target, marker, body: 'b' });
    expect(result.action).toBe('created');
    expect(commentsOn(7)[0]?.body.startsWith(`<!-- lifeboat:${marker} -->\n`)).toBe(true);
  });

  it('never edits a comment that only quotes the tag further down', async () => {
    const quoting = gh.addComment({
      ...target,
      body: `${markerTag('plan')}\nA description that says ${markerTag('snapshots-lisle')} in passing`,
    });
    const result = await upsertStickyComment({
      octokit: clientFor(gh),
      ...target,
      marker: 'snapshots-lisle',
      body: 'lisle preview',
    });
    expect(result.action).toBe('created');
    expect(gh.state.comments.find((c) => c.id === quoting.id)?.body).toContain('in passing');
    expect(commentsOn(7)).toHaveLength(2);
  });

  it('with updateOnly, edits the comment that is there and never starts one', async () => {
    const octokit = clientFor(gh);
    for (let i = 0; i < 120; i++) gh.addComment({ ...target, body: `chatter ${i}` });
    const none = await upsertStickyComment({
      octokit,
      ...target,
      marker: 'snapshots-lisle',
      body: 'nothing to preview',
      updateOnly: true,
    });
    expect(none).toEqual({ action: 'absent' });
    // It looked through every page before giving up, and wrote nothing.
    expect(gh.requests.filter((r) => r.method === 'GET').map((r) => r.query.page ?? '1')).toEqual(['1', '2']);
    expect(gh.requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
    expect(commentsOn(7)).toHaveLength(120);

    const stale = gh.addComment({ ...target, body: `${markerTag('snapshots-lisle')}\n3 snapshots deleted` });
    const refreshed = await upsertStickyComment({
      octokit,
      ...target,
      marker: 'snapshots-lisle',
      body: 'nothing to preview',
      updateOnly: true,
    });
    expect(refreshed).toMatchObject({ action: 'updated', id: stale.id });
    expect(gh.state.comments.find((c) => c.id === stale.id)?.body).toBe(
      `${markerTag('snapshots-lisle')}\nnothing to preview`,
    );
    expect(commentsOn(7)).toHaveLength(121);
  });

  it('refuses a marker that could break out of the HTML comment', async () => {
    const result = await upsertStickyComment({
      octokit: clientFor(gh),
      ...target,
      marker: 'x -->',
      body: 'b',
    });
    expect(result.action).toBe('failed');
    expect(gh.requests).toHaveLength(0);
  });

  it('cuts a body longer than GitHub allows so the API accepts it, and says so', async () => {
    const huge = 'line of plan\n'.repeat(6000);
    expect(huge.length).toBeGreaterThan(COMMENT_MAX_CHARS);
    const result = await upsertStickyComment({
      octokit: clientFor(gh),
      ...target,
      marker: 'plan',
      body: huge,
    });
    expect(result.action).toBe('created');
    const stored = commentsOn(7)[0]?.body ?? '';
    expect(stored.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(stored.startsWith(markerTag('plan'))).toBe(true);
    expect(stored).toMatch(/Truncated/);
    // Re-posting the same huge body is recognised as unchanged.
    const again = await upsertStickyComment({
      octokit: clientFor(gh),
      ...target,
      marker: 'plan',
      body: huge,
    });
    expect(again.action).toBe('unchanged');
  });
});

describe('stickyBody', () => {
  it('never splits a surrogate pair when cutting', () => {
    // All emoji: with an odd and an even prefix, one of the two cuts lands inside a pair.
    for (const prefix of ['', 'a']) {
      const out = stickyBody('plan', `${prefix}${'😀'.repeat(COMMENT_MAX_CHARS)}`);
      expect(out.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
      expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
      expect(out).toMatch(/😀\n\n---\n_Truncated/);
    }
  });

  it('leaves a body that fits untouched apart from the tag and line endings', () => {
    expect(stickyBody('plan', 'a\r\nb')).toBe(`${markerTag('plan')}\na\nb`);
  });
});
