import { isIP } from 'node:net';
import path from 'node:path';
import { parseDuration } from '@lifeboat/core';
import type { BotConfig, BotConfigResult, BotMode, DispatcherName } from './types.js';

// Env → BotConfig with every problem at once; a problem names the variable and never echoes its value,
// because the values are mostly secrets.

export const DEFAULT_APPROVAL_TTL_SECONDS = 4 * 60 * 60;
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 10;
export const DEFAULT_PORT = 3000;

const REPOSITORY = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/;

const nonEmpty = (v: string | undefined): string | undefined =>
  v !== undefined && v.trim() !== '' ? v.trim() : undefined;

const isHttpUrl = (v: string): boolean => {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
};

/**
 * Reads the bot's environment. `overrides` (from CLI flags or tests) win over the environment. Besides the
 * contract's variables: LIFEBOAT_BOT_HOST (listen address), LIFEBOAT_APPROVAL_TTL (e.g. 4h) and
 * LIFEBOAT_RATE_LIMIT (requests per user per minute).
 */
export const loadBotConfig = (
  env: NodeJS.ProcessEnv,
  overrides: Partial<BotConfig> = {},
): BotConfigResult => {
  const problems: string[] = [];
  const get = (name: string) => nonEmpty(env[name]);

  const slackBotToken = overrides.slackBotToken ?? get('SLACK_BOT_TOKEN');
  if (slackBotToken === undefined) problems.push('SLACK_BOT_TOKEN is not set (the bot token, xoxb-…)');
  else if (!slackBotToken.startsWith('xoxb-'))
    problems.push('SLACK_BOT_TOKEN does not look like a bot token (expected it to start with xoxb-)');

  const rawMode = overrides.mode ?? get('LIFEBOAT_BOT_MODE') ?? 'http';
  let mode: BotMode = 'http';
  if (rawMode === 'http' || rawMode === 'socket') mode = rawMode;
  else problems.push('LIFEBOAT_BOT_MODE must be "http" or "socket"');

  // Only HTTP requests are signed; Socket Mode's socket is authenticated by the app-level token instead.
  const slackSigningSecret = overrides.slackSigningSecret ?? get('SLACK_SIGNING_SECRET');
  if (slackSigningSecret === undefined && mode === 'http') problems.push('SLACK_SIGNING_SECRET is not set');

  const slackAppToken = overrides.slackAppToken ?? get('SLACK_APP_TOKEN');
  if (mode === 'socket' && slackAppToken === undefined)
    problems.push('SLACK_APP_TOKEN is not set (Socket Mode needs an app-level token, xapp-…)');
  else if (slackAppToken !== undefined && !slackAppToken.startsWith('xapp-'))
    problems.push('SLACK_APP_TOKEN does not look like an app-level token (expected it to start with xapp-)');

  let port = DEFAULT_PORT;
  if (overrides.port !== undefined) port = overrides.port;
  else {
    const raw = get('LIFEBOAT_BOT_PORT');
    if (raw !== undefined) {
      const n = /^[0-9]{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
      if (Number.isInteger(n) && n >= 0 && n <= 65535) port = n;
      else problems.push('LIFEBOAT_BOT_PORT must be a port number 0–65535');
    }
  }

  const rawDispatcher = overrides.dispatcher ?? get('LIFEBOAT_DISPATCHER') ?? 'local';
  let dispatcher: DispatcherName = 'local';
  if (rawDispatcher === 'local' || rawDispatcher === 'github') dispatcher = rawDispatcher;
  else problems.push('LIFEBOAT_DISPATCHER must be "local" or "github"');

  let github = overrides.github;
  if (dispatcher === 'github' && github === undefined) {
    const token = get('GITHUB_TOKEN');
    const repository = get('GITHUB_REPOSITORY');
    const baseUrl = get('GITHUB_API_URL');
    if (token === undefined) problems.push('GITHUB_TOKEN is not set (needed by LIFEBOAT_DISPATCHER=github)');
    const m = repository === undefined ? null : REPOSITORY.exec(repository);
    if (repository === undefined)
      problems.push('GITHUB_REPOSITORY is not set (owner/repo, needed by LIFEBOAT_DISPATCHER=github)');
    else if (m === null) problems.push('GITHUB_REPOSITORY must be owner/repo');
    if (baseUrl !== undefined && !isHttpUrl(baseUrl)) problems.push('GITHUB_API_URL must be an http(s) URL');
    if (token !== undefined && m !== null && (baseUrl === undefined || isHttpUrl(baseUrl))) {
      github = {
        token,
        owner: m[1] as string,
        repo: m[2] as string,
        workflow: 'restore.yml',
        drillWorkflow: 'drill.yml',
        ...(baseUrl !== undefined ? { baseUrl } : {}),
      };
    }
  }

  const slackApiUrl = overrides.slackApiUrl ?? get('SLACK_API_URL');
  if (slackApiUrl !== undefined && !isHttpUrl(slackApiUrl))
    problems.push('SLACK_API_URL must be an http(s) URL');

  const root = path.resolve(overrides.root ?? get('LIFEBOAT_ROOT') ?? '.');
  const stateDir = path.resolve(
    overrides.stateDir ?? get('LIFEBOAT_BOT_STATE_DIR') ?? path.join(root, '.lifeboat', 'bot'),
  );

  let host = overrides.host ?? '127.0.0.1';
  const rawHost = overrides.host === undefined ? get('LIFEBOAT_BOT_HOST') : undefined;
  if (rawHost !== undefined) {
    if (isIP(rawHost) !== 0 || rawHost === 'localhost') host = rawHost;
    else problems.push('LIFEBOAT_BOT_HOST must be an IP address to listen on (default 127.0.0.1)');
  }

  let approvalTtlSeconds = overrides.approvalTtlSeconds ?? DEFAULT_APPROVAL_TTL_SECONDS;
  const rawTtl = overrides.approvalTtlSeconds === undefined ? get('LIFEBOAT_APPROVAL_TTL') : undefined;
  if (rawTtl !== undefined) {
    const seconds = parseDuration(rawTtl);
    if (seconds !== undefined && seconds >= 60 && seconds <= 7 * 86_400) approvalTtlSeconds = seconds;
    else problems.push('LIFEBOAT_APPROVAL_TTL must be a duration between 1m and 7d, e.g. 4h');
  }

  let rateLimitPerMinute = overrides.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE;
  const rawRate = overrides.rateLimitPerMinute === undefined ? get('LIFEBOAT_RATE_LIMIT') : undefined;
  if (rawRate !== undefined) {
    const n = /^[0-9]{1,4}$/.test(rawRate) ? Number(rawRate) : Number.NaN;
    if (n >= 1 && n <= 1000) rateLimitPerMinute = n;
    else problems.push('LIFEBOAT_RATE_LIMIT must be a number of requests per user per minute, 1–1000');
  }

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    config: {
      slackBotToken: slackBotToken as string,
      ...(slackSigningSecret !== undefined ? { slackSigningSecret } : {}),
      ...(slackAppToken !== undefined ? { slackAppToken } : {}),
      mode,
      port,
      host,
      dispatcher,
      ...(github !== undefined ? { github } : {}),
      root,
      stateDir,
      ...(slackApiUrl !== undefined ? { slackApiUrl } : {}),
      approvalTtlSeconds,
      rateLimitPerMinute,
    },
  };
};
