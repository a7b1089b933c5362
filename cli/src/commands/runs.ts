// `lifeboat runs`: list the run records in a state directory, filtered, for a person or a script.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  formatDuration,
  loadInventory,
  Name,
  type Problem,
  parseDuration,
  quote,
  RUN_JOBS,
  RUN_OUTCOMES,
  type RunRecord,
} from '@lifeboat/core';
import type { RunFilter, RunJobKind, RunOutcome } from '@lifeboat/runners';
import type { Command } from 'commander';
import { commandFailed, EXIT, UsageError } from '../exit.js';

export interface RunsOptions {
  root: string;
  stateDir?: string;
  site?: string;
  policy?: string;
  image?: string;
  job?: string;
  outcome?: string;
  since?: string;
  now?: string;
  format: string;
}

const FORMATS = ['human', 'json'] as const;
// The schemas' own lists and patterns, so a flag accepts exactly what a record can hold.
const NAME = new RegExp(Name.pattern ?? '');
const ISO_TIME =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})(T([0-9]{2}):([0-9]{2})(:([0-9]{2})(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$/;

/** An ISO 8601 date or time that names a real calendar moment (Date alone turns 2025-02-30 into March 2). */
const parseIsoTime = (text: string): Date | undefined => {
  const m = ISO_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return undefined;
  if (Number(m[5] ?? 0) > 23 || Number(m[6] ?? 0) > 59 || Number(m[8] ?? 0) > 59) return undefined;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? undefined : at;
};

const HELP = `
State directory: --state-dir when given; else, with --site, that site's runner.stateDir from the
inventory under --root; else .lifeboat-state in the working directory.

--since takes a duration back from now (30m, 12h, 7d, 2w) or a time (2025-01-14, 2025-01-14T10:00Z).

Formats:
  human  one line per run, oldest first (default)
  json   {"version": 1, "stateDir": ..., "runs": [RunRecord...], "problems": [...]}

Files in the state directory that are not valid run records are reported on standard error
(and in "problems"), never fatal.

Exit codes:
  0  listed (possibly nothing)
  2  usage error (bad flag value, --state-dir missing) or internal error`;

/** `--now`: an ISO time; absent means the clock. */
export const parseNow = (text: string | undefined): Date => {
  if (text === undefined) return new Date();
  const at = parseIsoTime(text);
  if (at === undefined)
    throw new UsageError(
      `--now ${quote(text, 40)} is not a time: expected ISO 8601, e.g. 2025-01-15T12:00:00Z`,
    );
  return at;
};

/** `--since 7d` (back from now) or `--since 2025-01-14`. */
const parseSince = (text: string, now: Date): Date => {
  const seconds = parseDuration(text);
  if (seconds !== undefined) return new Date(now.getTime() - seconds * 1000);
  const at = parseIsoTime(text);
  if (at === undefined)
    throw new UsageError(
      `--since ${quote(text, 40)} is neither a duration (7d, 12h) nor a time (2025-01-14)`,
    );
  return at;
};

const checkName = (flag: string, value: string | undefined): string | undefined => {
  if (value !== undefined && !NAME.test(value))
    throw new UsageError(`${flag} ${quote(value, 70)} is not a name (lower-case letters, digits and dashes)`);
  return value;
};

/** An explicit --state-dir must exist: a typo would otherwise read as "no runs". */
export const checkStateDir = async (dir: string): Promise<void> => {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      `--state-dir ${quote(dir, 200)} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}`,
    );
  }
  if (!isDirectory) throw new UsageError(`--state-dir ${quote(dir, 200)} is not a directory`);
};

/** Where `--site`'s records are, when no --state-dir says: its runner.stateDir in the inventory, if declared. */
const siteStateDir = async (root: string, site: string | undefined): Promise<string | undefined> => {
  if (site === undefined) return undefined;
  const hasSites = await stat(path.join(root, 'sites')).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!hasSites) return undefined;
  const { inventory } = await loadInventory(root);
  return inventory.sites.find((s) => s.value.metadata.name === site)?.value.spec.runner.stateDir;
};

export const problemLine = (command: string, p: Problem): string =>
  `lifeboat ${command}: warning: ${p.file}: ${p.message} (${p.code})\n`;

/** Tool text can hold anything: one line, control characters shown, not obeyed. */
const safe = (text: string): string => {
  const q = quote(text, 120);
  return q.slice(1, -1);
};

/** `table` is the runners' column padding, passed in because runners loads only when a command runs. */
const humanTable = (records: RunRecord[], table: (rows: string[][]) => string): string => {
  if (records.length === 0) return 'no runs recorded\n';
  const rows = [['STARTED', 'SITE', 'SUBJECT', 'JOB', 'OUTCOME', 'DURATION', 'ID', 'ERROR']];
  for (const r of records) {
    rows.push([
      new Date(r.startedAt).toISOString().replace('.000Z', 'Z'),
      r.site,
      r.policy ?? (r.image === undefined ? '-' : `image:${r.image}`),
      r.job,
      r.outcome,
      formatDuration(r.durationSeconds),
      r.id,
      r.error ? safe(`${r.error.code}: ${r.error.message}`) : '',
    ]);
  }
  return `${table(rows)}${records.length} run(s)\n`;
};

export const runRuns = async (options: RunsOptions): Promise<number> => {
  try {
    if (!(FORMATS as readonly string[]).includes(options.format))
      throw new UsageError(
        `unknown --format ${quote(options.format, 40)}: expected one of ${FORMATS.join(', ')}`,
      );
    const now = parseNow(options.now);
    const filter: RunFilter = {};
    const site = checkName('--site', options.site);
    const policy = checkName('--policy', options.policy);
    const image = checkName('--image', options.image);
    if (site !== undefined) filter.site = site;
    if (policy !== undefined) filter.policy = policy;
    if (image !== undefined) filter.image = image;
    if (options.job !== undefined) {
      if (!(RUN_JOBS as readonly string[]).includes(options.job))
        throw new UsageError(
          `unknown --job ${quote(options.job, 40)}: expected one of ${RUN_JOBS.join(', ')}`,
        );
      filter.job = options.job as RunJobKind;
    }
    if (options.outcome !== undefined) {
      if (!(RUN_OUTCOMES as readonly string[]).includes(options.outcome))
        throw new UsageError(
          `unknown --outcome ${quote(options.outcome, 40)}: expected one of ${RUN_OUTCOMES.join(', ')}`,
        );
      filter.outcome = options.outcome as RunOutcome;
    }
    if (options.since !== undefined) filter.since = parseSince(options.since, now);
    if (options.now !== undefined) filter.until = now;

    let stateDir = options.stateDir;
    if (stateDir !== undefined) await checkStateDir(stateDir);
    else stateDir = (await siteStateDir(options.root, site)) ?? '.lifeboat-state';

    const { readRunRecords, table } = await import('@lifeboat/runners');
    const { records, problems } = await readRunRecords(stateDir, filter);
    for (const p of problems) process.stderr.write(problemLine('runs', p));
    process.stdout.write(
      options.format === 'json'
        ? `${JSON.stringify({ version: 1, stateDir, runs: records, problems }, null, 2)}\n`
        : humanTable(records, table),
    );
    return EXIT.ok;
  } catch (err) {
    return commandFailed('runs', err);
  }
};

export const registerRuns = (program: Command): void => {
  program
    .command('runs')
    .description('List run records from a state directory: what ran, when, and how it ended.')
    .option('--root <dir>', "inventory root (to find the site's runner.stateDir)", '.')
    .option('--state-dir <dir>', 'state directory holding runs/ (default: see below)')
    .option('--site <name>', 'only this site')
    .option('--policy <name>', 'only runs of this policy')
    .option('--image <name>', 'only runs of this image')
    .option('--job <kind>', `only this job: ${RUN_JOBS.join(', ')}`)
    .option('--outcome <outcome>', `only this outcome: ${RUN_OUTCOMES.join(', ')}`)
    .option('--since <when>', 'only runs started since: a duration back from now (7d) or a time')
    .option('--now <time>', 'the moment "now" is (ISO 8601); later runs are left out')
    .option('--format <name>', `output format: ${FORMATS.join(', ')}`, 'human')
    .addHelpText('after', HELP)
    .action(async (options: RunsOptions) => {
      process.exitCode = await runRuns(options);
    });
};
