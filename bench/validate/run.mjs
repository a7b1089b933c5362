// Times `lifeboat validate` against parsing alone on a generated 5,000-policy inventory (issue 2's scale goal).
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_COUNTS, generateInventory } from './generate.mjs';

const RUNS = 5;
const GOAL_SECONDS = 2;
const GOAL_RATIO = 1.5;

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const cli = path.join(repo, 'cli/dist/main.js');
const parseOnly = path.join(here, 'parse-only.mjs');

const fail = (message) => {
  process.stderr.write(`bench:validate: ${message}\n`);
  process.exitCode = 1;
};

const timed = (args) => {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { seconds, result };
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** One warm-up (disk cache, V8 code cache), then the median of RUNS runs. */
const measure = (label, args, check) => {
  check(timed(args).result);
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const { seconds, result } = timed(args);
    check(result);
    times.push(seconds);
  }
  process.stdout.write(
    `${label.padEnd(12)} median ${median(times).toFixed(3)} s  (runs: ${times.map((t) => t.toFixed(3)).join(', ')})\n`,
  );
  return median(times);
};

const { DATA_CLASSES } = await import('../../core/dist/index.js').catch(() => {
  process.stderr.write('bench:validate: core/dist is missing: run `npx tsc -b` first\n');
  process.exit(2);
});

const dir = await mkdtemp(path.join(tmpdir(), 'lifeboat-bench-'));
try {
  const generated = await generateInventory(dir, { dataClasses: DATA_CLASSES, counts: DEFAULT_COUNTS });
  process.stdout.write(
    `inventory: ${generated.sites} sites, ${generated.policies} policies, ${generated.images} images (${generated.files} files) in ${dir}\n`,
  );

  let problems = 0;
  let sample = [];
  const validate = measure('validate', [cli, 'validate', '--root', dir, '--format', 'json'], (result) => {
    let report;
    try {
      report = JSON.parse(result.stdout);
    } catch {
      throw new Error(
        `validate printed no JSON report (exit ${result.status}): ${result.stderr.split('\n')[0]}`,
      );
    }
    problems = report.problems.length;
    sample = report.problems.slice(0, 5);
    if (result.status !== 0 && problems === 0)
      throw new Error(`validate exited ${result.status} with no problems`);
  });
  const parse = measure('parse-only', [parseOnly, dir], (result) => {
    if (result.status !== 0)
      throw new Error(`parse-only exited ${result.status}: ${result.stderr.split('\n')[0]}`);
  });
  const ratio = validate / parse;
  // Other work on the machine skews wall times: say how busy it was.
  const load = loadavg()[0];

  process.stdout.write(`ratio        ${ratio.toFixed(2)}× parse-only\n`);
  process.stdout.write(`problems     ${problems}\n`);
  process.stdout.write(
    `load         ${load.toFixed(2)} (1-minute load average on ${availableParallelism()} CPUs)\n`,
  );
  process.stdout.write(
    `goal         validate < ${GOAL_SECONDS} s: ${validate < GOAL_SECONDS ? 'met' : 'MISSED'}\n`,
  );
  process.stdout.write(`goal         ratio ≤ ${GOAL_RATIO}: ${ratio <= GOAL_RATIO ? 'met' : 'MISSED'}\n`);
  if (problems !== 0) {
    for (const p of sample)
      process.stderr.write(`  ${p.file}:${p.line}:${p.col} ${p.severity} ${p.code} ${p.message}\n`);
    fail(`the generated inventory has ${problems} problems; it must validate clean`);
  }
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
} finally {
  if (!process.env.LIFEBOAT_BENCH_KEEP) await rm(dir, { recursive: true, force: true });
}
