import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBotConfig } from './load-bot-config.js';

const SECRET_TOKEN = 'xoxb-1111-secret-token-value';
const SECRET_SIGNING = 'signing-secret-value-42';
const BASE = { SLACK_BOT_TOKEN: SECRET_TOKEN, SLACK_SIGNING_SECRET: SECRET_SIGNING };

const problems = (env: NodeJS.ProcessEnv) => {
  const r = loadBotConfig(env);
  if (r.ok) throw new Error('expected problems');
  for (const p of r.problems) {
    for (const [k, v] of Object.entries(env))
      if (v && v.length > 3 && /TOKEN|SECRET|URL|PORT|REPOSITORY|HOST|TTL|RATE/.test(k))
        expect(p).not.toContain(v);
  }
  return r.problems;
};

describe('loadBotConfig', () => {
  it('has safe defaults', () => {
    const r = loadBotConfig({ ...BASE, LIFEBOAT_ROOT: '/srv/inv' });
    expect(r).toEqual({
      ok: true,
      config: {
        slackBotToken: SECRET_TOKEN,
        slackSigningSecret: SECRET_SIGNING,
        mode: 'http',
        port: 3000,
        host: '127.0.0.1',
        dispatcher: 'local',
        root: '/srv/inv',
        stateDir: path.join('/srv/inv', '.lifeboat', 'bot'),
        approvalTtlSeconds: 14_400,
        rateLimitPerMinute: 10,
      },
    });
  });

  it('reads every variable of the contract', () => {
    const r = loadBotConfig({
      ...BASE,
      SLACK_APP_TOKEN: 'xapp-1-abc',
      LIFEBOAT_BOT_MODE: 'socket',
      LIFEBOAT_BOT_PORT: '0',
      LIFEBOAT_DISPATCHER: 'github',
      GITHUB_TOKEN: 'ghp_x',
      GITHUB_REPOSITORY: 'kestrel/lifeboat-config',
      GITHUB_API_URL: 'http://127.0.0.1:9/api',
      LIFEBOAT_ROOT: '/r',
      LIFEBOAT_BOT_STATE_DIR: '/state',
      SLACK_API_URL: 'http://127.0.0.1:8/api/',
    });
    expect(r.ok && r.config).toMatchObject({
      slackAppToken: 'xapp-1-abc',
      mode: 'socket',
      port: 0,
      dispatcher: 'github',
      github: {
        token: 'ghp_x',
        owner: 'kestrel',
        repo: 'lifeboat-config',
        workflow: 'restore.yml',
        drillWorkflow: 'drill.yml',
        baseUrl: 'http://127.0.0.1:9/api',
      },
      stateDir: '/state',
      slackApiUrl: 'http://127.0.0.1:8/api/',
    });
  });

  it('reads the optional host, approval TTL and rate limit', () => {
    const r = loadBotConfig({
      ...BASE,
      LIFEBOAT_BOT_HOST: '0.0.0.0',
      LIFEBOAT_APPROVAL_TTL: '1d12h',
      LIFEBOAT_RATE_LIMIT: '3',
    });
    expect(r.ok && [r.config.host, r.config.approvalTtlSeconds, r.config.rateLimitPerMinute]).toEqual([
      '0.0.0.0',
      129_600,
      3,
    ]);
  });

  it('overrides win over the environment', () => {
    const r = loadBotConfig(
      { ...BASE, LIFEBOAT_BOT_PORT: 'nonsense' },
      { port: 4000, approvalTtlSeconds: 60 },
    );
    expect(r.ok && [r.config.port, r.config.approvalTtlSeconds]).toEqual([4000, 60]);
  });

  it('needs no signing secret in Socket Mode (nothing is signed there)', () => {
    const r = loadBotConfig({
      SLACK_BOT_TOKEN: SECRET_TOKEN,
      LIFEBOAT_BOT_MODE: 'socket',
      SLACK_APP_TOKEN: 'xapp-1-a',
    });
    expect(r.ok).toBe(true);
    expect(r.ok && r.config.slackSigningSecret).toBeUndefined();
  });

  const bad: Array<[string, NodeJS.ProcessEnv, string[]]> = [
    [
      'nothing set',
      {},
      ['SLACK_BOT_TOKEN is not set (the bot token, xoxb-…)', 'SLACK_SIGNING_SECRET is not set'],
    ],
    [
      'http mode without signing secret',
      { SLACK_BOT_TOKEN: SECRET_TOKEN, LIFEBOAT_BOT_MODE: 'http' },
      ['SLACK_SIGNING_SECRET is not set'],
    ],
    [
      'a user token as bot token',
      { ...BASE, SLACK_BOT_TOKEN: 'xoxp-user-token-123' },
      ['SLACK_BOT_TOKEN does not look like a bot token (expected it to start with xoxb-)'],
    ],
    [
      'socket mode without app token',
      { ...BASE, LIFEBOAT_BOT_MODE: 'socket' },
      ['SLACK_APP_TOKEN is not set (Socket Mode needs an app-level token, xapp-…)'],
    ],
    [
      'wrong app token',
      { ...BASE, SLACK_APP_TOKEN: 'xoxb-oops-wrong' },
      ['SLACK_APP_TOKEN does not look like an app-level token (expected it to start with xapp-)'],
    ],
    [
      'bad mode',
      { ...BASE, LIFEBOAT_BOT_MODE: 'smoke-signals' },
      ['LIFEBOAT_BOT_MODE must be "http" or "socket"'],
    ],
    [
      'bad port',
      { ...BASE, LIFEBOAT_BOT_PORT: '70000' },
      ['LIFEBOAT_BOT_PORT must be a port number 0–65535'],
    ],
    [
      'port with junk',
      { ...BASE, LIFEBOAT_BOT_PORT: '80; rm' },
      ['LIFEBOAT_BOT_PORT must be a port number 0–65535'],
    ],
    [
      'bad dispatcher',
      { ...BASE, LIFEBOAT_DISPATCHER: 'carrier-pigeon' },
      ['LIFEBOAT_DISPATCHER must be "local" or "github"'],
    ],
    [
      'github without token and repo',
      { ...BASE, LIFEBOAT_DISPATCHER: 'github' },
      [
        'GITHUB_TOKEN is not set (needed by LIFEBOAT_DISPATCHER=github)',
        'GITHUB_REPOSITORY is not set (owner/repo, needed by LIFEBOAT_DISPATCHER=github)',
      ],
    ],
    [
      'bad repository',
      {
        ...BASE,
        LIFEBOAT_DISPATCHER: 'github',
        GITHUB_TOKEN: 'ghp_secret_value',
        GITHUB_REPOSITORY: 'just-a-name',
      },
      ['GITHUB_REPOSITORY must be owner/repo'],
    ],
    [
      'bad api url',
      {
        ...BASE,
        LIFEBOAT_DISPATCHER: 'github',
        GITHUB_TOKEN: 'ghp_secret_value',
        GITHUB_REPOSITORY: 'o/r',
        GITHUB_API_URL: 'file:///etc/passwd',
      },
      ['GITHUB_API_URL must be an http(s) URL'],
    ],
    [
      'bad host',
      { ...BASE, LIFEBOAT_BOT_HOST: 'example.com' },
      ['LIFEBOAT_BOT_HOST must be an IP address to listen on (default 127.0.0.1)'],
    ],
    [
      'bad ttl',
      { ...BASE, LIFEBOAT_APPROVAL_TTL: '4 hours' },
      ['LIFEBOAT_APPROVAL_TTL must be a duration between 1m and 7d, e.g. 4h'],
    ],
    [
      'ttl too long',
      { ...BASE, LIFEBOAT_APPROVAL_TTL: '2w' },
      ['LIFEBOAT_APPROVAL_TTL must be a duration between 1m and 7d, e.g. 4h'],
    ],
    [
      'zero rate',
      { ...BASE, LIFEBOAT_RATE_LIMIT: '0' },
      ['LIFEBOAT_RATE_LIMIT must be a number of requests per user per minute, 1–1000'],
    ],
    [
      'bad slack url',
      { ...BASE, SLACK_API_URL: 'javascript:alert(1)' },
      ['SLACK_API_URL must be an http(s) URL'],
    ],
  ];
  it.each(bad)('%s: names the variable, never the value', (_name, env, expected) => {
    expect(problems(env)).toEqual(expected);
  });
});
