// `lifeboat report`: per policy and image, are the objectives met — as JSON, CSV or Markdown, plus metrics.
import { writeFile } from 'node:fs/promises';
import { formatDuration, loadInventory, parseDuration, quote } from '@lifeboat/core';
import type { ReportFormat } from '@lifeboat/runners';
import type { Command } from 'commander';
import { commandFailed, EXIT, UsageError } from '../exit.js';
import { checkRoot } from '../options/root.js';
import { checkStateDir, parseNow, problemLine } from './runs.js';

export interface ReportCommandOptions {
  root: string;
  stateDir?: string;
  site?: string;
  format: string;
  output?: string;
  metricsDir?: string;
  now?: string;
  window: string;
}

const FORMATS = ['json', 'csv', 'md'] as const;
/** Ledger problems printed one per line before the rest are summed up. */
const MAX_PROBLEM_LINES = 10;

const HELP = `
Per policy and image: the last good copy's age against the RPO, the last drill (outcome, restore
time against the RTO, age against the drill schedule), the success rate over --window, and a
status with its reasons:
  red    an objective is missed now: no good copy, copy older than the RPO, last drill failed,
         restore slower than the RTO
  amber  at risk: copy close to the RPO, a job's last run failed, drill overdue or never run,
         success rate under 99 %
  green  everything above holds

State directory: --state-dir for every site when given; else each site's runner.stateDir from
the inventory; else .lifeboat-state in the working directory.

--metrics-dir writes <dir>/lifeboat.prom (Prometheus text format, atomically) for node_exporter's
textfile collector. When GITHUB_STEP_SUMMARY is set, the Markdown table is appended to it.

Exit codes:
  0  report written (whatever its colours)
  2  usage error (bad flag value, --root or --state-dir missing) or internal error`;

export const runReport = async (options: ReportCommandOptions): Promise<number> => {
  try {
    if (!(FORMATS as readonly string[]).includes(options.format))
      throw new UsageError(
        `unknown --format ${quote(options.format, 40)}: expected one of ${FORMATS.join(', ')}`,
      );
    const format = options.format as ReportFormat;
    const now = parseNow(options.now);
    const windowSeconds = parseDuration(options.window);
    if (windowSeconds === undefined || windowSeconds === 0)
      throw new UsageError(`--window ${quote(options.window, 40)} is not a duration such as 30d or 2w`);
    if (options.site !== undefined && !/^[a-z][a-z0-9-]{0,62}$/.test(options.site))
      throw new UsageError(
        `--site ${quote(options.site, 70)} is not a name (lower-case letters, digits and dashes)`,
      );
    await checkRoot(options.root);
    if (options.stateDir !== undefined) await checkStateDir(options.stateDir);

    const loaded = await loadInventory(options.root);
    const errors = loaded.problems.filter((p) => p.severity === 'error').length;
    if (errors > 0) {
      process.stderr.write(
        `lifeboat report: warning: the inventory has ${errors} error(s); documents with errors are left out (run lifeboat validate)\n`,
      );
    }
    const { inventory } = loaded;
    if (options.site !== undefined) {
      const known = [...inventory.policies, ...inventory.images].some(
        (e) => e.value.spec.site === options.site,
      );
      if (!known)
        throw new UsageError(`--site ${quote(options.site, 70)} has no policies or images in the inventory`);
    }

    const runners = await import('@lifeboat/runners');
    const siteNames = [
      ...new Set([...inventory.policies, ...inventory.images].map((e) => e.value.spec.site)),
    ].filter((s) => options.site === undefined || s === options.site);
    const ledgers = siteNames.map((site) => ({
      site,
      stateDir: runners.resolveStateDir(
        options.stateDir,
        inventory.sites.find((s) => s.value.metadata.name === site)?.value,
      ),
    }));
    const view = await runners.loadLedgerView(ledgers, now, windowSeconds);
    const report = runners.buildReport(inventory, view, {
      now,
      windowSeconds,
      ...(options.site === undefined ? {} : { site: options.site }),
    });

    for (const p of report.problems.slice(0, MAX_PROBLEM_LINES))
      process.stderr.write(problemLine('report', p));
    if (report.problems.length > MAX_PROBLEM_LINES) {
      process.stderr.write(
        `lifeboat report: warning: ${report.problems.length - MAX_PROBLEM_LINES} more ledger file(s) could not be used\n`,
      );
    }

    const text = runners.renderReport(report, format);
    if (options.output === undefined) process.stdout.write(text);
    else {
      await writeFile(options.output, text).catch((err: NodeJS.ErrnoException) => {
        throw new UsageError(`cannot write --output ${quote(options.output, 200)} (${err.code ?? 'error'})`);
      });
    }
    if (options.metricsDir !== undefined) {
      const dir = options.metricsDir;
      await runners.writeMetricsFile(dir, report).catch((err: NodeJS.ErrnoException) => {
        throw new UsageError(
          `cannot write metrics to --metrics-dir ${quote(dir, 200)} (${err.code ?? 'error'})`,
        );
      });
    }
    // The job summary is a courtesy: failing to write it must not fail the report.
    await runners
      .appendStepSummary(
        runners.renderMarkdown(report, {
          heading: `lifeboat report${options.site === undefined ? '' : ` — ${options.site}`} (${formatDuration(windowSeconds)} window)`,
        }),
      )
      .catch((err: NodeJS.ErrnoException) => {
        process.stderr.write(
          `lifeboat report: warning: cannot append to GITHUB_STEP_SUMMARY (${err.code ?? 'error'})\n`,
        );
      });
    return EXIT.ok;
  } catch (err) {
    return commandFailed('report', err);
  }
};

export const registerReport = (program: Command): void => {
  program
    .command('report')
    .description('Per policy and image: backup age vs RPO, last drill vs RTO, success rate, and a status.')
    .option('--root <dir>', 'inventory root holding sites/, policies/ and images/', '.')
    .option('--state-dir <dir>', "state directory holding runs/ (default: each site's runner.stateDir)")
    .option('--site <name>', "only this site's policies and images")
    .option('--format <name>', `output format: ${FORMATS.join(', ')}`, 'md')
    .option('--output <file>', 'write the report to this file instead of standard output')
    .option('--metrics-dir <dir>', "also write <dir>/lifeboat.prom for node_exporter's textfile collector")
    .option('--now <time>', 'report as of this moment (ISO 8601) instead of the clock')
    .option('--window <duration>', 'success-rate window', '30d')
    .addHelpText('after', HELP)
    .action(async (options: ReportCommandOptions) => {
      process.exitCode = await runReport(options);
    });
};
