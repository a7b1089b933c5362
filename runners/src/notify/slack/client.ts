// The two Slack Web API methods a runner needs, over fetch: no Bolt, no SDK, one bot token from the environment.

export interface SlackApiOptions {
  token: string;
  /** Base URL ending in `/api/`; default https://slack.com/api/. */
  apiUrl?: string;
  fetch?: typeof fetch;
  /** Per call; default 10 s. */
  timeoutMs?: number;
}

export type SlackApiResult =
  | { ok: true; ts?: string; channel?: string }
  | { ok: false; error: string; retryAfterSeconds?: number };

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

export const slackApi = (options: SlackApiOptions) => {
  const base = (options.apiUrl ?? DEFAULT_SLACK_API_URL).replace(/\/?$/, '/');
  const doFetch = options.fetch ?? fetch;
  const call = async (method: string, body: Record<string, unknown>): Promise<SlackApiResult> => {
    try {
      const response = await doFetch(`${base}${method}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${options.token}`,
          'content-type': 'application/json; charset=utf-8',
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (response.status === 429) {
        const retry = Number(response.headers.get('retry-after') ?? '1');
        return { ok: false, error: 'ratelimited', retryAfterSeconds: Number.isFinite(retry) ? retry : 1 };
      }
      const data = (await response.json().catch(() => ({}))) as {
        ok?: boolean;
        ts?: string;
        channel?: string;
        error?: string;
      };
      if (data.ok === true)
        return {
          ok: true,
          ...(typeof data.ts === 'string' ? { ts: data.ts } : {}),
          ...(typeof data.channel === 'string' ? { channel: data.channel } : {}),
        };
      return { ok: false, error: typeof data.error === 'string' ? data.error : `http_${response.status}` };
    } catch (error) {
      return { ok: false, error: (error as Error).name === 'TimeoutError' ? 'timeout' : 'network_error' };
    }
  };
  return {
    postMessage: (body: Record<string, unknown>) => call('chat.postMessage', body),
    update: (body: Record<string, unknown>) => call('chat.update', body),
  };
};
