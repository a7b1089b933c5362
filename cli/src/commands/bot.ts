// `lifeboat bot`: the Slack bot as a long-running process. Configuration comes from the environment only
// (secrets never in argv); a bad or missing variable is one line naming it, exit 2, before anything starts.
import { firstLineOf } from '@lifeboat/core';
import type { Command } from 'commander';
import { EXIT } from '../exit.js';

export interface BotCommandOptions {
  port?: string;
  host?: string;
}

export interface BotRunIo {
  env?: NodeJS.ProcessEnv;
  err?: (text: string) => void;
  /** Resolves when the bot should stop; default: the first SIGINT or SIGTERM. */
  stopSignal?: Promise<string>;
  /** Told the URL once listening (tests). */
  onListening?: (url: string) => void;
}

const firstSignal = (): Promise<string> =>
  new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });

/**
 * Resolves with the first error nothing else caught (e.g. Socket Mode's reconnect after the app token was
 * revoked): a long-running bot must end with one line and a non-zero exit, not a stack trace.
 */
const firstUncaught = (): { fatal: Promise<unknown>; dispose: () => void } => {
  let dispose = () => {};
  const fatal = new Promise<unknown>((resolve) => {
    const on = (e: unknown) => resolve(e);
    process.on('uncaughtException', on);
    process.on('unhandledRejection', on);
    dispose = () => {
      process.off('uncaughtException', on);
      process.off('unhandledRejection', on);
    };
  });
  return { fatal, dispose };
};

export const runBot = async (options: BotCommandOptions, io: BotRunIo = {}): Promise<number> => {
  const err = io.err ?? ((t: string) => process.stderr.write(t));
  const env = io.env ?? process.env;
  const overrides: { port?: number; host?: string } = {};
  if (options.port !== undefined) {
    const n = /^[0-9]{1,5}$/.test(options.port) ? Number(options.port) : Number.NaN;
    if (!(n >= 0 && n <= 65535)) {
      err('lifeboat bot: --port must be a port number 0–65535\n');
      return EXIT.usage;
    }
    overrides.port = n;
  }
  if (options.host !== undefined) {
    if (!/^[A-Za-z0-9.:-]{1,253}$/.test(options.host)) {
      err('lifeboat bot: --host must be an address or host name, e.g. 0.0.0.0 or 127.0.0.1\n');
      return EXIT.usage;
    }
    overrides.host = options.host;
  }
  const { createBot, loadBotConfig, socketStartError } = await import('@lifeboat/bot');
  const loaded = loadBotConfig(env, overrides);
  if (!loaded.ok) {
    for (const p of loaded.problems) err(`lifeboat bot: ${p}\n`);
    return EXIT.usage;
  }
  const stop = io.stopSignal ?? firstSignal();
  // Only the real process owns the process-wide handlers (tests pass their own stopSignal).
  const uncaught = io.stopSignal === undefined ? firstUncaught() : undefined;
  let bot: Awaited<ReturnType<typeof createBot>>;
  let url: string;
  try {
    bot = await createBot({ config: loaded.config });
    ({ url } = await bot.start());
  } catch (e) {
    // Slack refusing the token (invalid_auth), a port in use, an empty inventory: one line, no stack.
    err(`lifeboat bot: could not start: ${firstLineOf(e)}\n`);
    uncaught?.dispose();
    return EXIT.usage;
  }
  const c = loaded.config;
  err(
    `lifeboat bot: ${c.mode === 'socket' ? 'connected with Socket Mode' : `listening on ${url}`} (dispatcher ${c.dispatcher}, inventory ${c.root}, state ${c.stateDir})\n`,
  );
  io.onListening?.(url);
  const ended = await Promise.race([
    stop.then((signal) => ({ signal })),
    ...(uncaught ? [uncaught.fatal.then((error) => ({ error }))] : []),
  ]);
  if ('error' in ended) {
    const why = loaded.config.mode === 'socket' ? socketStartError(ended.error) : ended.error;
    err(`lifeboat bot: stopped: ${firstLineOf(why)}\n`);
    await bot.stop().catch(() => undefined);
    uncaught?.dispose();
    // A library timer (e.g. a reconnect loop) must not keep a failed bot alive; unref'd, so a clean end wins.
    setTimeout(() => process.exit(EXIT.problems), 2_000).unref();
    return EXIT.problems;
  }
  err(`lifeboat bot: ${ended.signal}: stopping (finishing work already acknowledged)\n`);
  await bot.stop();
  uncaught?.dispose();
  return EXIT.ok;
};

export const registerBot = (program: Command): void => {
  program
    .command('bot')
    .description('Run the Slack bot: /restore, /backup status, /drill (configuration from the environment).')
    .option('--port <n>', 'HTTP port (default LIFEBOAT_BOT_PORT, else 3000; 0 = any free port)')
    .option('--host <addr>', 'address to listen on (default 127.0.0.1; 0.0.0.0 behind a reverse proxy)')
    .addHelpText(
      'after',
      `
Environment:
  SLACK_BOT_TOKEN (xoxb-…), SLACK_SIGNING_SECRET        required (no signing secret in Socket Mode)
  LIFEBOAT_BOT_MODE=http|socket, SLACK_APP_TOKEN (xapp-…, Socket Mode)
  LIFEBOAT_BOT_PORT, LIFEBOAT_ROOT (inventory), LIFEBOAT_BOT_STATE_DIR
  LIFEBOAT_DISPATCHER=local|github, GITHUB_TOKEN, GITHUB_REPOSITORY (owner/repo), GITHUB_API_URL
  SLACK_API_URL (tests and proxies)

Stops cleanly on SIGINT or SIGTERM.

Exit codes:
  0  stopped by a signal
  1  stopped by an error while running (e.g. Slack revoked the app token)
  2  configuration problem (each named by its variable) or could not start`,
    )
    .action(async (options: BotCommandOptions) => {
      process.exitCode = await runBot(options);
    });
};
