import { type BackupPolicy, checkCron, isValidTimezone, nextRuns, type Site } from '@lifeboat/core';
import { describeCron } from './cron-words.js';
import { formatInZone } from './time-words.js';

// A schedule as a page states it: words, the zone it is read in, and the next runs after `now`.

export interface Schedule {
  cron: string;
  timezone?: string;
}

/** The zone a schedule runs in: its own, else the site's, else UTC. */
export const scheduleZone = (schedule: Schedule, site: Site | undefined): string =>
  schedule.timezone ?? site?.spec.timezone ?? 'UTC';

/** "every day at 03:00 (America/Chicago time)". */
export const scheduleWords = (schedule: Schedule, site: Site | undefined): string =>
  `${describeCron(schedule.cron)} (${scheduleZone(schedule, site)} time)`;

// cron-parser takes ~1.4 ms for three runs in a zone; the policy page and the status page ask the same
// question, and large inventories share crons. Bounded, keyed by everything the answer depends on.
const runCache = new Map<string, string[]>();

/** The next `count` runs after `now`, formatted in the schedule's zone; empty when the cron is invalid. */
export const nextRunWords = (schedule: Schedule, site: Site | undefined, now: Date, count = 3): string[] => {
  const zone = scheduleZone(schedule, site);
  const key = `${schedule.cron}\u0000${zone}\u0000${now.getTime()}\u0000${count}`;
  const cached = runCache.get(key);
  if (cached !== undefined) return cached;
  const runs =
    !checkCron(schedule.cron).ok || !isValidTimezone(zone)
      ? []
      : nextRuns(schedule.cron, zone, now, count).map((d) => formatInZone(d, zone));
  if (runCache.size >= 10_000) runCache.clear();
  runCache.set(key, runs);
  return runs;
};

export const policySchedule = (policy: BackupPolicy): Schedule => policy.spec.schedule;
