import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeSlack, type FakeSlackOptions, startFakeSlack } from './fake-slack.js';
import {
  blockActionsBody,
  sendToBolt,
  signSlackRequest,
  slashCommandBody,
  viewSubmissionBody,
} from './slack-signing.js';

const TOKEN = 'xoxb-fake';
let slack: FakeSlack | undefined;
const start = async (o: FakeSlackOptions = {}) => {
  slack = await startFakeSlack({ token: TOKEN, ...o });
  return slack;
};
afterEach(async () => {
  await slack?.close();
  slack = undefined;
});
const client = (s: FakeSlack, token = TOKEN) =>
  new WebClient(token, { slackApiUrl: s.url, retryConfig: { retries: 0 } });

describe('fake Slack Web API', () => {
  it('answers auth.test through the real WebClient and refuses a wrong or missing token', async () => {
    const s = await start();
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    await expect(client(s).auth.test()).resolves.toMatchObject({ ok: true, user_id: 'U0LIFEBOT' });
    await expect(client(s, 'xoxb-wrong').auth.test()).rejects.toMatchObject({
      data: { ok: false, error: 'invalid_auth' },
    });
    const res = await fetch(`${s.url}auth.test`, { method: 'POST' });
    expect(await res.json()).toEqual({ ok: false, error: 'not_authed' });
    expect(s.calls.map((c) => [c.method, c.ok, c.error])).toEqual([
      ['auth.test', true, undefined],
      ['auth.test', false, 'invalid_auth'],
      ['auth.test', false, 'not_authed'],
    ]);
  });

  it('accepts form and JSON bodies and decodes JSON-valued form fields', async () => {
    const s = await start();
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }];
    const form = await fetch(`${s.url}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${TOKEN}` },
      body: new URLSearchParams({ channel: 'C1', text: 'hi', blocks: JSON.stringify(blocks) }).toString(),
    });
    const json = await fetch(`${s.url}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ channel: 'C1', text: 'json', blocks }),
    });
    const a = (await form.json()) as { ok: boolean; ts: string };
    const b = (await json.json()) as { ok: boolean; ts: string };
    expect(a.ok && b.ok).toBe(true);
    expect(b.ts > a.ts).toBe(true);
    expect(s.messages.get(`C1:${a.ts}`)).toMatchObject({ text: 'hi', blocks });
    expect(s.calls[0]?.args).toMatchObject({ channel: 'C1', blocks });
  });

  it('keeps one message per ts: chat.update records updates, threads group replies', async () => {
    const s = await start();
    const web = client(s);
    const root = await web.chat.postMessage({ channel: 'C1', text: 'root' });
    const reply = await web.chat.postMessage({ channel: 'C1', text: 'status', thread_ts: root.ts as string });
    await web.chat.update({ channel: 'C1', ts: reply.ts as string, text: 'status 2' });
    await web.chat.update({ channel: 'C1', ts: reply.ts as string, text: 'status 3' });
    const m = s.messages.get(`C1:${reply.ts}`);
    expect(m?.text).toBe('status 3');
    expect(m?.updates.map((u) => u.text)).toEqual(['status 2', 'status 3']);
    expect(s.thread('C1', root.ts as string).map((x) => x.text)).toEqual(['root', 'status 3']);
    await expect(web.chat.update({ channel: 'C1', ts: '1.000001', text: 'x' })).rejects.toMatchObject({
      data: { error: 'message_not_found' },
    });
    await expect(web.chat.postMessage({ channel: 'C1', text: 'x', thread_ts: '9.9' })).rejects.toMatchObject({
      data: { error: 'thread_not_found' },
    });
    await expect(web.chat.postMessage({ channel: 'C1', text: '' })).rejects.toMatchObject({
      data: { error: 'no_text' },
    });
  });

  it('opens a modal once per trigger id, refuses unknown or expired ones, and checks view hashes', async () => {
    let clock = 1_000_000;
    const s = await start({ triggerTtlMs: 3_000, triggerClock: () => clock });
    const web = client(s);
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'T' }, blocks: [] };
    const trigger = s.newTriggerId();
    const opened = await web.views.open({ trigger_id: trigger, view });
    const id = opened.view?.id as string;
    expect(s.views.get(id)).toBeDefined();
    await expect(web.views.open({ trigger_id: trigger, view })).rejects.toMatchObject({
      data: { error: 'invalid_trigger_id' },
    });
    const late = s.newTriggerId();
    clock += 3_001;
    await expect(web.views.open({ trigger_id: late, view })).rejects.toMatchObject({
      data: { error: 'expired_trigger_id' },
    });
    const updated = await web.views.update({ view_id: id, hash: opened.view?.hash as string, view });
    expect(updated.view?.hash).not.toBe(opened.view?.hash);
    await expect(
      web.views.update({ view_id: id, hash: opened.view?.hash as string, view }),
    ).rejects.toMatchObject({ data: { error: 'hash_conflict' } });
    await expect(
      web.views.open({ trigger_id: s.newTriggerId(), view: { ...view, type: 'home' } as never }),
    ).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
  });

  it('resolves users and user groups, opens DMs, records ephemerals and response_url posts', async () => {
    const s = await start({ users: { U1: { name: 'ana' } }, usergroups: { S1: ['U1', 'U2'] } });
    const web = client(s);
    expect((await web.users.info({ user: 'U1' })).user?.name).toBe('ana');
    await expect(web.users.info({ user: 'U9' })).rejects.toMatchObject({ data: { error: 'user_not_found' } });
    expect((await web.usergroups.users.list({ usergroup: 'S1' })).users).toEqual(['U1', 'U2']);
    await expect(web.usergroups.users.list({ usergroup: 'S9' })).rejects.toMatchObject({
      data: { error: 'no_such_subteam' },
    });
    expect((await web.conversations.open({ users: 'U1' })).channel?.id).toMatch(/^D/);
    await web.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'only you' });
    expect(s.ephemerals[0]).toMatchObject({ channel: 'C1', user: 'U1', text: 'only you' });
    const hook = s.newResponseUrl();
    const res = await fetch(hook, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'later', response_type: 'ephemeral' }),
    });
    expect(res.status).toBe(200);
    expect(s.responses[0]?.body).toEqual({ text: 'later', response_type: 'ephemeral' });
    expect((await fetch(`${s.origin}commands/nope`, { method: 'POST' })).status).toBe(404);
  });

  it('answers unknown methods and injected failures as Slack does', async () => {
    const s = await start();
    const web = client(s);
    await expect(web.apiCall('nope.nothing')).rejects.toMatchObject({ data: { error: 'unknown_method' } });
    s.setFailure('ratelimited_custom');
    await expect(web.auth.test()).rejects.toMatchObject({ data: { error: 'ratelimited_custom' } });
    expect(s.callsTo('auth.test')).toHaveLength(1);
    await expect(s.waitFor(() => false, 30, 'never')).rejects.toThrow(
      /timed out after 30 ms waiting for never/,
    );
  });

  it('closes by itself after the idle timeout', async () => {
    const s = await start({ idleTimeoutMs: 50 });
    await s.closed;
    await expect(fetch(`${s.url}auth.test`)).rejects.toThrow();
  });
});

describe('Slack request signing and payload builders', () => {
  it("matches Slack's documented example signature", () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618)).toEqual({
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
      'x-slack-request-timestamp': '1531420618',
    });
  });

  it('builds slash command, block_actions and view_submission bodies in Slack shapes', () => {
    const cmd = new URLSearchParams(slashCommandBody({ command: '/restore', text: 'a b', user_id: 'U1' }));
    for (const k of [
      'token',
      'team_id',
      'team_domain',
      'channel_id',
      'channel_name',
      'user_id',
      'user_name',
      'command',
      'text',
      'api_app_id',
      'response_url',
      'trigger_id',
    ])
      expect(cmd.has(k), k).toBe(true);
    expect(cmd.get('text')).toBe('a b');
    const click = JSON.parse(
      new URLSearchParams(
        blockActionsBody({
          user_id: 'U2',
          actions: [{ action_id: 'approve', value: 'rq_1' }],
          message: { channel: 'C1', ts: '1.000001', thread_ts: '1.000000' },
        }),
      ).get('payload') ?? '',
    );
    expect(click).toMatchObject({
      type: 'block_actions',
      user: { id: 'U2' },
      container: { type: 'message', message_ts: '1.000001', channel_id: 'C1' },
      channel: { id: 'C1' },
      actions: [{ action_id: 'approve', value: 'rq_1', type: 'button' }],
    });
    const submit = JSON.parse(
      new URLSearchParams(
        viewSubmissionBody({
          user_id: 'U3',
          view: {
            id: 'V1',
            callback_id: 'restore',
            state: { b: { a: { type: 'plain_text_input', value: 'x' } } },
          },
        }),
      ).get('payload') ?? '',
    );
    expect(submit).toMatchObject({
      type: 'view_submission',
      user: { id: 'U3' },
      view: { id: 'V1', callback_id: 'restore', state: { values: { b: { a: { value: 'x' } } } } },
    });
  });

  it('sendToBolt signs the exact body it sends and passes the retry header', async () => {
    const seen: { sig?: string; ts?: string; retry?: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        seen.push({
          sig: req.headers['x-slack-signature'] as string,
          ts: req.headers['x-slack-request-timestamp'] as string,
          retry: req.headers['x-slack-retry-num'] as string | undefined,
          body,
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"response_action":"clear"}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
      const body = slashCommandBody({ command: '/backup', user_id: 'U1' });
      const reply = await sendToBolt(url, body, { secret: 's3cret', timestamp: 1700000000, retryNum: 1 });
      expect(reply).toMatchObject({ status: 200, json: { response_action: 'clear' } });
      const expected = createHmac('sha256', 's3cret').update(`v0:1700000000:${body}`).digest('hex');
      expect(seen[0]).toEqual({ sig: `v0=${expected}`, ts: '1700000000', retry: '1', body });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
