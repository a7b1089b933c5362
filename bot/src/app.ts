import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { firstLineOf, type Inventory, loadInventory } from '@lifeboat/core';
import { Octokit } from '@octokit/rest';
import { App, HTTPReceiver, type Logger, LogLevel, SocketModeReceiver } from '@slack/bolt';
import { openAuditLog } from './audit/index.js';
import type { GroupsOf } from './authz/index.js';
import type { BotConfig } from './config/index.js';
import { createGitHubDispatcher, createLocalDispatcher } from './dispatch/index.js';
import type { Dispatcher } from './dispatch/types.js';
import {
  type BotDeps,
  createWorkQueue,
  expireDue,
  registerListeners,
  resumeRequests,
  type SlackApi,
} from './listeners/index.js';
import type { RunnerStatus } from './messages/index.js';
import { createRateLimiter } from './rate-limit/index.js';
import { githubRecordSource, localRecordSource } from './records/index.js';
import { openRequestStore } from './requests/index.js';

// The Slack app: Bolt with its HTTP receiver (or Socket Mode), the Web API pointed at config.slackApiUrl, and
// every listener wired to the durable store, audit log, rate limiter and dispatcher.

export interface CreateBotOptions {
  config: BotConfig;
  /** Default: GitHub when config.dispatcher is 'github', else local (runs the restore on this machine). */
  dispatcher?: Dispatcher;
  now?: () => Date;
  logLevel?: LogLevel;
  /** Between two looks at a GitHub workflow run (default 15 s). */
  runPollMs?: number;
  /**
   * Socket Mode only: how long a pong may take before the socket is dropped, which is also the wait before a
   * reconnect (default 5 s, the client's own).
   */
  socketPingTimeoutMs?: number;
  /** GitHub mode: between two looks at a site's published run records (default 5 minutes). */
  recordsRefreshMs?: number;
  /** GitHub mode: longest `/backup status` waits for the run records (default 8 s). */
  recordsTimeoutMs?: number;
}

export interface Bot {
  app: App;
  deps: BotDeps;
  /** HTTP: listens on config.host:config.port (0 = any free port) and returns the events URL. */
  start(): Promise<{ url: string }>;
  /** Stops listening and waits (bounded) for work already acked. */
  stop(): Promise<void>;
}

const INVENTORY_REFRESH_MS = 60_000;
const GROUP_CACHE_MS = 5 * 60_000;
const EXPIRY_TICK_MS = 60_000;
const STOP_WAIT_MS = 15_000;
const SOCKET_CLOSE_WAIT_MS = 5_000;
/** Errors from apps.connections.open that mean the app-level token itself was refused. */
const APP_TOKEN_REFUSED = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'team_disabled',
]);

/** One line for `lifeboat bot` (at start, or when the socket fails later): names SLACK_APP_TOKEN, never echoes it. */
export const socketStartError = (e: unknown): Error => {
  const code = (e as { data?: { error?: unknown } } | undefined)?.data?.error;
  if (typeof code === 'string' && APP_TOKEN_REFUSED.has(code))
    return new Error(
      `Slack refused SLACK_APP_TOKEN (${code}): use the app-level token (xapp-…) with the connections:write scope`,
    );
  return new Error(`Socket Mode could not connect: ${firstLineOf(e)}`);
};

/**
 * The socket client's logger, routed to the app's; it drops the client's own report of a refused app token,
 * which start() (or, once running, `lifeboat bot`'s handler of the error it throws) turns into one line.
 */
const socketLogger = (target: () => Logger | undefined): Logger => {
  const refusal = new RegExp(`Failed to retrieve a new WSS URL.*\\b(${[...APP_TOKEN_REFUSED].join('|')})\\b`);
  return {
    debug: (...m) => target()?.debug(...m),
    info: (...m) => target()?.info(...m),
    warn: (...m) => target()?.warn(...m),
    error: (...m) => {
      if (refusal.test(m.map(String).join(' '))) return;
      target()?.error(...m);
    },
    setLevel: (level) => target()?.setLevel(level),
    getLevel: () => target()?.getLevel() ?? LogLevel.WARN,
    setName: () => undefined,
  };
};
/** Requests worked on at once after their acks; more would only slow the acks of the next burst. */
const WORK_CONCURRENCY = 4;

const loadOrThrow = async (root: string): Promise<Inventory> => {
  const { inventory, problems } = await loadInventory(root);
  if (inventory.sites.length === 0) {
    const first = problems.find((p) => p.severity === 'error');
    throw new Error(
      `no sites in the inventory at ${root} (LIFEBOAT_ROOT)${first ? `: ${first.file}:${first.line}:${first.col} ${first.message}` : ''}`,
    );
  }
  return inventory;
};

export const createBot = async (options: CreateBotOptions): Promise<Bot> => {
  const { config } = options;
  const now = options.now ?? (() => new Date());
  const logLevel = options.logLevel ?? LogLevel.WARN;

  let inventory = await loadOrThrow(config.root);
  let loadedAt = Date.now();
  let reloading: Promise<void> | undefined;
  const currentInventory = () => inventory;
  /** Serves the loaded inventory at once and refreshes it in the background, so acks never wait on disk. */
  const inventoryNow = async (): Promise<Inventory> => {
    if (Date.now() - loadedAt > INVENTORY_REFRESH_MS && reloading === undefined) {
      reloading = loadOrThrow(config.root)
        .then((inv) => {
          inventory = inv;
        })
        .catch(() => {
          // Keep serving the last good inventory; a broken push must not take the bot down.
        })
        .finally(() => {
          loadedAt = Date.now();
          reloading = undefined;
        });
    }
    return inventory;
  };

  const store = await openRequestStore(path.join(config.stateDir, 'requests'), { now });
  const audit = await openAuditLog(config.stateDir);
  const limiter = createRateLimiter({ perMinute: config.rateLimitPerMinute });

  let appLogger: Logger | undefined;
  const socketReceiver =
    config.mode === 'socket'
      ? // No request signatures in Socket Mode: the app-level token authenticates the socket itself.
        new SocketModeReceiver({
          appToken: config.slackAppToken ?? '',
          logger: socketLogger(() => appLogger),
          // On `disconnect` (refresh_requested) or a dropped socket, ask apps.connections.open for a new URL.
          autoReconnectEnabled: true,
          ...(options.socketPingTimeoutMs !== undefined
            ? { clientPingTimeout: options.socketPingTimeoutMs }
            : {}),
          // The socket client's own WebClient calls apps.connections.open; point it at the same Slack API.
          installerOptions: {
            clientOptions: config.slackApiUrl !== undefined ? { slackApiUrl: config.slackApiUrl } : {},
          },
        })
      : undefined;
  const receiver =
    socketReceiver ??
    new HTTPReceiver({
      signingSecret: config.slackSigningSecret ?? '',
      endpoints: '/slack/events',
      // Ack is sent when the listener calls ack(); the work after it never delays Slack.
      processBeforeResponse: false,
      signatureVerification: true,
      logLevel,
    });
  const app = new App({
    token: config.slackBotToken,
    receiver,
    logLevel,
    deferInitialization: true,
    clientOptions: {
      ...(config.slackApiUrl !== undefined ? { slackApiUrl: config.slackApiUrl } : {}),
      // A failed post is reported in the thread or the log; retrying for minutes would hide it.
      retryConfig: { retries: 2, factor: 1, minTimeout: 100, maxTimeout: 1000 },
    },
  });

  appLogger = app.logger;

  const groups = new Map<string, { members: readonly string[]; at: number }>();
  const groupsOf: GroupsOf = async (groupId) => {
    const hit = groups.get(groupId);
    if (hit && Date.now() - hit.at < GROUP_CACHE_MS) return hit.members;
    const res = await app.client.usergroups.users.list({ usergroup: groupId });
    const members = res.users ?? [];
    groups.set(groupId, { members, at: Date.now() });
    return members;
  };

  const github = config.github;
  const octokit =
    github !== undefined
      ? new Octokit({
          auth: github.token,
          ...(github.baseUrl !== undefined ? { baseUrl: github.baseUrl } : {}),
          userAgent: 'lifeboat-bot',
          request: { retries: 0 },
        })
      : undefined;
  const dispatcher =
    options.dispatcher ??
    (config.dispatcher === 'github' && github !== undefined && octokit !== undefined
      ? createGitHubDispatcher({
          token: github.token,
          owner: github.owner,
          repo: github.repo,
          workflow: github.workflow,
          drillWorkflow: github.drillWorkflow,
          ...(github.baseUrl !== undefined ? { baseUrl: github.baseUrl } : {}),
          octokit,
          inventory: currentInventory,
          now,
        })
      : createLocalDispatcher({ inventory: currentInventory, stateDir: config.stateDir, clock: now }));

  const runners =
    github !== undefined && octokit !== undefined
      ? async (): Promise<RunnerStatus[]> => {
          const all = await octokit.paginate(octokit.rest.actions.listSelfHostedRunnersForRepo, {
            owner: github.owner,
            repo: github.repo,
            per_page: 100,
          });
          return inventory.sites.map((s) => {
            const wanted = s.value.spec.runner.labels.map((l) => l.toLowerCase());
            const mine = all.filter((r) => {
              const have = new Set(r.labels.map((l) => l.name.toLowerCase()));
              return wanted.every((l) => have.has(l));
            });
            return {
              site: s.value.metadata.name,
              total: mine.length,
              online: mine.filter((r) => r.status === 'online').length,
              busy: mine.filter((r) => r.status === 'online' && r.busy).length,
            };
          });
        }
      : undefined;

  const runStatus =
    github !== undefined && octokit !== undefined
      ? async (runId: string) => {
          const { data } = await octokit.rest.actions.getWorkflowRun({
            owner: github.owner,
            repo: github.repo,
            run_id: Number(runId),
          });
          return { status: data.status, conclusion: data.conclusion };
        }
      : undefined;

  const stopping = new AbortController();
  // GitHub mode: the runners' records are fetched from their published artifacts into a local mirror.
  const records =
    github !== undefined && octokit !== undefined
      ? githubRecordSource({
          octokit,
          owner: github.owner,
          repo: github.repo,
          stateDir: config.stateDir,
          signal: stopping.signal,
          log: (line) => app.logger.warn(line),
          ...(options.recordsRefreshMs !== undefined ? { refreshMs: options.recordsRefreshMs } : {}),
          ...(options.recordsTimeoutMs !== undefined ? { timeoutMs: options.recordsTimeoutMs } : {}),
        })
      : localRecordSource(config.stateDir);
  const pending = new Set<Promise<unknown>>();
  const deps: BotDeps = {
    config,
    store,
    audit,
    limiter,
    dispatcher,
    inventory: inventoryNow,
    groupsOf,
    slack: app.client as unknown as SlackApi,
    now,
    logger: app.logger,
    ...(runners !== undefined ? { runners } : {}),
    ...(runStatus !== undefined && (options.dispatcher === undefined || options.dispatcher.name === 'github')
      ? { runStatus }
      : {}),
    runPollMs: options.runPollMs ?? 15_000,
    runWatchMaxMs: 12 * 3600_000,
    signal: stopping.signal,
    queue: createWorkQueue(WORK_CONCURRENCY),
    records,
    track: (work) => {
      pending.add(work);
      void work.finally(() => pending.delete(work));
    },
  };
  registerListeners(app, deps);
  app.error(async (error) => {
    app.logger.error(`lifeboat: unhandled listener error: ${error.message}`);
  });

  let expiryTimer: NodeJS.Timeout | undefined;
  let server: Server | undefined;
  return {
    app,
    deps,
    start: async () => {
      await app.init();
      // Socket Mode connects before any work resumes, so a refused app token stops the start cleanly.
      if (socketReceiver !== undefined)
        await app.start().catch((e: unknown) => Promise.reject(socketStartError(e)));
      expiryTimer = setInterval(() => deps.track(expireDue(deps).catch(() => undefined)), EXPIRY_TICK_MS);
      expiryTimer.unref();
      await resumeRequests(deps);
      if (socketReceiver !== undefined) return { url: '' };
      server = (await app.start({ port: config.port, host: config.host })) as Server;
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return { url: `http://${host}:${address.port}/slack/events` };
    },
    stop: async () => {
      clearInterval(expiryTimer);
      stopping.abort();
      // Keep-alive connections would hold the HTTP server open.
      server?.closeAllConnections?.();
      if (socketReceiver !== undefined) {
        // Bolt's stop() does not wait for the socket to close; wait (bounded) so nothing outlives the bot.
        const closed = socketReceiver.client.disconnect().catch(() => undefined);
        await Promise.race([closed, new Promise((r) => setTimeout(r, SOCKET_CLOSE_WAIT_MS).unref())]);
      } else await app.stop().catch(() => undefined);
      const timeout = new Promise((r) => setTimeout(r, STOP_WAIT_MS).unref());
      await Promise.race([Promise.allSettled([...pending]), timeout]);
    },
  };
};
