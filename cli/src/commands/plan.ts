import { writeFile } from 'node:fs/promises';
import { loadInventory, loadInventoryFromFiles, Name, quote } from '@lifeboat/core';
import {
  buildPlan,
  GitUsageError,
  readInventoryAtRef,
  renderPlanJson,
  renderPlanMarkdown,
  type SnapshotPreviewView,
} from '@lifeboat/validators';
import type { Command } from 'commander';
import { EXIT, UsageError } from '../exit.js';

// `lifeboat plan`: what a change does, for the pull-request comment (Markdown) or for tools (JSON). With
// --snapshots on a site's runner it also asks restic which snapshots each retention change deletes.

const FORMATS = ['markdown', 'json'] as const;
type PlanFormat = (typeof FORMATS)[number];

/** An instant with an explicit zone: a bare local time would make the plan differ between machines. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

interface PlanFlags {
  base?: string;
  root: string;
  format: string;
  output?: string;
  now?: string;
  snapshots?: boolean;
  site?: string;
  stateDir?: string;
}

const NAME = new RegExp(Name.pattern ?? '');

/** The site named by --site when --snapshots is given; the two go together. */
const previewSite = (flags: PlanFlags): string | undefined => {
  const site = flags.site?.trim() === '' ? undefined : flags.site?.trim();
  if (flags.snapshots !== true) {
    if (site !== undefined || flags.stateDir !== undefined)
      throw new UsageError('--site and --state-dir go with --snapshots');
    return undefined;
  }
  if (site === undefined)
    throw new UsageError('--snapshots needs --site <name>: the site whose runner queries its repositories');
  if (!NAME.test(site)) throw new UsageError(`--site ${quote(site, 70)} is not a name`);
  return site;
};

/**
 * The retention preview: old rules from the inventory at the base ref, new ones from the working tree,
 * queried on this machine, which must be the site's runner (restic and the site's credentials present).
 */
const previewSnapshots = async (
  flags: PlanFlags & { base: string },
  site: string,
): Promise<SnapshotPreviewView> => {
  const head = (await loadInventory(flags.root)).inventory;
  const siteEntry = head.sites.find((s) => s.value.metadata.name === site);
  if (!siteEntry) throw new UsageError(`--site ${quote(site, 70)} is not in the working tree's inventory`);
  const runners = await import('@lifeboat/runners');
  const problem = await runners.retentionPreview.runnerProblem(siteEntry.value, process.env);
  if (problem !== undefined) throw new UsageError(problem);
  const atRef = await readInventoryAtRef(flags.root, flags.base);
  const base = loadInventoryFromFiles(atRef.files).inventory;
  return runners.retentionPreview.previewRetention({
    base,
    head,
    site,
    env: process.env,
    stateDir: runners.resolveStateDir(flags.stateDir, siteEntry.value),
  });
};

const parseNow = (text: string | undefined): Date => {
  if (text === undefined) return new Date();
  const date = new Date(text);
  if (!ISO_INSTANT.test(text) || Number.isNaN(date.getTime())) {
    throw new UsageError(`--now ${quote(text)} is not an ISO time with a zone, e.g. 2025-01-15T12:00:00Z`);
  }
  return date;
};

const parseFormat = (text: string): PlanFormat => {
  const format = FORMATS.find((f) => f === text);
  if (!format) throw new UsageError(`--format ${quote(text)} is not one of ${FORMATS.join(', ')}`);
  return format;
};

const runPlan = async (flags: PlanFlags): Promise<void> => {
  if (flags.base === undefined) throw new UsageError('--base <git-ref> is required, e.g. --base origin/main');
  const format = parseFormat(flags.format);
  const now = parseNow(flags.now);
  const site = previewSite(flags);
  const plan = await buildPlan({ root: flags.root, base: flags.base, now });
  const snapshots =
    site === undefined ? undefined : await previewSnapshots({ ...flags, base: flags.base }, site);
  const extra = snapshots === undefined ? {} : { snapshots };
  const text = format === 'json' ? renderPlanJson(plan, extra) : renderPlanMarkdown(plan, extra);
  if (flags.output === undefined) {
    process.stdout.write(text);
    return;
  }
  try {
    await writeFile(flags.output, text);
  } catch (err) {
    throw new UsageError(
      `cannot write ${quote(flags.output)}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
};

export const registerPlan = (program: Command): void => {
  program
    .command('plan')
    .description(
      'Show what a change does: the difference between the inventory at a git ref and the working tree — ' +
        'objects added, removed and changed field by field, schedule changes with the next three runs, ' +
        'retention tightened (destructive) or loosened, and repository moves.',
    )
    .option('--base <git-ref>', 'git ref to compare with, e.g. origin/main (required)')
    .option(
      '--root <dir>',
      'inventory root holding sites/, policies/ and images/; may be a sub-folder of the repository',
      '.',
    )
    .option(
      '--format <format>',
      `output format: ${FORMATS.join(' (one pull-request comment) or ')}`,
      'markdown',
    )
    .option('--output <file>', 'write the plan to this file instead of standard output')
    .option('--now <iso-time>', 'count next run times from this instant (default: the current time)')
    .option(
      '--snapshots',
      'on a site runner: list the snapshots each retention change deletes (restic forget --dry-run, old vs new rules)',
    )
    .option('--site <name>', 'with --snapshots: the site this runner serves (only its policies are queried)')
    .option(
      '--state-dir <dir>',
      "with --snapshots: restic's cache goes under it (default: the site's runner.stateDir)",
    )
    .addHelpText(
      'after',
      [
        '',
        'The plan is printed (exit 0) even when the working tree has validation problems: it says how many',
        'files failed to load on each side. Run `lifeboat validate` for the problems themselves.',
        '',
        '--snapshots runs `restic forget --dry-run --no-lock` twice per policy of --site whose retention or scope',
        'changed (never a real forget, never without a keep rule), with the credentials in the environment. A',
        'repository that cannot be read gets a section saying why (with its code); the rest of the plan still prints.',
        '',
        'Exit codes: 0 plan printed, 2 usage error (missing or unknown ref, bad format, not a git repository,',
        '--snapshots without --site or away from the site runner).',
        '',
        'Example: lifeboat plan --base origin/main --format markdown --output plan.md',
      ].join('\n'),
    )
    .action(async (flags: PlanFlags) => {
      try {
        await runPlan(flags);
        process.exitCode = EXIT.ok;
      } catch (err) {
        if (!(err instanceof UsageError || err instanceof GitUsageError)) throw err;
        process.stderr.write(`lifeboat plan: ${err.message}\n`);
        process.exitCode = EXIT.usage;
      }
    });
};
