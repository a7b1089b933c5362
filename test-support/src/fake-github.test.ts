import { afterEach, describe, expect, it } from 'vitest';
import { type FakeGitHub, type FakeGitHubOptions, startFakeGitHub } from './fake-github.js';

const TOKEN = 'fake-gh-token';
let gh: FakeGitHub | undefined;
const start = async (options: FakeGitHubOptions = {}) => {
  gh = await startFakeGitHub({ token: TOKEN, ...options });
  return gh;
};
afterEach(async () => {
  await gh?.close();
  gh = undefined;
});

const call = async (
  server: FakeGitHub,
  method: string,
  path: string,
  body?: unknown,
  auth: string | null = `token ${TOKEN}`,
) => {
  const headers: Record<string, string> = { accept: 'application/vnd.github+json' };
  if (auth !== null) headers.authorization = auth;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    link: res.headers.get('link'),
    json: text ? (JSON.parse(text) as unknown) : undefined,
  };
};

describe('fake GitHub: authentication and recording', () => {
  it('accepts "token X" and "Bearer X" and answers anything else with 401 Bad credentials', async () => {
    const s = await start();
    const path = '/repos/acme/lifeboat/issues/1/comments';
    expect((await call(s, 'GET', path)).status).toBe(200);
    expect((await call(s, 'GET', path, undefined, `Bearer ${TOKEN}`)).status).toBe(200);
    const wrong = await call(s, 'GET', path, undefined, 'token nope');
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({ message: 'Bad credentials' });
    expect((await call(s, 'GET', path, undefined, null)).status).toBe(401);
    expect(s.requests.map((r) => r.status)).toEqual([200, 200, 401, 401]);
  });

  it('records method, path, query, headers and body of every request', async () => {
    const s = await start();
    await call(s, 'POST', '/repos/acme/lifeboat/issues/3/comments?x=1', { body: 'hello' });
    expect(s.requests[0]).toMatchObject({
      method: 'POST',
      path: '/repos/acme/lifeboat/issues/3/comments',
      query: { x: '1' },
      body: { body: 'hello' },
      status: 201,
    });
    expect(s.requests[0]?.headers.authorization).toBe(`token ${TOKEN}`);
  });

  it('answers unknown routes with 404 and bad JSON with 400', async () => {
    const s = await start();
    expect((await call(s, 'GET', '/repos/acme/lifeboat/nothing')).status).toBe(404);
    const res = await fetch(`${s.url}/repos/acme/lifeboat/issues/1/comments`, {
      method: 'POST',
      headers: { authorization: `token ${TOKEN}` },
      body: '{not json',
    });
    expect(res.status).toBe(400);
  });
});

describe('fake GitHub: issue comments', () => {
  it('pages comments in ascending id order with GitHub-style Link headers', async () => {
    const s = await start();
    for (let i = 0; i < 45; i++)
      s.addComment({ owner: 'acme', repo: 'lifeboat', issueNumber: 1, body: `c${i}` });
    s.addComment({ owner: 'acme', repo: 'lifeboat', issueNumber: 2, body: 'other issue' });
    const first = await call(s, 'GET', '/repos/acme/lifeboat/issues/1/comments?per_page=20');
    expect((first.json as { body: string }[]).map((c) => c.body)).toEqual(
      Array.from({ length: 20 }, (_, i) => `c${i}`),
    );
    expect(first.link).toBe(
      `<${s.url}/repos/acme/lifeboat/issues/1/comments?per_page=20&page=2>; rel="next", ` +
        `<${s.url}/repos/acme/lifeboat/issues/1/comments?per_page=20&page=3>; rel="last"`,
    );
    const last = await call(s, 'GET', '/repos/acme/lifeboat/issues/1/comments?per_page=20&page=3');
    expect((last.json as unknown[]).length).toBe(5);
    expect(last.link).toContain('rel="prev"');
    expect(last.link).toContain('rel="first"');
    expect(last.link).not.toContain('rel="next"');
    const defaults = await call(s, 'GET', '/repos/acme/lifeboat/issues/1/comments');
    expect((defaults.json as unknown[]).length).toBe(30);
  });

  it('creates and edits comments, refusing unknown ids and over-long bodies', async () => {
    const s = await start({ login: 'lifeboat[bot]' });
    const created = await call(s, 'POST', '/repos/acme/lifeboat/issues/5/comments', { body: 'one' });
    expect(created.status).toBe(201);
    const c = created.json as { id: number; html_url: string; user: { login: string } };
    expect(c.user.login).toBe('lifeboat[bot]');
    expect(c.html_url).toBe(`https://github.com/acme/lifeboat/pull/5#issuecomment-${c.id}`);
    const edited = await call(s, 'PATCH', `/repos/acme/lifeboat/issues/comments/${c.id}`, { body: 'two' });
    expect(edited).toMatchObject({ status: 200, json: { id: c.id, body: 'two' } });
    expect(s.state.comments.map((x) => x.body)).toEqual(['two']);
    expect((await call(s, 'PATCH', '/repos/acme/lifeboat/issues/comments/999', { body: 'x' })).status).toBe(
      404,
    );
    expect((await call(s, 'PATCH', `/repos/acme/other/issues/comments/${c.id}`, { body: 'x' })).status).toBe(
      404,
    );
    const long = await call(s, 'POST', '/repos/acme/lifeboat/issues/5/comments', {
      body: 'x'.repeat(65_537),
    });
    expect(long.status).toBe(422);
    expect((await call(s, 'POST', '/repos/acme/lifeboat/issues/5/comments', {})).status).toBe(422);
  });
});

describe('fake GitHub: workflow dispatch, runs and runners', () => {
  const dispatchPath = '/repos/acme/lifeboat/actions/workflows/restore.yml/dispatches';

  it('answers 204 without return_run_details and 200 with the run details when asked', async () => {
    const s = await start({ runName: ({ inputs }) => `restore ${String(inputs.request_id)}` });
    const plain = await call(s, 'POST', dispatchPath, { ref: 'main', inputs: { request_id: 'r-1' } });
    expect(plain).toMatchObject({ status: 204, json: undefined });
    const detailed = await call(s, 'POST', dispatchPath, {
      ref: 'main',
      inputs: { request_id: 'r-2' },
      return_run_details: true,
    });
    expect(detailed.status).toBe(200);
    const runId = s.state.dispatches[1]?.runId;
    expect(detailed.json).toEqual({
      workflow_run_id: runId,
      run_url: `${s.url}/repos/acme/lifeboat/actions/runs/${runId}`,
      html_url: `https://github.com/acme/lifeboat/actions/runs/${runId}`,
    });
    expect(s.state.runs.map((r) => r.displayTitle)).toEqual(['restore r-1', 'restore r-2']);
    const run = await call(s, 'GET', `/repos/acme/lifeboat/actions/runs/${runId}`);
    expect(run.json).toMatchObject({
      id: runId,
      event: 'workflow_dispatch',
      status: 'queued',
      head_branch: 'main',
    });
  });

  it('rejects the flag with 422 when configured like an older server, and bad dispatches always', async () => {
    const s = await start({ rejectReturnRunDetails: true, workflows: ['restore.yml'] });
    const refused = await call(s, 'POST', dispatchPath, { ref: 'main', return_run_details: true });
    expect(refused.status).toBe(422);
    expect(refused.json).toMatchObject({ message: expect.stringContaining('return_run_details') });
    expect(s.state.runs).toHaveLength(0);
    expect((await call(s, 'POST', dispatchPath, { ref: 'main' })).status).toBe(204);
    expect((await call(s, 'POST', dispatchPath, { inputs: {} })).status).toBe(422);
    const tooMany = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`k${i}`, 'v']));
    expect((await call(s, 'POST', dispatchPath, { ref: 'main', inputs: tooMany })).status).toBe(422);
    const unknown = '/repos/acme/lifeboat/actions/workflows/nope.yml/dispatches';
    expect((await call(s, 'POST', unknown, { ref: 'main' })).status).toBe(404);
  });

  it('lists runs newest first, filtered by event, status and created', async () => {
    const s = await start();
    const repo = { owner: 'acme', repo: 'lifeboat' };
    s.addRun({ ...repo, event: 'schedule', createdAt: '2025-03-01T10:00:00Z' });
    s.addRun({ ...repo, event: 'workflow_dispatch', createdAt: '2025-03-02T10:00:00Z' });
    s.addRun({ ...repo, event: 'workflow_dispatch', createdAt: '2025-03-03T10:00:00Z', status: 'completed' });
    s.addRun({ owner: 'acme', repo: 'other', event: 'workflow_dispatch', createdAt: '2025-03-03T10:00:00Z' });
    const list = async (query: string) => {
      const res = await call(s, 'GET', `/repos/acme/lifeboat/actions/runs${query}`);
      const body = res.json as { total_count: number; workflow_runs: { created_at: string }[] };
      return body.workflow_runs.map((r) => r.created_at.slice(0, 10));
    };
    expect(await list('')).toEqual(['2025-03-03', '2025-03-02', '2025-03-01']);
    expect(await list('?event=workflow_dispatch')).toEqual(['2025-03-03', '2025-03-02']);
    expect(await list('?status=queued')).toEqual(['2025-03-02', '2025-03-01']);
    expect(await list(`?created=${encodeURIComponent('>=2025-03-02T10:00:00Z')}`)).toEqual([
      '2025-03-03',
      '2025-03-02',
    ]);
    expect(await list(`?created=${encodeURIComponent('>2025-03-02T10:00:00Z')}`)).toEqual(['2025-03-03']);
    expect(await list(`?created=${encodeURIComponent('<2025-03-02')}`)).toEqual(['2025-03-01']);
    expect(await list('?created=2025-03-01..2025-03-02')).toEqual(['2025-03-02', '2025-03-01']);
    expect(await list('?created=2025-03-02')).toEqual(['2025-03-02']);
    expect((await call(s, 'GET', '/repos/acme/lifeboat/actions/runs?created=yesterday')).status).toBe(422);
  });

  it("answers the repository with its default branch and lists one workflow's runs", async () => {
    const s = await start({ defaultBranch: 'trunk' });
    const repo = await call(s, 'GET', '/repos/acme/lifeboat');
    expect(repo.status).toBe(200);
    expect(repo.json).toMatchObject({ full_name: 'acme/lifeboat', default_branch: 'trunk' });
    s.addRun({
      owner: 'acme',
      repo: 'lifeboat',
      workflowId: 'restore.yml',
      createdAt: '2025-03-01T10:00:00Z',
    });
    s.addRun({ owner: 'acme', repo: 'lifeboat', workflowId: 'drill.yml', createdAt: '2025-03-02T10:00:00Z' });
    const runs = await call(s, 'GET', '/repos/acme/lifeboat/actions/workflows/restore.yml/runs');
    const body = runs.json as { total_count: number; workflow_runs: { path: string }[] };
    expect(body.total_count).toBe(1);
    expect(body.workflow_runs[0]?.path).toBe('.github/workflows/restore.yml');
  });

  it('lists configured runners with their state and typed labels', async () => {
    const s = await start({
      runners: [
        { name: 'lisle-1', labels: ['self-hosted', 'Linux', 'X64', 'site-lisle'], busy: true },
        { name: 'portage-1', labels: ['self-hosted', 'Linux', 'X64', 'site-portage'], status: 'offline' },
      ],
    });
    const res = await call(s, 'GET', '/repos/acme/lifeboat/actions/runners');
    const body = res.json as {
      total_count: number;
      runners: { name: string; status: string; busy: boolean; labels: { name: string; type: string }[] }[];
    };
    expect(body.total_count).toBe(2);
    expect(body.runners.map((r) => [r.name, r.status, r.busy])).toEqual([
      ['lisle-1', 'online', true],
      ['portage-1', 'offline', false],
    ]);
    expect(body.runners[0]?.labels.map((l) => `${l.name}:${l.type}`)).toEqual([
      'self-hosted:read-only',
      'Linux:read-only',
      'X64:read-only',
      'site-lisle:custom',
    ]);
    const one = await call(s, 'GET', '/repos/acme/lifeboat/actions/runners?name=portage-1');
    expect((one.json as { total_count: number }).total_count).toBe(1);
  });
});

describe('fake GitHub: bounded lifetime', () => {
  it('closes itself after the idle timeout', async () => {
    const s = await start({ idleTimeoutMs: 100 });
    const started = Date.now();
    await s.closed;
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(fetch(`${s.url}/repos/a/b/issues/1/comments`)).rejects.toThrow();
  });

  it('counts requests as activity, and close() is idempotent', async () => {
    const s = await start({ idleTimeoutMs: 2_000 });
    let closedEarly = false;
    void s.closed.then(() => {
      closedEarly = true;
    });
    // 3 s of steady traffic outlives a 2 s idle timeout only if each request re-arms it. The timeout is far above
    // the 250 ms between requests, so a loaded machine's late timers do not close it between two of them.
    for (let i = 0; i < 12; i++) {
      await new Promise((r) => setTimeout(r, 250));
      await call(s, 'GET', '/repos/a/b/issues/1/comments');
    }
    expect(closedEarly).toBe(false);
    await Promise.all([s.close(), s.close()]);
    expect(closedEarly).toBe(true);
  });
});
