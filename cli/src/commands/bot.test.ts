import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FakeSlack, sendToBolt, slashCommandBody, startFakeSlack } from '@lifeboat/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBot } from './bot.js';

const FIXTURE = fileURLToPath(new URL('../../../bot/src/e2e/fixtures/one-site', import.meta.url));
const CLI = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const SECRET = 'cli-test-secret';
const APP_TOKEN = 'xapp-1-A0CLI-1-good';

let slack: FakeSlack;
let stateDir: string;
beforeAll(async () => {
  slack = await startFakeSlack({ token: 'xoxb-cli-test', socketMode: { appToken: APP_TOKEN } });
  stateDir = await mkdtemp(path.join(tmpdir(), 'lifeboat-cli-bot-'));
});
afterAll(async () => {
  await slack.close();
  await rm(stateDir, { recursive: true, force: true });
});

const goodEnv = (): NodeJS.ProcessEnv => ({
  SLACK_BOT_TOKEN: 'xoxb-cli-test',
  SLACK_SIGNING_SECRET: SECRET,
  SLACK_API_URL: slack.url,
  LIFEBOAT_ROOT: FIXTURE,
  LIFEBOAT_BOT_STATE_DIR: stateDir,
  LIFEBOAT_BOT_PORT: '0',
});

/** The real `lifeboat bot` process: its stderr so far, and its exit code (SIGKILLed if it outlives `killAfterMs`). */
const spawnBot = (env: NodeJS.ProcessEnv, killAfterMs: number) => {
  const child = spawn(process.execPath, [CLI, 'bot'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const exited = new Promise<number | null>((r) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      r(code);
    }),
  );
  return { child, stderr: () => stderr, exited };
};

const collect = () => {
  const lines: string[] = [];
  return { lines, err: (t: string) => lines.push(t) };
};

describe('lifeboat bot: configuration problems', () => {
  it('names every missing variable on its own line, exits 2, and never echoes values', async () => {
    const out = collect();
    const code = await runBot(
      {},
      {
        env: { SLACK_BOT_TOKEN: 'not-a-bot-token-s3cr3t', LIFEBOAT_BOT_MODE: 'carrier-pigeon' },
        err: out.err,
      },
    );
    expect(code).toBe(2);
    const text = out.lines.join('');
    expect(text).toContain('SLACK_BOT_TOKEN');
    expect(text).toContain('SLACK_SIGNING_SECRET is not set');
    expect(text).toContain('LIFEBOAT_BOT_MODE');
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toMatch(/\n\s+at /);
    expect(out.lines.every((l) => l.startsWith('lifeboat bot: ') && l.endsWith('\n'))).toBe(true);
  });

  it('refuses a bad --port or --host', async () => {
    const out = collect();
    expect(await runBot({ port: '70000' }, { env: goodEnv(), err: out.err })).toBe(2);
    expect(await runBot({ host: 'a b;c' }, { env: goodEnv(), err: out.err })).toBe(2);
    expect(out.lines).toEqual([
      'lifeboat bot: --port must be a port number 0–65535\n',
      'lifeboat bot: --host must be an address or host name, e.g. 0.0.0.0 or 127.0.0.1\n',
    ]);
  });

  it('says in one line when Slack refuses the token', async () => {
    const out = collect();
    const code = await runBot({}, { env: { ...goodEnv(), SLACK_BOT_TOKEN: 'xoxb-wrong' }, err: out.err });
    expect(code).toBe(2);
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatch(/^lifeboat bot: could not start: .*invalid_auth/);
    expect(out.lines[0]).not.toContain('xoxb-wrong');
  });
});

describe('lifeboat bot: running', () => {
  it('answers signed Slack requests and stops when told', async () => {
    let stop: (s: string) => void = () => {};
    const stopSignal = new Promise<string>((r) => {
      stop = r;
    });
    let url = '';
    const out = collect();
    const running = runBot(
      { host: '127.0.0.1' },
      { env: goodEnv(), err: out.err, stopSignal, onListening: (u) => (url = u) },
    );
    await slack.waitFor(() => url !== '', 10_000, 'the bot to listen');
    const reply = await sendToBolt(
      url,
      slashCommandBody({ command: '/restore', text: 'help', user_id: 'U0REQUEST1' }),
      {
        secret: SECRET,
      },
    );
    expect(reply.status).toBe(200);
    expect(JSON.stringify(reply.json)).toContain('/restore history');
    stop('SIGTERM');
    expect(await running).toBe(0);
    expect(out.lines.join('')).toMatch(
      /listening on http:\/\/127\.0\.0\.1:\d+\/slack\/events[\s\S]*SIGTERM: stopping/,
    );
  });

  it('the real process exits 0 on SIGTERM', { timeout: 60_000 }, async () => {
    const bot = spawnBot(goodEnv(), 50_000);
    await slack.waitFor(
      () => bot.stderr().includes('listening on'),
      30_000,
      `the bot to listen (stderr: ${bot.stderr()})`,
    );
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.stderr()).toContain('SIGTERM: stopping');
  });
});

describe('lifeboat bot: Socket Mode', () => {
  const socketEnv = (appToken: string): NodeJS.ProcessEnv => ({
    ...goodEnv(),
    LIFEBOAT_BOT_MODE: 'socket',
    SLACK_APP_TOKEN: appToken,
  });

  it('a refused app token is ONE line on stderr naming SLACK_APP_TOKEN, exit 2 (the real process)', {
    timeout: 60_000,
  }, async () => {
    const wrong = 'xapp-1-A0CLI-1-wr0ng-s3cr3t';
    const bot = spawnBot(socketEnv(wrong), 30_000);
    expect(await bot.exited).toBe(2);
    expect(bot.stderr()).toBe(
      'lifeboat bot: could not start: Slack refused SLACK_APP_TOKEN (invalid_auth): use the app-level token (xapp-…) with the connections:write scope\n',
    );
    expect(slack.callsTo('apps.connections.open').some((c) => c.error === 'invalid_auth')).toBe(true);
  });

  it('the real process ends with one line and exit 1 when Slack revokes the app token while it runs', {
    timeout: 60_000,
  }, async () => {
    const socket = slack.socket;
    if (!socket) throw new Error('fake Slack without Socket Mode');
    const bot = spawnBot(socketEnv(APP_TOKEN), 45_000);
    try {
      await slack.waitFor(
        () => bot.stderr().includes('connected with Socket Mode'),
        30_000,
        `connect (${bot.stderr()})`,
      );
      slack.setFailure('invalid_auth');
      socket.disconnect();
      const code = await bot.exited;
      const stderr = bot.stderr();
      expect(code, stderr).toBe(1);
      const lines = stderr.trimEnd().split('\n');
      expect(lines[0]).toContain('connected with Socket Mode');
      expect(lines.slice(1), stderr).toHaveLength(1);
      expect(lines[1]).toBe(
        'lifeboat bot: stopped: Slack refused SLACK_APP_TOKEN (invalid_auth): use the app-level token (xapp-…) with the connections:write scope',
      );
      expect(stderr).not.toContain(APP_TOKEN);
    } finally {
      slack.setFailure(undefined);
    }
  });

  it('connects, answers a slash command envelope, and closes the socket when stopped', async () => {
    const socket = slack.socket;
    if (!socket) throw new Error('fake Slack without Socket Mode');
    let stop: (s: string) => void = () => {};
    const stopSignal = new Promise<string>((r) => {
      stop = r;
    });
    const out = collect();
    const running = runBot({}, { env: socketEnv(APP_TOKEN), err: out.err, stopSignal });
    await slack.waitFor(
      () => out.lines.some((l) => l.includes('connected with Socket Mode')),
      15_000,
      'the bot to connect',
    );
    const conn = await socket.waitForConnections(socket.connections.length || 1);
    const ack = await socket.slashCommand({ command: '/restore', text: 'help', user_id: 'U0REQUEST1' });
    expect(JSON.stringify(ack.payload)).toContain('/restore history');
    stop('SIGTERM');
    expect(await running).toBe(0);
    // The server sees the close a moment after the client has finished it.
    await slack.waitFor(() => socket.openConnections().length === 0, 5_000, 'the socket to close');
    expect(conn.closeCode).toBe(1000);
  });
});
