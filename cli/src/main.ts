#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerAudit } from './commands/audit.js';
import { registerBot } from './commands/bot.js';
import { registerComment } from './commands/comment.js';
import { registerDemo } from './commands/demo.js';
import { registerDocs } from './commands/docs.js';
import { registerDoctor } from './commands/doctor.js';
import { registerExplain } from './commands/explain.js';
import { registerPlan } from './commands/plan.js';
import { registerReport } from './commands/report.js';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerRunsFetch } from './commands/runs-fetch.js';
import { registerSchemas } from './commands/schemas.js';
import { registerValidate } from './commands/validate.js';
import { registerWorkflows } from './commands/workflows.js';
import { EXIT } from './exit.js';

// The one `lifeboat` command: parses arguments, delegates to a package, maps failures to exit codes.

// A reader that goes away early (`lifeboat plan | head`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
    throw err;
  });
}

const program = new Command('lifeboat')
  .description(
    'Backups and disk images declared in git, validated in pull requests, applied by site runners.',
  )
  .version('0.1.0')
  .exitOverride();

registerValidate(program);
registerPlan(program);
registerSchemas(program);
registerComment(program);
registerRuns(program);
registerRunsFetch(program);
registerReport(program);
registerRun(program);
registerWorkflows(program);
registerDoctor(program);
registerDocs(program);
registerDemo(program);
registerExplain(program);
registerAudit(program);
registerBot(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version exit 0; every other parse failure is a usage error.
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    process.stderr.write(`lifeboat: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = EXIT.usage;
  }
}
