import { type BackupPolicy, type CronCheck, checkCron, type Image, type PathSegment } from '@lifeboat/core';

// Every schedule an object declares, with its path, so the cron rules walk one list instead of five fields.

export type ScheduledJob = 'backup' | 'prune' | 'check' | 'offsite' | 'drill';

export interface ScheduleAt {
  job: ScheduledJob;
  /** Path of the `schedule` mapping, e.g. ['spec', 'prune', 'schedule']; shared, never to be changed. */
  path: readonly PathSegment[];
  cron: string;
  timezone: string | undefined;
}

// One array per job for every object: these lists are built for each policy by several rules.
const PATHS = {
  backup: ['spec', 'schedule'],
  prune: ['spec', 'prune', 'schedule'],
  check: ['spec', 'check', 'schedule'],
  offsite: ['spec', 'offsite', 'schedule'],
  drill: ['spec', 'drill', 'schedule'],
} as const satisfies Record<ScheduledJob, readonly PathSegment[]>;

const at = (job: ScheduledJob, schedule: { cron: string; timezone?: string }): ScheduleAt => ({
  job,
  path: PATHS[job],
  cron: schedule.cron,
  timezone: schedule.timezone,
});

export const policySchedules = (spec: BackupPolicy['spec']): ScheduleAt[] => {
  const out = [at('backup', spec.schedule)];
  if (spec.prune) out.push(at('prune', spec.prune.schedule));
  if (spec.check) out.push(at('check', spec.check.schedule));
  if (spec.offsite) out.push(at('offsite', spec.offsite.schedule));
  if (spec.drill) out.push(at('drill', spec.drill.schedule));
  return out;
};

export const imageSchedules = (spec: Image['spec']): ScheduleAt[] =>
  spec.drill ? [at('drill', spec.drill.schedule)] : [];

const MAX_CACHED = 10_000;
const checked = new Map<string, CronCheck>();

/** `checkCron`, cached per expression: thousands of policies share a handful of crons. */
export const checkCronCached = (expression: string): CronCheck => {
  let result = checked.get(expression);
  if (!result) {
    result = checkCron(expression);
    if (checked.size >= MAX_CACHED) checked.clear();
    checked.set(expression, result);
  }
  return result;
};

export const isValidCron = (expression: string): boolean => checkCronCached(expression).ok;
