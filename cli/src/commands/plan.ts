import { writeFile } from 'node:fs/promises';
import { quote } from '@lifeboat/core';
import { buildPlan, GitUsageError, renderPlanJson, renderPlanMarkdown } from '@lifeboat/validators';
import type { Command } from 'commander';
import { EXIT, UsageError } from '../exit.js';

// `lifeboat plan`: what a change does, for the pull-request comment (Markdown) or for tools (JSON).

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
}

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
  const plan = await buildPlan({ root: flags.root, base: flags.base, now });
  const text = format === 'json' ? renderPlanJson(plan) : renderPlanMarkdown(plan);
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
    .addHelpText(
      'after',
      [
        '',
        'The plan is printed (exit 0) even when the working tree has validation problems: it says how many',
        'files failed to load on each side. Run `lifeboat validate` for the problems themselves.',
        '',
        'Exit codes: 0 plan printed, 2 usage error (missing or unknown ref, bad format, not a git repository).',
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
