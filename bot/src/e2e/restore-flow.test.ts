import type { RunRecord } from '@lifeboat/core';
import { slackNotifier } from '@lifeboat/runners';
import { describe, expect, it } from 'vitest';
import { readAudit } from '../audit/index.js';
import { APPROVE_ACTION, DENY_ACTION } from '../messages/index.js';
import { CHANNEL, type Harness, poll, USERS, useHarness } from '../testing/harness.js';

// The whole conversation over real HTTP: Slack-signed requests into Bolt, the Web API calls into a fake Slack,
// workflow dispatches into a fake GitHub. Counts on the fakes prove "exactly once".

const start = useHarness();

const FINANCE = 'lisle lisle-finance-share /srv/shares/finance/q3.xlsx -- Q3 sheet overwritten this morning';
const texts = (h: Harness, r: { channel: string; threadTs?: string }) =>
  r.threadTs ? h.slack.thread(r.channel, r.threadTs).map((m) => m.text) : [];
const dispatchesOf = (h: Harness) => h.github.state.dispatches.length;

describe('restore request → approval → dispatch → result (GitHub dispatcher)', () => {
  it('runs the whole loop and keeps ONE status message up to date', async () => {
    const s = await start();
    const ack = await s.slash(USERS.requester, '/restore', FINANCE);
    expect(ack.status).toBe(200);
    const pending = await s.onlyRequest().then((r) => s.waitForState(r.id, 'pending-approval'));
    expect(pending).toMatchObject({
      site: 'lisle',
      policy: 'lisle-finance-share',
      paths: ['/srv/shares/finance/q3.xlsx'],
      target: 'alternate',
      requester: USERS.requester,
      channel: CHANNEL,
    });
    const withMessage = await s.slack.waitFor(() => {
      const m = [...s.slack.messages.values()].find((x) => !x.thread_ts);
      return m && pending.id && m.text.includes(pending.id) ? m : undefined;
    });
    expect(JSON.stringify(withMessage.blocks)).toContain(APPROVE_ACTION);
    const stored = await s.waitForRequest(pending.id, (x) => x.messageTs !== undefined);
    expect(stored?.messageTs).toBe(withMessage.ts);
    await s.slack.waitFor(() => texts(s, stored).some((t) => t.includes('Needs an approval')));
    expect(texts(s, stored).join('\n')).toContain(`<@${USERS.approver}>`);
    expect(dispatchesOf(s)).toBe(0);

    expect((await s.click(USERS.approver, APPROVE_ACTION, stored)).status).toBe(200);
    const dispatched = await s.waitForState(pending.id, ['dispatched', 'running']);
    await s.slack.waitFor(() => texts(s, dispatched).some((t) => t.startsWith('Started on the site runner')));
    expect(dispatchesOf(s)).toBe(1);
    const d = s.github.state.dispatches[0];
    expect(d).toMatchObject({ workflowId: 'restore.yml', ref: 'main', returnRunDetails: true });
    expect(d?.inputs).toMatchObject({
      request_id: pending.id,
      site: 'lisle',
      policy: 'lisle-finance-share',
      paths: '/srv/shares/finance/q3.xlsx',
      slack_channel: CHANNEL,
      slack_message: withMessage.ts,
      approver: USERS.approver,
    });
    const afterDispatch = await s.bot.deps.store.get(pending.id);
    expect(afterDispatch?.dispatch).toMatchObject({ dispatcher: 'github', runId: String(d?.runId) });
    expect(texts(s, dispatched).join('\n')).toContain(`Approved by <@${USERS.approver}>`);

    // The site runner ends the loop with the runners' own notifier, from the dispatch inputs it was given.
    const record: RunRecord = {
      apiVersion: 'lifeboat/v1',
      kind: 'RunRecord',
      id: 'lisle-20261122-restore-0001',
      job: 'restore',
      site: 'lisle',
      policy: 'lisle-finance-share',
      startedAt: '2026-11-22T08:00:00Z',
      endedAt: '2026-11-22T08:03:20Z',
      durationSeconds: 200,
      tool: { name: 'restic', version: '0.14.0' },
      outcome: 'ok',
      stats: { restore_bytes: 52_428_800, target: '/srv/lifeboat-restore/lisle-finance-share/rq' },
      verification: { passed: true, method: 'restic restore --verify' },
    };
    await slackNotifier({
      token: 'xoxb-test-token',
      channel: String(d?.inputs.slack_channel),
      threadTs: String(d?.inputs.slack_thread),
      messageTs: String(d?.inputs.slack_message),
      apiUrl: s.slack.url,
    }).finished(record, { rtoSeconds: 8 * 3600 });
    const one = s.slack.messages.get(`${CHANNEL}:${withMessage.ts}`);
    expect(one?.updates.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(one?.blocks)).not.toContain(APPROVE_ACTION);
    expect(s.slack.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts)).toHaveLength(1);

    // The bot records how the run ended by watching the workflow run.
    expect((await s.bot.deps.store.get(pending.id))?.state).toMatch(/^(dispatched|running)$/);
    const run = s.github.state.runs.find((x) => x.id === d?.runId);
    if (run) Object.assign(run, { status: 'completed', conclusion: 'success' });
    const succeeded = await s.waitForState(pending.id, 'succeeded');
    expect(succeeded.result).toMatchObject({ outcome: 'ok', summary: `workflow run ${d?.runId} succeeded` });
    await s.slack.waitFor(() => texts(s, succeeded).some((t) => t.startsWith('Run finished')));
    // The runner's result stays in the one message: the bot does not redraw it.
    expect(JSON.stringify(s.slack.messages.get(`${CHANNEL}:${withMessage.ts}`)?.blocks)).toBe(
      JSON.stringify(one?.blocks),
    );
    const audit = await readAudit(s.stateDir, { requestId: pending.id });
    expect(audit.map((e) => e.type)).toEqual(['request', 'approval', 'dispatch', 'result']);
    // No secret ever reaches Slack or the audit log.
    const everything = JSON.stringify([s.slack.calls, s.slack.ephemerals, audit]);
    for (const secret of ['gh-test-token', 'test-signing-secret']) expect(everything).not.toContain(secret);
  });

  it('refuses self-approval, explains it in the thread, and dispatches nothing', async () => {
    // The requester is also an approver here: still four eyes.
    const s = await start();
    await s.slash(USERS.approver, '/restore', FINANCE);
    const r = await s.onlyRequest().then((x) => s.waitForState(x.id, 'pending-approval'));
    const stored = await s.waitForRequest(r.id, (x) => x.messageTs !== undefined);
    const req = stored ?? r;
    await s.click(USERS.approver, APPROVE_ACTION, req);
    await s.slack.waitFor(() => texts(s, req).some((t) => t.includes('authz.self-approval')));
    expect(
      s.slack.ephemerals.some((e) => e.user === USERS.approver && e.text.includes('cannot approve')),
    ).toBe(true);
    expect((await s.bot.deps.store.get(r.id))?.state).toBe('pending-approval');
    // Another approver can, and then it goes.
    await s.click(USERS.approver2, APPROVE_ACTION, req);
    await s.waitForRequest(r.id, (x) => x.dispatch?.runId !== undefined);
    expect(dispatchesOf(s)).toBe(1);
    const types = (await readAudit(s.stateDir, { requestId: r.id })).map((e) => e.type);
    expect(types).toEqual(['request', 'refusal', 'approval', 'dispatch']);
  });

  it('refuses a user who is neither a requester nor in a requester group, and lets a group member ask', async () => {
    const s = await start();
    await s.slash(USERS.outsider, '/restore', FINANCE);
    const refused = await s.onlyRequest().then((x) => s.waitForState(x.id, 'refused'));
    await s.slack.waitFor(() => s.slack.ephemerals.find((e) => e.user === USERS.outsider));
    expect(s.slack.ephemerals[0]?.text).toContain('authz.not-requester');
    expect(s.slack.ephemerals[0]?.text).toContain('Fix:');
    expect(s.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect((await readAudit(s.stateDir)).map((e) => [e.type, e.requestId])).toEqual([
      ['refusal', refused.id],
    ]);

    await s.slash(USERS.groupMember, '/restore', FINANCE);
    await s.slack.waitFor(
      () =>
        s.slack.callsTo('usergroups.users.list').length > 0 && s.slack.callsTo('chat.postMessage').length > 0,
    );
    const all = await s.bot.deps.store.list();
    expect(all.map((r) => r.state).sort()).toEqual(['pending-approval', 'refused']);
    expect(dispatchesOf(s)).toBe(0);
  });

  it('a denial ends the request; a later approve click changes nothing', async () => {
    const s = await start();
    await s.slash(USERS.requester, '/restore', FINANCE);
    const r = await s.onlyRequest();
    await s.slack.waitFor(() => s.slack.callsTo('chat.postMessage').length >= 2);
    const req = await s.waitForRequest(r.id, (x) => x.messageTs !== undefined);
    await s.click(USERS.approver, DENY_ACTION, req);
    await s.waitForState(r.id, 'denied');
    await s.click(USERS.approver2, APPROVE_ACTION, req);
    await s.slack.waitFor(() => s.slack.ephemerals.find((e) => e.user === USERS.approver2));
    expect(s.slack.ephemerals.find((e) => e.user === USERS.approver2)?.text).toContain('already denied');
    expect(dispatchesOf(s)).toBe(0);
    // The denial's audit line is written after the state flips; wait for it rather than race it.
    const audited = await poll(
      async () => {
        const types = (await readAudit(s.stateDir, { requestId: r.id })).map((e) => e.type);
        return types.length >= 2 ? types : undefined;
      },
      5_000,
      'the denial in the audit log',
    );
    expect(audited).toEqual(['request', 'denial']);
  });
});

describe('exactly once', () => {
  it('a Slack retry of the same slash command and a double click dispatch once', async () => {
    const s = await start();
    const trigger = s.slack.newTriggerId();
    const first = await s.slash(USERS.requester, '/restore', FINANCE, { trigger_id: trigger });
    // Slack resends the same body (same trigger_id) with X-Slack-Retry-Num when it thinks the ack was late.
    const { slashCommandBody } = await import('@lifeboat/test-support');
    const body = slashCommandBody({
      command: '/restore',
      text: FINANCE,
      user_id: USERS.requester,
      channel_id: CHANNEL,
      trigger_id: trigger,
      response_url: s.slack.newResponseUrl(),
    });
    const retries = await Promise.all([
      s.send(body, { retryNum: 1, retryReason: 'http_timeout' }),
      s.send(body, { retryNum: 2 }),
    ]);
    expect([first.status, ...retries.map((x) => x.status)]).toEqual([200, 200, 200]);
    const r = await s.onlyRequest();
    await s.slack.waitFor(() => s.slack.callsTo('chat.postMessage').length >= 2);
    await new Promise((res) => setTimeout(res, 200));
    expect(await s.bot.deps.store.list()).toHaveLength(1);
    expect(s.slack.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts)).toHaveLength(1);

    const req = await s.waitForRequest(r.id, (x) => x.messageTs !== undefined);
    const clicks = await Promise.all([
      s.click(USERS.approver, APPROVE_ACTION, req),
      s.click(USERS.approver, APPROVE_ACTION, req),
      s.click(USERS.approver2, APPROVE_ACTION, req),
      s.click(USERS.approver, APPROVE_ACTION, req, { retryNum: 1 }),
    ]);
    expect(clicks.every((c) => c.status === 200)).toBe(true);
    // The state flips before the dispatch audit line and the dispatch itself: wait for the run id, which is
    // stored after both, then leave a late duplicate a moment to show up.
    await s.waitForRequest(r.id, (x) => x.dispatch?.runId !== undefined);
    await new Promise((res) => setTimeout(res, 300));
    expect(dispatchesOf(s)).toBe(1);
    const types = (await readAudit(s.stateDir, { requestId: r.id })).map((e) => e.type);
    expect(types.filter((t) => t === 'approval')).toHaveLength(1);
    expect(types.filter((t) => t === 'dispatch')).toHaveLength(1);
  });

  it('a bot restarted while a request waits for approval still completes it', async () => {
    const s = await start();
    await s.slash(USERS.requester, '/restore', FINANCE);
    const r = await s.onlyRequest();
    await s.slack.waitFor(() => s.slack.callsTo('chat.postMessage').length >= 2);
    const req = await s.waitForRequest(r.id, (x) => x.messageTs !== undefined);
    const before = s.bot;
    await s.restart();
    expect(s.bot).not.toBe(before);
    expect((await s.bot.deps.store.get(r.id))?.state).toBe('pending-approval');
    await s.click(USERS.approver, APPROVE_ACTION, req);
    await s.waitForRequest(r.id, (x) => x.dispatch?.runId !== undefined);
    expect(dispatchesOf(s)).toBe(1);
    expect(s.github.state.dispatches[0]?.inputs.slack_message).toBe(req.messageTs);
  });
  it('after a restart, an approved request not yet dispatched is dispatched once, and a running one is watched to its end', async () => {
    const s = await start();
    await s.slash(USERS.requester, '/restore', FINANCE);
    const r = await s.onlyRequest();
    const req = await s.waitForRequest(r.id, (x) => x.messageTs !== undefined);
    await s.click(USERS.approver, APPROVE_ACTION, req);
    const running = await s.waitForRequest(r.id, (x) => x.dispatch?.runId !== undefined);
    // A second request, approved just before a crash (the dispatch never happened).
    const { openRequestStore } = await import('../requests/index.js');
    await s.bot.stop();
    const store = await openRequestStore(`${s.stateDir}/requests`);
    const { request: orphan } = await store.create(
      {
        kind: 'restore',
        site: 'lisle',
        policy: 'lisle-general-share',
        snapshot: 'latest',
        paths: [],
        target: 'alternate',
        reason: 'approved before the crash',
        requester: USERS.requester,
        channel: CHANNEL,
        state: 'approved',
      },
      'test:orphan',
    );
    await s.restart();
    await s.waitForRequest(orphan.id, (x) => x.dispatch?.runId !== undefined);
    expect(dispatchesOf(s)).toBe(2);
    const run = s.github.state.runs.find((x) => String(x.id) === running.dispatch?.runId);
    if (run) Object.assign(run, { status: 'completed', conclusion: 'failure' });
    const failed = await s.waitForState(r.id, 'failed');
    expect(failed.result?.summary).toContain('ended failure');
  });

  it('a pending approval expires: the late click is refused, explained, and nothing is dispatched', async () => {
    let clock = Date.now();
    const s = await start({ now: () => new Date(clock), config: { approvalTtlSeconds: 600 } });
    await s.slash(USERS.requester, '/restore', FINANCE);
    const r = await s.onlyRequest();
    const req = await s.waitForRequest(r.id, (x) => x.messageTs !== undefined);
    expect(Date.parse(req.expiresAt ?? '')).toBe(clock + 600_000);
    clock += 601_000;
    await s.click(USERS.approver, APPROVE_ACTION, req);
    await s.waitForState(r.id, 'expired');
    await s.slack.waitFor(() => texts(s, req).some((t) => t.includes('request.expired')));
    await s.slack.waitFor(() => s.slack.ephemerals.find((e) => e.user === USERS.approver));
    expect(s.slack.ephemerals.find((e) => e.user === USERS.approver)?.text).toContain('authz.not-pending');
    expect(dispatchesOf(s)).toBe(0);
    expect((await readAudit(s.stateDir, { requestId: r.id })).map((e) => e.type)).toEqual([
      'request',
      'expiry',
    ]);
  });
});

describe('dispatch edge cases', () => {
  it('falls back to dispatching without return_run_details and finds the run by the request id', async () => {
    const s = await start({ github: { rejectReturnRunDetails: true } });
    await s.slash(USERS.requester, '/restore', 'lisle lisle-general-share -- everything from yesterday');
    const r = await s.onlyRequest();
    const done = await s.waitForState(r.id, ['dispatched', 'running']);
    const withRun = await s.waitForRequest(done.id, (x) => x.dispatch?.runId !== undefined);
    const rejected = s.github.requests.filter((q) => q.path.endsWith('/dispatches') && q.status === 422);
    expect(rejected).toHaveLength(1);
    expect(s.github.state.dispatches).toHaveLength(1);
    expect(s.github.state.dispatches[0]?.returnRunDetails).toBe(false);
    expect(withRun?.dispatch?.runId).toBe(String(s.github.state.dispatches[0]?.runId));
    expect(s.github.requests.some((q) => q.path.endsWith('/actions/runs') && q.method === 'GET')).toBe(true);
  });

  it('reports an offline runner before dispatching, with the fix, and dispatches nothing', async () => {
    const s = await start({
      github: {
        runners: [
          {
            name: 'lisle-runner-1',
            status: 'offline',
            labels: ['self-hosted', 'linux', 'lifeboat', 'site-lisle'],
          },
        ],
      },
    });
    await s.slash(USERS.requester, '/restore', 'lisle lisle-general-share -- need the templates');
    const r = await s.onlyRequest();
    const failed = await s.waitForState(r.id, 'failed');
    expect(failed.result).toMatchObject({ outcome: 'failed', code: 'runner.offline' });
    await s.slack.waitFor(() =>
      texts(s, failed).some((t) => t.includes('runner.offline') && t.includes('Fix:')),
    );
    expect(dispatchesOf(s)).toBe(0);
    expect(s.github.requests.filter((q) => q.path.endsWith('/dispatches'))).toHaveLength(0);
    const audit = await readAudit(s.stateDir, { requestId: r.id });
    expect(audit.map((e) => e.type)).toEqual(['request', 'result']);
    expect(audit[1]?.detail).toContain('runner.offline');
  });
});
