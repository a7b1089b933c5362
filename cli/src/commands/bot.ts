// `lifeboat bot`: the Slack bot as a long-running process. Configuration comes from the environment only
// (secrets never in argv); a bad or missing variable is one line naming it, exit 2, before anything starts.
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

const oneLine = (err: unknown): string =>
  (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';

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
  const { createBot, loadBotConfig } = await import('@lifeboat/bot');
  const loaded = loadBotConfig(env, overrides);
  if (!loaded.ok) {
    for (const p of loaded.problems) err(`lifeboat bot: ${p}\n`);
    return EXIT.usage;
  }
  const stop = io.stopSignal ?? firstSignal();
  let bot: Awaited<ReturnType<typeof createBot>>;
  let url: string;
  try {
    bot = await createBot({ config: loaded.config });
    ({ url } = await bot.start());
  } catch (e) {
    // Slack refusing the token (invalid_auth), a port in use, an empty inventory: one line, no stack.
    err(`lifeboat bot: could not start: ${oneLine(e)}\n`);
    return EXIT.usage;
  }
  const c = loaded.config;
  err(
    `lifeboat bot: ${c.mode === 'socket' ? 'connected with Socket Mode' : `listening on ${url}`} (dispatcher ${c.dispatcher}, inventory ${c.root}, state ${c.stateDir})\n`,
  );
  io.onListening?.(url);
  const signal = await stop;
  err(`lifeboat bot: ${signal}: stopping (finishing work already acknowledged)\n`);
  await bot.stop();
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
  SLACK_BOT_TOKEN (xoxb-…), SLACK_SIGNING_SECRET        required
  LIFEBOAT_BOT_MODE=http|socket, SLACK_APP_TOKEN (xapp-…, Socket Mode)
  LIFEBOAT_BOT_PORT, LIFEBOAT_ROOT (inventory), LIFEBOAT_BOT_STATE_DIR
  LIFEBOAT_DISPATCHER=local|github, GITHUB_TOKEN, GITHUB_REPOSITORY (owner/repo), GITHUB_API_URL
  SLACK_API_URL (tests and proxies)

Stops cleanly on SIGINT or SIGTERM.

Exit codes:
  0  stopped by a signal
  2  configuration problem (each named by its variable) or could not start`,
    )
    .action(async (options: BotCommandOptions) => {
      process.exitCode = await runBot(options);
    });
};
