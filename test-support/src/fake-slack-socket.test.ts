import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type FakeSlack, startFakeSlack } from './fake-slack.js';
import { type FakeSlackSocket, startFakeSlackSocket } from './fake-slack-socket.js';

// The Socket Mode fake at the protocol level, with a bare WebSocket client: the handshake through
// apps.connections.open, hello, envelopes and acks, disconnect, and clean closing. The bot's e2e tests drive it
// with Bolt's real SocketModeClient.

const APP_TOKEN = 'xapp-1-A0TEST-1-abc';
const BOT_TOKEN = 'xoxb-test-token';

let slack: FakeSlack | undefined;
let bare: FakeSlackSocket | undefined;
const clients: WebSocket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.terminate();
  await slack?.close();
  await bare?.close();
  slack = undefined;
  bare = undefined;
});

const open = async (token: string | undefined, s: FakeSlack) => {
  const res = await fetch(`${s.url}apps.connections.open`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(5_000),
  });
  return (await res.json()) as { ok: boolean; url?: string; error?: string };
};

/** A client that keeps every frame it gets, parsed. */
const connect = (url: string) =>
  new Promise<{ ws: WebSocket; frames: Record<string, unknown>[] }>((resolve, reject) => {
    const ws = new WebSocket(url);
    clients.push(ws);
    const frames: Record<string, unknown>[] = [];
    ws.on('message', (d: unknown) => frames.push(JSON.parse(String(d)) as Record<string, unknown>));
    ws.once('open', () => resolve({ ws, frames }));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused: HTTP ${res.statusCode}`)));
  });

const until = async <T>(f: () => T | undefined, what: string, ms = 3_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

const started = async () => {
  slack = await startFakeSlack({ token: BOT_TOKEN, socketMode: { appToken: APP_TOKEN, appId: 'A0TEST' } });
  const socket = slack.socket;
  if (!socket) throw new Error('no socket');
  return { s: slack, socket };
};

describe('apps.connections.open', () => {
  it('answers the app-level token only', async () => {
    const { s } = await started();
    const good = await open(APP_TOKEN, s);
    expect(good.ok).toBe(true);
    expect(good.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[0-9a-f]{32}&app_id=A0TEST$/);
    expect(await open(BOT_TOKEN, s)).toEqual({ ok: false, error: 'invalid_auth' });
    expect(await open('xapp-1-other', s)).toEqual({ ok: false, error: 'invalid_auth' });
    expect(await open(undefined, s)).toEqual({ ok: false, error: 'not_authed' });
    // And the app token is no good for the Web API methods the bot token is for.
    const res = await fetch(`${s.url}auth.test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${APP_TOKEN}` },
    });
    expect(await res.json()).toEqual({ ok: false, error: 'invalid_auth' });
    expect(s.callsTo('apps.connections.open').map((c) => c.ok)).toEqual([true, false, false, false]);
  });

  it('is invalid_auth on a fake without Socket Mode', async () => {
    slack = await startFakeSlack({ token: BOT_TOKEN });
    expect(slack.socket).toBeUndefined();
    expect(await open(APP_TOKEN, slack)).toEqual({ ok: false, error: 'invalid_auth' });
  });
});

describe('the socket', () => {
  it('says hello, and each URL connects once', async () => {
    const { s, socket } = await started();
    const url = (await open(APP_TOKEN, s)).url ?? '';
    const { frames } = await connect(url);
    const hello = await until(() => frames[0], 'hello');
    expect(hello).toMatchObject({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0TEST' } });
    await expect(connect(url)).rejects.toThrow(/HTTP 401/);
    await expect(connect(url.replace(/ticket=[0-9a-f]+/, 'ticket=forged'))).rejects.toThrow(/HTTP 401/);
    expect(socket.refused).toBe(2);
    expect(socket.connections).toHaveLength(1);
  });

  it('pushes envelopes in Slack shapes and returns the ack with its payload and timing', async () => {
    const { s, socket } = await started();
    const { ws, frames } = await connect((await open(APP_TOKEN, s)).url ?? '');
    await socket.waitForConnections(1);
    // The client acks every envelope at once, answering slash commands with a payload.
    ws.on('message', (d: unknown) => {
      const f = JSON.parse(String(d)) as { envelope_id?: string; type?: string };
      if (!f.envelope_id) return;
      ws.send(
        JSON.stringify(
          f.type === 'slash_commands'
            ? { envelope_id: f.envelope_id, payload: { text: 'got it' } }
            : { envelope_id: f.envelope_id },
        ),
      );
    });
    const ack = await socket.slashCommand({ command: '/restore', text: 'help', user_id: 'U0ONE' });
    expect(ack).toMatchObject({ payload: { text: 'got it' }, connection: 1 });
    expect(ack.ms).toBeGreaterThan(0);
    expect(ack.ms).toBeLessThan(3_000);
    const envelope = frames.find((f) => f.envelope_id === ack.envelopeId);
    expect(envelope).toMatchObject({
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: { command: '/restore', text: 'help', user_id: 'U0ONE', team_id: 'T0LIFEBOAT' },
    });

    const click = await socket.blockActions(
      {
        user_id: 'U0TWO',
        actions: [{ action_id: 'approve', value: 'rq_1' }],
        message: { channel: 'C1', ts: '1.2' },
      },
      { envelopeId: 'env-fixed', retryAttempt: 1, retryReason: 'timeout' },
    );
    expect(click.envelopeId).toBe('env-fixed');
    expect(click.payload).toBeUndefined();
    expect(frames.find((f) => f.envelope_id === 'env-fixed')).toMatchObject({
      type: 'interactive',
      accepts_response_payload: false,
      retry_attempt: 1,
      retry_reason: 'timeout',
      payload: {
        type: 'block_actions',
        user: { id: 'U0TWO' },
        actions: [{ action_id: 'approve', value: 'rq_1' }],
      },
    });
    const submit = await socket.viewSubmission({
      user_id: 'U0ONE',
      view: { id: 'V1', callback_id: 'restore' },
    });
    expect(frames.find((f) => f.envelope_id === submit.envelopeId)).toMatchObject({
      accepts_response_payload: true,
      payload: { type: 'view_submission', view: { id: 'V1', callback_id: 'restore' } },
    });
    expect(socket.received).toHaveLength(3);
  });

  it('rejects when the app never acks, or nothing is connected', async () => {
    const { s, socket } = await started();
    await expect(socket.slashCommand({ command: '/restore', user_id: 'U0ONE' })).rejects.toThrow(
      /no open Socket Mode connection/,
    );
    await connect((await open(APP_TOKEN, s)).url ?? '');
    await socket.waitForConnections(1);
    await expect(
      socket.slashCommand({ command: '/restore', user_id: 'U0ONE' }, { ackTimeoutMs: 100 }),
    ).rejects.toThrow(/not acked within 100 ms/);
  });

  it('asks for a refresh with disconnect, and drops a client that ignores it', async () => {
    // The polite client's close handshake must land inside the grace: 2 s leaves room on a loaded machine.
    bare = await startFakeSlackSocket({ appToken: APP_TOKEN, disconnectGraceMs: 2_000 });
    const polite = await connect(bare.openUrl());
    polite.ws.on('message', (d: unknown) => {
      if ((JSON.parse(String(d)) as { type?: string }).type === 'disconnect') polite.ws.close(1000);
    });
    const stubborn = await connect(bare.openUrl());
    await until(() => (bare?.openConnections().length === 2 ? true : undefined), 'two connections');
    expect(stubborn.frames[0]).toMatchObject({ type: 'hello', num_connections: 2 });
    const t0 = Date.now();
    await bare.disconnect();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_900);
    expect(polite.frames.at(-1)).toMatchObject({ type: 'disconnect', reason: 'refresh_requested' });
    expect(bare.connections.map((c) => c.closeCode)).toEqual([1000, 1006]);
    expect(bare.openConnections()).toHaveLength(0);
  });

  it('close() ends pending acks and connections', async () => {
    bare = await startFakeSlackSocket({ appToken: APP_TOKEN });
    const { ws } = await connect(bare.openUrl());
    await bare.waitForConnections(1);
    const closedByServer = new Promise<number>((r) => ws.once('close', (code: number) => r(code)));
    const pending = bare.slashCommand({ command: '/restore', user_id: 'U0ONE' });
    await bare.close();
    await expect(pending).rejects.toThrow(/closed before the ack/);
    expect(await closedByServer).toBe(1006);
  });
});
