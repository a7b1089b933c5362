// `lifeboat run`: on a site's runner, do what is due now (or one requested drill or restore), with a
// progress bar for people, JSON lines for machines, run records, metrics and a job summary.
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Inventory, loadInventory, Name, quote, type Site } from '@lifeboat/core';
import type {
  JobRegistry,
  JobRequest,
  RestoreFn,
  RunEnvironment,
  RunEvent,
  RunSummary,
} from '@lifeboat/runners';
import type { Command } from 'commander';
import { cancelOnSignal } from '../cancel-on-signal.js';
import { commandFailed, EXIT, UsageError } from '../exit.js';
import { checkRoot } from '../options/root.js';
import { runNotify } from './run-notify.js';
import { parseNow } from './runs.js';

export interface RunCommandOptions {
  site?: string;
  due?: boolean;
  job?: string;
  policy?: string;
  image?: string;
  snapshot?: string;
  paths?: string;
  target?: string;
  requestId?: string;
  requester?: string;
  approver?: string;
  now?: string;
  root: string;
  stateDir?: string;
  sandboxDir?: string;
  json?: boolean;
  dryRun?: boolean;
  metricsDir?: string;
  copyRecords?: string;
  slackChannel?: string;
  slackThread?: string;
  slackMessage?: string;
}

const HELP = `
Modes (exactly one):
  --due          run every job the scheduler finds due at the site now, in order: backups, forget
                 (only after a successful backup), prune, check, sync, drills. Heavy jobs wait for
                 the site's maintenance window; failed jobs are retried after 30 minutes.
  --job drill    run the drill of --policy or --image now, whatever its schedule
  --job restore  restore --paths of --snapshot of --policy (or --image) to the policy's alternate
                 target, or in place with --target in-place where the policy allows it

Empty values of --policy, --image, --paths, --requester and --approver count as not given (workflow
inputs arrive that way). --paths is one path per line.

State directory: --state-dir, else the site's runner.stateDir, else .lifeboat-state. Sandbox (drills):
--sandbox-dir, else the site's runner.sandboxDir, else <state dir>/sandbox.

Output: a progress bar per job on a terminal (stderr) and a table (stdout); with --json one JSON object
per line on stdout for every event (decision, job-start, job, lock-wait, note, job-end) and a final
"summary" line. --dry-run prints the decision (due, waiting with until, skipped) and runs nothing.
--metrics-dir writes <dir>/lifeboat.prom; GITHUB_STEP_SUMMARY, when set, gets a Markdown summary.
--copy-records copies each run record written into <dir> (for a workflow artifact).
--slack-channel (with --slack-thread, --slack-message) makes a requested job update the request's Slack
thread with one message: started, progress, then the result or the fix; the token is SLACK_BOT_TOKEN from
the environment, never a flag.

SIGINT or SIGTERM cancels the running job (its record says cancelled) and starts no other; a second
one exits at once.

Exit codes:
  0  every job ended ok, or nothing was due (or --dry-run)
  1  a job failed, was locked out, refused credentials, was partial, cancelled or skipped
  2  usage error (bad flag, unknown site, a request the YAML refuses) or internal error`;

const NAME = new RegExp(Name.pattern ?? '');
const JOBS = ['drill', 'restore'] as const;
const TARGETS = ['alternate', 'in-place'] as const;

/** Workflow inputs arrive as empty strings when not given. */
const given = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

const checkName = (flag: string, value: string | undefined): string | undefined => {
  if (value !== undefined && !NAME.test(value))
    throw new UsageError(`${flag} ${quote(value, 70)} is not a name (lower-case letters, digits and dashes)`);
  return value;
};

const ensureDir = async (flag: string, dir: string): Promise<void> => {
  await mkdir(dir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot create ${flag} ${quote(dir, 200)} (${err.code ?? 'error'})`);
  });
};

/** The on-demand request from the flags, or undefined for --due. */
const requestOf = (options: RunCommandOptions, now: Date): JobRequest | undefined => {
  const job = given(options.job);
  const due = options.due === true;
  if (due === (job !== undefined)) throw new UsageError('give exactly one of --due and --job');
  const policy = checkName('--policy', given(options.policy));
  const image = checkName('--image', given(options.image));
  const requestFlags = [
    ['--policy', policy],
    ['--image', image],
    ['--snapshot', given(options.snapshot)],
    ['--paths', given(options.paths)],
    ['--target', given(options.target)],
    ['--request-id', given(options.requestId)],
    ['--requester', given(options.requester)],
    ['--approver', given(options.approver)],
  ] as const;
  if (job === undefined) {
    const stray = requestFlags.find(([, v]) => v !== undefined);
    if (stray) throw new UsageError(`${stray[0]} goes with --job, not --due`);
    return undefined;
  }
  if (!(JOBS as readonly string[]).includes(job))
    throw new UsageError(`unknown --job ${quote(job, 40)}: expected one of ${JOBS.join(', ')}`);
  if ((policy === undefined) === (image === undefined))
    throw new UsageError(`--job ${job} needs exactly one of --policy and --image`);
  if (options.dryRun) throw new UsageError('--dry-run goes with --due');
  const subject =
    policy !== undefined
      ? { kind: 'policy' as const, name: policy }
      : { kind: 'image' as const, name: image as string };
  const id = given(options.requestId) ?? `manual-${now.toISOString().replace(/[-:.]/g, '')}`;
  const requester = given(options.requester);
  const approver = given(options.approver);
  const request: JobRequest = {
    job: job as JobRequest['job'],
    subject,
    id,
    ...(requester === undefined ? {} : { requester }),
    ...(approver === undefined ? {} : { approver }),
  };
  if (job === 'restore') {
    const target = given(options.target) ?? 'alternate';
    if (!(TARGETS as readonly string[]).includes(target))
      throw new UsageError(`unknown --target ${quote(target, 40)}: expected one of ${TARGETS.join(', ')}`);
    const paths = (given(options.paths) ?? '')
      .split(/\r?\n/)
      .map((p) => p.trim())
      .filter((p) => p !== '');
    const bad = paths.find((p) => !p.startsWith('/') || p.split('/').includes('..'));
    if (bad !== undefined)
      throw new UsageError(`--paths entry ${quote(bad, 200)} is not an absolute path without ".."`);
    request.restore = {
      snapshot: given(options.snapshot) ?? 'latest',
      paths,
      target: target as (typeof TARGETS)[number],
    };
  } else if (given(options.snapshot) ?? given(options.paths) ?? given(options.target)) {
    throw new UsageError('--snapshot, --paths and --target go with --job restore');
  }
  return request;
};

/** The link to this workflow run, when running under GitHub Actions. */
const workflowLink = (env: NodeJS.ProcessEnv): RunEnvironment['links'] => {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = env;
  if (!server || !repo || !id) return undefined;
  return { workflowRun: `${server}/${repo}/actions/runs/${id}` };
};

/**
 * The jobs this build has: the restic jobs by their scheduled names, the image drill as `image-drill`,
 * file restores, and image restores into the sandbox (a dispatch carries no target disk).
 */
const registries = async (): Promise<{
  jobs: JobRegistry;
  restores: Readonly<Partial<Record<string, RestoreFn>>>;
}> => {
  // The bot's local dispatcher uses the same set: image restores land in the sandbox, never on a device.
  const { requestJobs, requestRestores } = await import('@lifeboat/runners');
  return { jobs: requestJobs(), restores: requestRestores() };
};

const afterRun = async (
  summary: RunSummary,
  inventory: Inventory,
  site: string,
  stateDir: string,
  options: RunCommandOptions,
): Promise<void> => {
  const runners = await import('@lifeboat/runners');
  if (options.copyRecords !== undefined) {
    const dir = options.copyRecords;
    await ensureDir('--copy-records', dir);
    for (const file of summary.jobs.flatMap((j) => j.recordFiles))
      await copyFile(file, path.join(dir, path.basename(file)));
  }
  const warn = (what: string) => (err: NodeJS.ErrnoException) =>
    process.stderr.write(`lifeboat run: warning: cannot ${what} (${err.code ?? err.message})\n`);
  const needReport = options.metricsDir !== undefined || (process.env.GITHUB_STEP_SUMMARY ?? '') !== '';
  if (!needReport) return;
  const now = new Date();
  const view = await runners.loadLedgerView([{ site, stateDir }], now, runners.DEFAULT_REPORT_WINDOW_SECONDS);
  const report = runners.buildReport(inventory, view, { now, site });
  if (options.metricsDir !== undefined) {
    await ensureDir('--metrics-dir', options.metricsDir);
    await runners.writeMetricsFile(options.metricsDir, report).catch(warn('write the metrics'));
  }
  // A courtesy: failing to write the job summary must not fail the run.
  await runners
    .appendStepSummary(
      `${runners.renderRunMarkdown(summary, { heading: `lifeboat run — ${site}` })}\n${runners.renderMarkdown(
        report,
        {
          heading: `Objectives — ${site}`,
        },
      )}`,
    )
    .catch(warn('append to GITHUB_STEP_SUMMARY'));
};

export const runRun = async (options: RunCommandOptions): Promise<number> => {
  const cancel = cancelOnSignal(
    (signal) =>
      `\nlifeboat run: ${signal}: cancelling the running job; no further job starts (again to exit at once)\n`,
  );
  try {
    const site = checkName('--site', given(options.site));
    if (site === undefined) throw new UsageError('--site is required');
    const now = parseNow(options.now);
    const request = requestOf(options, now);
    await checkRoot(options.root);
    const loaded = await loadInventory(options.root);
    const errors = loaded.problems.filter((p) => p.severity === 'error').length;
    if (errors > 0)
      process.stderr.write(
        `lifeboat run: warning: the inventory has ${errors} error(s); documents with errors are left out (run lifeboat validate)\n`,
      );
    const { inventory } = loaded;
    const siteSpec: Site | undefined = inventory.sites.find((s) => s.value.metadata.name === site)?.value;
    if (!siteSpec) throw new UsageError(`--site ${quote(site, 70)} is not in the inventory under --root`);

    const runners = await import('@lifeboat/runners');
    const stateDir = runners.resolveStateDir(options.stateDir, siteSpec);
    const sandboxDir =
      options.sandboxDir ?? siteSpec.spec.runner.sandboxDir ?? path.join(stateDir, 'sandbox');
    const { jobs, restores } = await registries();
    const out = { json: options.json === true, tty: options.json !== true && process.stderr.isTTY === true };

    if (options.dryRun) {
      const plan = await runners.planDue({ inventory, site, now, stateDir, jobs });
      if (plan.decision.error !== undefined) throw new UsageError(plan.decision.error);
      if (out.json) {
        const { view } = plan;
        const lines = [
          ...view.due.map((p) => ({ event: 'planned', ...p })),
          ...view.waiting.map((p) => ({ event: 'planned', ...p })),
          ...view.skipped.map((s) => ({ event: 'planned', status: 'skipped', ...s })),
          {
            event: 'summary',
            dryRun: true,
            site,
            now: view.now,
            due: view.due.length,
            waiting: view.waiting.length,
            skipped: view.skipped.length,
          },
        ];
        process.stdout.write(lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
      } else process.stdout.write(runners.renderPlanTable(plan.view));
      return EXIT.ok;
    }

    await ensureDir('--state-dir', stateDir);
    await ensureDir('--sandbox-dir', sandboxDir);
    const human = out.json
      ? undefined
      : runners.progressReporter(
          {
            write: (t: string) => process.stderr.write(t),
            ...(process.stderr.columns === undefined ? {} : { columns: process.stderr.columns }),
          },
          { tty: out.tty },
        );
    const links = workflowLink(process.env);
    const notify = await runNotify(options, request, inventory, site, links, (m) =>
      process.stderr.write(`lifeboat run: warning: ${m}\n`),
    );
    const onEvent = (event: RunEvent) => {
      notify.onEvent(event);
      if (out.json) process.stdout.write(`${JSON.stringify(event)}\n`);
      else human?.(event);
    };
    const environment: RunEnvironment = {
      inventory,
      site,
      stateDir,
      sandboxDir,
      env: process.env,
      signal: cancel.signal,
      onEvent,
      ...(links === undefined ? {} : { links }),
    };
    cancel.listen();
    const summary =
      request === undefined
        ? await runners.runDue({ ...environment, now, jobs })
        : await runners.runRequested({ ...environment, request, jobs, restores });
    await notify.finish(summary);
    if (summary.error !== undefined) throw new UsageError(summary.error);
    if (!out.json) process.stdout.write(runners.renderSummaryTable(summary));
    await afterRun(summary, inventory, site, stateDir, options);
    return summary.ok ? EXIT.ok : EXIT.problems;
  } catch (err) {
    return commandFailed('run', err);
  } finally {
    cancel.dispose();
  }
};

export const registerRun = (program: Command): void => {
  program
    .command('run')
    .description("Run a site's due jobs (or one requested drill or restore) and record every run.")
    .option('--site <name>', 'the site this runner serves')
    .option('--due', 'run every job that is due now')
    .option('--job <name>', `run one job now on request: ${JOBS.join(', ')}`)
    .option('--policy <name>', 'the policy of the requested job')
    .option('--image <name>', 'the image of the requested job')
    .option('--snapshot <id>', 'restore: snapshot id or "latest" (default)')
    .option('--paths <list>', 'restore: paths inside the snapshot, one per line (default: all)')
    .option('--target <where>', `restore: ${TARGETS.join(' or ')} (default alternate)`)
    .option('--request-id <id>', 'the request this job serves (recorded; the bot finds the run by it)')
    .option('--requester <slack-id>', 'who asked (Slack user id, recorded)')
    .option('--approver <slack-id>', 'who approved (Slack user id, recorded)')
    .option('--now <time>', 'decide as of this moment (ISO 8601) instead of the clock')
    .option('--root <dir>', 'inventory root holding sites/, policies/ and images/', '.')
    .option('--state-dir <dir>', "run records and locks (default: the site's runner.stateDir)")
    .option('--sandbox-dir <dir>', "where drills restore (default: the site's runner.sandboxDir)")
    .option('--json', 'one JSON object per event on standard output, no progress bar')
    .option('--dry-run', 'print what is due, waiting and skipped; run nothing')
    .option('--metrics-dir <dir>', "write <dir>/lifeboat.prom for node_exporter's textfile collector")
    .option('--copy-records <dir>', 'copy each run record written into <dir>')
    .option(
      '--slack-channel <id>',
      'requested job: post progress and result to this Slack channel (needs SLACK_BOT_TOKEN)',
    )
    .option('--slack-thread <ts>', 'requested job: the Slack thread of the request')
    .option('--slack-message <ts>', "requested job: the bot's status message to update instead of posting")
    .addHelpText('after', HELP)
    .action(async (options: RunCommandOptions) => {
      process.exitCode = await runRun(options);
    });
};
