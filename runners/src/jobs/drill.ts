// Restore drills: prove the newest snapshot of a policy restores, by restoring it into a sandbox that is
// removed afterwards, verifying what came back, and timing the restore against the policy's RTO.
//
// - `full`: the whole snapshot, `restore --verify` (restic re-reads every restored file and compares it
//   with the snapshot's content hashes), then the bytes on disk are summed and must equal the snapshot's
//   restore size (`stats --mode restore-size`), so a restore that silently skipped files cannot pass. The
//   restore's duration is the measured RTO. Each restic call pays the repository's key derivation (~0.5 s
//   of CPU), so the size is asked for `latest` by the same filter while `snapshots` picks the id; should
//   the two disagree (a snapshot made in between), the picked snapshot's own size decides before a failure.
// - `sample`: N files (restore.sampleFiles, default 20) drawn at random from `restic ls --json --recursive`
//   of the snapshot, restored with `--include` and `--verify`; each must exist in the sandbox with the size
//   ls gave. A sample says nothing about how long a full restore takes (restic's fixed start-up cost
//   dominates a few files), so sample drills record the time in stats but no `rto`.

import { randomInt } from 'node:crypto';
import { lstat, mkdir, readdir, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { type BackupPolicy, parseDuration, quote, type RunRecord } from '@lifeboat/core';
import type { PlannedJob } from '../scheduler/due.js';
import { restore } from '../tools/restic/index.js';
import type { ToolError, ToolResult } from '../tools/result.js';
import type { JobContext, JobFn } from './job.js';
import {
  emit,
  finishRun,
  notStartable,
  resticProgress,
  type Stats,
  startRun,
  type ToolInfo,
  toolOf,
} from './job-record.js';
import {
  type Failure,
  fail,
  failureOf,
  plannedRepository,
  policyTag,
  type ResticJobOptions,
  resticRunOptions,
  resticVersion,
} from './repository.js';
import { checkRoom, includePattern, pickSnapshot } from './restore.js';
import {
  latestRestoreSize,
  listSnapshot,
  type RestoreSize,
  type SnapshotNode,
  snapshotRestoreSize,
} from './snapshot-inspect.js';

export const DEFAULT_SAMPLE_FILES = 20;

/** `n` items drawn uniformly without replacement (reservoir sampling; order of `items` is kept). */
export const sample = <T>(items: readonly T[], n: number, pick: (max: number) => number = randomInt): T[] => {
  if (n >= items.length) return [...items];
  const chosen: number[] = [];
  items.forEach((_, i) => {
    if (i < n) chosen.push(i);
    else {
      const j = pick(i + 1);
      if (j < n) chosen[j] = i;
    }
  });
  return chosen.sort((a, b) => a - b).map((i) => items[i] as T);
};

// restic refuses control characters in patterns, and such names could not be matched: never sample them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
const SAMPLEABLE = /^[^\u0000-\u001f\u007f]+$/;

// lstat calls in flight per directory: one at a time cost a thread-pool round trip per restored file.
const LSTAT_PARALLEL = 32;

/**
 * Regular files and their apparent sizes under `dir` (symlinks and special files are not counted). With
 * `unlinkCounted`, each file is unlinked once its size is read: a drill's sandbox goes anyway, and its
 * removal (the kernel freeing a whole restore) then overlaps the count instead of following it.
 */
export const sumFiles = async (
  dir: string,
  options: { unlinkCounted?: boolean } = {},
): Promise<{ files: number; bytes: number }> => {
  let files = 0;
  let bytes = 0;
  const walk = async (d: string): Promise<void> => {
    const regular: string[] = [];
    const subdirs: string[] = [];
    for (const entry of await readdir(d, { withFileTypes: true })) {
      if (entry.isDirectory()) subdirs.push(join(d, entry.name));
      else if (entry.isFile()) regular.push(join(d, entry.name));
    }
    let next = 0;
    const worker = async () => {
      while (next < regular.length) {
        const p = regular[next++] as string;
        // Read the size first: `bytes += await …` would add to a stale total while other lstats finish.
        const { size } = await lstat(p);
        bytes += size;
        files++;
        if (options.unlinkCounted) await unlink(p);
      }
    };
    await Promise.all(Array.from({ length: Math.min(LSTAT_PARALLEL, regular.length) }, worker));
    for (const sub of subdirs) await walk(sub);
  };
  await walk(dir);
  return { files, bytes };
};

/** The RTO objective in seconds, when the policy states one. */
export const rtoObjective = (policy: BackupPolicy): number | undefined => {
  const rto = policy.spec.objectives?.rto;
  return rto === undefined ? undefined : parseDuration(rto);
};

/** The restore size a full drill checks against: of `latest` by the policy's filter, or of the picked id. */
export interface ExpectedSize extends RestoreSize {
  basis: 'latest' | 'snapshot';
}

/**
 * The size the restored bytes are judged by. A size of `latest` taken alongside the pick names no
 * snapshot: when it disagrees with the bytes on disk, the picked snapshot's own size is asked for, so a
 * snapshot made between the two calls never fails a good restore. (A short restore would pass only if it
 * came to exactly the bytes of a snapshot made in those same moments; restic --verify checked its files.)
 */
export const confirmedSize = async (
  onDiskBytes: number,
  expected: ExpectedSize,
  ofPicked: () => Promise<ToolResult<RestoreSize>>,
): Promise<{ ok: true; size: ExpectedSize } | { ok: false; failed: ToolResult<RestoreSize> }> => {
  if (onDiskBytes === expected.bytes || expected.basis === 'snapshot') return { ok: true, size: expected };
  const own = await ofPicked();
  return own.outcome === 'ok'
    ? { ok: true, size: { ...own.value, basis: 'snapshot' } }
    : { ok: false, failed: own };
};

/** Test seams: what runs alongside the snapshot pick (to simulate a snapshot landing in between). */
export interface DrillHooks {
  latestRestoreSize?: typeof latestRestoreSize;
}

type EndFields = {
  outcome: RunRecord['outcome'];
  error?: ToolError;
  tool?: ToolInfo;
} & Partial<Pick<RunRecord, 'snapshotId' | 'verification' | 'rto'>>;

interface Verified {
  passed: boolean;
  details: string;
}

const checkSample = async (sandbox: string, picked: readonly SnapshotNode[]): Promise<Verified> => {
  const wrong: string[] = [];
  for (const node of picked) {
    const size = await lstat(join(sandbox, node.path)).then(
      (s) => (s.isFile() ? s.size : -1),
      () => -2,
    );
    if (size !== node.size) {
      wrong.push(
        `${quote(node.path, 120)} ${size === -2 ? 'missing' : size === -1 ? 'not a file' : `has ${size} bytes, snapshot ${node.size}`}`,
      );
    }
  }
  return wrong.length === 0
    ? {
        passed: true,
        details: `${picked.length} sampled file(s) restored, re-read by restic and sized as in the snapshot`,
      }
    : {
        passed: false,
        details: `${wrong.length} of ${picked.length} sampled file(s) wrong: ${wrong.slice(0, 3).join('; ')}`,
      };
};

export const makeDrillJob =
  (options: ResticJobOptions = {}, hooks: DrillHooks = {}): JobFn =>
  async (planned: PlannedJob, context: JobContext): Promise<RunRecord> => {
    const first = planned.subjects[0];
    const run = startRun(context, 'drill', first?.name ?? 'unknown');
    const subject =
      first?.kind === 'policy'
        ? { policy: first.name }
        : first?.kind === 'image'
          ? { image: first.name }
          : {};
    let stats: Stats = {};
    const end = async (fields: EndFields) =>
      finishRun(context, run, {
        ...subject,
        tool: fields.tool ?? { name: 'restic', version: await resticVersion(options) },
        outcome: fields.outcome,
        ...(fields.error ? { error: fields.error } : {}),
        ...(fields.snapshotId !== undefined ? { snapshotId: fields.snapshotId } : {}),
        ...(fields.verification ? { verification: fields.verification } : {}),
        ...(fields.rto ? { rto: fields.rto } : {}),
        stats,
      });
    const refuse = (f: { outcome: Failure['outcome']; error: ToolError; tool?: ToolInfo }) =>
      end({ outcome: f.outcome, error: f.error, ...(f.tool ? { tool: f.tool } : {}) });

    const refused = notStartable(planned, 'drill', context);
    if (refused) return refuse(refused);
    const kind = planned.drill?.kind ?? 'full';
    if (kind === 'image' || first?.kind !== 'policy') {
      return refuse(
        fail('job.wrong-subject', 'image drills are run by the image jobs, not the restic drill'),
      );
    }
    const repo = plannedRepository(planned, context, options);
    if (!repo.ok) return refuse(repo);
    const { policy, restic } = repo.value;
    const base = planned.drill?.sandbox ?? context.sandboxDir;
    const sandbox = join(base, run.id);
    stats = { kind, repository: repo.value.display, sandbox };
    const signal = context.signal ? { signal: context.signal } : {};

    // Full drills ask for the restore size of `latest` by pickSnapshot's own filter at the same time.
    const [picked, latestSize] = await Promise.all([
      pickSnapshot(repo.value, 'latest', context.signal),
      kind === 'full'
        ? (hooks.latestRestoreSize ?? latestRestoreSize)(
            restic,
            {
              tags: [policyTag(policy.metadata.name)],
              ...(policy.spec.host !== undefined ? { host: policy.spec.host } : {}),
            },
            signal,
          )
        : undefined,
    ]);
    if (!picked.ok) return refuse(picked);
    const { snapshot } = picked;
    const snapshotId = snapshot.id;

    let include: string[] = [];
    let sampled: SnapshotNode[] = [];
    let expected: ExpectedSize;
    if (kind === 'sample') {
      const listed = await listSnapshot(repo.value.restic, snapshot.id, [], signal);
      if (listed.outcome !== 'ok') return end({ ...failureOf(listed), tool: toolOf(listed), snapshotId });
      const files = listed.value.filter((n) => n.type === 'file' && SAMPLEABLE.test(n.path));
      if (files.length === 0) {
        return end({
          outcome: 'failed',
          error: {
            code: 'drill.empty-snapshot',
            message: `snapshot ${snapshot.shortId} holds no file to sample`,
          },
          snapshotId,
        });
      }
      sampled = sample(files, policy.spec.drill?.sampleFiles ?? DEFAULT_SAMPLE_FILES);
      include = sampled.map((n) => includePattern(n.path));
      expected = {
        bytes: sampled.reduce((s, n) => s + n.size, 0),
        files: sampled.length,
        basis: 'snapshot',
      };
      stats.snapshot_files = files.length;
      stats.sampled_files = sampled.length;
    } else if (latestSize?.outcome === 'ok' && latestSize.value.snapshots === 1) {
      expected = { bytes: latestSize.value.bytes, files: latestSize.value.files, basis: 'latest' };
    } else {
      // restic matched no snapshot for `latest` (or failed): ask by the picked id, whose answer stands.
      const size = await snapshotRestoreSize(repo.value.restic, snapshot.id, signal);
      if (size.outcome !== 'ok') return end({ ...failureOf(size), tool: toolOf(size), snapshotId });
      expected = { ...size.value, basis: 'snapshot' };
    }
    stats.restore_bytes = expected.bytes;
    const room = await checkRoom(
      sandbox,
      expected.bytes,
      `drill restore of snapshot ${snapshot.shortId}`,
      options,
    );
    if (!room.ok) return refuse(room);

    try {
      await mkdir(base, { recursive: true });
      // Not recursive: the sandbox must be this run's own new directory, so removing it loses nothing.
      await mkdir(sandbox);
    } catch (error) {
      return refuse(
        fail(
          'drill.sandbox-unusable',
          `cannot create the drill sandbox ${quote(sandbox, 200)}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
        ),
      );
    }
    let fields: EndFields;
    try {
      fields = await restoreAndVerify();
    } finally {
      stats.sandbox_removed = await rm(sandbox, { recursive: true, force: true }).then(
        () => true,
        () => false,
      );
    }
    return end(fields);

    async function restoreAndVerify(): Promise<EndFields> {
      const result = await restore(
        restic,
        { snapshot: snapshotId, target: sandbox, include, verify: true },
        {
          ...resticRunOptions(options, 'drill', context),
          onProgress: resticProgress(context, run),
        },
      );
      const restoreSeconds = Math.round(result.durationMs) / 1000;
      stats.restore_seconds = restoreSeconds;
      if (result.outcome !== 'ok') {
        const f = failureOf(result);
        return {
          outcome: f.outcome,
          error: f.error,
          tool: toolOf(result),
          snapshotId,
          verification: { passed: false, method: 'restic restore --verify', details: f.error.message },
        };
      }
      stats.files_verified = result.value.verifiedFiles;
      let verified: Verified;
      let method: string;
      if (kind === 'sample') {
        method = 'restic restore --verify of a random sample, sizes against restic ls';
        verified = await checkSample(sandbox, sampled);
      } else {
        method = 'restic restore --verify, restored bytes against stats restore-size';
        // Counted and unlinked in one pass; the directories go in the finally below.
        const onDisk = await sumFiles(sandbox, { unlinkCounted: true });
        stats.restored_bytes = onDisk.bytes;
        const confirmed = await confirmedSize(onDisk.bytes, expected, () =>
          snapshotRestoreSize(restic, snapshotId, signal),
        );
        if (!confirmed.ok) {
          const f = failureOf(confirmed.failed);
          return {
            outcome: f.outcome,
            error: f.error,
            tool: toolOf(confirmed.failed),
            snapshotId,
            verification: {
              passed: false,
              method,
              details: `restored ${onDisk.bytes} bytes; the snapshot's restore size could not be read: ${f.error.message}`,
            },
          };
        }
        if (confirmed.size !== expected) {
          expected = confirmed.size;
          stats.restore_bytes = expected.bytes;
          stats.restore_size_rechecked = true;
        }
        verified =
          onDisk.bytes === expected.bytes
            ? {
                passed: true,
                details: `${result.value.verifiedFiles ?? onDisk.files} file(s), ${onDisk.bytes} bytes, as in the snapshot`,
              }
            : {
                passed: false,
                details: `restored ${onDisk.bytes} bytes in ${onDisk.files} file(s), the snapshot holds ${expected.bytes} bytes`,
              };
      }
      const objective = rtoObjective(policy);
      const rto =
        kind === 'full' && objective !== undefined
          ? { measuredSeconds: restoreSeconds, objectiveSeconds: objective, met: restoreSeconds <= objective }
          : undefined;
      if (kind === 'sample') stats.rto_basis = 'none: sample drills do not measure the RTO';
      if (rto && !rto.met) {
        emit(context, run, {
          type: 'log',
          message: `restore took ${restoreSeconds}s, over the RTO of ${policy.spec.objectives?.rto ?? '?'}`,
        });
      }
      return {
        outcome: verified.passed ? 'ok' : 'failed',
        ...(verified.passed
          ? {}
          : {
              error: {
                code: kind === 'sample' ? 'drill.sample-mismatch' : 'drill.size-mismatch',
                message: verified.details,
              },
            }),
        tool: toolOf(result),
        snapshotId,
        verification: { passed: verified.passed, method, details: verified.details },
        ...(rto ? { rto } : {}),
      };
    }
  };

export const drillJob: JobFn = makeDrillJob();
