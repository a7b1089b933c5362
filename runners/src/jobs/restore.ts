// File restore on request (the bot, `lifeboat restore`): into the policy's alternate target by default,
// in place only when asked and allowed, only paths the policy backs up, only from the policy's own
// snapshots, and only after the target's filesystem proved to have room — then restored with --verify.

import { mkdir, rm, statfs } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { type BackupPolicy, quote, type RunRecord } from '@lifeboat/core';
import type { JobSubject } from '../scheduler/due.js';
import { formatBytes } from '../tools/disk/space.js';
import { restore, type Snapshot, snapshots } from '../tools/restic/index.js';
import type { ToolError } from '../tools/result.js';
import type { JobContext } from './job.js';
import {
  finishRun,
  type RunClock,
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
  type PolicyRepository,
  policyOf,
  policyTag,
  type Resolved,
  type ResticJobOptions,
  resolveRepository,
  resticRunOptions,
  resticVersion,
} from './repository.js';
import { listSnapshot, snapshotRestoreSize } from './snapshot-inspect.js';

/** A path normalised, or undefined when it is not absolute or not a plain path. */
export const normalisePath = (p: string): string | undefined => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (!p.startsWith('/') || /[\u0000-\u001f\u007f]/.test(p)) return undefined;
  const n = posix.normalize(p);
  return n.length > 1 ? n.replace(/\/+$/, '') : n;
};

/** True when `p` is one of the sources or lies below one. */
export const insideSources = (p: string, sources: readonly string[]): boolean =>
  sources.some((s) => {
    const src = normalisePath(s);
    return src !== undefined && (p === src || src === '/' || p.startsWith(`${src}/`));
  });

/** A literal path as a restic `--include` pattern: glob characters escaped so they match themselves. */
export const includePattern = (p: string): string => p.replace(/[\\*?[\]]/g, (c) => `\\${c}`);

const SHORT = /^[0-9a-f]{8,64}$/;
const POLICY_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * The snapshot to restore from, among the policy's own (tag policy:<name>, and its host when it has one):
 * `latest` is the newest of them; an id (short or full) must name one of them, so a request can never
 * reach another policy's data through this policy's permissions.
 */
export const pickSnapshot = async (
  repo: PolicyRepository,
  wanted: string,
  signal: AbortSignal | undefined,
): Promise<{ ok: true; snapshot: Snapshot } | (Failure & { tool?: ToolInfo })> => {
  if (wanted !== 'latest' && !SHORT.test(wanted)) {
    return fail('restic.bad-option', `snapshot ${quote(wanted)} is neither a hex snapshot id nor "latest"`);
  }
  const { policy } = repo;
  const listed = await snapshots(
    repo.restic,
    {
      tags: [policyTag(policy.metadata.name)],
      ...(policy.spec.host !== undefined ? { host: policy.spec.host } : {}),
    },
    signal ? { signal } : {},
  );
  if (listed.outcome !== 'ok') return { ...failureOf(listed), tool: toolOf(listed) };
  const own = [...listed.value].sort((a, b) => a.time.localeCompare(b.time));
  const matching = wanted === 'latest' ? own.slice(-1) : own.filter((s) => s.id.startsWith(wanted));
  if (matching.length > 1) {
    return fail('restic.bad-option', `snapshot id ${quote(wanted)} is ambiguous; give more digits`);
  }
  const snapshot = matching[0];
  if (!snapshot) {
    return fail(
      'restic.snapshot-not-found',
      wanted === 'latest'
        ? `policy ${quote(policy.metadata.name)} has no snapshot in ${quote(repo.display, 200)}`
        : `snapshot ${quote(wanted)} is not one of policy ${quote(policy.metadata.name)}'s snapshots`,
    );
  }
  return { ok: true, snapshot };
};

/** statfs(2) of the nearest existing ancestor (the target itself does not exist yet). */
export const freeBytes = async (path: string): Promise<number> => {
  let p = path;
  for (;;) {
    try {
      const s = await statfs(p);
      return s.bavail * s.bsize;
    } catch (error) {
      const parent = dirname(p);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === p) throw error;
      p = parent;
    }
  }
};

const MIB = 1024 * 1024;

/** Room needed to restore `bytes`: a little headroom for directories and metadata. */
export const roomNeeded = (bytes: number): number => Math.ceil(bytes + Math.max(MIB, bytes * 0.01));

/** Refuses before anything is written when the target's filesystem cannot hold the restore. */
export const checkRoom = async (
  target: string,
  bytes: number,
  what: string,
  options: ResticJobOptions,
): Promise<Resolved<{ free: number; needed: number }>> => {
  let free: number;
  try {
    free = await (options.freeBytes ?? freeBytes)(target);
  } catch (error) {
    return fail(
      'restore.target-unusable',
      `cannot read free space at ${quote(target, 200)}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  const needed = roomNeeded(bytes);
  if (free < needed) {
    return fail(
      'restore.no-space',
      `${what} needs ${formatBytes(needed)} but the filesystem of ${quote(target, 200)} has ${formatBytes(free)} free; nothing was restored`,
    );
  }
  return { ok: true, value: { free, needed } };
};

export type RestoreTarget = 'alternate' | 'in-place';

export interface RestoreFilesRequest {
  /** Policy name. */
  policy: string;
  /** A snapshot id of the policy (short or full) or `latest`. */
  snapshot: string;
  /** Absolute paths inside the policy's sources; all of the snapshot when omitted. */
  paths?: readonly string[];
  /** `alternate` (default): under the policy's restore.alternateTarget/<run id>/; `in-place`: over the originals. */
  target?: RestoreTarget;
  context: JobContext;
  options?: ResticJobOptions;
}

interface Plan {
  repo: PolicyRepository;
  paths: string[];
  targetDir: string;
  /** The directory this run creates (and removes again if the restore fails). */
  createdDir?: string;
}

const planRestore = (
  request: RestoreFilesRequest,
  policy: BackupPolicy,
  run: RunClock,
  options: ResticJobOptions,
): Resolved<Plan> => {
  const repo = resolveRepository(request.context, policy, options);
  if (!repo.ok) return repo;
  const mode = request.target ?? 'alternate';
  const spec = policy.spec.restore;
  const paths: string[] = [];
  for (const raw of request.paths ?? []) {
    const p = normalisePath(raw);
    if (p === undefined)
      return fail('restore.bad-path', `restore path ${quote(raw, 200)} is not an absolute path`);
    if (!insideSources(p, policy.spec.sources.paths)) {
      return fail(
        'restore.path-outside-sources',
        `restore path ${quote(p, 200)} is not inside the sources of policy ${quote(policy.metadata.name)}`,
      );
    }
    paths.push(p);
  }
  if (mode === 'in-place') {
    if (spec?.allowInPlace !== true) {
      return fail(
        'restore.in-place-not-allowed',
        `policy ${quote(policy.metadata.name)} does not allow in-place restores (restore.allowInPlace)`,
      );
    }
    return { ok: true, value: { repo: repo.value, paths, targetDir: '/' } };
  }
  if (spec?.alternateTarget === undefined) {
    return fail(
      'restore.no-alternate-target',
      `policy ${quote(policy.metadata.name)} has no restore.alternateTarget to restore into`,
    );
  }
  const targetDir = join(spec.alternateTarget, run.id);
  return { ok: true, value: { repo: repo.value, paths, targetDir, createdDir: targetDir } };
};

/**
 * Restores files of a policy's snapshot and records it (job `restore`). Never throws for bad requests or
 * tool failures: the record says what was refused or what failed, and nothing was written on a refusal.
 */
export const restoreFiles = async (request: RestoreFilesRequest): Promise<RunRecord> => {
  const { context } = request;
  const options = request.options ?? {};
  const run = startRun(context, 'restore', request.policy.slice(0, 63));
  const stats: Stats = { mode: request.target ?? 'alternate' };
  const end = async (
    outcome: RunRecord['outcome'],
    error: ToolError | undefined,
    more: Partial<Pick<RunRecord, 'snapshotId' | 'verification'>> & { tool?: ReturnType<typeof toolOf> } = {},
  ) =>
    finishRun(context, run, {
      // A name that is not a policy name (a typo in a request) stays out of the record; the error names it.
      ...(POLICY_NAME.test(request.policy) ? { policy: request.policy } : {}),
      tool: more.tool ?? { name: 'restic', version: await resticVersion(options) },
      outcome,
      ...(error ? { error } : {}),
      ...(more.snapshotId !== undefined ? { snapshotId: more.snapshotId } : {}),
      ...(more.verification ? { verification: more.verification } : {}),
      stats,
    });
  const refuse = (f: { outcome: Failure['outcome']; error: ToolError }) => end(f.outcome, f.error);

  const policy = policyOf(context, { kind: 'policy', name: request.policy });
  if (!policy.ok) return refuse(policy);
  const plan = planRestore(request, policy.value, run, options);
  if (!plan.ok) return refuse(plan);
  const { repo, paths, targetDir, createdDir } = plan.value;
  stats.target = targetDir;
  stats.repository = repo.display;
  if (paths.length > 0) stats.paths = paths.length;

  const picked = await pickSnapshot(repo, request.snapshot, context.signal);
  if (!picked.ok) return end(picked.outcome, picked.error, picked.tool ? { tool: picked.tool } : {});
  const { snapshot } = picked;
  let bytes: number;
  let files: number;
  if (paths.length > 0) {
    const listed = await listSnapshot(
      repo.restic,
      snapshot.id,
      paths,
      context.signal ? { signal: context.signal } : {},
    );
    if (listed.outcome !== 'ok') {
      const f = failureOf(listed);
      return end(f.outcome, f.error, { tool: toolOf(listed), snapshotId: snapshot.id });
    }
    const inside = listed.value.filter((n) => paths.some((p) => n.path === p || n.path.startsWith(`${p}/`)));
    if (inside.length === 0) {
      return end(
        'failed',
        {
          code: 'restore.paths-not-in-snapshot',
          message: `none of the ${paths.length} requested path(s) is in snapshot ${snapshot.shortId}; nothing was restored`,
        },
        { snapshotId: snapshot.id },
      );
    }
    bytes = inside.filter((n) => n.type === 'file').reduce((sum, n) => sum + n.size, 0);
    files = inside.filter((n) => n.type === 'file').length;
  } else {
    const size = await snapshotRestoreSize(
      repo.restic,
      snapshot.id,
      context.signal ? { signal: context.signal } : {},
    );
    if (size.outcome !== 'ok') {
      const f = failureOf(size);
      return end(f.outcome, f.error, { tool: toolOf(size), snapshotId: snapshot.id });
    }
    bytes = size.value.bytes;
    files = size.value.files;
  }
  stats.restore_bytes = bytes;
  const room = await checkRoom(
    targetDir,
    bytes,
    `restoring ${files} file(s) of snapshot ${snapshot.shortId}`,
    options,
  );
  if (!room.ok) return end(room.outcome, room.error, { snapshotId: snapshot.id });
  stats.free_bytes = room.value.free;

  if (createdDir !== undefined) {
    try {
      await mkdir(dirname(createdDir), { recursive: true });
      // Not recursive: the run's own directory must be new, so a failure may remove it without loss.
      await mkdir(createdDir);
    } catch (error) {
      return end(
        'failed',
        {
          code: 'restore.target-unusable',
          message: `cannot create ${quote(createdDir, 200)}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
        },
        { snapshotId: snapshot.id },
      );
    }
  }
  const result = await restore(
    repo.restic,
    {
      snapshot: snapshot.id,
      target: targetDir,
      include: paths.map(includePattern),
      verify: true,
    },
    {
      ...resticRunOptions(options, 'restore', context),
      onProgress: resticProgress(context, run),
    },
  );
  stats.restore_seconds = Math.round(result.durationMs) / 1000;
  if (result.outcome !== 'ok') {
    if (createdDir !== undefined) {
      stats.partial_restore_removed = await rm(createdDir, { recursive: true, force: true }).then(
        () => true,
        () => false,
      );
    }
    const verifyFailed = result.outcome === 'failed' && result.error.code === 'restic.verify-failed';
    const f = failureOf(result);
    return end(f.outcome, f.error, {
      tool: toolOf(result),
      snapshotId: snapshot.id,
      ...(verifyFailed
        ? {
            verification: { passed: false, method: 'restic restore --verify', details: result.error.message },
          }
        : {}),
    });
  }
  stats.files_verified = result.value.verifiedFiles;
  return end('ok', undefined, {
    tool: toolOf(result),
    snapshotId: snapshot.id,
    verification: {
      passed: true,
      method: 'restic restore --verify',
      details:
        result.value.verifiedFiles !== undefined
          ? `${result.value.verifiedFiles} file(s) re-read and matched the snapshot`
          : 'restic re-read the restored files and matched the snapshot',
    },
  });
};

/** A restore request as `lifeboat run` receives it from a dispatch (structurally the runner's RestoreFn input). */
export interface RestoreJobRequest {
  subject: JobSubject;
  snapshot: string;
  paths: readonly string[];
  target: RestoreTarget;
}

/** restoreFiles in the (request, context) shape the runner's request path calls; policies only. */
export const makeRestoreJob =
  (options: ResticJobOptions = {}) =>
  async (request: RestoreJobRequest, context: JobContext): Promise<RunRecord> => {
    if (request.subject.kind !== 'policy') {
      const run = startRun(context, 'restore', request.subject.name);
      return finishRun(context, run, {
        image: request.subject.name,
        tool: { name: 'restic', version: await resticVersion(options) },
        outcome: 'failed',
        error: {
          code: 'job.wrong-subject',
          message: 'images are restored by the image jobs, not the restic restore',
        },
      });
    }
    return restoreFiles({
      policy: request.subject.name,
      snapshot: request.snapshot,
      paths: request.paths,
      target: request.target,
      context,
      options,
    });
  };

export const restoreJob = makeRestoreJob();
