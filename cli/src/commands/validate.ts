// `lifeboat validate`: load the inventory, run every rule, print the problems in the format the caller reads.
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type CatalogueEntry,
  hasErrors,
  type Inventory,
  loadInventory,
  type Problem,
  quote,
} from '@lifeboat/core';
import {
  catalogue,
  FORMATS,
  formatProblems,
  isFormatName,
  oneLine,
  validateInventory,
} from '@lifeboat/validators';
import type { Command } from 'commander';
import { commandFailed, EXIT, UsageError } from '../exit.js';
import { checkHasInventory } from '../options/root.js';

export interface ValidateOptions {
  root: string;
  format: string;
  output?: string;
  /** false with --no-color. */
  color: boolean;
}

const HELP = `
Formats:
  human   file:line:col severity code message, grouped by file, then a summary (default;
          coloured on a terminal unless NO_COLOR is set or --no-color is given)
  github  GitHub Actions workflow commands: annotations on the pull request's diff
  json    {"version": 1, "summary": {...}, "problems": [...]} for scripts
  sarif   SARIF 2.1.0 for code scanning (rules carry each code's cause and fix)

Files in messages are relative to --root.

Exit codes:
  0  no errors (warnings and notes allowed)
  1  at least one error in the inventory
  2  usage error (unknown format, --root missing or not a directory) or internal error`;

const checkRoot = async (root: string): Promise<void> => {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(root)).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      `--root ${quote(root, 200)} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}`,
    );
  }
  if (!isDirectory) throw new UsageError(`--root ${quote(root, 200)} is not a directory`);
  // Validating a folder that holds no inventory is a wrong --root, not a clean result.
  await checkHasInventory(root);
};

/**
 * The runbook lint's problems when `<root>/runbooks` exists; loaded on demand so validating an inventory
 * without runbooks never pays for the Markdown toolchain.
 */
const runbookProblems = async (
  root: string,
  inventory: Inventory,
): Promise<{ problems: Problem[]; catalogue?: Readonly<Record<string, CatalogueEntry>> }> => {
  const present = await stat(path.join(root, 'runbooks')).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!present) return { problems: [] };
  const docs = await import('@lifeboat/docs-site');
  return {
    problems: await docs.lintRunbooks(root, docs.inventoryNames(inventory)),
    catalogue: docs.DOCS_CATALOGUE,
  };
};

/** Colour only for a person at a terminal: never in a file, a pipe, or when NO_COLOR is set. */
const wantsColor = (options: ValidateOptions, env: NodeJS.ProcessEnv): boolean =>
  options.color && options.output === undefined && process.stdout.isTTY === true && !env.NO_COLOR;

export const runValidate = async (options: ValidateOptions): Promise<number> => {
  try {
    const format = options.format;
    if (!isFormatName(format)) {
      throw new UsageError(`unknown --format ${quote(format, 40)}: expected one of ${FORMATS.join(', ')}`);
    }
    await checkRoot(options.root);
    const loaded = await loadInventory(options.root);
    const runbooks = await runbookProblems(options.root, loaded.inventory);
    const problems = [...validateInventory(loaded), ...runbooks.problems];
    const text = formatProblems(problems, format, {
      color: wantsColor(options, process.env),
      files: loaded.files,
      ...(runbooks.catalogue ? { catalogue: { ...catalogue(), ...runbooks.catalogue } } : {}),
    });
    if (options.output === undefined) process.stdout.write(text);
    else {
      try {
        await writeFile(options.output, text);
      } catch (err) {
        throw new UsageError(
          `cannot write --output ${quote(options.output, 200)} (${(err as NodeJS.ErrnoException).code})`,
        );
      }
    }
    return hasErrors(problems) ? EXIT.problems : EXIT.ok;
  } catch (err) {
    return commandFailed('validate', err, oneLine);
  }
};

export const registerValidate = (program: Command): void => {
  program
    .command('validate')
    .description(
      'Check every file in sites/, policies/ and images/: syntax, schema, references and safety rules.',
    )
    .option('--root <dir>', 'inventory root holding sites/, policies/ and images/', '.')
    .option('--format <name>', `output format: ${FORMATS.join(', ')}`, 'human')
    .option('--output <file>', 'write the report to this file instead of standard output')
    .option('--no-color', 'never colour the human format')
    .addHelpText('after', HELP)
    .action(async (options: ValidateOptions) => {
      process.exitCode = await runValidate(options);
    });
};
