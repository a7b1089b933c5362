// `lifeboat demo`: a whole site on loopback through the real jobs (runners' demo module), with progress for
// people, one JSON document for machines, a summary table, and the fix of whatever failed.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { quote } from '@lifeboat/core';
import type { demo, RunEvent } from '@lifeboat/runners';
import type { Command } from 'commander';
import { cancelOnSignal } from '../cancel-on-signal.js';
import { commandFailed, EXIT, UsageError } from '../exit.js';

export interface DemoCommandOptions {
  keep?: boolean;
  json?: boolean;
  workdir?: string;
}

const HELP = `
What it does, in a fresh work directory (lifeboat-demo-* under --workdir, default the temp directory):
  starts \`rclone serve restic\` on 127.0.0.1 (the site's NAS), makes a file-backed SD-card disk image,
  writes a site "demo" (two policies, one image) as YAML, then
  validate → backups (+ retention) → checks → drills → image capture → image restore → image drill
  → offsite sync to a local "cloud" → the objectives report, all through \`lifeboat run\`'s orchestration
  with run records in <work>/state. The restic password is random and passed by environment only.
  Servers stop and the work directory is removed at the end (also on Ctrl-C) unless --keep.

Output: job progress on stderr (bars on a terminal, one line per job otherwise), then the summary table
and the report on stdout; with --json one JSON document {ok, wallSeconds, steps, report, ...} on stdout.

Exit codes:
  0  every step ended ok
  1  a step failed (its error code and the catalogue's fix are printed)
  2  usage error (--workdir not a directory) or the demo could not start (a tool missing)`;

const checkWorkdir = async (dir: string | undefined): Promise<string | undefined> => {
  if (dir === undefined) return undefined;
  const absolute = path.resolve(dir);
  const isDirectory = await stat(absolute).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDirectory) throw new UsageError(`--workdir ${quote(dir, 200)} is not an existing directory`);
  return absolute;
};

/** The failing steps, each with its error, then the catalogue's fix once per code (first failure first). */
export const failureLines = (result: demo.DemoResult): string[] => {
  const lines: string[] = [];
  if (result.error !== undefined) lines.push(`the demo stopped: ${result.error}`);
  const fixes = new Map<string, string>();
  for (const s of result.steps.filter((x: demo.DemoStep) => x.outcome !== 'ok')) {
    const why = s.error ? `${s.error.code}: ${s.error.message}` : (s.reason ?? s.outcome);
    lines.push(`${s.step} ${s.subject} ended ${s.outcome} — ${why}`);
    if (s.error && s.fix !== undefined && !fixes.has(s.error.code)) fixes.set(s.error.code, s.fix);
  }
  for (const [code, fix] of fixes) lines.push(`fix for ${code}: ${fix}`);
  return lines;
};

export const runDemoCommand = async (options: DemoCommandOptions): Promise<number> => {
  const cancel = cancelOnSignal(
    (signal) => `\nlifeboat demo: ${signal}: stopping the running job, then cleaning up\n`,
  );
  try {
    const parentDir = await checkWorkdir(options.workdir);
    const json = options.json === true;
    const tty = !json && process.stderr.isTTY === true;
    const [runners, validators, docsSite] = await Promise.all([
      import('@lifeboat/runners'),
      import('@lifeboat/validators'),
      import('@lifeboat/docs-site'),
    ]);
    const progress = json
      ? undefined
      : runners.progressReporter(
          {
            write: (t: string) => process.stderr.write(t),
            ...(process.stderr.columns === undefined ? {} : { columns: process.stderr.columns }),
          },
          { tty },
        );
    cancel.listen();
    if (!json)
      process.stderr.write('lifeboat demo: starting a site on 127.0.0.1 (NAS, image store, cloud)\n');
    const result = await runners.demo.runDemo({
      validate: validators.validateInventory,
      catalogue: validators.catalogue(),
      // The runbook pages of the demo site: status green from the records the demo just wrote.
      docs: async ({ root, stateDir, outDir, now }) => {
        const generated = await docsSite.generateDocs({ root, stateDir, outDir, now });
        const error = generated.problems.find((p) => p.severity === 'error');
        return error === undefined
          ? { ok: true, pages: generated.files.length }
          : {
              ok: false,
              code: error.code,
              message: `${error.file}:${error.line}:${error.col} ${error.message}`,
            };
      },
      signal: cancel.signal,
      ...(parentDir === undefined ? {} : { parentDir }),
      ...(options.keep ? { keep: true } : {}),
      ...(progress ? { onEvent: (e: RunEvent) => progress(e) } : {}),
      // Steps that are not jobs (validate, report) get their own line; jobs have theirs from the progress.
      onStep: (s: demo.DemoStep) => {
        if (!json && (s.step === 'validate' || s.step === 'report' || s.step === 'docs'))
          process.stderr.write(
            `${s.outcome === 'ok' ? 'ok       ' : 'FAILED   '} ${s.step} ${s.subject}: ${s.figure}\n`,
          );
      },
    });
    if (json) {
      const { records, ...rest } = result;
      process.stdout.write(`${JSON.stringify({ ...rest, records: records.length }, null, 2)}\n`);
    } else {
      let out = `\n${runners.demo.renderDemoTable(result.steps)}`;
      if (result.report)
        out += `\nObjectives (lifeboat report):\n${runners.demo.renderReportTable(result.report)}`;
      const done = result.steps.filter((s) => s.outcome === 'ok').length;
      out += `\n${done} of ${result.steps.length} steps ok in ${result.wallSeconds.toFixed(1)} s; ${
        result.kept
          ? `kept ${result.workDir} (remove it when done)`
          : 'servers stopped, work directory removed'
      }\n`;
      process.stdout.write(out);
      const failures = failureLines(result);
      if (failures.length > 0)
        process.stderr.write(`${failures.map((l) => `lifeboat demo: ${l}`).join('\n')}\n`);
    }
    if (result.error !== undefined && result.steps.length === 0) return EXIT.usage;
    return result.ok ? EXIT.ok : EXIT.problems;
  } catch (err) {
    return commandFailed('demo', err);
  } finally {
    cancel.dispose();
  }
};

export const registerDemo = (program: Command): void => {
  program
    .command('demo')
    .description(
      'Stand up a site on loopback and run every job for real: backups to restores, then a report.',
    )
    .option('--keep', 'keep the work directory (records, repositories, cloud copy) afterwards')
    .option('--json', 'one JSON document on standard output, no progress')
    .option('--workdir <dir>', 'make the work directory under <dir> (default: the temp directory)')
    .addHelpText('after', HELP)
    .action(async (options: DemoCommandOptions) => {
      process.exitCode = await runDemoCommand(options);
    });
};
