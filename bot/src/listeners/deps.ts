import type { Inventory } from '@lifeboat/core';
import type { Logger } from '@slack/bolt';
import type { AuditLog } from '../audit/index.js';
import type { GroupsOf } from '../authz/index.js';
import type { BotConfig } from '../config/index.js';
import type { Dispatcher } from '../dispatch/types.js';
import type { RunnerStatus } from '../messages/index.js';
import type { RateLimiter } from '../rate-limit/index.js';
import type { RecordSource } from '../records/index.js';
import type { RequestStore } from '../requests/index.js';
import type { WorkQueue } from './work-queue.js';

// What every listener needs, built once by createBot so listeners stay plain functions that tests can reach.

/** The slice of Bolt's WebClient the bot calls (so the flow does not depend on a request's `client`). */
export interface SlackApi {
  chat: {
    postMessage(args: Record<string, unknown>): Promise<{ ts?: string; channel?: string }>;
    update(args: Record<string, unknown>): Promise<unknown>;
    postEphemeral(args: Record<string, unknown>): Promise<unknown>;
  };
  views: {
    open(args: Record<string, unknown>): Promise<{ view?: { id?: string } }>;
    update(args: Record<string, unknown>): Promise<unknown>;
  };
}

export interface BotDeps {
  config: BotConfig;
  store: RequestStore;
  audit: AuditLog;
  limiter: RateLimiter;
  dispatcher: Dispatcher;
  /** The inventory, reloaded now and then so merged changes apply without a restart. */
  inventory: () => Promise<Inventory>;
  groupsOf: GroupsOf;
  slack: SlackApi;
  now: () => Date;
  logger: Logger;
  /** Runners per site from the GitHub runners API; undefined with the local dispatcher. */
  runners?: () => Promise<RunnerStatus[]>;
  /** Work started after an ack; `stop()` waits for it. */
  track: (work: Promise<unknown>) => void;
  /** A workflow run's state (GitHub dispatcher only): how the bot learns a run's end. */
  runStatus?: (runId: string) => Promise<{ status: string | null; conclusion: string | null }>;
  /** Between two looks at a running workflow run. */
  runPollMs: number;
  /** Stop watching a run after this long (the runner still posts its result to the thread). */
  runWatchMaxMs: number;
  /** Aborted when the bot stops: watchers end. */
  signal: AbortSignal;
  /** Runs after-ack work a few at a time (see work-queue.ts). */
  queue: WorkQueue;
  /** Where run records are read: the bot's state directory, plus (GitHub mode) the sites' mirrored artifacts. */
  records: RecordSource;
}
