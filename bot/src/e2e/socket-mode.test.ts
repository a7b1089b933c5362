import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type SlashCommandFields, startFakeSlack } from '@lifeboat/test-support';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBot } from '../app.js';
import { readAudit } from '../audit/index.js';
import type { Dispatcher } from '../dispatch/types.js';
import { APPROVE_ACTION } from '../messages/index.js';
import type { BotRequest } from '../requests/index.js';
import {
  APP_TOKEN,
  CHANNEL,
  FIXTURE_ONE_SITE,
  type Harness,
  SECRET,
  startHarness,
  USERS,
} from '../testing/harness.js';

// The real bot in Socket Mode: Bolt's SocketModeClient asks the fake Slack's apps.connections.open for a URL,
// connects to its WebSocket, and gets slash commands and clicks as envelopes it must ack on the socket. No
// signatures here — the app-level token authenticates the socket — so what is checked is the ack, the
// reconnect, and exactly-once when Slack redelivers an envelope.

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
const startSocket = async () => {
  h = await startHarness({ mode: 'socket' });
  const socket = h.socket;
  if (!socket) throw new Error('harness started without a Socket Mode endpoint');
  await socket.waitForConnections(1);
  return { s: h, socket };
};

const FINANCE = 'lisle lisle-finance-share /srv/shares/finance/q3.xlsx -- Q3 sheet overwritten this morning';
const restoreCommand = (
  s: Harness,
  text = FINANCE,
  trigger = s.slack.newTriggerId(),
): SlashCommandFields => ({
  command: '/restore',
  text,
  user_id: USERS.requester,
  channel_id: CHANNEL,
  response_url: s.slack.newResponseUrl(),
  trigger_id: trigger,
});
const approveClick = (s: Harness, r: BotRequest, user: string = USERS.approver) => ({
  user_id: user,
  actions: [{ action_id: APPROVE_ACTION, value: r.id, block_id: 'approval' }],
  message: { channel: r.channel, ts: r.messageTs ?? '' },
  response_url: s.slack.newResponseUrl(),
});
const rootPosts = (s: Harness) => s.slack.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts);

describe('Socket Mode', () => {
  it('/restore over the socket is acked in the envelope, stored, approved by a click envelope, dispatched once', async () => {
    const { s, socket } = await startSocket();
    expect(s.url).toBe('');
    const opens = s.slack.callsTo('apps.connections.open');
    expect(opens.map((c) => [c.ok, c.token])).toEqual([[true, APP_TOKEN]]);
    expect(socket.connections).toHaveLength(1);

    const ack = await socket.slashCommand(restoreCommand(s));
    // Bolt acks with an empty payload before any work; Slack's window is 3 s.
    expect(ack.payload).toEqual({});
    expect(ack.ms).toBeLessThan(3_000);
    const r = await s.onlyRequest().then((x) => s.waitForRequest(x.id, (y) => y.messageTs !== undefined));
    expect(r).toMatchObject({
      state: 'pending-approval',
      site: 'lisle',
      policy: 'lisle-finance-share',
      paths: ['/srv/shares/finance/q3.xlsx'],
      requester: USERS.requester,
      channel: CHANNEL,
    });
    expect(s.github.state.dispatches).toHaveLength(0);

    const click = await socket.blockActions(approveClick(s, r));
    expect(click.ms).toBeLessThan(3_000);
    await s.waitForRequest(r.id, (x) => x.dispatch?.runId !== undefined);
    expect(s.github.state.dispatches).toHaveLength(1);
    expect(s.github.state.dispatches[0]?.inputs).toMatchObject({
      request_id: r.id,
      slack_channel: CHANNEL,
      slack_message: r.messageTs,
      approver: USERS.approver,
    });
    await s.slack.waitFor(() =>
      s.threadOf(r).some((m) => m.text.includes(`Approved by <@${USERS.approver}>`)),
    );
    // Still the one connection, and the bot token never went to apps.connections.open.
    expect(s.slack.callsTo('apps.connections.open')).toHaveLength(1);
    expect(s.slack.calls.filter((c) => c.token === APP_TOKEN).map((c) => c.method)).toEqual([
      'apps.connections.open',
    ]);
  });

  it('an ack that carries a response goes back in the envelope ack (/restore help)', async () => {
    const { s, socket } = await startSocket();
    const ack = await socket.slashCommand(restoreCommand(s, 'help'));
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
    expect(String(ack.payload?.text)).toContain('/restore history');
    // The harness's slash() reads the same ack as Slack's 200.
    const reply = await s.slash(USERS.requester, '/restore', 'help');
    expect(reply.status).toBe(200);
    expect(JSON.stringify(reply.json)).toContain('/restore history');
  });

  it('reconnects when Slack asks (disconnect: refresh_requested) and handles the next envelope', async () => {
    const { s, socket } = await startSocket();
    await socket.slashCommand(restoreCommand(s));
    const r = await s.onlyRequest().then((x) => s.waitForRequest(x.id, (y) => y.messageTs !== undefined));

    await socket.disconnect('refresh_requested');
    expect(socket.connections[0]?.closedAt).toBeDefined();
    const second = await socket.waitForConnections(2, 15_000);
    expect(second.id).toBe(2);
    expect(s.slack.callsTo('apps.connections.open').map((c) => c.ok)).toEqual([true, true]);
    // Each URL is single use: the client asked for a new one rather than reusing the old.
    expect(socket.refused).toBe(0);

    const click = await socket.blockActions(approveClick(s, r));
    expect(click.connection).toBe(2);
    await s.waitForRequest(r.id, (x) => x.dispatch?.runId !== undefined);
    expect(s.github.state.dispatches).toHaveLength(1);
    expect(socket.openConnections().map((c) => c.id)).toEqual([2]);
  });

  it('a redelivered envelope (same envelope_id, same trigger) makes one request and one dispatch', async () => {
    const { s, socket } = await startSocket();
    const command = restoreCommand(s);
    const envelopeId = randomUUID();
    const acks = [
      await socket.slashCommand(command, { envelopeId }),
      await socket.slashCommand(command, { envelopeId, retryAttempt: 1, retryReason: 'timeout' }),
    ];
    expect(acks.map((a) => a.envelopeId)).toEqual([envelopeId, envelopeId]);
    const r = await s.onlyRequest().then((x) => s.waitForRequest(x.id, (y) => y.messageTs !== undefined));
    await new Promise((res) => setTimeout(res, 200));
    expect(await s.bot.deps.store.list()).toHaveLength(1);
    expect(rootPosts(s)).toHaveLength(1);

    const clickId = randomUUID();
    const click = approveClick(s, r);
    const clicks = await Promise.all([
      socket.blockActions(click, { envelopeId: clickId }),
      socket.blockActions(click, { envelopeId: clickId, retryAttempt: 1, retryReason: 'timeout' }),
      socket.blockActions(approveClick(s, r, USERS.approver2)),
    ]);
    expect(clicks).toHaveLength(3);
    // The state flips before the dispatch audit line and the dispatch itself: wait for the run id, which is
    // stored after both, then leave a late duplicate a moment to show up.
    await s.waitForRequest(r.id, (x) => x.dispatch?.runId !== undefined);
    await new Promise((res) => setTimeout(res, 300));
    expect(s.github.state.dispatches).toHaveLength(1);
    const types = (await readAudit(s.stateDir, { requestId: r.id })).map((e) => e.type);
    expect(types.filter((t) => t === 'approval')).toHaveLength(1);
    expect(types.filter((t) => t === 'dispatch')).toHaveLength(1);
  });
});

describe('Socket Mode: a refused app token', () => {
  it('fails to start at once with one line naming SLACK_APP_TOKEN, never echoing it', async () => {
    const wrong = 'xapp-1-A0LIFEBOAT-1-wrong-s3cr3t';
    const slack = await startFakeSlack({ token: 'xoxb-test-token', socketMode: { appToken: APP_TOKEN } });
    const stateDir = await mkdtemp(path.join(tmpdir(), 'lifeboat-bot-socket-'));
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const noDispatch: Dispatcher = {
      name: 'local',
      preflight: async () => ({ ok: true }),
      dispatch: async () => ({ ok: false, code: 'test.no-dispatch', message: 'not in this test' }),
    };
    try {
      const bot = await createBot({
        config: {
          slackBotToken: 'xoxb-test-token',
          slackSigningSecret: SECRET,
          slackAppToken: wrong,
          mode: 'socket',
          port: 0,
          host: '127.0.0.1',
          dispatcher: 'local',
          root: FIXTURE_ONE_SITE,
          stateDir,
          slackApiUrl: slack.url,
          approvalTtlSeconds: 3600,
          rateLimitPerMinute: 10,
        },
        dispatcher: noDispatch,
      });
      const started = Date.now();
      const error = await bot.start().then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      await bot.stop();
      expect(error).toBeInstanceOf(Error);
      expect(error?.message).toBe(
        'Slack refused SLACK_APP_TOKEN (invalid_auth): use the app-level token (xapp-…) with the connections:write scope',
      );
      expect(error?.message).not.toContain('s3cr3t');
      // No retry loop: Slack's answer is final for a refused token.
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(slack.callsTo('apps.connections.open').map((c) => c.error)).toEqual(['invalid_auth']);
      expect(slack.socket?.connections).toHaveLength(0);
      // The socket client logs nothing of its own about it: the one line above is the whole story.
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
      await slack.close();
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
