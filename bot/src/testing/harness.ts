// One bot wired to a fake Slack and a fake GitHub on loopback, with helpers that send Slack-signed requests,
// so e2e tests read like the conversation they check.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type BoltReply,
  blockActionsBody,
  type FakeGitHub,
  type FakeGitHubOptions,
  type FakeSlack,
  type FakeSlackMessage,
  type FakeSlackSocket,
  type FakeSlackView,
  type SendToBoltOptions,
  type SocketAck,
  sendToBolt,
  slashCommandBody,
  startFakeGitHub,
  startFakeSlack,
  viewSubmissionBody,
} from '@lifeboat/test-support';
import { afterEach } from 'vitest';
import { type Bot, createBot } from '../app.js';
import type { BotConfig } from '../config/index.js';
import { createGitHubDispatcher } from '../dispatch/index.js';
import type { Dispatcher } from '../dispatch/types.js';
import type { BotRequest } from '../requests/index.js';

export const FIXTURE_ONE_SITE = fileURLToPath(new URL('../e2e/fixtures/one-site', import.meta.url));
export const SECRET = 'test-signing-secret';
export const USERS = {
  requester: 'U0REQUEST1',
  approver: 'U0APPROVE1',
  approver2: 'U0APPROVE2',
  groupMember: 'U0GROUPMB1',
  outsider: 'U0OUTSIDER',
} as const;
export const CHANNEL = 'C0RESTORES';
export const APP_TOKEN = 'xapp-1-A0LIFEBOAT-1-harness';
const OWNER = 'kestrel';
const REPO = 'infra';

export interface HarnessOptions {
  github?: FakeGitHubOptions;
  /** 'github' (default): D's GitHub dispatcher against the fake; or a dispatcher of the test's own. */
  dispatcher?: 'github' | ((h: { stateDir: string; github: FakeGitHub }) => Dispatcher);
  config?: Partial<BotConfig>;
  now?: () => Date;
  /**
   * 'http' (default): signed requests to Bolt's HTTP receiver. 'socket': Bolt's Socket Mode client connects to
   * the fake Slack's Socket Mode endpoint, and slash()/click() push envelopes over it.
   */
  mode?: BotConfig['mode'];
}

export interface Harness {
  slack: FakeSlack;
  github: FakeGitHub;
  bot: Bot;
  /** HTTP mode: the events URL ('' in Socket Mode). */
  url: string;
  /** Socket Mode: the fake's WebSocket endpoint. */
  socket?: FakeSlackSocket;
  stateDir: string;
  config: BotConfig;
  /** HTTP mode only: POST a signed body. */
  send: (body: string, o?: Partial<SendToBoltOptions>) => Promise<BoltReply>;
  /** Over HTTP, or in Socket Mode as an envelope whose ack reads as a 200 with the ack's payload as JSON. */
  slash: (user: string, command: string, text: string, extra?: { trigger_id?: string }) => Promise<BoltReply>;
  /** Click a button on a message (the status message of `request`, by default). */
  click: (
    user: string,
    actionId: string,
    request: BotRequest,
    o?: Partial<SendToBoltOptions>,
  ) => Promise<BoltReply>;
  /** The one request (waits until it exists). */
  onlyRequest: () => Promise<BotRequest>;
  /** Waits for the request to reach a state. */
  waitForState: (
    id: string,
    state: BotRequest['state'] | BotRequest['state'][],
    ms?: number,
  ) => Promise<BotRequest>;
  /** Waits until the stored request matches `pred`. */
  waitForRequest: (id: string, pred: (r: BotRequest) => boolean, ms?: number) => Promise<BotRequest>;
  /** Messages in the request's thread, root first. */
  threadOf: (r: BotRequest) => FakeSlackMessage[];
  restart: () => Promise<void>;
  close: () => Promise<void>;
}

const runnerOnline = {
  name: 'lisle-runner-1',
  labels: ['self-hosted', 'Linux', 'X64', 'linux', 'lifeboat', 'site-lisle'],
};

/** Poll an async check every 10 ms until it yields a value or `ms` pass. */
export const poll = async <T>(fn: () => Promise<T | undefined>, ms: number, what: string): Promise<T> => {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

export const startHarness = async (o: HarnessOptions = {}): Promise<Harness> => {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'lifeboat-bot-e2e-'));
  const mode = o.mode ?? 'http';
  const slack = await startFakeSlack({
    token: 'xoxb-test-token',
    users: { [USERS.requester]: { name: 'kevin' }, [USERS.approver]: { name: 'dana' } },
    usergroups: { S0REQGROUP: [USERS.groupMember] },
    idleTimeoutMs: 30_000,
    ...(mode === 'socket' ? { socketMode: { appToken: APP_TOKEN } } : {}),
  });
  const github = await startFakeGitHub({
    token: 'gh-test-token',
    runners: [runnerOnline],
    runName: ({ workflowId, inputs }) => `${workflowId} ${String(inputs.request_id ?? '')}`,
    idleTimeoutMs: 30_000,
    ...o.github,
  });
  const config: BotConfig = {
    slackBotToken: 'xoxb-test-token',
    slackSigningSecret: SECRET,
    mode,
    ...(mode === 'socket' ? { slackAppToken: APP_TOKEN } : {}),
    port: 0,
    host: '127.0.0.1',
    dispatcher: 'github',
    github: {
      token: 'gh-test-token',
      owner: OWNER,
      repo: REPO,
      workflow: 'restore.yml',
      drillWorkflow: 'drill.yml',
      baseUrl: github.url,
    },
    root: FIXTURE_ONE_SITE,
    stateDir,
    slackApiUrl: slack.url,
    approvalTtlSeconds: 3600,
    rateLimitPerMinute: 100,
    ...o.config,
  };
  const dispatcherFor = async (): Promise<Dispatcher> => {
    if (typeof o.dispatcher === 'function') return o.dispatcher({ stateDir, github });
    const { loadInventory } = await import('@lifeboat/core');
    const { inventory } = await loadInventory(config.root);
    return createGitHubDispatcher({
      token: 'gh-test-token',
      owner: OWNER,
      repo: REPO,
      baseUrl: github.url,
      inventory,
      // The fake has no repos.get; the default branch is given.
      ref: 'main',
      findRunTimeoutMs: 3_000,
      findRunPollMs: 50,
    });
  };
  const boot = async () => {
    const bot = await createBot({
      config,
      dispatcher: await dispatcherFor(),
      runPollMs: 50,
      // Quick reconnects after a `disconnect`; loose enough that a busy CI core does not drop the socket.
      socketPingTimeoutMs: 2_000,
      ...(o.now ? { now: o.now } : {}),
    });
    try {
      const { url } = await bot.start();
      return { bot, url };
    } catch (e) {
      await bot.stop().catch(() => undefined);
      throw e;
    }
  };
  const closeFakes = async () => {
    await Promise.all([slack.close(), github.close()]);
    await rm(stateDir, { recursive: true, force: true });
  };
  let { bot, url } = await boot().catch(async (e: unknown) => {
    await closeFakes();
    throw e;
  });

  const socket = slack.socket;
  /** An ack over the socket is Slack's 200: the ack's payload is the reply's JSON. */
  const viaSocket = async (acked: Promise<SocketAck>): Promise<BoltReply> => {
    const a = await acked;
    return { status: 200, text: a.payload ? JSON.stringify(a.payload) : '', json: a.payload, ms: a.ms };
  };
  const send: Harness['send'] = (body, so = {}) => {
    if (socket) throw new Error('harness: send() posts signed HTTP; in Socket Mode use socket.send()');
    return sendToBolt(url, body, { secret: SECRET, ...so });
  };
  const h: Harness = {
    slack,
    github,
    get bot() {
      return bot;
    },
    get url() {
      return url;
    },
    ...(socket ? { socket } : {}),
    stateDir,
    config,
    send,
    slash: (user, command, text, extra = {}) => {
      const fields = {
        command,
        text,
        user_id: user,
        channel_id: CHANNEL,
        response_url: slack.newResponseUrl(),
        trigger_id: extra.trigger_id ?? slack.newTriggerId(),
      };
      return socket ? viaSocket(socket.slashCommand(fields)) : send(slashCommandBody(fields));
    },
    click: (user, actionId, request, so = {}) => {
      const fields = {
        user_id: user,
        actions: [{ action_id: actionId, value: request.id, block_id: 'approval' }],
        message: { channel: request.channel, ts: request.messageTs ?? '' },
        response_url: slack.newResponseUrl(),
      };
      return socket ? viaSocket(socket.blockActions(fields)) : send(blockActionsBody(fields), so);
    },
    onlyRequest: async () => {
      const found = await poll(
        async () => {
          const l = await bot.deps.store.list();
          return l.length > 0 ? l : undefined;
        },
        5_000,
        'a request in the store',
      );
      if (found.length !== 1) throw new Error(`expected one request, found ${found.length}`);
      return found[0] as BotRequest;
    },
    waitForState: (id, state, ms = 8_000) => {
      const wanted = Array.isArray(state) ? state : [state];
      return poll(
        async () => {
          const r = await bot.deps.store.get(id);
          return r && wanted.includes(r.state) ? r : undefined;
        },
        ms,
        `request ${id} to be ${wanted.join('|')}`,
      );
    },
    waitForRequest: (id, pred, ms = 8_000) =>
      poll(
        async () => {
          const r = await bot.deps.store.get(id);
          return r && pred(r) ? r : undefined;
        },
        ms,
        `request ${id} to match`,
      ),
    threadOf: (r) => (r.threadTs ? slack.thread(r.channel, r.threadTs) : []),
    restart: async () => {
      await bot.stop();
      ({ bot, url } = await boot());
    },
    close: async () => {
      await bot.stop();
      await closeFakes();
    },
  };
  return h;
};

export { viewSubmissionBody };

/** `start` for one test file: the harness a test started is closed after it, pass or fail. */
export const useHarness = (): ((o?: HarnessOptions) => Promise<Harness>) => {
  let current: Harness | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async (o: HarnessOptions = {}) => {
    current = await startHarness(o);
    return current;
  };
};

/** A static_select's state value as a view submission or block action carries it. */
export const select = (value: string) => ({
  type: 'static_select',
  selected_option: { text: { type: 'plain_text', text: value }, value },
});

/** The first ephemeral message the bot sent to `user`. */
export const ephemeralFor = (s: Harness, user: string, what: string) =>
  s.slack.waitFor(() => s.slack.ephemerals.find((e) => e.user === user), 8_000, what);

/** A static_select choice in the open restore form, as Slack sends it; resolves once the bot has redrawn the form. */
export const chooseInForm = async (
  s: Harness,
  opened: FakeSlackView,
  state: Record<string, Record<string, unknown>>,
  actionId: string,
  value: string,
): Promise<void> => {
  const updates = opened.updates.length;
  await s.send(
    blockActionsBody({
      user_id: USERS.requester,
      actions: [
        {
          action_id: actionId,
          type: 'static_select',
          selected_option: select(value).selected_option as never,
        },
      ],
      view: {
        id: opened.id,
        hash: opened.hash,
        callback_id: 'lifeboat.restore',
        private_metadata: String(opened.view.private_metadata),
        state,
      },
    }),
  );
  await s.slack.waitFor(() => opened.updates.length > updates, 8_000, 'views.update');
};
