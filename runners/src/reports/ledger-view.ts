import type { Problem, RunRecord } from '@lifeboat/core';
import {
  compareRecords,
  type OutcomeCounts,
  openLedgerIndex,
  type RunJobKind,
  type RunSubject,
  readRunRecords,
} from '../ledger/index.js';

// What a report needs from the ledger, as of a moment: per job the latest runs and totals, plus the window.

export interface JobHistory {
  last?: RunRecord;
  lastSuccess?: RunRecord;
  /** All runs ever (up to the report's moment), by outcome. */
  totals: OutcomeCounts;
}

export interface LedgerView {
  history(site: string, subject: RunSubject, job: RunJobKind): JobHistory;
  /** Runs that started within the window ending at the report's moment, oldest first. */
  window: RunRecord[];
  problems: Problem[];
}

/** Whether a record is about this subject (a policy, an image, or the site itself). */
export const subjectMatches = (record: RunRecord, subject: RunSubject): boolean =>
  subject.policy !== undefined
    ? record.policy === subject.policy
    : subject.image !== undefined
      ? record.image === subject.image
      : record.policy === undefined && record.image === undefined;

const historyKey = (site: string, subject: RunSubject, job: RunJobKind) =>
  `${site}\u0000${subject.policy !== undefined ? `p:${subject.policy}` : subject.image !== undefined ? `i:${subject.image}` : 's'}\u0000${job}`;

/** The view from records in memory: everything after `now` is ignored, as if it had not happened yet. */
export const viewFromRecords = (
  records: readonly RunRecord[],
  now: Date,
  windowSeconds: number,
  problems: Problem[] = [],
): LedgerView => {
  const until = now.getTime();
  const since = until - windowSeconds * 1000;
  const past = records.filter((r) => Date.parse(r.startedAt) <= until).sort(compareRecords);
  const histories = new Map<string, JobHistory>();
  for (const record of past) {
    const subjects: RunSubject[] = [];
    if (record.policy !== undefined) subjects.push({ policy: record.policy });
    if (record.image !== undefined) subjects.push({ image: record.image });
    if (subjects.length === 0) subjects.push({});
    for (const subject of subjects) {
      const key = historyKey(record.site, subject, record.job);
      let h = histories.get(key);
      if (h === undefined) {
        h = { totals: {} };
        histories.set(key, h);
      }
      h.last = record; // oldest first, so the last seen is the newest
      if (record.outcome === 'ok') h.lastSuccess = record;
      h.totals[record.outcome] = (h.totals[record.outcome] ?? 0) + 1;
    }
  }
  return {
    history: (site, subject, job) => histories.get(historyKey(site, subject, job)) ?? { totals: {} },
    window: past.filter((r) => Date.parse(r.startedAt) >= since),
    problems,
  };
};

export interface SiteLedger {
  site: string;
  stateDir: string;
}

/**
 * Read what the report needs for each site. When the report's moment is not before the newest record (the
 * usual case), latest runs and totals come from the site's index and only the window's folders are read;
 * a report "as of" an earlier moment reads the site's records up to that moment instead. Read-only.
 */
export const loadLedgerView = async (
  sites: readonly SiteLedger[],
  now: Date,
  windowSeconds: number,
): Promise<LedgerView> => {
  const problems: Problem[] = [];
  const window: RunRecord[] = [];
  const indexed = new Map<string, Awaited<ReturnType<typeof openLedgerIndex>>>();
  const fromRecords = new Map<string, LedgerView>();
  const since = new Date(now.getTime() - windowSeconds * 1000);
  const seen = new Set<string>();
  for (const { site, stateDir } of sites) {
    const key = `${stateDir}\u0000${site}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const index = await openLedgerIndex(stateDir, site, { repair: false });
    problems.push(...index.problems);
    if (index.newestStartedAt === undefined || index.newestStartedAt <= now.getTime()) {
      indexed.set(site, index);
      const read = await readRunRecords(stateDir, { site, since, until: now });
      problems.push(...read.problems);
      window.push(...read.records);
    } else {
      const read = await readRunRecords(stateDir, { site, until: now });
      problems.push(...read.problems);
      const view = viewFromRecords(read.records, now, windowSeconds);
      fromRecords.set(site, view);
      window.push(...view.window);
    }
  }
  window.sort(compareRecords);
  // The index check and the window read may both meet the same bad file: say so once.
  const unique = new Map(problems.map((p) => [`${p.file}\u0000${p.code}`, p]));
  return {
    history: (site, subject, job) => {
      const index = indexed.get(site);
      if (index !== undefined) {
        const h: JobHistory = { totals: index.totals(subject, job) };
        const last = index.last(subject, job);
        const lastSuccess = index.lastSuccess(subject, job);
        if (last !== undefined) h.last = last;
        if (lastSuccess !== undefined) h.lastSuccess = lastSuccess;
        return h;
      }
      return fromRecords.get(site)?.history(site, subject, job) ?? { totals: {} };
    },
    window,
    problems: [...unique.values()],
  };
};
