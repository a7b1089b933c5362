import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Problem, RunRecord } from '@lifeboat/core';
import {
  compareRecords,
  type LedgerView,
  loadLedgerView,
  type RunFilter,
  type RunRecords,
  readRunRecords,
  viewFromRecords,
} from '@lifeboat/runners';

// The bot's records may sit in two ledgers (its own, and the mirror of the sites' artifacts); readers want one.

const keyOf = (r: RunRecord) => `${r.site}\u0000${r.id}`;

/** Records from every directory, a record found twice counted once (the first directory wins). Oldest first. */
export const readMergedRecords = async (
  stateDirs: readonly string[],
  filter: RunFilter = {},
): Promise<RunRecords> => {
  const seen = new Map<string, RunRecord>();
  const problems: Problem[] = [];
  for (const dir of stateDirs) {
    const read = await readRunRecords(dir, filter);
    problems.push(...read.problems);
    for (const r of read.records) if (!seen.has(keyOf(r))) seen.set(keyOf(r), r);
  }
  return { records: [...seen.values()].sort(compareRecords), problems };
};

/**
 * The report's view over several ledgers. A site found in one ledger is read through its index as usual; a site
 * found in several is read in full and merged (the index of one ledger knows nothing of the other).
 */
export const loadMergedLedgerView = async (
  stateDirs: readonly string[],
  sites: readonly string[],
  now: Date,
  windowSeconds: number,
): Promise<LedgerView> => {
  const single: { site: string; stateDir: string }[] = [];
  const merged: string[] = [];
  for (const site of sites) {
    const dirs = stateDirs.filter((d) => existsSync(path.join(d, 'runs', site)));
    if (dirs.length > 1) merged.push(site);
    else single.push({ site, stateDir: dirs[0] ?? stateDirs[0] ?? '.' });
  }
  const base = await loadLedgerView(single, now, windowSeconds);
  if (merged.length === 0) return base;
  const views = new Map<string, LedgerView>();
  const window = [...base.window];
  const problems = [...base.problems];
  for (const site of merged) {
    const read = await readMergedRecords(stateDirs, { site, until: now });
    const view = viewFromRecords(read.records, now, windowSeconds, read.problems);
    views.set(site, view);
    window.push(...view.window);
    problems.push(...read.problems);
  }
  return {
    history: (site, subject, job) => (views.get(site) ?? base).history(site, subject, job),
    window: window.sort(compareRecords),
    problems,
  };
};
