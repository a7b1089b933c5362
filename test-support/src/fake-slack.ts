// A local stand-in for the Slack Web API (the subset lifeboat's bot uses), so tests drive Bolt's real WebClient
// over HTTP on loopback: form or JSON bodies, Bearer token, `{ok:true,…}` / `{ok:false,error}` like Slack.
import { randomBytes } from 'node:crypto';
import {
  type FakeSlackSocket,
  type FakeSlackSocketOptions,
  startFakeSlackSocket,
} from './fake-slack-socket.js';
import { readBody, startLoopbackServer } from './loopback-server.js';

/** One Web API call as the fake saw it. */
export interface FakeSlackCall {
  method: string;
  /** Parsed arguments; JSON-valued form fields (blocks, view) are decoded. */
  args: Record<string, unknown>;
  token: string | undefined;
  ok: boolean;
  error?: string;
  at: number;
}

export interface FakeSlackMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  thread_ts?: string;
  /** Every chat.update applied to this message, oldest first; text/blocks hold the latest. */
  updates: { text: string; blocks: unknown[]; at: number }[];
}

export interface FakeSlackView {
  id: string;
  user?: string;
  hash: string;
  view: Record<string, unknown>;
  /** Every views.update, oldest first; `view` holds the latest. */
  updates: Record<string, unknown>[];
}

/** A POST to a `response_url` the fake issued. */
export interface FakeSlackResponse {
  id: string;
  body: Record<string, unknown>;
  at: number;
}

export interface FakeSlackOptions {
  /** The bot token accepted. Default `xoxb-test-token`. */
  token?: string;
  teamId?: string;
  botUserId?: string;
  /** users.info data: id → name (and optional real name / tz). */
  users?: Record<string, { name: string; real_name?: string; tz?: string; is_bot?: boolean }>;
  /** usergroups.users.list data: S… id → member user ids. */
  usergroups?: Record<string, string[]>;
  /** How long a trigger id from `newTriggerId()` stays usable. Slack: 3 s. */
  triggerTtlMs?: number;
  /** The clock trigger expiry is judged by (tests move it instead of sleeping, so load cannot flake them). */
  triggerClock?: () => number;
  /** Close after this long without a request. Default 60 s. */
  idleTimeoutMs?: number;
  /** Answer every call with this error instead (outage tests). */
  failWith?: string;
  /** Also serve Socket Mode: apps.connections.open (app-level token only) and its WebSocket endpoint. */
  socketMode?: FakeSlackSocketOptions | true;
}

export interface FakeSlack {
  /** For Bolt's `clientOptions.slackApiUrl`: ends with `/api/`. */
  url: string;
  /** Base for `response_url`s, e.g. `http://127.0.0.1:1234/`. */
  origin: string;
  calls: FakeSlackCall[];
  /** `${channel}:${ts}` → message. */
  messages: Map<string, FakeSlackMessage>;
  views: Map<string, FakeSlackView>;
  responses: FakeSlackResponse[];
  ephemerals: { channel: string; user: string; text: string; blocks: unknown[]; at: number }[];
  /** A fresh trigger id, usable once within `triggerTtlMs` (as Slack's are). */
  newTriggerId: () => string;
  /** A fresh response_url pointing at this fake. */
  newResponseUrl: () => string;
  callsTo: (method: string) => FakeSlackCall[];
  /** Messages in one thread (root included), oldest first. */
  thread: (channel: string, threadTs: string) => FakeSlackMessage[];
  /** Poll `pred` until it returns a truthy value or `ms` pass (then reject, naming `what`). */
  waitFor: <T>(pred: () => T | undefined | false | null, ms?: number, what?: string) => Promise<T>;
  setFailure: (error: string | undefined) => void;
  /** The Socket Mode endpoint, when `socketMode` was asked for; closed with the fake. */
  socket?: FakeSlackSocket;
  closed: Promise<void>;
  close: () => Promise<void>;
}

class SlackError extends Error {}

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_BLOCKS_MESSAGE = 50;
const MAX_BLOCKS_VIEW = 100;
const MAX_TEXT = 40_000;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Form values that hold JSON (blocks, view, …) arrive as strings from WebClient; decode them. */
const decodeArgs = (contentType: string, text: string): Record<string, unknown> => {
  if (text.length === 0) return {};
  if (contentType.includes('application/json')) {
    const parsed: unknown = JSON.parse(text);
    if (!isRecord(parsed)) throw new SlackError('invalid_json');
    return parsed;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    if (/^[[{]/.test(v)) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        throw new SlackError('invalid_arguments');
      }
    }
    out[k] = v;
  }
  return out;
};

const str = (args: Record<string, unknown>, key: string): string | undefined => {
  const v = args[key];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
};

const requireStr = (args: Record<string, unknown>, key: string, error = 'invalid_arguments'): string => {
  const v = str(args, key);
  if (v === undefined) throw new SlackError(error);
  return v;
};

const blocksOf = (args: Record<string, unknown>, max: number): unknown[] => {
  const b = args.blocks;
  if (b === undefined) return [];
  if (!Array.isArray(b) || b.length > max || !b.every((x) => isRecord(x) && typeof x.type === 'string'))
    throw new SlackError('invalid_blocks');
  return b;
};

/** Start the fake on 127.0.0.1 with an OS-chosen port. */
export const startFakeSlack = async (options: FakeSlackOptions = {}): Promise<FakeSlack> => {
  const token = options.token ?? 'xoxb-test-token';
  const teamId = options.teamId ?? 'T0LIFEBOAT';
  const botUserId = options.botUserId ?? 'U0LIFEBOT';
  const triggerTtlMs = options.triggerTtlMs ?? 3_000;
  const triggerClock = options.triggerClock ?? Date.now;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  let failWith = options.failWith;
  const calls: FakeSlackCall[] = [];
  const messages = new Map<string, FakeSlackMessage>();
  const views = new Map<string, FakeSlackView>();
  const responses: FakeSlackResponse[] = [];
  const ephemerals: FakeSlack['ephemerals'] = [];
  const triggers = new Map<string, number>();
  const responseUrls = new Set<string>();
  let lastTs = 0;
  let seq = 0;
  let origin = '';

  /** Slack ts: seconds.microseconds, unique and increasing per workspace. */
  const nextTs = () => {
    const micros = Math.max(Date.now() * 1000, lastTs + 1);
    lastTs = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  };
  const nextId = (prefix: string) => `${prefix}${(++seq).toString(36).toUpperCase().padStart(8, '0')}`;
  const newHash = () => `${Math.floor(Date.now() / 1000)}.${randomBytes(6).toString('hex')}`;

  const newTriggerId = () => {
    const t = `${Date.now()}.${++seq}.${randomBytes(16).toString('hex')}`;
    triggers.set(t, triggerClock() + triggerTtlMs);
    return t;
  };
  const useTrigger = (t: string) => {
    const until = triggers.get(t);
    if (until === undefined) throw new SlackError('invalid_trigger_id');
    triggers.delete(t);
    if (triggerClock() > until) throw new SlackError('expired_trigger_id');
  };
  const newResponseUrl = () => {
    const path = `commands/${teamId}/${++seq}/${randomBytes(12).toString('hex')}`;
    responseUrls.add(path);
    return `${origin}${path}`;
  };

  const messageJson = (m: FakeSlackMessage) => ({
    type: 'message',
    user: botUserId,
    bot_id: 'B0LIFEBOAT',
    text: m.text,
    blocks: m.blocks,
    ts: m.ts,
    ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
  });

  const checkView = (v: unknown): Record<string, unknown> => {
    if (!isRecord(v) || v.type !== 'modal' || !isRecord(v.title)) throw new SlackError('invalid_arguments');
    const blocks = v.blocks;
    if (!Array.isArray(blocks) || blocks.length > MAX_BLOCKS_VIEW) throw new SlackError('invalid_arguments');
    if (typeof v.private_metadata === 'string' && v.private_metadata.length > 3000)
      throw new SlackError('invalid_arguments');
    return v;
  };
  const viewJson = (fv: FakeSlackView) => ({
    id: fv.id,
    team_id: teamId,
    type: 'modal',
    private_metadata: '',
    callback_id: '',
    external_id: '',
    ...fv.view,
    state: { values: {} },
    hash: fv.hash,
    root_view_id: fv.id,
    app_id: 'A0LIFEBOAT',
    bot_id: 'B0LIFEBOAT',
  });

  const socket =
    options.socketMode === undefined
      ? undefined
      : await startFakeSlackSocket({
          idleTimeoutMs,
          ...(options.socketMode === true ? {} : options.socketMode),
        });

  const methods: Record<string, (args: Record<string, unknown>) => Record<string, unknown>> = {
    'api.test': (args) => ({ args }),
    // Socket Mode's handshake: called with the app-level token (xapp-…), never the bot token.
    'apps.connections.open': () => {
      if (!socket) throw new SlackError('invalid_auth');
      return { url: socket.openUrl() };
    },
    'auth.test': () => ({
      url: 'https://kestrel-ridge.slack.com/',
      team: 'Kestrel Ridge',
      user: 'lifeboat',
      team_id: teamId,
      user_id: botUserId,
      bot_id: 'B0LIFEBOAT',
      is_enterprise_install: false,
    }),
    'chat.postMessage': (args) => {
      const channel = requireStr(args, 'channel', 'channel_not_found');
      const text = str(args, 'text') ?? '';
      const blocks = blocksOf(args, MAX_BLOCKS_MESSAGE);
      if (!text && blocks.length === 0) throw new SlackError('no_text');
      if (text.length > MAX_TEXT) throw new SlackError('msg_too_long');
      const threadTs = str(args, 'thread_ts');
      if (threadTs && !messages.has(`${channel}:${threadTs}`)) throw new SlackError('thread_not_found');
      const m: FakeSlackMessage = { channel, ts: nextTs(), text, blocks, updates: [] };
      if (threadTs) m.thread_ts = threadTs;
      messages.set(`${channel}:${m.ts}`, m);
      return { channel, ts: m.ts, message: messageJson(m) };
    },
    'chat.update': (args) => {
      const channel = requireStr(args, 'channel', 'channel_not_found');
      const ts = requireStr(args, 'ts', 'message_not_found');
      const m = messages.get(`${channel}:${ts}`);
      if (!m) throw new SlackError('message_not_found');
      const text = str(args, 'text') ?? '';
      const blocks = args.blocks === undefined ? m.blocks : blocksOf(args, MAX_BLOCKS_MESSAGE);
      if (!text && blocks.length === 0) throw new SlackError('no_text');
      m.text = text;
      m.blocks = blocks;
      m.updates.push({ text, blocks, at: Date.now() });
      return { channel, ts, text, message: messageJson(m) };
    },
    'chat.postEphemeral': (args) => {
      const channel = requireStr(args, 'channel', 'channel_not_found');
      const user = requireStr(args, 'user', 'user_not_found');
      const text = str(args, 'text') ?? '';
      const blocks = blocksOf(args, MAX_BLOCKS_MESSAGE);
      if (!text && blocks.length === 0) throw new SlackError('no_text');
      ephemerals.push({ channel, user, text, blocks, at: Date.now() });
      return { message_ts: nextTs() };
    },
    'conversations.open': (args) => {
      const users = requireStr(args, 'users', 'users_list_not_supplied');
      if (!users.split(',').every((u) => /^[UW][A-Z0-9]+$/.test(u))) throw new SlackError('user_not_found');
      return { channel: { id: `D${users.replace(/,/g, '').slice(1, 10)}` } };
    },
    'users.info': (args) => {
      const id = requireStr(args, 'user', 'user_not_found');
      const u = options.users?.[id];
      if (!u) throw new SlackError('user_not_found');
      return {
        user: {
          id,
          team_id: teamId,
          name: u.name,
          real_name: u.real_name ?? u.name,
          tz: u.tz ?? 'Europe/London',
          is_bot: u.is_bot ?? false,
          deleted: false,
          profile: { display_name: u.name, real_name: u.real_name ?? u.name },
        },
      };
    },
    'usergroups.users.list': (args) => {
      const group = requireStr(args, 'usergroup', 'no_such_subteam');
      const members = options.usergroups?.[group];
      if (!members) throw new SlackError('no_such_subteam');
      return { users: [...members] };
    },
    'views.open': (args) => {
      useTrigger(requireStr(args, 'trigger_id', 'invalid_trigger_id'));
      const view = checkView(args.view);
      const fv: FakeSlackView = { id: nextId('V'), hash: newHash(), view, updates: [] };
      views.set(fv.id, fv);
      return { view: viewJson(fv) };
    },
    'views.push': (args) => {
      useTrigger(requireStr(args, 'trigger_id', 'invalid_trigger_id'));
      const view = checkView(args.view);
      const fv: FakeSlackView = { id: nextId('V'), hash: newHash(), view, updates: [] };
      views.set(fv.id, fv);
      return { view: viewJson(fv) };
    },
    'views.update': (args) => {
      const id = str(args, 'view_id');
      const externalId = str(args, 'external_id');
      const fv = id
        ? views.get(id)
        : [...views.values()].find((v) => externalId && v.view.external_id === externalId);
      if (!fv) throw new SlackError('not_found');
      const hash = str(args, 'hash');
      if (hash !== undefined && hash !== fv.hash) throw new SlackError('hash_conflict');
      fv.view = checkView(args.view);
      fv.updates.push(fv.view);
      fv.hash = newHash();
      return { view: viewJson(fv) };
    },
  };

  const waitFor: FakeSlack['waitFor'] = async (pred, ms = 5_000, what = 'condition') => {
    const until = Date.now() + ms;
    for (;;) {
      const v = pred();
      if (v) return v;
      if (Date.now() > until) throw new Error(`fake Slack: timed out after ${ms} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  const server = await startLoopbackServer(idleTimeoutMs, (req, res, armIdleTimer) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
      armIdleTimer();
    };
    void readBody(req, MAX_BODY_BYTES, () => new SlackError('request_too_large'))
      .then((text) => {
        const ct = String(req.headers['content-type'] ?? '');
        // response_url endpoints: JSON bodies, plain `ok` reply as Slack's hooks give.
        const hook = u.pathname.slice(1);
        if (responseUrls.has(hook)) {
          const body = decodeArgs(ct.includes('json') ? ct : 'application/json', text);
          responses.push({ id: hook, body, at: Date.now() });
          res.writeHead(200, { 'content-type': 'text/html' }).end('ok');
          return;
        }
        const m = /^\/api\/([a-zA-Z.]+)$/.exec(u.pathname);
        if (!m) {
          res.writeHead(404).end();
          return;
        }
        const method = m[1] ?? '';
        let args: Record<string, unknown> = {};
        let callToken: string | undefined;
        const record = (ok: boolean, error?: string) => {
          const call: FakeSlackCall = { method, args, token: callToken, ok, at: Date.now() };
          if (error) call.error = error;
          calls.push(call);
        };
        try {
          args = decodeArgs(ct, text);
          const auth = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
          callToken = auth?.[1] ?? str(args, 'token');
          delete args.token;
          const handler = methods[method];
          if (!handler) throw new SlackError('unknown_method');
          if (callToken === undefined) throw new SlackError('not_authed');
          const expected = method === 'apps.connections.open' ? socket?.appToken : token;
          if (callToken !== expected) throw new SlackError('invalid_auth');
          if (failWith) throw new SlackError(failWith);
          const out = handler(args);
          record(true);
          reply(200, { ok: true, ...out });
        } catch (err) {
          const error = err instanceof SlackError ? err.message : 'invalid_json';
          record(false, error);
          reply(200, { ok: false, error });
        }
      })
      .catch(() => reply(413, { ok: false, error: 'request_too_large' }));
  });

  origin = `http://127.0.0.1:${server.port}/`;

  return {
    url: `${origin}api/`,
    origin,
    calls,
    messages,
    views,
    responses,
    ephemerals,
    newTriggerId,
    newResponseUrl,
    callsTo: (method) => calls.filter((c) => c.method === method),
    thread: (channel, threadTs) =>
      [...messages.values()]
        .filter((m) => m.channel === channel && (m.ts === threadTs || m.thread_ts === threadTs))
        .sort((a, b) => a.ts.localeCompare(b.ts)),
    waitFor,
    setFailure: (error) => {
      failWith = error;
    },
    ...(socket ? { socket } : {}),
    closed: server.closed,
    close: async () => {
      await Promise.all([server.close(), socket?.close()]);
    },
  };
};
