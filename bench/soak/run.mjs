// Soak: N scheduled runs of `lifeboat run --due` (runDue, the real restic jobs) against a loopback REST
// server that a chaos loop kills (SIGKILL) and restarts at random moments. Issue 3's goal: with the
// runner's retries (restic's own, lock backoff, the next tick retrying what failed) ≥ 99.9 % of scheduled
// runs succeed, and `restic check` of every repository is clean at the end.
import { spawnSync } from 'node:child_process';
import { appendFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startRestServer } from '../runners/rest-server.mjs';

const GOAL_RATE = 0.999;
const PASSWORD_VAR = 'LIFEBOAT_SOAK_PASSWORD';
const PASSWORD = 'soak-password-not-secret';
const MINUTE = 60_000;
/** Every policy is due every 15 minutes; the runner ticks every 5, so a failed run gets two more tries. */
const CRON_STEP_MIN = 15;
const TICK_MIN = 5;

const here = path.dirname(fileURLToPath(import.meta.url));

const usage = (message) => {
  process.stderr.write(`bench:soak: ${message}\n`);
  process.stderr.write(
    'usage: node bench/soak/run.mjs [--runs 100] [--policies 1] [--seed 1] [--chaos-ms 2000-10000] [--down-ms 50-1000] [--no-transient-retry] [--out DIR]\n',
  );
  process.exit(2);
};

let parsed;
try {
  parsed = parseArgs({
    options: {
      runs: { type: 'string', default: process.env.LIFEBOAT_SOAK_RUNS ?? '100' },
      policies: { type: 'string', default: '1' },
      seed: { type: 'string', default: '1' },
      'chaos-ms': { type: 'string', default: '2000-10000' },
      'down-ms': { type: 'string', default: '50-1000' },
      out: { type: 'string', default: path.join(here, 'out') },
      'no-transient-retry': { type: 'boolean', default: false },
    },
  }).values;
} catch (e) {
  usage(e.message);
}
const int = (name, min, max) => {
  const n = Number(parsed[name]);
  if (!Number.isInteger(n) || n < min || n > max)
    usage(`--${name} ${JSON.stringify(parsed[name])} is not ${min}-${max}`);
  return n;
};
const range = (name) => {
  const m = /^(\d+)-(\d+)$/.exec(parsed[name]);
  if (!m || Number(m[1]) > Number(m[2]))
    usage(`--${name} ${JSON.stringify(parsed[name])} is not MIN-MAX in ms`);
  return [Number(m[1]), Number(m[2])];
};
const runs = int('runs', 1, 100_000);
const policyCount = int('policies', 1, 10);
const seed = int('seed', 0, 2 ** 31);
const chaosMs = range('chaos-ms');
const downMs = range('down-ms');
const outDir = path.resolve(parsed.out);

const runners = await import(path.resolve(here, '../../runners/dist/index.js')).catch(() => {
  process.stderr.write('bench:soak: runners/dist is missing: run `npx tsc -b` first\n');
  process.exit(2);
});
const core = await import(path.resolve(here, '../../core/dist/index.js'));

const say = (line) => process.stdout.write(`${line}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Resolves true after `ms`, or false as soon as the signal fires. */
const wait = (ms, signal) =>
  new Promise((resolve) => {
    const stop = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', stop, { once: true });
  });

/** mulberry32: the chaos timing and the data changes come from the seed. */
const prng = (s) => {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};
const random = prng(seed);
const between = ([min, max]) => min + Math.floor(random() * (max - min + 1));

const siteYaml = (repository) => `apiVersion: lifeboat/v1
kind: Site
metadata:
  name: soak
spec:
  timezone: UTC
  environment: office
  runner:
    labels: [site-soak]
  nas:
    - name: nas
      repository: ${repository}
      credentials:
        passwordEnv: ${PASSWORD_VAR}
  access:
    approvers: []
    requesters: []
`;

const policyYaml = (name, source) => `apiVersion: lifeboat/v1
kind: BackupPolicy
metadata:
  name: ${name}
spec:
  site: soak
  dataClass: office-share
  sources:
    paths: [${JSON.stringify(source)}]
  repository:
    target: nas
    path: ${name}
  schedule:
    cron: '*/${CRON_STEP_MIN} * * * *'
  retention:
    keepLast: 5
  host: soak
`;

const work = path.join(outDir, 'work');
let server;
let chaos;
try {
  await rm(work, { recursive: true, force: true });
  const dataDir = path.join(work, 'data');
  const stateDir = path.join(work, 'state');
  const sandboxDir = path.join(work, 'sandbox');
  for (const d of [dataDir, stateDir, sandboxDir]) await mkdir(d, { recursive: true });
  const names = Array.from({ length: policyCount }, (_, i) => `soak-${String.fromCharCode(97 + i)}`);
  for (const name of names) {
    await mkdir(path.join(dataDir, name), { recursive: true });
    for (let f = 0; f < 8; f++)
      await writeFile(path.join(dataDir, name, `file-${f}.bin`), Buffer.alloc(64 * 1024, f + 1));
  }
  server = await startRestServer(runners.spawnService, path.join(work, 'repos'));
  const loaded = core.loadInventoryFromFiles([
    { path: 'sites/soak.yaml', content: siteYaml(server.url) },
    ...names.map((n) => ({ path: `policies/${n}.yaml`, content: policyYaml(n, path.join(dataDir, n)) })),
  ]);
  if (core.hasErrors(loaded.problems)) throw new Error(loaded.problems.map((p) => p.message).join('; '));
  const inventory = loaded.inventory;
  const env = { [PASSWORD_VAR]: PASSWORD };
  // A time limit per restic command, as a site runner sets one: restic retries an unreachable server
  // for minutes on its own; past the limit the job fails and the next tick tries again.
  const jobs = runners.jobs.makeResticJobs({
    hostname: 'soak',
    timeoutsMs: { backup: 60_000, forget: 60_000 },
    lockRetry: { attempts: 4, initialDelayMs: 500, maxDelayMs: 4_000, factor: 2 },
  });

  say(
    `machine   ${availableParallelism()} CPUs, load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} (1/5/15-min averages; the machine is shared)`,
  );
  say(
    `setup     ${runs} scheduled runs of ${names.length} polic${names.length === 1 ? 'y' : 'ies'} (backup + retention) every ${CRON_STEP_MIN} min, runner ticks every ${TICK_MIN} min (simulated clock); rclone serve restic on ${server.url.slice(5)} killed every ${chaosMs.join('-')} ms, down ${downMs.join('-')} ms; retry within a tick ${parsed['no-transient-retry'] ? 'OFF' : 'on (runner default)'}`,
  );

  // The chaos loop: SIGKILL the server at random moments and bring it back after a random outage.
  const stopChaos = new AbortController();
  let kills = 0;
  let chaosError;
  const chaosLoop = (async () => {
    while (!stopChaos.signal.aborted) {
      const up = await wait(between(chaosMs), stopChaos.signal);
      if (!up) break;
      await server.kill();
      kills++;
      // The outage lasts its full length even when the soak ends meanwhile; the server is back after it.
      await sleep(between(downMs));
      await server.restart();
    }
  })().catch((e) => {
    chaosError = e;
  });
  chaos = async () => {
    stopChaos.abort();
    await chaosLoop;
  };

  const start = Date.UTC(2030, 0, 7, 0, 0, 0);
  const attemptsPerRun = CRON_STEP_MIN / TICK_MIN;
  const counts = { firstTry: 0, inTick: 0, laterTick: 0, failed: 0 };
  const retryCodes = new Map();
  const attemptCodes = new Map();
  const finalCodes = new Map();
  const bump = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
  let jobsRun = 0;
  const log = path.join(outDir, 'last-run.log');
  await writeFile(log, '');
  const started = performance.now();
  for (let run = 0; run < runs; run++) {
    // Something new to back up in every run.
    for (const name of names)
      await appendFile(
        path.join(dataDir, name, `log-${run % 4}.txt`),
        `run ${run} ${random()}\n`.repeat(200),
      );
    let ok = false;
    let lastErrors = [];
    let retriedInTick = 0;
    for (let attempt = 0; attempt < attemptsPerRun && !ok; attempt++) {
      // Ticks are minutes apart, outages here last a second at most: let one pass before the next tick.
      if (attempt > 0) await sleep(downMs[1]);
      const tick = start + run * CRON_STEP_MIN * MINUTE + attempt * TICK_MIN * MINUTE;
      const tickReal = Date.now();
      const summary = await runners.runDue({
        inventory,
        site: 'soak',
        now: new Date(tick),
        stateDir,
        sandboxDir,
        env,
        jobs,
        // The records' clock follows the simulated one, so the scheduler's retry delay is measured in it.
        clock: () => new Date(tick + (Date.now() - tickReal)),
        retryAfterMs: (TICK_MIN - 1) * MINUTE,
        lockBackoff: { attempts: 4, initialDelayMs: 250, maxDelayMs: 2_000, factor: 2 },
        ...(parsed['no-transient-retry'] ? { transientRetry: false } : {}),
        // The runner's own retry of a job that could not reach its repository (its default timing).
        onEvent: (e) => {
          const m = e.event === 'note' ? /^(\S+): trying again in/.exec(e.message) : null;
          if (m) {
            retriedInTick++;
            bump(retryCodes, m[1]);
          }
        },
      });
      jobsRun += summary.jobs.length;
      // A forget skipped after a failed backup is that failure's consequence, not a failure of its own.
      for (const j of summary.jobs)
        if (j.outcome !== 'ok' && j.outcome !== 'skipped') bump(attemptCodes, j.error?.code ?? j.outcome);
      await appendFile(
        log,
        `${new Date(tick).toISOString()} run ${run} try ${attempt + 1}: ${summary.jobs.map((j) => `${j.job}=${j.outcome}${j.error ? `(${j.error.code})` : ''}`).join(' ') || 'nothing due'}${retriedInTick ? ` (${retriedInTick} retried within the tick)` : ''}\n`,
      );
      if (summary.error) throw new Error(`runDue: ${summary.error}`);
      const due = summary.jobs.length;
      // A run is done when nothing failed this tick and each policy's backup has succeeded for it.
      ok = summary.ok && (due > 0 || attempt > 0);
      if (!summary.ok) lastErrors = summary.jobs.filter((j) => j.outcome !== 'ok');
      if (ok) counts[attempt > 0 ? 'laterTick' : retriedInTick > 0 ? 'inTick' : 'firstTry']++;
    }
    if (!ok) {
      counts.failed++;
      for (const j of lastErrors) if (j.outcome !== 'skipped') bump(finalCodes, j.error?.code ?? j.outcome);
    }
    if (chaosError) throw chaosError;
  }
  const seconds = (performance.now() - started) / 1000;
  await chaos();
  chaos = undefined;
  if (!server.running()) await server.restart();

  // The repositories must be whole after all that: restic check, and each one's snapshots counted.
  const checks = [];
  for (const name of names) {
    const r = spawnSync('restic', ['-r', `${server.url}${name}/`, '--no-cache', 'check'], {
      encoding: 'utf8',
      env: { ...process.env, RESTIC_PASSWORD: PASSWORD, LC_ALL: 'C' },
      timeout: 120_000,
    });
    const snaps = spawnSync('restic', ['-r', `${server.url}${name}/`, '--no-cache', 'snapshots', '--json'], {
      encoding: 'utf8',
      env: { ...process.env, RESTIC_PASSWORD: PASSWORD, LC_ALL: 'C' },
      timeout: 60_000,
    });
    let snapshots = '?';
    try {
      snapshots = JSON.parse(snaps.stdout).length;
    } catch {}
    checks.push({
      name,
      clean: r.status === 0 && /no errors were found/.test(r.stdout),
      snapshots,
      output: `${r.stdout}${r.stderr}`.trim(),
    });
  }

  const succeeded = counts.firstTry + counts.inTick + counts.laterTick;
  const rate = succeeded / runs;
  const clean = checks.every((c) => c.clean);
  const fmt = (map) =>
    map.size === 0
      ? 'none'
      : [...map]
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${k} ×${v}`)
          .join(', ');
  say(`runs      ${runs} in ${seconds.toFixed(1)} s (${jobsRun} jobs run; server killed ${kills} times)`);
  say(`first try ${counts.firstTry} succeeded at their first tick without a retry`);
  say(
    `retried   ${counts.inTick + counts.laterTick} succeeded after retry (${counts.inTick} within the tick, ${counts.laterTick} at a later tick)`,
  );
  say(`failed    ${counts.failed} (by code: ${fmt(finalCodes)})`);
  say(
    `retries   within a tick, by code: ${fmt(retryCodes)}; ticks that ended with a failure, by code: ${fmt(attemptCodes)}`,
  );
  say(`rate      ${(rate * 100).toFixed(2)} % succeeded (goal ≥ ${(GOAL_RATE * 100).toFixed(1)} %)`);
  for (const c of checks)
    say(
      `check     ${c.name}: ${c.clean ? 'clean' : 'NOT CLEAN'}, ${c.snapshots} snapshots kept${c.clean ? '' : `\n${c.output.split('\n').slice(-8).join('\n')}`}`,
    );
  say(
    `load      ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} at the end (1/5/15-min averages on ${availableParallelism()} CPUs)`,
  );
  say(
    `goal      ${rate >= GOAL_RATE && clean ? 'PASS' : 'MISS'} (success ≥ ${(GOAL_RATE * 100).toFixed(1)} % and restic check clean)`,
  );
  say(`log       ${log}`);
} catch (err) {
  process.stderr.write(`bench:soak: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
} finally {
  if (chaos) await chaos().catch(() => undefined);
  if (server) await server.stop();
  await rm(work, { recursive: true, force: true });
}
