import type { Problem, RunRecord } from '@lifeboat/core';
import { compareRecords, monthOf, type RunJobKind, type RunOutcome } from './layout.js';
import { listMonths, listSites, scanMonth } from './scan.js';

// Listing and reporting read records here: damaged or foreign files become problems, never crashes.

export interface RunFilter {
  site?: string;
  policy?: string;
  image?: string;
  job?: RunJobKind;
  outcome?: RunOutcome;
  /** Runs that started at or after this instant. */
  since?: Date;
  /** Runs that started at or before this instant. */
  until?: Date;
}

export interface RunRecords {
  /** Oldest first. */
  records: RunRecord[];
  problems: Problem[];
}

const matches = (record: RunRecord, filter: RunFilter, since: number, until: number): boolean => {
  const started = Date.parse(record.startedAt);
  return (
    started >= since &&
    started <= until &&
    (filter.policy === undefined || record.policy === filter.policy) &&
    (filter.image === undefined || record.image === filter.image) &&
    (filter.job === undefined || record.job === filter.job) &&
    (filter.outcome === undefined || record.outcome === filter.outcome)
  );
};

/** Records matching `filter`; month folders outside [since, until] are not opened. */
export const readRunRecords = async (stateDir: string, filter: RunFilter = {}): Promise<RunRecords> => {
  const problems: Problem[] = [];
  const since = filter.since?.getTime() ?? Number.NEGATIVE_INFINITY;
  const until = filter.until?.getTime() ?? Number.POSITIVE_INFINITY;
  const firstMonth = Number.isFinite(since) ? monthOf(new Date(since).toISOString()) : '';
  const lastMonth = Number.isFinite(until) ? monthOf(new Date(until).toISOString()) : '9999/99';
  const sites = filter.site === undefined ? listSites(stateDir, problems) : [filter.site];
  const records: RunRecord[] = [];
  for (const site of sites) {
    for (const month of listMonths(stateDir, site, problems)) {
      if (month < firstMonth || month > lastMonth) continue;
      const scan = scanMonth(stateDir, site, month);
      problems.push(...scan.problems);
      for (const record of scan.records) if (matches(record, filter, since, until)) records.push(record);
    }
  }
  records.sort(compareRecords);
  return { records, problems };
};
