// Builds requests exactly as Slack sends them to an app (signed, form-encoded), so tests exercise Bolt's real
// signature check instead of switching it off.
import { createHmac, randomBytes } from 'node:crypto';

/** Headers Slack adds to every request it sends to an app. */
export interface SlackSignatureHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
}

/** `v0=` + hex HMAC-SHA256(secret, `v0:${ts}:${rawBody}`), Slack's documented request signature. */
export const signSlackRequest = (
  secret: string,
  body: string,
  timestamp: number = Math.floor(Date.now() / 1000),
): SlackSignatureHeaders => {
  const digest = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-signature': `v0=${digest}`, 'x-slack-request-timestamp': String(timestamp) };
};

const id = (prefix: string, n = 10) =>
  prefix +
  randomBytes(n)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .toUpperCase()
    .slice(0, n);

/** A plausible trigger id (`<digits>.<digits>.<hex>`); the fake Slack issues real ones via `newTriggerId()`. */
export const randomTriggerId = (): string =>
  `${Date.now()}.${Math.floor(Math.random() * 1e10)}.${randomBytes(16).toString('hex')}`;

export interface SlashCommandFields {
  command: string;
  text?: string;
  user_id: string;
  user_name?: string;
  channel_id?: string;
  channel_name?: string;
  team_id?: string;
  team_domain?: string;
  api_app_id?: string;
  response_url?: string;
  trigger_id?: string;
  token?: string;
}

/** The `application/x-www-form-urlencoded` body of a slash command (fields as Slack documents them). */
export const slashCommandBody = (f: SlashCommandFields): string =>
  new URLSearchParams({
    token: f.token ?? 'verification-token-unused',
    team_id: f.team_id ?? 'T0LIFEBOAT',
    team_domain: f.team_domain ?? 'kestrel-ridge',
    channel_id: f.channel_id ?? 'C0RESTORES',
    channel_name: f.channel_name ?? 'restores',
    user_id: f.user_id,
    user_name: f.user_name ?? f.user_id.toLowerCase(),
    command: f.command,
    text: f.text ?? '',
    api_app_id: f.api_app_id ?? 'A0LIFEBOAT',
    is_enterprise_install: 'false',
    response_url: f.response_url ?? `https://hooks.slack.com/commands/T0LIFEBOAT/${Date.now()}/${id('', 24)}`,
    trigger_id: f.trigger_id ?? randomTriggerId(),
  }).toString();

export interface BlockAction {
  action_id: string;
  block_id?: string;
  value?: string;
  type?: 'button' | 'static_select' | 'external_select' | 'plain_text_input' | 'radio_buttons' | 'checkboxes';
  /** For selects and radio buttons: the chosen option. */
  selected_option?: { text: { type: 'plain_text'; text: string }; value: string };
}

export interface BlockActionsFields {
  user_id: string;
  actions: BlockAction[];
  /** A click on a message: its channel and ts (thread messages carry `thread_ts`). */
  message?: { channel: string; ts: string; thread_ts?: string; text?: string; blocks?: unknown[] };
  /** A change inside an open modal: the view as the app last sent it, with `id` and `hash`. */
  view?: {
    id: string;
    hash?: string;
    callback_id?: string;
    private_metadata?: string;
    state?: Record<string, Record<string, unknown>>;
    blocks?: unknown[];
  };
  trigger_id?: string;
  response_url?: string;
  team_id?: string;
  api_app_id?: string;
}

const userObject = (userId: string, teamId: string) => ({
  id: userId,
  username: userId.toLowerCase(),
  name: userId.toLowerCase(),
  team_id: teamId,
});

const actionTs = () => `${(Date.now() / 1000).toFixed(6)}`;

/** The form body (`payload=<json>`) of a `block_actions` interaction (a button click or a select change). */
export const blockActionsBody = (f: BlockActionsFields): string => {
  const teamId = f.team_id ?? 'T0LIFEBOAT';
  const actions = f.actions.map((a) => ({
    type: a.type ?? 'button',
    block_id: a.block_id ?? id('b', 5),
    action_ts: actionTs(),
    ...a,
  }));
  const payload: Record<string, unknown> = {
    type: 'block_actions',
    user: userObject(f.user_id, teamId),
    api_app_id: f.api_app_id ?? 'A0LIFEBOAT',
    token: 'verification-token-unused',
    trigger_id: f.trigger_id ?? randomTriggerId(),
    team: { id: teamId, domain: 'kestrel-ridge' },
    enterprise: null,
    is_enterprise_install: false,
    actions,
  };
  if (f.message) {
    payload.container = {
      type: 'message',
      message_ts: f.message.ts,
      channel_id: f.message.channel,
      is_ephemeral: false,
      ...(f.message.thread_ts ? { thread_ts: f.message.thread_ts } : {}),
    };
    payload.channel = { id: f.message.channel, name: 'restores' };
    payload.message = {
      type: 'message',
      ts: f.message.ts,
      text: f.message.text ?? '',
      blocks: f.message.blocks ?? [],
      ...(f.message.thread_ts ? { thread_ts: f.message.thread_ts } : {}),
    };
    payload.response_url =
      f.response_url ?? `https://hooks.slack.com/actions/${teamId}/${Date.now()}/${id('', 24)}`;
    payload.state = { values: {} };
  }
  if (f.view) {
    payload.container = { type: 'view', view_id: f.view.id };
    payload.view = viewObject(f.view, teamId);
  }
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
};

const viewObject = (v: NonNullable<BlockActionsFields['view']>, teamId: string) => ({
  id: v.id,
  team_id: teamId,
  type: 'modal',
  blocks: v.blocks ?? [],
  private_metadata: v.private_metadata ?? '',
  callback_id: v.callback_id ?? '',
  state: { values: v.state ?? {} },
  hash: v.hash ?? `${Math.floor(Date.now() / 1000)}.${id('', 8)}`,
  title: { type: 'plain_text', text: 'lifeboat' },
  clear_on_close: false,
  notify_on_close: false,
  close: null,
  submit: { type: 'plain_text', text: 'Submit' },
  previous_view_id: null,
  root_view_id: v.id,
  app_id: 'A0LIFEBOAT',
  external_id: '',
  app_installed_team_id: teamId,
  bot_id: 'B0LIFEBOAT',
});

export interface ViewSubmissionFields {
  user_id: string;
  view: NonNullable<BlockActionsFields['view']> & { callback_id: string };
  trigger_id?: string;
  team_id?: string;
  api_app_id?: string;
}

/** The form body (`payload=<json>`) of a `view_submission` (a modal's Submit). */
export const viewSubmissionBody = (f: ViewSubmissionFields): string => {
  const teamId = f.team_id ?? 'T0LIFEBOAT';
  const payload = {
    type: 'view_submission',
    team: { id: teamId, domain: 'kestrel-ridge' },
    user: userObject(f.user_id, teamId),
    api_app_id: f.api_app_id ?? 'A0LIFEBOAT',
    token: 'verification-token-unused',
    trigger_id: f.trigger_id ?? randomTriggerId(),
    view: viewObject(f.view, teamId),
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
};

export interface SendToBoltOptions {
  secret: string;
  /** Unix seconds to sign with (default now): set it 6 minutes back to test the staleness check. */
  timestamp?: number;
  /** Slack's retry counter header, sent on its retries after a slow ack. */
  retryNum?: number;
  retryReason?: string;
  /** Replace the signature (forgery tests). */
  signature?: string;
  timeoutMs?: number;
}

export interface BoltReply {
  status: number;
  text: string;
  /** Parsed JSON body when there is one (an ack with a response_action, say). */
  json: unknown;
  /** Request sent → full response received, in milliseconds. */
  ms: number;
}

/** POST a signed body to a Bolt endpoint like Slack does and return the ack. */
export const sendToBolt = async (url: string, body: string, o: SendToBoltOptions): Promise<BoltReply> => {
  const signed = signSlackRequest(o.secret, body, o.timestamp);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    ...signed,
  };
  if (o.signature !== undefined) headers['x-slack-signature'] = o.signature;
  if (o.retryNum !== undefined) headers['x-slack-retry-num'] = String(o.retryNum);
  if (o.retryReason !== undefined) headers['x-slack-retry-reason'] = o.retryReason;
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
  });
  const text = await res.text();
  const ms = performance.now() - started;
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, ms };
};
