// The scheduled restic/rclone jobs by name, for `lifeboat run`: one JobFn per ScheduledJob of a policy.

import { makeBackupJob } from './backup.js';
import { makeCheckJob } from './check.js';
import { makeDrillJob } from './drill.js';
import { makeForgetJob } from './forget.js';
import type { JobFn } from './job.js';
import { makePruneJob } from './prune.js';
import type { ResticJobOptions } from './repository.js';
import { makeSyncJob } from './sync.js';

export type ResticJobName = 'backup' | 'forget' | 'prune' | 'check' | 'sync' | 'drill';

/** The registry with options shared by every job (binaries, hostname, lock retry, free-space probe). */
export const makeResticJobs = (options: ResticJobOptions = {}): Record<ResticJobName, JobFn> => ({
  backup: makeBackupJob(options),
  forget: makeForgetJob(options),
  prune: makePruneJob(options),
  check: makeCheckJob(options),
  sync: makeSyncJob(options),
  drill: makeDrillJob(options),
});

export const RESTIC_JOBS: Record<ResticJobName, JobFn> = makeResticJobs();
