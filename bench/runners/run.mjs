// Times lifeboat's runner jobs against the bare tools on the same data (issue 3: overhead ≤ 5 %): a backup
// vs `restic backup`, a full drill vs `restic restore --verify`, and an image capture vs
// `partclone.ext4 | zstd` with a SHA-256 — each the median of N runs, in one process, on ~1 GiB of data.
import { spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatBytes, generateData, makeDiskImages, parseSize } from './generate.mjs';
import { startRestServer } from './rest-server.mjs';

const GOAL_RATIO = 1.05;
const PASSWORD_VAR = 'LIFEBOAT_BENCH_PASSWORD';
const PASSWORD = 'bench-password-not-secret';
const PHASES = ['backup', 'restore', 'capture'];

const here = path.dirname(fileURLToPath(import.meta.url));

const usage = (message) => {
  process.stderr.write(`bench:runners: ${message}\n`);
  process.stderr.write(
    'usage: node bench/runners/run.mjs [--size 1G] [--runs 3] [--backend rest|local] [--only backup,restore,capture] [--capture-via auto|copy] [--out DIR]\n',
  );
  process.exit(2);
};

let parsed;
try {
  parsed = parseArgs({
    options: {
      size: { type: 'string', default: process.env.LIFEBOAT_BENCH_SIZE ?? '1G' },
      runs: { type: 'string', default: process.env.LIFEBOAT_BENCH_RUNS ?? '3' },
      backend: { type: 'string', default: 'rest' },
      only: { type: 'string', default: PHASES.join(',') },
      out: { type: 'string', default: path.join(here, 'out') },
      // `copy`: the capture reads the partition from a scratch copy (loopDevices: never), for comparison.
      'capture-via': { type: 'string', default: 'auto' },
    },
  }).values;
} catch (e) {
  usage(e.message);
}
const bytes = parseSize(parsed.size);
if (bytes === undefined) usage(`--size ${JSON.stringify(parsed.size)} is not a size like 256M or 1G`);
const runs = Number(parsed.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 50)
  usage(`--runs ${JSON.stringify(parsed.runs)} is not 1-50`);
if (!['rest', 'local'].includes(parsed.backend))
  usage(`--backend ${JSON.stringify(parsed.backend)} is not rest or local`);
if (!['auto', 'copy'].includes(parsed['capture-via']))
  usage(`--capture-via ${JSON.stringify(parsed['capture-via'])} is not auto or copy`);
const only = parsed.only.split(',').filter(Boolean);
for (const p of only)
  if (!PHASES.includes(p)) usage(`--only: ${JSON.stringify(p)} is not one of ${PHASES.join(', ')}`);
const outDir = path.resolve(parsed.out);

const dist = async (pkg) =>
  import(path.resolve(here, `../../${pkg}/dist/index.js`)).catch(() => {
    process.stderr.write(`bench:runners: ${pkg}/dist is missing: run \`npx tsc -b\` first\n`);
    process.exit(2);
  });
const core = await dist('core');
const runners = await dist('runners');

const say = (line) => process.stdout.write(`${line}\n`);
const load = () => loadavg()[0].toFixed(2);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** A bare tool run, timed from here; throws with its stderr when it fails. */
const bare = (file, args, env = {}) => {
  const started = performance.now();
  const r = spawnSync(file, args, {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, LC_ALL: 'C', ...env },
  });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' | ');
    throw new Error(`${file} ${args.slice(0, 4).join(' ')}… exited ${r.status ?? r.signal}: ${why}`);
  }
  return { seconds, stdout: r.stdout };
};

const timed = async (fn) => {
  const started = performance.now();
  const value = await fn();
  return { seconds: (performance.now() - started) / 1000, value };
};

/** The job's record must say ok: timing a job that failed early would flatter it. */
const expectOk = (what, record) => {
  if (record.outcome !== 'ok')
    throw new Error(`${what} ended ${record.outcome}: ${record.error?.code} ${record.error?.message}`);
  return record;
};

const siteYaml = (repository, store) => `apiVersion: lifeboat/v1
kind: Site
metadata:
  name: bench
spec:
  timezone: UTC
  environment: office
  runner:
    labels: [site-bench]
  nas:
    - name: nas
      repository: ${repository}
      credentials:
        passwordEnv: ${PASSWORD_VAR}
    - name: store
      repository: ${store}
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
  site: bench
  dataClass: office-share
  sources:
    paths: [${JSON.stringify(source)}]
  repository:
    target: nas
    path: ${name}
  schedule:
    cron: '0 1 * * *'
  retention:
    keepLast: 3
  host: bench
`;

const imageYaml = (disk, fsMiB) => `apiVersion: lifeboat/v1
kind: Image
metadata:
  name: bench-disk
spec:
  site: bench
  deviceClass: bench-disk
  version: '1.0.0'
  source:
    file: ${JSON.stringify(disk)}
  partitionTable: gpt
  partitions:
    - number: 1
      name: data
      filesystem: ext4
      sizeMiB: ${fsMiB}
  capture:
    partclone: '0.3.23'
    checksumMode: 0
    compression: zstd
  stores:
    primary:
      site: bench
      target: store
      path: images
  retention:
    keepVersions: 3
  verification:
    hash: sha256
    recaptureHash: true
    fsck: true
  promotion: candidate
`;

const inventoryOf = (texts) => {
  const loaded = core.loadInventoryFromFiles(texts.map(([p, content]) => ({ path: p, content })));
  if (core.hasErrors(loaded.problems))
    throw new Error(
      `bench inventory: ${loaded.problems.map((p) => `${p.file}:${p.line} ${p.message}`).join('; ')}`,
    );
  return loaded.inventory;
};

const contextOf = (inventory, stateDir, sandboxDir) => ({
  inventory,
  site: inventory.sites[0],
  stateDir,
  sandboxDir,
  env: { [PASSWORD_VAR]: PASSWORD },
  now: () => new Date(),
  onEvent: () => {},
});

const plannedOf = (job, subject, repositoryPath, extra = {}) => ({
  key: `${job}:${subject.kind}:${subject.name}`,
  job,
  subjects: [subject],
  repository: { site: 'bench', target: subject.kind === 'image' ? 'store' : 'nas', path: repositoryPath },
  heavy: false,
  status: 'due',
  missed: 0,
  reason: 'bench',
  ...extra,
});

const results = [];
/** Alternates which side goes first, so drift in the machine's load hits both alike. */
const compare = async (name, { lifeboat, bare: bareRun, describe }) => {
  const sides = { lifeboat: [], bare: [] };
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? ['bare', 'lifeboat'] : ['lifeboat', 'bare'];
    for (const side of order) sides[side].push(await (side === 'lifeboat' ? lifeboat(i) : bareRun(i)));
  }
  const l = median(sides.lifeboat);
  const b = median(sides.bare);
  const ratio = l / b;
  const verdict = ratio <= GOAL_RATIO ? 'PASS' : 'MISS';
  const list = (xs) => xs.map((x) => x.toFixed(2)).join(', ');
  say(
    `${name.padEnd(8)} lifeboat ${l.toFixed(2)} s  bare ${b.toFixed(2)} s  ratio ${ratio.toFixed(3)}  goal ≤ ${GOAL_RATIO}: ${verdict}  (lifeboat: ${list(sides.lifeboat)}; bare: ${list(sides.bare)}; load ${load()})`,
  );
  say(`         bare = ${describe}`);
  results.push({ name, lifeboat: l, bare: b, ratio, verdict });
};

const dataDir = path.join(outDir, `data-${bytes}`);
const work = path.join(outDir, 'work');
let server;
try {
  say(
    `machine  ${availableParallelism()} CPUs, load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} (1/5/15-min averages; the machine is shared)`,
  );
  await mkdir(outDir, { recursive: true });
  const generated = await generateData(dataDir, { bytes, seed: 1 });
  say(
    `data     ${formatBytes(bytes)} in ${generated.files} files (half text, half random), ${dataDir} (${generated.reused ? 'reused' : `generated in ${generated.seconds.toFixed(1)} s`})`,
  );
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const repoDir = path.join(work, 'repos');
  const resticPhases = only.includes('backup') || only.includes('restore');
  let base = repoDir;
  if (resticPhases && parsed.backend === 'rest') {
    server = await startRestServer(runners.spawnService, repoDir);
    base = server.url;
  } else {
    await mkdir(repoDir, { recursive: true });
  }
  if (resticPhases)
    say(
      `backend  ${parsed.backend === 'rest' ? `rclone serve restic on ${server.url.slice(5)}` : `local repository in ${repoDir}`}; runs ${runs} (median; sides alternate who goes first)`,
    );
  const repoUrl = (name) => (parsed.backend === 'rest' ? `${base}${name}/` : path.join(repoDir, name));
  const resticEnv = { RESTIC_PASSWORD: PASSWORD };
  const initRepo = (name) => bare('restic', ['-r', repoUrl(name), 'init'], resticEnv);
  const dropRepo = (name) => rm(path.join(repoDir, name), { recursive: true, force: true });

  const storeDir = path.join(work, 'store');
  const policies = Array.from({ length: runs }, (_, i) => `bench-${i}`);
  const disk = only.includes('capture')
    ? await makeDiskImages(outDir, dataDir, bytes, runners.disk.copyRange)
    : undefined;
  if (disk)
    say(
      `image    ext4 ${disk.fsMiB} MiB (${disk.fs}) as partition 1 of a GPT disk image ${disk.disk} (${disk.reused ? 'reused' : 'made'})`,
    );
  const inventory = inventoryOf([
    ['sites/bench.yaml', siteYaml(base, storeDir)],
    ...policies.map((p) => [`policies/${p}.yaml`, policyYaml(p, dataDir)]),
    ...(disk ? [['images/bench-disk.yaml', imageYaml(disk.disk, disk.fsMiB)]] : []),
  ]);
  const jobs = runners.jobs.makeResticJobs({ hostname: 'bench' });
  const fresh = async (name) => {
    const dir = path.join(work, name);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    return dir;
  };

  let snapshot; // { repo, id }: what the restore phase reads
  if (resticPhases) {
    const backupOnce = async (i) => {
      const name = policies[i];
      await dropRepo(name);
      initRepo(name);
      const stateDir = await fresh(`state-backup-${i}`);
      const t = await timed(() =>
        jobs.backup(
          plannedOf('backup', { kind: 'policy', name }, name),
          contextOf(inventory, stateDir, work),
        ),
      );
      const record = expectOk('lifeboat backup', t.value);
      snapshot = { repo: name, id: record.snapshotId };
      return t.seconds;
    };
    if (only.includes('backup')) {
      await compare('backup', {
        describe:
          'restic -r REPO --cache-dir EMPTY backup --host bench --tag lifeboat --tag policy:NAME DATA (both into a fresh, initialised repository)',
        lifeboat: backupOnce,
        bare: async (i) => {
          const name = `bare-${i}`;
          await dropRepo(name);
          initRepo(name);
          const cache = await fresh(`cache-bare-${i}`);
          const args = ['-r', repoUrl(name), '--cache-dir', cache, 'backup', '--host', 'bench'];
          args.push('--tag', 'lifeboat', '--tag', `policy:${name}`, dataDir);
          const { seconds } = bare('restic', args, resticEnv);
          await dropRepo(name);
          return seconds;
        },
      });
      // Keep one lifeboat repository (the last) for the restore phase; the others only take space.
      for (const p of policies) if (p !== snapshot?.repo) await dropRepo(p);
    } else {
      await backupOnce(0);
    }
  }

  if (only.includes('restore')) {
    const policy = snapshot.repo;
    // The drill's own cost around restic's restore (the job's time minus the restore it records): the
    // part lifeboat controls, and far steadier under a busy neighbour than the restore itself.
    const overheads = [];
    await compare('restore', {
      describe: 'restic -r REPO --cache-dir EMPTY restore ID --target DIR --verify (the drill verifies too)',
      lifeboat: async (i) => {
        const stateDir = await fresh(`state-drill-${i}`);
        const sandbox = await fresh(`sandbox-${i}`);
        const t = await timed(() =>
          jobs.drill(
            plannedOf('drill', { kind: 'policy', name: policy }, policy, { drill: { kind: 'full' } }),
            contextOf(inventory, stateDir, sandbox),
          ),
        );
        const record = expectOk('lifeboat drill', t.value);
        if (!record.verification?.passed)
          throw new Error(`drill did not verify: ${record.verification?.details}`);
        overheads.push(t.seconds - Number(record.stats?.restore_seconds ?? 0));
        await rm(sandbox, { recursive: true, force: true });
        return t.seconds;
      },
      bare: async (i) => {
        const cache = await fresh(`cache-restore-${i}`);
        const target = await fresh(`restore-${i}`);
        const args = [
          '-r',
          repoUrl(policy),
          '--cache-dir',
          cache,
          'restore',
          snapshot.id,
          '--target',
          target,
          '--verify',
        ];
        const { seconds } = bare('restic', args, resticEnv);
        await rm(target, { recursive: true, force: true });
        return seconds;
      },
    });
    say(
      `         drill overhead (job − its restore): median ${median(overheads).toFixed(2)} s (${overheads.map((x) => x.toFixed(2)).join(', ')})`,
    );
  }
  if (server) {
    await server.stop();
    server = undefined;
  }
  await rm(repoDir, { recursive: true, force: true });

  if (disk) {
    const capture = runners.jobs.images.imageCaptureJob({
      loopDevices: parsed['capture-via'] === 'copy' ? 'never' : 'auto',
    });
    let readVia = '';
    const log = path.join(work, 'partclone.log');
    const out = path.join(work, 'bare.pcl.zst');
    // partclone's stream through zstd into a file and sha256sum in one pass, then fsynced as lifeboat does.
    const script =
      'set -o pipefail; partclone.ext4 -c -s "$1" -o - -L "$2" -a0 | zstd -c -T0 -3 -q --no-progress | tee "$3" | sha256sum && sync "$3"';
    await compare('capture', {
      describe: `partclone.ext4 -c -s FS.IMG -o - -a0 | zstd -c -T0 | tee OUT | sha256sum && sync OUT (on the filesystem image itself; lifeboat reads the partition of the disk image)`,
      lifeboat: async (i) => {
        await rm(storeDir, { recursive: true, force: true });
        await mkdir(storeDir, { recursive: true });
        const stateDir = await fresh(`state-capture-${i}`);
        const t = await timed(() =>
          capture(
            plannedOf('image-capture', { kind: 'image', name: 'bench-disk' }, 'images'),
            contextOf(inventory, stateDir, work),
          ),
        );
        readVia = String(expectOk('lifeboat image capture', t.value).stats?.partitionsReadVia);
        await rm(storeDir, { recursive: true, force: true });
        return t.seconds;
      },
      bare: async () => {
        await rm(out, { force: true });
        const { seconds } = bare('bash', ['-c', script, 'bare-capture', disk.fs, log, out]);
        await rm(out, { force: true });
        return seconds;
      },
    });
    say(`         lifeboat read the partition via: ${readVia}`);
  }

  say(
    `load     ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} at the end (1/5/15-min averages on ${availableParallelism()} CPUs)`,
  );
  const missed = results.filter((r) => r.verdict !== 'PASS').map((r) => r.name);
  say(
    `summary  ${results.length - missed.length} of ${results.length} within ${GOAL_RATIO}×${missed.length ? ` (missed: ${missed.join(', ')})` : ''}`,
  );
  await writeFile(
    path.join(outDir, 'last-run.json'),
    `${JSON.stringify({ bytes, runs, backend: parsed.backend, load: loadavg(), results }, null, 2)}\n`,
  );
} catch (err) {
  process.stderr.write(`bench:runners: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
} finally {
  if (server) await server.stop();
  await rm(work, { recursive: true, force: true });
}
