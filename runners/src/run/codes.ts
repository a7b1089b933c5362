import type { CatalogueEntry } from '@lifeboat/core';

// Codes the orchestration itself puts into run records (the jobs' own codes come from the tool adapters).

export const RUN_CODES = {
  'internal.job-crashed': {
    title: 'Job crashed',
    cause: 'The job threw an error instead of answering with a run record: a programming error in lifeboat.',
    fix: 'Report the message with the lifeboat version; the next tick retries the job after the retry delay.',
  },
  'internal.invalid-record': {
    title: 'Job answered with an unusable run record',
    cause:
      'The record the job returned failed the RunRecord schema, or names another site, job or subject than the one run.',
    fix: 'Report the message with the lifeboat version: the job, not the data, is at fault.',
  },
  'run.repository-locked': {
    title: 'Repository busy',
    cause:
      'Another lifeboat process on this runner held the repository lock for the whole wait (e.g. a long restore or prune).',
    fix: 'Nothing, usually: the job is retried on a later tick. If it persists, look for a hung lifeboat process with `lifeboat doctor`.',
  },
  'run.cancelled': {
    title: 'Run cancelled',
    cause:
      'lifeboat received SIGINT or SIGTERM (the workflow was cancelled or the runner stopped) while the job ran or waited.',
    fix: 'Nothing: the job is due again on the next tick.',
  },
} as const satisfies Record<string, CatalogueEntry>;

export type RunCode = keyof typeof RUN_CODES;
