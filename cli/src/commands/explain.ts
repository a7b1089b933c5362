// `lifeboat explain [code]`: what a problem or run-record code means and what to do about it, from the one
// catalogue the docs site and the bot use too (loaded when the command runs, not at every CLI start).
import type { Command } from 'commander';
import type { ExplainOptions } from './explain-catalogue.js';

const HELP = `
With a code (as shown in validate output, run records, \`lifeboat runs\`, Slack messages), prints its
title, cause and fix. With a prefix (\`restic\`, \`hook\`), lists that group; with nothing, lists every
code grouped by prefix.

Examples:
  lifeboat explain restic.locked
  lifeboat explain credentials.missing --json
  lifeboat explain sync

Exit codes:
  0  explained or listed
  1  unknown code (the nearest known codes are suggested)
  2  usage error`;

export const registerExplain = (program: Command): void => {
  program
    .command('explain')
    .description(
      'Explain a problem or run-record code: its cause and the fix. Without a code, list them all.',
    )
    .argument('[code]', 'a code such as restic.locked, or a prefix such as restic')
    .option('--json', 'print JSON for machines')
    .addHelpText('after', HELP)
    .action(async (code: string | undefined, options: ExplainOptions) => {
      const { explain } = await import('./explain-catalogue.js');
      const out = explain(code, options);
      process.stdout.write(out.stdout);
      process.stderr.write(out.stderr);
      process.exitCode = out.exitCode;
    });
};
