// One row of the demo's summary per job run: what ran, how it ended, and the figure that proves it, read
// from the job's run records (not from its log); a failing step carries its catalogue fix.
import { CORE_CATALOGUE, formatDuration, type RunRecord } from '@lifeboat/core';
import { RUNNER_CATALOGUE } from '../catalogue/catalogue.js';
import type { Report } from '../reports/index.js';
import type { JobEnd } from '../run/events.js';
import { JOB_END_MARK, table } from '../run/terminal.js';
import { formatBytes } from '../tools/disk/space.js';

export type DemoStepName =
  | 'validate'
  | 'backup'
  | 'forget'
  | 'prune'
  | 'check'
  | 'drill'
  | 'image-capture'
  | 'image-restore'
  | 'image-drill'
  | 'sync'
  | 'report'
  | 'docs';

export interface DemoStep {
  step: DemoStepName;
  subject: string;
  outcome: JobEnd;
  durationSeconds: number;
  /** The key figure: files and bytes, RTO measured vs objective, hashes equal, fsck clean, sync equal. */
  figure: string;
  /** Ids of the run records the step wrote. */
  records: string[];
  error?: { code: string; message: string };
  /** The catalogue's fix for the error's code. */
  fix?: string;
  /** Why a job did not run (skipped, not started). */
  reason?: string;
}

/** Extra catalogues (the validation rules' codes) join through `extra`. */
export const fixFor = (
  code: string,
  extra: Readonly<Record<string, { fix: string }>> = {},
): string | undefined => (extra[code] ?? RUNNER_CATALOGUE[code] ?? CORE_CATALOGUE[code])?.fix;

const num = (r: RunRecord, key: string): number | undefined => {
  const v = r.stats?.[key];
  return typeof v === 'number' ? v : undefined;
};
const str = (r: RunRecord, key: string): string | undefined => {
  const v = r.stats?.[key];
  return v === undefined ? undefined : String(v);
};
const bytes = (n: number | undefined) => (n === undefined ? '?' : formatBytes(n));
const rtoText = (r: RunRecord) =>
  r.rto
    ? `RTO ${formatDuration(r.rto.measuredSeconds)} vs ${formatDuration(r.rto.objectiveSeconds)} ${r.rto.met ? 'met' : 'MISSED'}`
    : undefined;
/** `p1 boot (vfat): re-capture equal, fsck clean, read-back equal; …` → short verdicts. */
const checksText = (details: string | undefined): string => {
  if (details === undefined) return '';
  const all = (what: string, good: string) => {
    const found = [...details.matchAll(new RegExp(`${what} ([A-Za-z/ -]+?)(?:,|;|$)`, 'g'))].map((m) => m[1]);
    if (found.length === 0) return undefined;
    return found.every((f) => f === good) ? `${what} ${good}` : `${what} ${found.join('/')}`;
  };
  return [all('re-capture', 'equal'), all('fsck', 'clean'), all('read-back', 'equal')]
    .filter((t): t is string => t !== undefined)
    .join(', ');
};

/** The key figure of a step from its records (the first is enough: shared jobs write one per subject). */
export const figureOf = (step: DemoStepName, records: readonly RunRecord[]): string => {
  const r = records[0];
  if (!r) return '';
  if (r.outcome !== 'ok' && r.error) return r.error.code;
  switch (step) {
    case 'backup': {
      const files = num(r, 'files_new') ?? num(r, 'total_files_processed');
      return `${files ?? '?'} files, ${bytes(num(r, 'total_bytes_processed') ?? num(r, 'data_added'))}${r.snapshotId ? `, snapshot ${r.snapshotId.slice(0, 8)}` : ''}`;
    }
    case 'forget':
      return `${num(r, 'kept_snapshots') ?? '?'} snapshot(s) kept, ${num(r, 'removed_snapshots') ?? '?'} removed`;
    case 'check': {
      const subset = str(r, 'read_data_subset');
      const packs = num(r, 'packs_read');
      return `no errors${subset ? `, subset ${subset}` : ''}${packs === undefined ? '' : ` (${packs} of ${num(r, 'total_packs') ?? '?'} packs read)`}`;
    }
    case 'drill': {
      const verified = `${num(r, 'files_verified') ?? '?'}`;
      const sampled = num(r, 'snapshot_files');
      const head =
        str(r, 'kind') === 'sample'
          ? `sample: ${verified} of ${sampled ?? '?'} files verified`
          : `${verified} files, ${bytes(num(r, 'restored_bytes'))} verified`;
      return [head, rtoText(r)].filter(Boolean).join(', ');
    }
    case 'image-capture':
      return `${num(r, 'partitions') ?? '?'} partitions, ${bytes(num(r, 'usedBytes'))} used → ${bytes(num(r, 'storedBytes'))} stored`;
    case 'image-restore':
      return checksText(r.verification?.details) || (r.verification?.passed ? 'verified' : '');
    case 'image-drill':
      return [rtoText(r), checksText(r.verification?.details)].filter(Boolean).join(', ');
    case 'sync': {
      const diff = num(r, 'check_differences') ?? 0;
      const missing = num(r, 'check_missing') ?? 0;
      const equal = diff === 0 && missing === 0;
      return `${num(r, 'transfers') ?? '?'} files, ${bytes(num(r, 'bytes'))}; check ${equal ? 'equal' : `${diff} differ, ${missing} missing`}`;
    }
    default:
      return '';
  }
};

const took = (seconds: number) => (seconds < 10 ? `${seconds.toFixed(1)}s` : formatDuration(seconds));

/** The summary table: step, subject, outcome, duration, key figure. */
export const renderDemoTable = (steps: readonly DemoStep[]): string =>
  table([
    ['STEP', 'SUBJECT', 'OUTCOME', 'DURATION', 'KEY FIGURE'],
    ...steps.map((s) => [s.step, s.subject, JOB_END_MARK[s.outcome], took(s.durationSeconds), s.figure]),
  ]);

const ago = (seconds: number | null) => (seconds === null ? '-' : `${formatDuration(seconds)} ago`);

/** The objectives report (buildReport) as a terminal table: one row per policy or image. */
export const renderReportTable = (report: Report): string =>
  table([
    ['SUBJECT', 'STATUS', 'LAST DATA', 'RPO', 'DRILL RTO', 'WHY'],
    ...report.rows.map((r) => [
      `${r.kind} ${r.name}`,
      r.status,
      ago(r.ageSeconds),
      r.rpoSeconds === null ? '-' : formatDuration(r.rpoSeconds),
      r.drill.rtoMeasuredSeconds === null
        ? '-'
        : `${took(r.drill.rtoMeasuredSeconds)}${r.drill.rtoObjectiveSeconds === null ? '' : ` of ${formatDuration(r.drill.rtoObjectiveSeconds)}`}`,
      r.reasons[0] ?? '',
    ]),
  ]);
