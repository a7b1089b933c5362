import type { CatalogueEntry, RunRecord } from '@lifeboat/core';
import { slackApi } from './client.js';
import {
  refusedMessage,
  restoreProgressMessage,
  restoreResultMessage,
  type SlackMessage,
} from './message.js';

// What the runner tells the request's Slack thread in GitHub mode: ONE message, posted once (or the bot's
// status message when it gave its ts) and then updated: started → progress (throttled) → the result.
// Never throws and never fails the run: a notification is a courtesy, the run record is the truth.

export interface SlackNotifierOptions {
  token: string;
  channel: string;
  threadTs?: string;
  /** The bot's status message to update; without it the notifier posts its own in the thread. */
  messageTs?: string;
  apiUrl?: string;
  fetch?: typeof fetch;
  /** Catalogue for failures' fixes. */
  catalogue?: Readonly<Record<string, CatalogueEntry>>;
  /** Minimum time between two progress updates; default 5 s (Slack allows about one update a second). */
  progressEveryMs?: number;
  /** Link to the workflow run, shown while running. */
  runUrl?: string;
  now?: () => number;
  onNote?: (message: string) => void;
}

export interface SlackNotifier {
  started(what: string): Promise<void>;
  progress(percent: number, what?: string): Promise<void>;
  finished(record: RunRecord, options?: { rtoSeconds?: number }): Promise<void>;
  /** The run was refused before any record existed (a request the YAML refuses). */
  refused(reason: string): Promise<void>;
  /** The ts of the ONE message, once known. */
  readonly messageTs: string | undefined;
}

export const slackNotifier = (options: SlackNotifierOptions): SlackNotifier => {
  const api = slackApi({
    token: options.token,
    ...(options.apiUrl !== undefined ? { apiUrl: options.apiUrl } : {}),
    ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
  });
  const now = options.now ?? Date.now;
  const every = options.progressEveryMs ?? 5_000;
  let ts = options.messageTs;
  let lastProgressAt = Number.NEGATIVE_INFINITY;
  let title = 'Restore running';
  let done = false;
  let queue: Promise<void> = Promise.resolve();

  const send = async (message: SlackMessage, important: boolean): Promise<void> => {
    const body = { channel: options.channel, text: message.text, blocks: message.blocks };
    for (let attempt = 0; attempt < (important ? 2 : 1); attempt++) {
      const result =
        ts === undefined
          ? await api.postMessage({
              ...body,
              ...(options.threadTs !== undefined ? { thread_ts: options.threadTs } : {}),
              unfurl_links: false,
            })
          : await api.update({ ...body, ts });
      if (result.ok) {
        if (ts === undefined) ts = result.ts;
        return;
      }
      options.onNote?.(
        `slack: ${ts === undefined ? 'chat.postMessage' : 'chat.update'} failed: ${result.error}`,
      );
      if (result.retryAfterSeconds === undefined) return;
      await new Promise((r) => setTimeout(r, Math.min(result.retryAfterSeconds ?? 1, 10) * 1000));
    }
  };
  // One call at a time, in order: the update after a post needs the post's ts.
  const enqueue = (fn: () => Promise<void>): Promise<void> => {
    queue = queue.then(fn, fn);
    return queue;
  };

  return {
    get messageTs() {
      return ts;
    },
    started(what: string) {
      title = what;
      lastProgressAt = now();
      return enqueue(() => send(restoreProgressMessage(what, undefined, options.runUrl), true));
    },
    progress(percent: number, what?: string) {
      const t = now();
      if (done || t - lastProgressAt < every) return queue;
      lastProgressAt = t;
      if (what !== undefined) title = what;
      return enqueue(() => send(restoreProgressMessage(title, percent, options.runUrl), false));
    },
    finished(record: RunRecord, more: { rtoSeconds?: number } = {}) {
      done = true;
      return enqueue(() => send(restoreResultMessage(record, options.catalogue ?? {}, more), true));
    },
    refused(reason: string) {
      done = true;
      return enqueue(() => send(refusedMessage(title, reason), true));
    },
  };
};

/** Where a dispatched run's thread is, from `lifeboat run`'s flags (workflow inputs; empty = not given). */
export interface SlackThreadInputs {
  channel?: string;
  thread?: string;
  message?: string;
}

const CHANNEL = /^[CDG][A-Z0-9]{6,}$/;
const TS = /^[0-9]{9,12}\.[0-9]{1,6}$/;

/**
 * A notifier when SLACK_BOT_TOKEN is set and a channel was given; undefined otherwise. The token comes
 * from the environment only; channel and ts are checked for shape since they come from dispatch inputs.
 */
export const slackNotifierFromEnv = (
  env: Readonly<Record<string, string | undefined>>,
  inputs: SlackThreadInputs,
  more: Omit<SlackNotifierOptions, 'token' | 'channel' | 'threadTs' | 'messageTs'> = {},
): { notifier?: SlackNotifier; problem?: string } => {
  const token = env.SLACK_BOT_TOKEN?.trim();
  const channel = inputs.channel?.trim() || undefined;
  if (channel === undefined) return {};
  if (!token)
    return { problem: 'a Slack channel was given but SLACK_BOT_TOKEN is not set: no Slack updates' };
  if (!CHANNEL.test(channel))
    return { problem: 'the Slack channel id is not a channel id: no Slack updates' };
  const thread = inputs.thread?.trim() || undefined;
  const message = inputs.message?.trim() || undefined;
  if ((thread !== undefined && !TS.test(thread)) || (message !== undefined && !TS.test(message)))
    return { problem: 'the Slack thread or message ts is not a Slack ts: no Slack updates' };
  const apiUrl = env.SLACK_API_URL?.trim() || undefined;
  return {
    notifier: slackNotifier({
      ...more,
      token,
      channel,
      ...(thread !== undefined ? { threadTs: thread } : {}),
      ...(message !== undefined ? { messageTs: message } : {}),
      ...(apiUrl !== undefined && more.apiUrl === undefined ? { apiUrl } : {}),
    }),
  };
};
