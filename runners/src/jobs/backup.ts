// The backup job: hooks around one restic backup of a policy's sources, scoped by host and tags so
// retention and restores find exactly this policy's snapshots, with every way it can end recorded.

import { quote, type RunRecord } from '@lifeboat/core';
import type { PlannedJob } from '../scheduler/due.js';
import { backup, missingPaths } from '../tools/restic/index.js';
import type { ToolError } from '../tools/result.js';
import { runHook } from './hooks.js';
import type { JobContext, JobFn } from './job.js';
import {
  emit,
  finishRun,
  notStartable,
  type RecordOutcome,
  resticProgress,
  type Stats,
  startRun,
  type ToolInfo,
  toolOf,
} from './job-record.js';
import {
  ensureRepository,
  LIFEBOAT_TAG,
  type PolicyRepository,
  plannedRepository,
  policyHost,
  policyTag,
  type ResticJobOptions,
  resticRunOptions,
  resticVersion,
} from './repository.js';

interface Ended {
  outcome: RecordOutcome;
  error?: ToolError;
  snapshotId?: string;
  stats: Stats;
  tool?: ToolInfo;
}

/** The tags every snapshot of the policy carries: its own, `lifeboat` and `policy:<name>`. */
export const backupTags = (policyName: string, own: readonly string[] = []): string[] => [
  ...new Set([...own, LIFEBOAT_TAG, policyTag(policyName)]),
];

const listQuoted = (items: readonly string[]): string =>
  items
    .slice(0, 3)
    .map((p) => quote(p, 200))
    .join(', ') + (items.length > 3 ? ` and ${items.length - 3} more` : '');

/** A timeout's message with the limit that was hit (restic retries an unreachable server until then). */
export const withLimit = (error: ToolError, limitMs: number | undefined): ToolError =>
  error.code === 'restic.timeout' && limitMs !== undefined
    ? {
        ...error,
        message: `${error.message} (limit ${Math.round(limitMs / 1000)}s; an unreachable repository makes restic retry until then)`,
      }
    : error;

const runBackup = async (
  repo: PolicyRepository,
  context: JobContext,
  options: ResticJobOptions,
  run: ReturnType<typeof startRun>,
): Promise<Ended> => {
  const { policy } = repo;
  const { sources } = policy.spec;
  const host = policyHost(policy, options);
  const stats: Stats = { repository: repo.display, host };
  // restic 0.14 backs up what exists, skips the rest and exits 0: a missing source must fail here.
  const missing = await missingPaths(sources.paths);
  if (missing.length > 0) {
    return {
      outcome: 'failed',
      error: {
        code: 'restic.source-missing',
        message: `source path does not exist: ${listQuoted(missing)}; no snapshot was made`,
      },
      stats,
    };
  }
  const ensured = await ensureRepository(repo, context, resticRunOptions(options, 'backup', context));
  if (ensured.failure) {
    const f = ensured.failure;
    return { outcome: f.outcome, error: f.error, stats, tool: toolOf(f) };
  }
  if (ensured.initialized) {
    stats.initialized = true;
    emit(context, run, { type: 'log', message: `created repository ${repo.display}` });
  }
  const result = await backup(
    repo.restic,
    {
      paths: sources.paths,
      host,
      tags: backupTags(policy.metadata.name, policy.spec.tags),
      excludes: sources.exclude ?? [],
      oneFileSystem: sources.oneFileSystem ?? false,
    },
    {
      ...resticRunOptions(options, 'backup', context),
      onProgress: resticProgress(context, run),
      onLockRetry: (w) =>
        emit(context, run, {
          type: 'log',
          message: `repository locked, retry ${w.attempt} in ${Math.round(w.delayMs / 1000)}s`,
        }),
    },
  );
  const tool = toolOf(result);
  if (result.outcome !== 'ok' && result.outcome !== 'partial') {
    return {
      outcome: result.outcome,
      error: withLimit(result.error, options.timeoutsMs?.backup),
      stats,
      tool,
    };
  }
  const s = result.value;
  return {
    outcome: result.outcome,
    ...(result.outcome === 'partial' ? { error: result.error } : {}),
    snapshotId: s.snapshotId,
    stats: {
      ...stats,
      files_new: s.filesNew,
      files_changed: s.filesChanged,
      files_unmodified: s.filesUnmodified,
      data_added: s.dataAdded,
      total_files_processed: s.totalFilesProcessed,
      total_bytes_processed: s.totalBytesProcessed,
      duration: s.totalDuration,
    },
    tool,
  };
};

/**
 * Pre hook, then sources checked (after the hook, which may mount or create them), the repository opened
 * or created, and the backup; the post hook always runs once the pre hook was tried, and learns the
 * outcome through LIFEBOAT_OUTCOME, LIFEBOAT_ERROR_CODE and LIFEBOAT_SNAPSHOT_ID.
 */
export const makeBackupJob =
  (options: ResticJobOptions = {}): JobFn =>
  async (planned: PlannedJob, context: JobContext): Promise<RunRecord> => {
    const first = planned.subjects[0];
    const run = startRun(context, 'backup', first?.name ?? 'unknown');
    const policyName = first?.kind === 'policy' ? first.name : undefined;
    const refuse = async (f: { outcome: RecordOutcome; error: ToolError }) =>
      finishRun(context, run, {
        ...(policyName !== undefined ? { policy: policyName } : {}),
        tool: { name: 'restic', version: await resticVersion(options) },
        outcome: f.outcome,
        error: f.error,
      });
    const refused = notStartable(planned, 'backup', context);
    if (refused) return refuse(refused);
    const repo = plannedRepository(planned, context, options);
    if (!repo.ok) return refuse(repo);
    const { policy } = repo.value;
    const hooks = policy.spec.hooks;
    const vars: Record<string, string> = {
      LIFEBOAT_POLICY: policy.metadata.name,
      LIFEBOAT_SITE: context.site.value.metadata.name,
      LIFEBOAT_RUN_ID: run.id,
    };
    let ended: Ended | undefined;
    const hookStats: Stats = {};
    if (hooks?.pre) {
      const pre = await runHook(hooks.pre, 'pre', context, vars, options.hookTimeoutCapMs);
      hookStats.pre_hook_seconds = Math.round(pre.durationMs) / 1000;
      if (!pre.ok) {
        emit(context, run, { type: 'log', message: pre.error.message });
        ended = { outcome: pre.outcome, error: pre.error, stats: {} };
      }
    }
    ended ??= await runBackup(repo.value, context, options, run);
    if (hooks?.post) {
      const post = await runHook(
        hooks.post,
        'post',
        context,
        {
          ...vars,
          LIFEBOAT_OUTCOME: ended.outcome,
          LIFEBOAT_ERROR_CODE: ended.error?.code ?? '',
          LIFEBOAT_SNAPSHOT_ID: ended.snapshotId ?? '',
        },
        options.hookTimeoutCapMs,
      );
      hookStats.post_hook_seconds = Math.round(post.durationMs) / 1000;
      hookStats.post_hook = post.ok ? 'ok' : post.error.code;
      if (!post.ok && (ended.outcome === 'ok' || ended.outcome === 'partial')) {
        // The snapshot exists, but whatever the hook had to undo (a stopped service) may not be undone.
        ended = {
          ...ended,
          outcome: 'partial',
          error: {
            code: post.error.code,
            message: `snapshot ${ended.snapshotId ?? '?'} created, but ${post.error.message}`,
          },
        };
      }
    }
    return finishRun(context, run, {
      policy: policy.metadata.name,
      tool: ended.tool ?? { name: 'restic', version: await resticVersion(options) },
      outcome: ended.outcome,
      ...(ended.error ? { error: ended.error } : {}),
      ...(ended.snapshotId !== undefined ? { snapshotId: ended.snapshotId } : {}),
      stats: { ...ended.stats, ...hookStats },
    });
  };

export const backupJob: JobFn = makeBackupJob();
