import type { RunRecord } from '@lifeboat/core';
import { describe, expect, it } from 'vitest';
import { RUNNER_CATALOGUE } from '../../catalogue/index.js';
import { escapeMrkdwn, restoreResultMessage } from './message.js';
import { slackNotifier, slackNotifierFromEnv } from './notifier.js';

const OK: RunRecord = {
  apiVersion: 'lifeboat/v1',
  kind: 'RunRecord',
  id: '20260101T100000000Z-0a1b2c3d4e5f',
  job: 'restore',
  site: 'lisle',
  policy: 'lisle-finance-share',
  startedAt: '2026-01-01T10:00:00.000Z',
  endedAt: '2026-01-01T10:02:05.000Z',
  durationSeconds: 125,
  tool: { name: 'restic', version: '0.14.0' },
  outcome: 'ok',
  snapshotId: '4bba301e0123456789',
  stats: {
    target: '/srv/lifeboat-restore/lisle-finance-share/20260101T100000000Z-0a1b2c3d4e5f',
    restore_bytes: 5 * 1024 * 1024,
    files_verified: 3,
  },
  verification: {
    passed: true,
    method: 'restic restore --verify',
    details: '3 file(s) re-read and matched the snapshot',
  },
  rto: { measuredSeconds: 125, objectiveSeconds: 14_400, met: true },
  links: { workflowRun: 'https://github.com/kestrel/config/actions/runs/42' },
};

const FAILED: RunRecord = {
  ...OK,
  outcome: 'failed',
  error: {
    code: 'restore.no-space',
    message: 'restoring 3 file(s) needs 6 MiB but <the filesystem> has 1 MiB free',
  },
  verification: undefined,
  rto: undefined,
};

const textOf = (m: { blocks: Array<Record<string, unknown>> }) => JSON.stringify(m.blocks);

describe('restoreResultMessage', () => {
  it('says what, where, size, duration vs RTO and links the run', () => {
    const m = restoreResultMessage(OK, RUNNER_CATALOGUE);
    const t = textOf(m);
    expect(m.text).toBe('Restore of lisle-finance-share verified at lisle (took 2m, within the RTO of 4h)');
    expect(t).toContain('/srv/lifeboat-restore/lisle-finance-share/20260101T100000000Z-0a1b2c3d4e5f');
    expect(t).toContain('5.0 MiB, 3 file(s)');
    expect(t).toContain('<https://github.com/kestrel/config/actions/runs/42|the run>');
    expect(t).toContain('4bba301e');
  });

  it('flags a run over its RTO', () => {
    const m = restoreResultMessage(
      { ...OK, rto: undefined, durationSeconds: 7200 },
      {},
      { rtoSeconds: 3600 },
    );
    expect(m.text).toContain('took 2h, over the RTO of 1h');
  });

  it('gives the failure with its fix from the catalogue, escaped', () => {
    const m = restoreResultMessage(FAILED, RUNNER_CATALOGUE);
    const entry = RUNNER_CATALOGUE['restore.no-space'];
    expect(entry).toBeDefined();
    const t = textOf(m);
    expect(m.text).toBe(`Restore of lisle-finance-share failed at lisle: ${entry?.title}`);
    expect(t).toContain(JSON.stringify(escapeMrkdwn(entry?.fix ?? '')).slice(1, -1));
    expect(t).toContain('&lt;the filesystem&gt;');
    expect(t).not.toContain('<the filesystem>');
    expect(t).toContain('code `restore.no-space`');
  });

  it('never turns a non-http link into one', () => {
    const t = textOf(restoreResultMessage({ ...OK, links: { workflowRun: 'javascript:alert(1)' } }, {}));
    expect(t).not.toContain('javascript:');
  });
});

interface Call {
  method: string;
  body: Record<string, unknown>;
  auth: string | null;
}

/** A Slack Web API stand-in at the fetch level: records calls, answers like Slack. */
const fakeSlack = (opts: { failFirst?: number; rateLimitOnce?: boolean } = {}) => {
  const calls: Call[] = [];
  let n = 0;
  let limited = false;
  const fetchFn: typeof fetch = async (input, init) => {
    const url = String(input);
    const method = url.slice(url.lastIndexOf('/') + 1);
    const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
    calls.push({ method, body, auth: new Headers(init?.headers).get('authorization') });
    if (opts.rateLimitOnce && !limited) {
      limited = true;
      return new Response('', { status: 429, headers: { 'retry-after': '0' } });
    }
    if (n++ < (opts.failFirst ?? 0)) return Response.json({ ok: false, error: 'channel_not_found' });
    if (new Headers(init?.headers).get('authorization') !== 'Bearer xoxb-good')
      return Response.json({ ok: false, error: 'invalid_auth' });
    return Response.json({
      ok: true,
      channel: body.channel,
      ts: method === 'chat.postMessage' ? '1700000001.000100' : body.ts,
    });
  };
  return { calls, fetchFn };
};

describe('slackNotifier', () => {
  it('posts ONE message in the thread, then updates it; progress is throttled', async () => {
    const slack = fakeSlack();
    let t = 0;
    const n = slackNotifier({
      token: 'xoxb-good',
      channel: 'C0CHANNEL1',
      threadTs: '1700000000.000100',
      apiUrl: 'http://127.0.0.1:1/api/',
      fetch: slack.fetchFn,
      catalogue: RUNNER_CATALOGUE,
      now: () => t,
      progressEveryMs: 5000,
    });
    await n.started('Restore of lisle-finance-share');
    for (const p of [10, 20, 30]) {
      t += 1000;
      await n.progress(p);
    }
    t += 5000;
    await n.progress(60);
    await n.finished(OK);
    expect(slack.calls.map((c) => c.method)).toEqual(['chat.postMessage', 'chat.update', 'chat.update']);
    expect(slack.calls[0]?.body.thread_ts).toBe('1700000000.000100');
    expect(slack.calls.slice(1).every((c) => c.body.ts === '1700000001.000100')).toBe(true);
    expect(slack.calls[1]?.body.text).toBe('Restore of lisle-finance-share 60%');
    expect(String(slack.calls[2]?.body.text)).toContain('verified');
    expect(slack.calls.every((c) => c.auth === 'Bearer xoxb-good')).toBe(true);
    expect(n.messageTs).toBe('1700000001.000100');
  });

  it("updates the bot's status message when given its ts", async () => {
    const slack = fakeSlack();
    const n = slackNotifier({
      token: 'xoxb-good',
      channel: 'C0CHANNEL1',
      messageTs: '1700000000.000200',
      fetch: slack.fetchFn,
    });
    await n.started('x');
    await n.finished(FAILED);
    expect(slack.calls.map((c) => [c.method, c.body.ts])).toEqual([
      ['chat.update', '1700000000.000200'],
      ['chat.update', '1700000000.000200'],
    ]);
  });

  it('never throws: Slack errors become notes', async () => {
    const slack = fakeSlack();
    const notes: string[] = [];
    const n = slackNotifier({
      token: 'xoxb-bad',
      channel: 'C0CHANNEL1',
      fetch: slack.fetchFn,
      onNote: (m) => notes.push(m),
    });
    await n.started('x');
    await n.finished(OK);
    expect(notes).toEqual([
      'slack: chat.postMessage failed: invalid_auth',
      'slack: chat.postMessage failed: invalid_auth',
    ]);
    const broken = slackNotifier({
      token: 'xoxb-good',
      channel: 'C0CHANNEL1',
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
      onNote: (m) => notes.push(m),
    });
    await expect(broken.finished(OK)).resolves.toBeUndefined();
    expect(notes.at(-1)).toBe('slack: chat.postMessage failed: network_error');
  });

  it('retries the result once after a rate limit', async () => {
    const slack = fakeSlack({ rateLimitOnce: true });
    const n = slackNotifier({ token: 'xoxb-good', channel: 'C0CHANNEL1', fetch: slack.fetchFn });
    await n.finished(OK);
    expect(slack.calls.map((c) => c.method)).toEqual(['chat.postMessage', 'chat.postMessage']);
    expect(n.messageTs).toBe('1700000001.000100');
  });
});

describe('refused', () => {
  it('replaces the message with the refusal, escaped', async () => {
    const slack = fakeSlack();
    const n = slackNotifier({
      token: 'xoxb-good',
      channel: 'C0CHANNEL1',
      messageTs: '1700000000.000200',
      fetch: slack.fetchFn,
    });
    await n.refused('policy <x> does not allow in-place restores');
    expect(slack.calls.map((c) => c.method)).toEqual(['chat.update']);
    expect(JSON.stringify(slack.calls[0]?.body.blocks)).toContain('policy &lt;x&gt; does not allow');
  });
});

describe('slackNotifierFromEnv', () => {
  it('needs a channel; without one nothing is posted and nothing is said', () => {
    expect(slackNotifierFromEnv({ SLACK_BOT_TOKEN: 'xoxb-good' }, { channel: '' })).toEqual({});
  });
  it('takes the token from the environment only', () => {
    expect(slackNotifierFromEnv({}, { channel: 'C0CHANNEL1' }).problem).toMatch(/SLACK_BOT_TOKEN is not set/);
    expect(
      slackNotifierFromEnv({ SLACK_BOT_TOKEN: 'xoxb-good' }, { channel: 'C0CHANNEL1' }).notifier,
    ).toBeDefined();
  });
  it('refuses odd channel and ts inputs', () => {
    const env = { SLACK_BOT_TOKEN: 'xoxb-good' };
    expect(slackNotifierFromEnv(env, { channel: '#general' }).problem).toMatch(/not a channel id/);
    expect(slackNotifierFromEnv(env, { channel: 'C0CHANNEL1', thread: '1; rm' }).problem).toMatch(
      /not a Slack ts/,
    );
  });
});
