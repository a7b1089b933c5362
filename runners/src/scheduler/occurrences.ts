import { maxIntervalSeconds, nextRuns } from '@lifeboat/core';

// Scheduled run times between two instants, from core's nextRuns only, so the runner, the plan and the
// rules share one reading of cron in a time zone (DST included: see due.ts).

/** Occurrences asked of cron-parser per call: one parse serves several steps. */
const CHUNK = 32;

/** An extra margin on the longest gap: core computes it without DST, which moves runs by up to an hour. */
const DST_SLACK_MS = 2 * 3_600_000;

export interface Occurrences {
  /** Run times in (after, until], oldest first, at most `limit` of them. */
  times: Date[];
  /** More occurrences lie in the range than `limit`. */
  truncated: boolean;
}

/** Run times of `cron` in `timezone` in (after, until], at most `limit`. Throws on an invalid cron or zone. */
export const occurrencesBetween = (
  cron: string,
  timezone: string,
  after: Date,
  until: Date,
  limit: number,
): Occurrences => {
  const times: Date[] = [];
  let cursor = after;
  while (times.length < limit) {
    const batch = nextRuns(cron, timezone, cursor, CHUNK);
    for (const at of batch) {
      if (at.getTime() > until.getTime()) return { times, truncated: false };
      if (times.length === limit) return { times, truncated: true };
      times.push(at);
    }
    cursor = batch[batch.length - 1] as Date;
  }
  // The limit was reached exactly: one more step says whether anything is left.
  const [next] = nextRuns(cron, timezone, cursor, 1);
  return { times, truncated: next !== undefined && next.getTime() <= until.getTime() };
};

/**
 * How far back the latest run time before any instant can lie: the longest gap between two runs of
 * the cron, plus the DST margin. The latest occurrence at or before `now` is always within it.
 */
export const lookBackMs = (cron: string): number => maxIntervalSeconds(cron) * 1000 + DST_SLACK_MS;

/** The latest run time at or before `now`, found by walking forward from one look-back before it. */
export const latestOccurrence = (cron: string, timezone: string, now: Date): Date | undefined => {
  const from = new Date(now.getTime() - lookBackMs(cron));
  // Walk in bounded steps and keep only the last: a minutely cron has ~120 run times in its look-back.
  let latest: Date | undefined;
  let cursor = from;
  for (;;) {
    const { times, truncated } = occurrencesBetween(cron, timezone, cursor, now, 512);
    if (times.length > 0) latest = times[times.length - 1];
    if (!truncated || !latest) return latest;
    cursor = latest;
  }
};
