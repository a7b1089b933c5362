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
  type SendToBoltOptions,
  sendToBolt,
  slashCommandBody,
  startFakeGitHub,
  startFakeSlack,
  viewSubmissionBody,
} from '@lifeboat/test-support';
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
const OWNER = 'kestrel';
const REPO = 'infra';

export interface HarnessOptions {
  github?: FakeGitHubOptions;
  /** 'github' (default): D's GitHub dispatcher against the fake; or a dispatcher of the test's own. */
  dispatcher?: 'github' | ((h: { stateDir: string; github: FakeGitHub }) => Dispatcher);
  config?: Partial<BotConfig>;
  now?: () => Date;
}

export interface Harness {
  slack: FakeSlack;
  github: FakeGitHub;
  bot: Bot;
  url: string;
  stateDir: string;
  config: BotConfig;
  send: (body: string, o?: Partial<SendToBoltOptions>) => Promise<BoltReply>;
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
  const slack = await startFakeSlack({
    token: 'xoxb-test-token',
    users: { [USERS.requester]: { name: 'kevin' }, [USERS.approver]: { name: 'dana' } },
    usergroups: { S0REQGROUP: [USERS.groupMember] },
    idleTimeoutMs: 30_000,
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
    mode: 'http',
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
      ...(o.now ? { now: o.now } : {}),
    });
    const { url } = await bot.start();
    return { bot, url };
  };
  let { bot, url } = await boot();

  const send: Harness['send'] = (body, so = {}) => sendToBolt(url, body, { secret: SECRET, ...so });
  const h: Harness = {
    slack,
    github,
    get bot() {
      return bot;
    },
    get url() {
      return url;
    },
    stateDir,
    config,
    send,
    slash: (user, command, text, extra = {}) =>
      send(
        slashCommandBody({
          command,
          text,
          user_id: user,
          channel_id: CHANNEL,
          response_url: slack.newResponseUrl(),
          trigger_id: extra.trigger_id ?? slack.newTriggerId(),
        }),
      ),
    click: (user, actionId, request, so = {}) =>
      send(
        blockActionsBody({
          user_id: user,
          actions: [{ action_id: actionId, value: request.id, block_id: 'approval' }],
          message: { channel: request.channel, ts: request.messageTs ?? '' },
          response_url: slack.newResponseUrl(),
        }),
        so,
      ),
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
      await Promise.all([slack.close(), github.close()]);
      await rm(stateDir, { recursive: true, force: true });
    },
  };
  return h;
};

export { viewSubmissionBody };
