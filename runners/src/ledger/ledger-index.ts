import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { checkRunRecord, type Problem, type RunRecord } from '@lifeboat/core';
import { writeFileAtomic } from './atomic-write.js';
import {
  compareRecords,
  INDEX_FILE,
  jobKey,
  monthOf,
  type RunJobKind,
  type RunOutcome,
  type RunSubject,
  recordKeys,
  siteDir,
} from './layout.js';
import { countMonth, ledgerProblem, listMonths, scanMonth } from './scan.js';

// The scheduler asks "when did this job last succeed?" for every job on every tick: one small file per site
// answers it instead of parsing every record. The records stay the truth; this file is a cache that
// checks itself against them and repairs itself.

export type OutcomeCounts = Partial<Record<RunOutcome, number>>;

interface IndexEntry {
  last: RunRecord;
  lastSuccess?: RunRecord;
}

interface MonthSummary {
  /** Record files in the month folder when this summary was made: a different count means it is stale. */
  files: number;
  /** Runs per job key and outcome, so `lifeboat_runs_total` needs no scan. */
  runs: Record<string, OutcomeCounts>;
}

interface IndexFile {
  apiVersion: 'lifeboat/v1';
  kind: 'RunIndex';
  site: string;
  months: Record<string, MonthSummary>;
  entries: Record<string, IndexEntry>;
}

/** Only the newest months gain records in normal operation; older ones are re-counted when they appear or vanish. */
const VERIFIED_MONTHS = 2;

export interface LedgerIndex {
  site: string;
  /** The most recent run of a job, whatever its outcome. */
  last(subject: RunSubject, job: RunJobKind): RunRecord | undefined;
  /** The most recent run that ended `ok`. */
  lastSuccess(subject: RunSubject, job: RunJobKind): RunRecord | undefined;
  /** Every run of a job ever recorded, by outcome. */
  totals(subject: RunSubject, job: RunJobKind): OutcomeCounts;
  /** Start of the newest record in the ledger (ms), if any. */
  newestStartedAt: number | undefined;
  /** Files that could not be used, found while (re)building. */
  problems: Problem[];
}

const indexPath = (stateDir: string, site: string) => path.join(siteDir(stateDir, site), INDEX_FILE);

const emptyIndex = (site: string): IndexFile => ({
  apiVersion: 'lifeboat/v1',
  kind: 'RunIndex',
  site,
  months: {},
  entries: {},
});

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The index as written, or undefined when it is missing, torn, foreign or holds anything but valid records. */
const readIndexFile = (stateDir: string, site: string): IndexFile | undefined => {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(indexPath(stateDir, site), 'utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(value) || value.kind !== 'RunIndex' || value.site !== site) return undefined;
  if (!isObject(value.months) || !isObject(value.entries)) return undefined;
  for (const summary of Object.values(value.months)) {
    if (!isObject(summary) || typeof summary.files !== 'number' || !isObject(summary.runs)) return undefined;
  }
  for (const entry of Object.values(value.entries)) {
    if (!isObject(entry) || !checkRunRecord(entry.last).ok) return undefined;
    if (entry.lastSuccess !== undefined && !checkRunRecord(entry.lastSuccess).ok) return undefined;
  }
  return value as unknown as IndexFile;
};

/** Fold one record into the entries: newer wins, so folding the same record twice changes nothing. */
const foldEntry = (index: IndexFile, record: RunRecord): void => {
  for (const key of recordKeys(record)) {
    const entry = index.entries[key];
    if (entry === undefined) {
      index.entries[key] = record.outcome === 'ok' ? { last: record, lastSuccess: record } : { last: record };
      continue;
    }
    if (compareRecords(record, entry.last) > 0) entry.last = record;
    if (
      record.outcome === 'ok' &&
      (entry.lastSuccess === undefined || compareRecords(record, entry.lastSuccess) > 0)
    )
      entry.lastSuccess = record;
  }
};

const countRun = (runs: Record<string, OutcomeCounts>, record: RunRecord): void => {
  for (const key of recordKeys(record)) {
    const counts = runs[key] ?? {};
    counts[record.outcome] = (counts[record.outcome] ?? 0) + 1;
    runs[key] = counts;
  }
};

/** Replace one month's summary from its files and fold its records in. */
const rescanMonth = (stateDir: string, index: IndexFile, month: string, problems: Problem[]): void => {
  const scan = scanMonth(stateDir, index.site, month);
  problems.push(...scan.problems);
  const runs: Record<string, OutcomeCounts> = {};
  for (const record of scan.records) {
    countRun(runs, record);
    foldEntry(index, record);
  }
  index.months[month] = { files: scan.files, runs };
};

const rebuild = (stateDir: string, site: string, problems: Problem[]): IndexFile => {
  const index = emptyIndex(site);
  for (const month of listMonths(stateDir, site, problems)) rescanMonth(stateDir, index, month, problems);
  return index;
};

/**
 * Load the index and check it against the folders: a month it does not know, or one of the newest months
 * whose file count differs (a writer that crashed between record and index, or two writers that raced), is
 * re-read; a month that vanished means a full rebuild. Returns whether anything had to be repaired.
 */
const loadVerified = (
  stateDir: string,
  site: string,
  problems: Problem[],
): { index: IndexFile; repaired: boolean } => {
  const stored = readIndexFile(stateDir, site);
  const months = listMonths(stateDir, site, problems);
  if (stored === undefined) return { index: rebuild(stateDir, site, problems), repaired: months.length > 0 };
  if (Object.keys(stored.months).some((m) => !months.includes(m))) {
    return { index: rebuild(stateDir, site, problems), repaired: true };
  }
  const newest = months.slice(-VERIFIED_MONTHS);
  const stale = months.filter(
    (m) =>
      stored.months[m] === undefined ||
      (newest.includes(m) && countMonth(stateDir, site, m, problems) !== stored.months[m]?.files),
  );
  for (const month of stale) rescanMonth(stateDir, stored, month, problems);
  return { index: stored, repaired: stale.length > 0 };
};

const save = (stateDir: string, index: IndexFile): Promise<void> =>
  writeFileAtomic(indexPath(stateDir, index.site), `${JSON.stringify(index)}\n`);

const view = (index: IndexFile, problems: Problem[]): LedgerIndex => {
  let newest: number | undefined;
  for (const entry of Object.values(index.entries)) {
    const started = Date.parse(entry.last.startedAt);
    if (newest === undefined || started > newest) newest = started;
  }
  return {
    site: index.site,
    last: (subject, job) => index.entries[jobKey(subject, job)]?.last,
    lastSuccess: (subject, job) => index.entries[jobKey(subject, job)]?.lastSuccess,
    totals: (subject, job) => {
      const key = jobKey(subject, job);
      const sum: OutcomeCounts = {};
      for (const month of Object.values(index.months)) {
        for (const [outcome, n] of Object.entries(month.runs[key] ?? {}) as [RunOutcome, number][])
          sum[outcome] = (sum[outcome] ?? 0) + n;
      }
      return sum;
    },
    newestStartedAt: newest,
    problems,
  };
};

// Writers in one process take turns on a site's index; across processes the self-check above repairs a lost update.
const queues = new Map<string, Promise<unknown>>();
const serialized = <T>(key: string, task: () => Promise<T>): Promise<T> => {
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.then(task, task);
  const settled = next.catch(() => undefined);
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return next;
};

export interface OpenIndexOptions {
  /** Write the repaired index back (default true). Reports pass false to stay read-only. */
  repair?: boolean;
}

/** The site's index, checked against the record folders (and repaired when it lagged). */
export const openLedgerIndex = async (
  stateDir: string,
  site: string,
  options: OpenIndexOptions = {},
): Promise<LedgerIndex> => {
  const problems: Problem[] = [];
  if (options.repair === false) return view(loadVerified(stateDir, site, problems).index, problems);
  // Load and repair inside the site's turn, so a repair never overwrites a record indexed meanwhile.
  const index = await serialized(indexPath(stateDir, site), async () => {
    const { index, repaired } = loadVerified(stateDir, site, problems);
    if (repaired) {
      await save(stateDir, index).catch((err: NodeJS.ErrnoException) => {
        // A read-only state directory still answers; the next writer repairs it.
        problems.push(
          ledgerProblem(
            stateDir,
            indexPath(stateDir, site),
            'ledger.index-unwritable',
            `cannot update the index (${err.code ?? 'error'})`,
          ),
        );
      });
    }
    return index;
  });
  return view(index, problems);
};

/** Forget the index and build it again from every record. */
export const rebuildLedgerIndex = async (stateDir: string, site: string): Promise<LedgerIndex> => {
  const problems: Problem[] = [];
  const index = rebuild(stateDir, site, problems);
  await mkdir(siteDir(stateDir, site), { recursive: true });
  await serialized(indexPath(stateDir, site), () => save(stateDir, index));
  return view(index, problems);
};

/** When a job last succeeded (outcome `ok`): the scheduler's question. Batch callers use openLedgerIndex once. */
export const lastSuccess = async (
  stateDir: string,
  site: string,
  subject: RunSubject,
  job: RunJobKind,
): Promise<RunRecord | undefined> => (await openLedgerIndex(stateDir, site)).lastSuccess(subject, job);

/**
 * Make sure the site has an index before a record is written, so the record is counted exactly once: by the
 * rebuild (when it happens after the write) or by indexRecord (after this). Writers in this process queue
 * behind each other here, so none of their records can land between a rebuild's scan and its save.
 */
export const ensureIndex = (stateDir: string, site: string): Promise<void> =>
  serialized(indexPath(stateDir, site), async () => {
    if (existsSync(indexPath(stateDir, site))) return;
    await mkdir(siteDir(stateDir, site), { recursive: true });
    await save(stateDir, rebuild(stateDir, site, []));
  });

/**
 * Account for a record that was just written: fold it in and raise its month's count by one, so a lost
 * concurrent update (another process) shows as a count that no longer matches the folder. An index that
 * went missing or unusable meanwhile is rebuilt from the folders, which already hold the record.
 */
export const indexRecord = (stateDir: string, record: RunRecord): Promise<void> =>
  serialized(indexPath(stateDir, record.site), async () => {
    const stored = readIndexFile(stateDir, record.site);
    if (stored === undefined) {
      await save(stateDir, rebuild(stateDir, record.site, []));
      return;
    }
    const month = monthOf(record.startedAt);
    const summary = stored.months[month] ?? { files: 0, runs: {} };
    stored.months[month] = summary;
    summary.files += 1;
    countRun(summary.runs, record);
    foldEntry(stored, record);
    await save(stateDir, stored);
  });
