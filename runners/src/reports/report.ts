import {
  type BackupPolicy,
  formatDuration,
  type Image,
  type Inventory,
  maxIntervalSeconds,
  type Problem,
  parseDuration,
  RUN_JOBS,
  RUN_OUTCOMES,
  type RunRecord,
} from '@lifeboat/core';
import type { OutcomeCounts, RunJobKind, RunOutcome, RunSubject } from '../ledger/index.js';
import { type LedgerView, subjectMatches } from './ledger-view.js';

// Per policy and image: are the objectives met right now, and if not, why — one status colour with reasons.

export type ReportStatus = 'red' | 'amber' | 'green';

/** The schema's job kinds, in its order. */
export const REPORT_JOBS: readonly RunJobKind[] = RUN_JOBS;

export const REPORT_OUTCOMES: readonly RunOutcome[] = RUN_OUTCOMES;

export interface ReportJobSummary {
  job: RunJobKind;
  lastRunAt: string | null;
  lastOutcome: RunOutcome | null;
  lastErrorCode: string | null;
  lastSuccessAt: string | null;
  /** Every run recorded, by outcome. */
  totals: OutcomeCounts;
}

export interface ReportDrillSummary {
  /** Longest gap between scheduled drills; null when no drill is scheduled. */
  cadenceSeconds: number | null;
  lastAt: string | null;
  outcome: RunOutcome | null;
  ageSeconds: number | null;
  /** The restore time the newest successful drill measured; null when it measured none (a sample drill). */
  rtoMeasuredSeconds: number | null;
  rtoObjectiveSeconds: number | null;
  /** null: unknown (no objective, or nothing measured; the row is amber when an objective is unproven). */
  rtoMet: boolean | null;
}

export interface ReportRow {
  kind: 'policy' | 'image';
  name: string;
  site: string;
  status: ReportStatus;
  /** Every finding, red ones first; `reasons[0]` is the headline. */
  reasons: string[];
  /** The job that makes the data: backup for a policy, image-capture for an image. */
  primaryJob: RunJobKind;
  lastSuccessAt: string | null;
  /** Since the start of the last successful primary job: the data's age. */
  ageSeconds: number | null;
  rpoSeconds: number | null;
  lastRun: { job: RunJobKind; outcome: RunOutcome; startedAt: string; errorCode: string | null } | null;
  drill: ReportDrillSummary;
  window: { runs: number; ok: number; successRate: number | null };
  jobs: ReportJobSummary[];
}

export interface Report {
  version: 1;
  generatedAt: string;
  windowSeconds: number;
  summary: Record<ReportStatus, number>;
  rows: ReportRow[];
  /** Ledger files that could not be used (reported, never fatal). */
  problems: Problem[];
}

export interface ReportOptions {
  now: Date;
  /** Success-rate window; default 30 days. */
  windowSeconds?: number;
  /** Only this site's policies and images. */
  site?: string;
  /** Amber below this success rate (default 0.99). */
  minSuccessRate?: number;
  /** Amber once the backup's age passes this share of the RPO (default 0.8). */
  rpoWarnFraction?: number;
  /** A drill is overdue once its age passes cadence × (1 + this) (default 0.1: room for the run and the tick). */
  drillGrace?: number;
}

export const DEFAULT_REPORT_WINDOW_SECONDS = 30 * 86_400;

const seconds = (ms: number) => Math.max(0, Math.round(ms / 1000));
const day = (iso: string) => new Date(iso).toISOString().slice(0, 10);
const percent = (rate: number) => `${(Math.floor(rate * 1000) / 10).toFixed(1)} %`;
const ended = (r: RunRecord) => `${r.outcome}${r.error ? ` (${r.error.code})` : ''}`;

const cronInterval = (cron: string | undefined): number | null => {
  if (cron === undefined) return null;
  try {
    return maxIntervalSeconds(cron);
  } catch {
    return null; // an invalid cron is validate's to report, not the report's
  }
};

const duration = (text: string | undefined): number | null =>
  text === undefined ? null : (parseDuration(text) ?? null);

interface Subjectish {
  kind: 'policy' | 'image';
  name: string;
  site: string;
  primaryJob: RunJobKind;
  rpoSeconds: number | null;
  rtoSeconds: number | null;
  scheduleCron: string | undefined;
  drillCron: string | undefined;
}

const fromPolicy = (p: BackupPolicy): Subjectish => ({
  kind: 'policy',
  name: p.metadata.name,
  site: p.spec.site,
  primaryJob: 'backup',
  rpoSeconds: duration(p.spec.objectives?.rpo),
  rtoSeconds: duration(p.spec.objectives?.rto),
  scheduleCron: p.spec.schedule.cron,
  drillCron: p.spec.drill?.schedule.cron,
});

const fromImage = (i: Image): Subjectish => ({
  kind: 'image',
  name: i.metadata.name,
  site: i.spec.site,
  primaryJob: 'image-capture',
  rpoSeconds: null,
  rtoSeconds: duration(i.spec.objectives?.rto),
  scheduleCron: undefined,
  drillCron: i.spec.drill?.schedule.cron,
});

const rowFor = (
  s: Subjectish,
  view: LedgerView,
  options: Required<Omit<ReportOptions, 'site'>>,
): ReportRow => {
  const now = options.now.getTime();
  const subject: RunSubject = s.kind === 'policy' ? { policy: s.name } : { image: s.name };
  const histories = REPORT_JOBS.map((job) => ({ job, ...view.history(s.site, subject, job) }));
  const jobs: ReportJobSummary[] = histories
    .filter((h) => h.last !== undefined || Object.keys(h.totals).length > 0)
    .map((h) => ({
      job: h.job,
      lastRunAt: h.last?.startedAt ?? null,
      lastOutcome: h.last?.outcome ?? null,
      lastErrorCode: h.last?.error?.code ?? null,
      lastSuccessAt: h.lastSuccess?.startedAt ?? null,
      totals: h.totals,
    }));
  const red: string[] = [];
  const amber: string[] = [];

  // The data: age of the newest good copy against the RPO.
  const primary = histories.find((h) => h.job === s.primaryJob);
  const success = primary?.lastSuccess;
  const ageSeconds = success ? seconds(now - Date.parse(success.startedAt)) : null;
  if (ageSeconds === null) {
    red.push(s.kind === 'policy' ? 'no successful backup recorded' : 'no successful image capture recorded');
  } else if (s.rpoSeconds !== null) {
    if (ageSeconds > s.rpoSeconds)
      red.push(
        `last successful backup ${formatDuration(ageSeconds)} ago exceeds RPO ${formatDuration(s.rpoSeconds)}`,
      );
    else if (ageSeconds > s.rpoSeconds * options.rpoWarnFraction)
      amber.push(
        `last successful backup ${formatDuration(ageSeconds)} ago is close to RPO ${formatDuration(s.rpoSeconds)}`,
      );
  } else if (s.kind === 'policy') {
    const interval = cronInterval(s.scheduleCron);
    if (interval !== null && ageSeconds > 2 * interval)
      amber.push(
        `last successful backup ${formatDuration(ageSeconds)} ago, over twice the schedule interval ${formatDuration(interval)} (no RPO set)`,
      );
  }

  // Drills: the last one passed, its restore met the RTO, and it is not overdue.
  const drillHistory = histories.find((h) => h.job === 'drill');
  const lastDrill = drillHistory?.last;
  const goodDrill = drillHistory?.lastSuccess;
  const cadenceSeconds = cronInterval(s.drillCron);
  const drillAge = lastDrill ? seconds(now - Date.parse(lastDrill.startedAt)) : null;
  // Only a drill that timed a whole restore proves the RTO (a full-restore drill, an image drill: they record
  // `rto`). A sample drill restores a few files; its duration would show a green that nothing measured.
  const rtoMeasured = goodDrill?.rto?.measuredSeconds ?? null;
  const rtoObjective = s.rtoSeconds ?? goodDrill?.rto?.objectiveSeconds ?? null;
  const rtoMet = rtoMeasured !== null && rtoObjective !== null ? rtoMeasured <= rtoObjective : null;
  if (lastDrill !== undefined) {
    if (lastDrill.outcome !== 'ok')
      red.push(`last drill on ${day(lastDrill.startedAt)} ended ${ended(lastDrill)}`);
    else if (lastDrill.verification?.passed === false)
      red.push(
        `last drill on ${day(lastDrill.startedAt)} failed verification (${lastDrill.verification.method})`,
      );
  }
  if (rtoMet === false && rtoMeasured !== null && rtoObjective !== null)
    red.push(`drill restore took ${formatDuration(rtoMeasured)}, over RTO ${formatDuration(rtoObjective)}`);
  if (goodDrill !== undefined && rtoMeasured === null && rtoObjective !== null)
    amber.push(
      `RTO ${formatDuration(rtoObjective)} not measured: the last passing drill on ${day(goodDrill.startedAt)} timed no full restore (sample drills do not; schedule a full drill)`,
    );
  if (cadenceSeconds !== null) {
    if (drillAge === null) amber.push('no drill recorded yet');
    else if (drillAge > cadenceSeconds * (1 + options.drillGrace))
      amber.push(
        `last drill ${formatDuration(drillAge)} ago, past its cadence of ${formatDuration(cadenceSeconds)}`,
      );
  }
  if (s.rtoSeconds !== null && rtoMeasured === null && lastDrill === undefined && cadenceSeconds === null)
    amber.push(`RTO ${formatDuration(s.rtoSeconds)} is not proven: no drill scheduled`);

  // Other jobs whose latest run did not end well (the primary job's failure matters even within the RPO).
  for (const h of histories) {
    if (h.job === 'drill' || h.last === undefined || h.last.outcome === 'ok') continue;
    amber.push(`last ${h.job} on ${day(h.last.startedAt)} ended ${ended(h.last)}`);
  }

  // Reliability over the window; a cancelled run is somebody's decision, not a failure.
  const inWindow = view.window.filter(
    (r) => r.site === s.site && subjectMatches(r, subject) && r.outcome !== 'cancelled',
  );
  const ok = inWindow.filter((r) => r.outcome === 'ok').length;
  const successRate = inWindow.length > 0 ? ok / inWindow.length : null;
  if (successRate !== null && successRate < options.minSuccessRate)
    amber.push(
      `success rate ${percent(successRate)} over ${formatDuration(options.windowSeconds)} (${ok} of ${inWindow.length} runs)`,
    );

  const newest = histories
    .map((h) => h.last)
    .filter((r): r is RunRecord => r !== undefined)
    .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || (a.id < b.id ? 1 : -1))[0];
  const status: ReportStatus = red.length > 0 ? 'red' : amber.length > 0 ? 'amber' : 'green';
  return {
    kind: s.kind,
    name: s.name,
    site: s.site,
    status,
    reasons: status === 'green' ? ['all objectives met'] : [...red, ...amber],
    primaryJob: s.primaryJob,
    lastSuccessAt: success?.startedAt ?? null,
    ageSeconds,
    rpoSeconds: s.rpoSeconds,
    lastRun: newest
      ? {
          job: newest.job,
          outcome: newest.outcome,
          startedAt: newest.startedAt,
          errorCode: newest.error?.code ?? null,
        }
      : null,
    drill: {
      cadenceSeconds,
      lastAt: lastDrill?.startedAt ?? null,
      outcome: lastDrill?.outcome ?? null,
      ageSeconds: drillAge,
      rtoMeasuredSeconds: rtoMeasured,
      rtoObjectiveSeconds: rtoObjective,
      rtoMet,
    },
    window: { runs: inWindow.length, ok, successRate },
    jobs,
  };
};

/** One row per policy and image in the inventory (optionally one site's), in site, kind, name order. */
export const buildReport = (inventory: Inventory, view: LedgerView, options: ReportOptions): Report => {
  const settings = {
    now: options.now,
    windowSeconds: options.windowSeconds ?? DEFAULT_REPORT_WINDOW_SECONDS,
    minSuccessRate: options.minSuccessRate ?? 0.99,
    rpoWarnFraction: options.rpoWarnFraction ?? 0.8,
    drillGrace: options.drillGrace ?? 0.1,
  };
  const subjects = [
    ...inventory.policies.map((e) => fromPolicy(e.value)),
    ...inventory.images.map((e) => fromImage(e.value)),
  ]
    .filter((s) => options.site === undefined || s.site === options.site)
    .sort(
      (a, b) => a.site.localeCompare(b.site) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name),
    );
  const rows = subjects.map((s) => rowFor(s, view, settings));
  const summary: Record<ReportStatus, number> = { red: 0, amber: 0, green: 0 };
  for (const row of rows) summary[row.status] += 1;
  return {
    version: 1,
    generatedAt: options.now.toISOString(),
    windowSeconds: settings.windowSeconds,
    summary,
    rows,
    problems: view.problems,
  };
};
