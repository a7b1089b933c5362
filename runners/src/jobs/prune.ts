// Prune: the repository-wide rewrite that frees what forget released. Heavy, so it runs only as the
// scheduler planned it (inside a maintenance window), with the policy's --max-unused.

import { quote, type RunRecord } from '@lifeboat/core';
import type { PlannedJob } from '../scheduler/due.js';
import { prune } from '../tools/restic/index.js';
import type { ToolError } from '../tools/result.js';
import type { JobContext, JobFn } from './job.js';
import { finishRun, notStartable, startRun, toolOf } from './job-record.js';
import {
  type Failure,
  plannedRepository,
  type ResticJobOptions,
  resticRunOptions,
  resticVersion,
} from './repository.js';

/** Stats every repository-wide job records: which policies it served (the record names the first). */
export const subjectStats = (planned: PlannedJob): { subjects: string } => ({
  subjects: planned.subjects.map((s) => s.name).join(','),
});

export const makePruneJob =
  (options: ResticJobOptions = {}): JobFn =>
  async (planned: PlannedJob, context: JobContext): Promise<RunRecord> => {
    const first = planned.subjects[0];
    const run = startRun(context, 'prune', first?.name ?? 'unknown');
    const policy = first?.kind === 'policy' ? { policy: first.name } : {};
    const refuse = async (f: { outcome: Failure['outcome']; error: ToolError }) =>
      finishRun(context, run, {
        ...policy,
        tool: { name: 'restic', version: await resticVersion(options) },
        outcome: f.outcome,
        error: f.error,
        stats: subjectStats(planned),
      });
    const refused = notStartable(planned, 'prune', context);
    if (refused) return refuse(refused);
    const repo = plannedRepository(planned, context, options);
    if (!repo.ok) return refuse(repo);
    const maxUnused = planned.prune?.maxUnused;
    const result = await prune(repo.value.restic, maxUnused === undefined ? {} : { maxUnused }, {
      ...resticRunOptions(options, 'prune', context),
    });
    const stats = {
      ...subjectStats(planned),
      repository: repo.value.display,
      max_unused: maxUnused,
      window: planned.window?.name,
    };
    if (result.outcome !== 'ok') {
      return finishRun(context, run, {
        ...policy,
        tool: toolOf(result),
        outcome: result.outcome,
        error:
          result.error.code === 'restic.forbidden' && repo.value.target.appendOnly
            ? {
                code: result.error.code,
                message: `${result.error.message} (NAS target ${quote(repo.value.target.name)} is append-only: prune needs credentials that may delete)`,
              }
            : result.error,
        stats,
      });
    }
    const r = result.value;
    return finishRun(context, run, {
      ...policy,
      tool: toolOf(result),
      outcome: 'ok',
      stats: {
        ...stats,
        pruned_blobs: r.prunedBlobs,
        pruned_size: r.prunedSize,
        remaining_blobs: r.remainingBlobs,
        remaining_size: r.remainingSize,
      },
    });
  };

export const pruneJob: JobFn = makePruneJob();
