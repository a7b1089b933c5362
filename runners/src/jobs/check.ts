// Repository check: structure every time, plus one rotating slice of the data (`--read-data-subset n/t`)
// so every pack is read once per t checks; the record says which slice and whether a full cycle ended.

import type { RunRecord } from '@lifeboat/core';
import type { PlannedJob } from '../scheduler/due.js';
import { check } from '../tools/restic/index.js';
import type { ToolError } from '../tools/result.js';
import type { JobContext, JobFn } from './job.js';
import { finishRun, notStartable, startRun, toolOf } from './job-record.js';
import { subjectStats } from './prune.js';
import {
  type Failure,
  plannedRepository,
  type ResticJobOptions,
  resticRunOptions,
  resticVersion,
} from './repository.js';

export const makeCheckJob =
  (options: ResticJobOptions = {}): JobFn =>
  async (planned: PlannedJob, context: JobContext): Promise<RunRecord> => {
    const first = planned.subjects[0];
    const run = startRun(context, 'check', first?.name ?? 'unknown');
    const policy = first?.kind === 'policy' ? { policy: first.name } : {};
    const slice = planned.check;
    const sliceStats = slice
      ? {
          read_data_subset: `${slice.subset}/${slice.subsets}`,
          subset: slice.subset,
          subsets: slice.subsets,
          cycle: slice.cycle,
        }
      : { read_data_subset: 'none' };
    const refuse = async (f: { outcome: Failure['outcome']; error: ToolError }) =>
      finishRun(context, run, {
        ...policy,
        tool: { name: 'restic', version: await resticVersion(options) },
        outcome: f.outcome,
        error: f.error,
        stats: { ...subjectStats(planned), ...sliceStats, full_read_cycle_completed: false },
      });
    const refused = notStartable(planned, 'check', context);
    if (refused) return refuse(refused);
    const repo = plannedRepository(planned, context, options);
    if (!repo.ok) return refuse(repo);
    const result = await check(
      repo.value.restic,
      slice ? { readDataSubset: `${slice.subset}/${slice.subsets}` } : {},
      {
        ...resticRunOptions(options, 'check', context),
      },
    );
    const ok = result.outcome === 'ok';
    const stats = {
      ...subjectStats(planned),
      repository: repo.value.display,
      ...sliceStats,
      // The cycle is complete when its last slice (t/t) checked clean; the scheduler then starts at 1/t.
      full_read_cycle_completed: ok && slice !== undefined && slice.subset === slice.subsets,
      ...(ok && result.value.subset
        ? { packs_read: result.value.subset.packsRead, total_packs: result.value.subset.totalPacks }
        : {}),
    };
    return finishRun(context, run, {
      ...policy,
      tool: toolOf(result),
      outcome: result.outcome,
      ...(result.outcome !== 'ok' ? { error: result.error } : {}),
      stats,
    });
  };

export const checkJob: JobFn = makeCheckJob();
