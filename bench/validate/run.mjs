// Times `lifeboat validate` against parsing alone on a generated 5,000-policy inventory (issue 2's scale goal).
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_COUNTS, generateInventory } from './generate.mjs';

const RUNS = 5;
const GOAL_SECONDS = 2;
const GOAL_RATIO = 1.5;

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '../../cli/dist/main.js');
const parseOnly = path.join(here, 'parse-only.mjs');
const cpuUsage = path.join(here, 'cpu-usage.mjs');

const fail = (message) => {
  process.stderr.write(`bench:validate: ${message}\n`);
  process.exitCode = 1;
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Run `node args` once: wall time seen from here, CPU time reported by the process itself. */
const timed = async (args, scratch) => {
  const cpuFile = path.join(scratch, 'cpu');
  await writeFile(cpuFile, '');
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--import', cpuUsage, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, LIFEBOAT_BENCH_CPU_FILE: cpuFile },
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = Number((await readFile(cpuFile, 'utf8')).trim());
  return { seconds, cpu, result };
};

/** One warm-up (disk cache, V8 code cache), then the median of RUNS runs. */
const measure = async (label, args, scratch, check) => {
  check((await timed(args, scratch)).result);
  const walls = [];
  const cpus = [];
  for (let i = 0; i < RUNS; i++) {
    const { seconds, cpu, result } = await timed(args, scratch);
    check(result);
    walls.push(seconds);
    cpus.push(cpu);
  }
  const wall = median(walls);
  const cpu = median(cpus);
  const runs = walls.map((t) => t.toFixed(3)).join(', ');
  process.stdout.write(
    `${label.padEnd(11)} wall ${wall.toFixed(3)} s, cpu ${cpu.toFixed(3)} s  (wall runs: ${runs})\n`,
  );
  return { wall, cpu };
};

const { DATA_CLASSES } = await import('../../core/dist/index.js').catch(() => {
  process.stderr.write('bench:validate: core/dist is missing: run `npx tsc -b` first\n');
  process.exit(2);
});

const dir = await mkdtemp(path.join(tmpdir(), 'lifeboat-bench-'));
const scratch = await mkdtemp(path.join(tmpdir(), 'lifeboat-bench-cpu-'));
try {
  const generated = await generateInventory(dir, { dataClasses: DATA_CLASSES, counts: DEFAULT_COUNTS });
  process.stdout.write(
    `inventory: ${generated.sites} sites, ${generated.policies} policies, ${generated.images} images (${generated.files} files) in ${dir}\n`,
  );

  let problems = [];
  const validate = await measure(
    'validate',
    [cli, 'validate', '--root', dir, '--format', 'json'],
    scratch,
    (result) => {
      let report;
      try {
        report = JSON.parse(result.stdout);
      } catch {
        throw new Error(
          `validate printed no JSON report (exit ${result.status}): ${result.stderr.split('\n')[0]}`,
        );
      }
      problems = report.problems;
      if (result.status !== 0 && problems.length === 0) {
        throw new Error(`validate exited ${result.status} with no problems`);
      }
    },
  );
  const parse = await measure('parse-only', [parseOnly, dir], scratch, (result) => {
    if (result.status !== 0)
      throw new Error(`parse-only exited ${result.status}: ${result.stderr.split('\n')[0]}`);
  });
  const ratio = validate.wall / parse.wall;
  // Other work on the machine skews wall times: say how busy it was, and give the CPU-time ratio too.
  const load = loadavg()[0];

  process.stdout.write(
    `ratio       ${ratio.toFixed(2)}× parse-only (cpu: ${(validate.cpu / parse.cpu).toFixed(2)}×)\n`,
  );
  process.stdout.write(`problems    ${problems.length}\n`);
  process.stdout.write(
    `load        ${load.toFixed(2)} (1-minute load average on ${availableParallelism()} CPUs)\n`,
  );
  process.stdout.write(
    `goal        validate < ${GOAL_SECONDS} s: ${validate.wall < GOAL_SECONDS ? 'met' : 'MISSED'}\n`,
  );
  process.stdout.write(`goal        ratio ≤ ${GOAL_RATIO}: ${ratio <= GOAL_RATIO ? 'met' : 'MISSED'}\n`);
  if (problems.length !== 0) {
    for (const p of problems.slice(0, 5)) {
      process.stderr.write(`  ${p.file}:${p.line}:${p.col} ${p.severity} ${p.code} ${p.message}\n`);
    }
    fail(`the generated inventory has ${problems.length} problems; it must validate clean`);
  }
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
} finally {
  await rm(scratch, { recursive: true, force: true });
  if (!process.env.LIFEBOAT_BENCH_KEEP) await rm(dir, { recursive: true, force: true });
}
