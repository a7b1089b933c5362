// `lifeboat audit`: the bot's audit trail (every request, approval, denial, refusal, dispatch, result,
// expiry) as CSV for a spreadsheet or JSON for machines, optionally since a moment.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { quote } from '@lifeboat/core';
import type { Command } from 'commander';
import { commandFailed, EXIT, UsageError } from '../exit.js';

export interface AuditCommandOptions {
  format?: string;
  since?: string;
  stateDir?: string;
  lines?: boolean;
}

const FORMATS = ['csv', 'json'] as const;
type Format = (typeof FORMATS)[number];

const ISO =
  /^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$/;

/** The bot's state directory: --state-dir, else LIFEBOAT_BOT_STATE_DIR, else the bot's default under LIFEBOAT_ROOT. */
export const auditStateDir = (flag: string | undefined, env: NodeJS.ProcessEnv): string =>
  path.resolve(
    flag ??
      (env.LIFEBOAT_BOT_STATE_DIR?.trim() || path.join(env.LIFEBOAT_ROOT?.trim() || '.', '.lifeboat', 'bot')),
  );

export const runAudit = async (
  options: AuditCommandOptions,
  out: (text: string) => void = (t) => process.stdout.write(t),
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> => {
  try {
    const format = (options.format ?? 'csv') as Format;
    if (!FORMATS.includes(format))
      throw new UsageError(`--format ${quote(options.format ?? '', 20)} must be csv or json`);
    if (options.lines && format !== 'json') throw new UsageError('--lines goes with --format json');
    let since: string | undefined;
    if (options.since !== undefined) {
      const ms = ISO.test(options.since) ? Date.parse(options.since) : Number.NaN;
      if (Number.isNaN(ms))
        throw new UsageError(
          `--since ${quote(options.since, 40)} is not an ISO 8601 time (e.g. 2026-01-31T00:00:00Z)`,
        );
      since = new Date(ms).toISOString();
    }
    const dir = auditStateDir(options.stateDir, env);
    const isDir = await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDir)
      throw new UsageError(`--state-dir ${quote(dir, 200)} is not a directory (the bot's state directory)`);
    const bot = await import('@lifeboat/bot');
    const events = await bot.readAudit(dir, since !== undefined ? { since } : {});
    out(bot.renderAudit(events, format, { jsonLines: options.lines === true }));
    return EXIT.ok;
  } catch (err) {
    return commandFailed('audit', err);
  }
};

export const registerAudit = (program: Command): void => {
  program
    .command('audit')
    .description("Export the Slack bot's audit trail: requests, approvals, denials, dispatches, results.")
    .option('--format <csv|json>', 'csv (spreadsheet-safe) or json', 'csv')
    .option('--since <iso>', 'only events at or after this time (ISO 8601)')
    .option(
      '--state-dir <dir>',
      "the bot's state directory (default: LIFEBOAT_BOT_STATE_DIR, else .lifeboat/bot)",
    )
    .option('--lines', 'with --format json: one JSON object per line instead of an array')
    .addHelpText(
      'after',
      `
CSV cells starting with =, +, - or @ get a leading ' so a spreadsheet shows them instead of running them.

Exit codes:
  0  exported (possibly nothing)
  2  usage error (bad flag, missing state directory)`,
    )
    .action(async (options: AuditCommandOptions) => {
      process.exitCode = await runAudit(options);
    });
};
