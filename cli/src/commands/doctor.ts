// `lifeboat doctor`: on a runner, check that it can do what its site asks, and say what to fix.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { type Inventory, loadInventory, Name, quote, type Site } from '@lifeboat/core';
import type { Command } from 'commander';
import { commandFailed, EXIT, UsageError } from '../exit.js';

export interface DoctorCommandOptions {
  site?: string;
  root: string;
  stateDir?: string;
  sandboxDir?: string;
  timeout: string;
  json?: boolean;
}

const HELP = `
Checks, without writing anything:
  tools        restic, rclone, partclone.<fs>, zstd, sfdisk, sgdisk, e2fsck, fsck.fat: installed, which
               version, which newer-version features lifeboat will use; a tool the site needs and
               lacks fails
  repository   (with --site) each restic repository of the site's policies: credentials present in
               the environment (named, never printed), \`restic cat config\` within --timeout
  remote       (with --site) each offsite remote: its settings present, \`rclone lsjson\` one level deep
  space        free space and write access in the state and sandbox directories
  clock        this machine's clock against the Date header of the site's REST servers (HEAD, no
               credentials); without one that answers, the local time and zone are shown

Exit codes:
  0  nothing failed (warnings allowed)
  1  at least one check failed: see its fix
  2  usage error (bad flag, --root missing) or internal error`;

const NAME = new RegExp(Name.pattern ?? '');

export const runDoctorCommand = async (options: DoctorCommandOptions): Promise<number> => {
  try {
    if (options.site !== undefined && !NAME.test(options.site))
      throw new UsageError(
        `--site ${quote(options.site, 70)} is not a name (lower-case letters, digits and dashes)`,
      );
    const seconds = Number(options.timeout);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600)
      throw new UsageError(
        `--timeout ${quote(options.timeout, 20)} is not a number of seconds between 1 and 600`,
      );
    let inventory: Inventory | undefined;
    let site: Site | undefined;
    if (options.site !== undefined) {
      const hasSites = await stat(path.join(options.root, 'sites')).then(
        (s) => s.isDirectory(),
        () => false,
      );
      if (!hasSites) throw new UsageError(`--root ${quote(options.root, 200)} has no sites/ directory`);
      const loaded = await loadInventory(options.root);
      const errors = loaded.problems.filter((p) => p.severity === 'error').length;
      if (errors > 0)
        process.stderr.write(
          `lifeboat doctor: warning: the inventory has ${errors} error(s); documents with errors are left out (run lifeboat validate)\n`,
        );
      inventory = loaded.inventory;
      site = inventory.sites.find((s) => s.value.metadata.name === options.site)?.value;
    }
    const runners = await import('@lifeboat/runners');
    const stateDir = runners.resolveStateDir(options.stateDir, site);
    const sandboxDir = options.sandboxDir ?? site?.spec.runner.sandboxDir ?? path.join(stateDir, 'sandbox');
    const report = await runners.doctor.runDoctor({
      ...(inventory === undefined ? {} : { inventory }),
      ...(options.site === undefined ? {} : { site: options.site }),
      stateDir,
      sandboxDir,
      env: process.env,
      timeoutMs: seconds * 1000,
    });
    process.stdout.write(
      options.json ? `${JSON.stringify(report, null, 2)}\n` : runners.doctor.renderDoctor(report),
    );
    return report.ok ? EXIT.ok : EXIT.problems;
  } catch (err) {
    return commandFailed('doctor', err);
  }
};

export const registerDoctor = (program: Command): void => {
  program
    .command('doctor')
    .description(
      'Check that this runner has the tools, credentials, repositories, space and clock its site needs.',
    )
    .option('--site <name>', 'the site this runner serves (checks its repositories and remotes too)')
    .option('--root <dir>', 'inventory root holding sites/, policies/ and images/', '.')
    .option('--state-dir <dir>', "state directory (default: the site's runner.stateDir)")
    .option('--sandbox-dir <dir>', "drill sandbox (default: the site's runner.sandboxDir)")
    .option('--timeout <seconds>', 'limit for each repository, remote and clock probe', '20')
    .option('--json', 'the report as JSON')
    .addHelpText('after', HELP)
    .action(async (options: DoctorCommandOptions) => {
      process.exitCode = await runDoctorCommand(options);
    });
};
