import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Inventory, loadInventory } from '@lifeboat/core';
import { type FakeGitHub, type FakeRunnerConfig, startFakeGitHub } from '@lifeboat/test-support';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BOT_CATALOGUE } from '../catalogue/index.js';
import type { BotRequest } from '../requests/types.js';
import { createGitHubDispatcher, type GitHubDispatcherOptions } from './github.js';
import type { RunUpdate } from './types.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const OWNER = 'kestrel';
const REPO = 'lifeboat-config';
const LISLE_LABELS = ['self-hosted', 'Linux', 'X64', 'linux', 'lifeboat', 'site-lisle'];

let inventory: Inventory;
let fake: FakeGitHub | undefined;
beforeAll(async () => {
  inventory = (await loadInventory(ROOT)).inventory;
});
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const REQUEST: BotRequest = {
  id: 'rq_abcdefghijklmnop',
  idempotencyKey: 'k',
  kind: 'restore',
  site: 'lisle',
  policy: 'lisle-finance-share',
  snapshot: 'latest',
  paths: ['/srv/shares/finance/a.xlsx', '/srv/shares/finance/b'],
  target: 'alternate',
  reason: 'oops',
  requester: 'U05KS1PN4T2',
  channel: 'C0CHANNEL1',
  threadTs: '1700000000.000100',
  messageTs: '1700000000.000200',
  createdAt: '2026-01-01T00:00:00Z',
  state: 'dispatched',
  history: [],
};

/** GitHub's `GET /repos/{owner}/{repo}`, which the fake does not serve: answered in-process. */
const withRepoEndpoint =
  (defaultBranch: string): typeof fetch =>
  async (input, init) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    if ((init?.method ?? 'GET') === 'GET' && url.pathname === `/repos/${OWNER}/${REPO}`)
      return new Response(
        JSON.stringify({ name: REPO, full_name: `${OWNER}/${REPO}`, default_branch: defaultBranch }),
        {
          status: 200,
          headers: { 'content-type': 'application/json' },
        },
      );
    return fetch(input, init);
  };

const start = async (runners: FakeRunnerConfig[], more: Parameters<typeof startFakeGitHub>[0] = {}) => {
  fake = await startFakeGitHub({
    idleTimeoutMs: 10_000,
    runners,
    runName: ({ workflowId, inputs }) =>
      `${workflowId.replace('.yml', '')} at ${String(inputs.site)} [${String(inputs.request_id)}]`,
    ...more,
  });
  return fake;
};

const dispatcher = (f: FakeGitHub, over: Partial<GitHubDispatcherOptions> = {}) =>
  createGitHubDispatcher({
    token: 'test-token',
    owner: OWNER,
    repo: REPO,
    baseUrl: f.url,
    inventory,
    fetch: withRepoEndpoint('trunk'),
    findRunTimeoutMs: 3_000,
    findRunPollMs: 50,
    ...over,
  });

const ONLINE = { name: 'lisle-runner-1', status: 'online' as const, busy: false, labels: LISLE_LABELS };

describe('GitHub dispatcher', () => {
  it('dispatches on the default branch with return_run_details and returns the run', async () => {
    const f = await start([ONLINE]);
    const d = dispatcher(f);
    expect(await d.preflight(REQUEST)).toEqual({ ok: true });
    const updates: RunUpdate[] = [];
    const result = await d.dispatch(REQUEST, (u) => updates.push(u));
    const [sent] = f.state.dispatches;
    expect(result).toEqual({
      ok: true,
      runId: String(sent?.runId),
      runUrl: `https://github.com/${OWNER}/${REPO}/actions/runs/${sent?.runId}`,
    });
    expect(sent).toMatchObject({ workflowId: 'restore.yml', ref: 'trunk', returnRunDetails: true });
    expect(sent?.inputs).toEqual({
      site: 'lisle',
      policy: 'lisle-finance-share',
      image: '',
      snapshot: 'latest',
      paths: '/srv/shares/finance/a.xlsx\n/srv/shares/finance/b',
      target: 'alternate',
      request_id: REQUEST.id,
      requester: 'U05KS1PN4T2',
      approver: '',
      slack_channel: 'C0CHANNEL1',
      slack_thread: '1700000000.000100',
      slack_message: '1700000000.000200',
    });
    expect(updates.map((u) => u.phase)).toEqual(['started']);
  });

  it('drills go to drill.yml with the drill inputs only', async () => {
    const f = await start([ONLINE]);
    const result = await dispatcher(f).dispatch({ ...REQUEST, kind: 'drill', paths: [] }, () => undefined);
    expect(result.ok).toBe(true);
    expect(f.state.dispatches[0]?.workflowId).toBe('drill.yml');
    expect(Object.keys(f.state.dispatches[0]?.inputs ?? {}).sort()).toEqual(
      [
        'image',
        'policy',
        'request_id',
        'requester',
        'site',
        'slack_channel',
        'slack_message',
        'slack_thread',
      ].sort(),
    );
  });

  it('falls back when return_run_details is rejected: dispatches once more without it and finds the run by the request id', async () => {
    const f = await start([ONLINE], { rejectReturnRunDetails: true });
    // Another request's run must not be mistaken for ours.
    f.addRun({
      owner: OWNER,
      repo: REPO,
      workflowId: 'restore.yml',
      displayTitle: 'restore at lisle [rq_zzzzzzzzzzzzzzzz]',
      event: 'workflow_dispatch',
    });
    const result = await dispatcher(f).dispatch(REQUEST, () => undefined);
    expect(f.state.dispatches).toHaveLength(1);
    expect(f.state.dispatches[0]?.returnRunDetails).toBe(false);
    expect(result).toEqual({
      ok: true,
      runId: String(f.state.dispatches[0]?.runId),
      runUrl: expect.stringContaining(`/actions/runs/${f.state.dispatches[0]?.runId}`),
    });
    const posts = f.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.status)).toEqual([422, 204]);
  });

  it('reports a run that never appears, after the bounded wait', async () => {
    const f = await start([ONLINE], { rejectReturnRunDetails: true, runName: () => 'restore' });
    const result = await dispatcher(f, { findRunTimeoutMs: 300 }).dispatch(REQUEST, () => undefined);
    expect(result).toMatchObject({ ok: false, code: 'github.run-not-found' });
  });

  it('reports an offline runner before dispatching', async () => {
    const f = await start([{ ...ONLINE, status: 'offline' }]);
    const result = await dispatcher(f).preflight(REQUEST);
    expect(result).toMatchObject({ ok: false, code: 'runner.offline' });
    expect(f.state.dispatches).toHaveLength(0);
  });

  it('reports a site without any runner as offline', async () => {
    const f = await start([{ ...ONLINE, labels: ['self-hosted', 'linux', 'site-portage'] }]);
    expect(await dispatcher(f).preflight(REQUEST)).toMatchObject({
      ok: false,
      code: 'runner.offline',
      message: expect.stringContaining('no runner is registered'),
    });
  });

  it('reports a busy runner, and passes when one of two is free', async () => {
    const f = await start([{ ...ONLINE, busy: true }]);
    expect(await dispatcher(f).preflight(REQUEST)).toMatchObject({ ok: false, code: 'runner.busy' });
    await f.close();
    const g = await start([
      { ...ONLINE, busy: true },
      { ...ONLINE, name: 'lisle-runner-2' },
    ]);
    expect(await dispatcher(g).preflight(REQUEST)).toEqual({ ok: true });
  });

  it('maps a refused token to github.auth without echoing it', async () => {
    const f = await start([ONLINE]);
    const d = dispatcher(f, { token: 'wrong-secret-token' });
    const pre = await d.preflight(REQUEST);
    const dis = await d.dispatch(REQUEST, () => undefined);
    for (const r of [pre, dis]) {
      expect(r).toMatchObject({ ok: false, code: 'github.auth' });
      expect(JSON.stringify(r)).not.toContain('wrong-secret-token');
    }
    expect(BOT_CATALOGUE).toHaveProperty(['github.auth']);
    expect(f.state.dispatches).toHaveLength(0);
  });

  it('maps an unknown workflow to github.not-found', async () => {
    const f = await start([ONLINE], { workflows: ['other.yml'] });
    expect(await dispatcher(f).dispatch(REQUEST, () => undefined)).toMatchObject({
      ok: false,
      code: 'github.not-found',
    });
  });

  it('uses the given ref without asking for the default branch', async () => {
    const f = await start([ONLINE]);
    const result = await dispatcher(f, { ref: 'release', fetch: fetch }).dispatch(REQUEST, () => undefined);
    expect(result.ok).toBe(true);
    expect(f.state.dispatches[0]?.ref).toBe('release');
  });
});
