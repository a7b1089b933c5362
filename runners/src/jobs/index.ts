export { backupJob, backupTags, makeBackupJob } from './backup.js';
export { checkJob, makeCheckJob } from './check.js';
export { DEFAULT_SAMPLE_FILES, drillJob, makeDrillJob } from './drill.js';
export { forgetArgsFor, forgetJob, keepRules, makeForgetJob, resticWithin } from './forget.js';
export * as images from './images/index.js';
export { IMAGE_JOBS, type ImageJobName } from './images/index.js';
export * from './job.js';
export { makePruneJob, pruneJob } from './prune.js';
export {
  joinRepository,
  LIFEBOAT_TAG,
  type PolicyRepository,
  policyTag,
  type ResticJobOptions,
  resolveRepository,
  resticCommandString,
} from './repository.js';
export { makeResticJobs, RESTIC_JOBS, type ResticJobName } from './restic-jobs.js';
export {
  insideSources,
  makeRestoreJob,
  normalisePath,
  type RestoreFilesRequest,
  type RestoreJobRequest,
  type RestoreTarget,
  restoreFiles,
  restoreJob,
} from './restore.js';
export { backingDirVariable, makeSyncJob, syncJob } from './sync.js';
