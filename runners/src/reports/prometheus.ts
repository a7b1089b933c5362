import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { RunOutcome } from '../ledger/index.js';
import { writeFileAtomic } from '../ledger/index.js';
import {
  REPORT_OUTCOMES,
  type Report,
  type ReportJobSummary,
  type ReportRow,
  type ReportStatus,
} from './report.js';

// Metrics for node_exporter's textfile collector: Prometheus text exposition format 0.0.4, written atomically.

export const METRICS_FILE = 'lifeboat.prom';

/** Label values escape backslash, double quote and line feed; nothing else. */
export const escapeLabelValue = (value: string): string =>
  value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');

/** HELP text escapes backslash and line feed. */
const escapeHelp = (text: string): string => text.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');

const formatValue = (v: number): string =>
  Number.isNaN(v)
    ? 'NaN'
    : v === Number.POSITIVE_INFINITY
      ? '+Inf'
      : v === Number.NEGATIVE_INFINITY
        ? '-Inf'
        : String(v);

type Labels = ReadonlyArray<readonly [string, string]>;

interface Sample {
  labels: Labels;
  value: number;
}

interface Family {
  name: string;
  type: 'gauge' | 'counter';
  help: string;
  samples: Sample[];
}

const STATUS_VALUE: Record<ReportStatus, number> = { green: 0, amber: 1, red: 2 };

const subjectLabels = (r: ReportRow): Labels => [
  ['site', r.site],
  [r.kind, r.name],
];

const epoch = (iso: string) => Date.parse(iso) / 1000;
const epochOrNull = (iso: string | null) => (iso === null ? null : epoch(iso));

// Each family's samples come from one of three walks over the report, so policies and images, jobs and
// outcomes are labelled the same way everywhere; a null value means "no sample" (unknown, never zero).

/** One sample per policy or image, labelled site and policy|image. */
const perRow =
  (value: (r: ReportRow) => number | null) =>
  (report: Report): Sample[] =>
    report.rows.flatMap((r) => {
      const v = value(r);
      return v === null ? [] : [{ labels: subjectLabels(r), value: v }];
    });

/** One sample per job a policy or image has run, labelled also by job. */
const perJob =
  (value: (j: ReportJobSummary) => number | null) =>
  (report: Report): Sample[] =>
    report.rows.flatMap((r) =>
      r.jobs.flatMap((j) => {
        const v = value(j);
        return v === null ? [] : [{ labels: [...subjectLabels(r), ['job', j.job]] as Labels, value: v }];
      }),
    );

/** One sample per job and outcome, labelled also by job and outcome. */
const perOutcome =
  (value: (j: ReportJobSummary, outcome: RunOutcome) => number | null) =>
  (report: Report): Sample[] =>
    report.rows.flatMap((r) =>
      r.jobs.flatMap((j) =>
        REPORT_OUTCOMES.flatMap((outcome) => {
          const v = value(j, outcome);
          const labels: Labels = [...subjectLabels(r), ['job', j.job], ['outcome', outcome]];
          return v === null ? [] : [{ labels, value: v }];
        }),
      ),
    );

interface FamilySpec {
  name: string;
  type: Family['type'];
  help: string | ((report: Report) => string);
  samples: (report: Report) => Sample[];
}

/** A family and where its samples come from. */
const family = (
  name: string,
  type: Family['type'],
  help: FamilySpec['help'],
  samples: FamilySpec['samples'],
): FamilySpec => ({ name, type, help, samples });

/** Every family, in the order they are written. */
const FAMILIES: readonly FamilySpec[] = [
  family(
    'lifeboat_report_timestamp_seconds',
    'gauge',
    'When these metrics were computed (Unix time).',
    (report) => [{ labels: [], value: epoch(report.generatedAt) }],
  ),
  family(
    'lifeboat_status',
    'gauge',
    'Report status per policy or image: 0 green, 1 amber, 2 red.',
    perRow((r) => STATUS_VALUE[r.status]),
  ),
  family(
    'lifeboat_last_success_timestamp_seconds',
    'gauge',
    'Start of the newest run of this job that ended ok (Unix time).',
    perJob((j) => epochOrNull(j.lastSuccessAt)),
  ),
  family(
    'lifeboat_last_run_timestamp_seconds',
    'gauge',
    'Start of the newest run of this job (Unix time).',
    perJob((j) => epochOrNull(j.lastRunAt)),
  ),
  family(
    'lifeboat_last_run_outcome',
    'gauge',
    'Outcome of the newest run of this job: 1 for its outcome, 0 for the others.',
    perOutcome((j, outcome) => (j.lastOutcome === null ? null : j.lastOutcome === outcome ? 1 : 0)),
  ),
  family(
    'lifeboat_runs_total',
    'counter',
    'Runs of this job recorded in the ledger, by outcome.',
    perOutcome((j, outcome) => j.totals[outcome] ?? 0),
  ),
  family(
    'lifeboat_rpo_seconds',
    'gauge',
    'Recovery point objective of the policy.',
    perRow((r) => r.rpoSeconds),
  ),
  family(
    'lifeboat_backup_age_seconds',
    'gauge',
    'Age of the newest good copy (since its run started) when the metrics were computed.',
    perRow((r) => (r.kind === 'policy' ? r.ageSeconds : null)),
  ),
  family(
    'lifeboat_rto_objective_seconds',
    'gauge',
    'Recovery time objective.',
    perRow((r) => r.drill.rtoObjectiveSeconds),
  ),
  family(
    'lifeboat_drill_rto_measured_seconds',
    'gauge',
    'Restore time measured by the newest successful drill; no sample when it measured none (a sample drill).',
    perRow((r) => r.drill.rtoMeasuredSeconds),
  ),
  family(
    'lifeboat_drill_age_seconds',
    'gauge',
    'Time since the newest drill started when the metrics were computed.',
    perRow((r) => r.drill.ageSeconds),
  ),
  family(
    'lifeboat_drill_cadence_seconds',
    'gauge',
    'Longest gap between scheduled drills.',
    perRow((r) => r.drill.cadenceSeconds),
  ),
  family(
    'lifeboat_success_ratio',
    'gauge',
    (report) =>
      `Share of runs that ended ok over the last ${report.windowSeconds} seconds (cancelled runs not counted).`,
    perRow((r) => r.window.successRate),
  ),
  family(
    'lifeboat_ledger_problems',
    'gauge',
    'Ledger files that could not be read as run records.',
    (report) => [{ labels: [], value: report.problems.length }],
  ),
];

const families = (report: Report): Family[] =>
  FAMILIES.map((spec) => ({
    name: spec.name,
    type: spec.type,
    help: typeof spec.help === 'string' ? spec.help : spec.help(report),
    samples: spec.samples(report),
  }));

const labelText = (labels: Labels): string =>
  labels.length === 0 ? '' : `{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;

/** HELP and TYPE for every family (also empty ones, so dashboards find them), then its samples. */
export const renderPrometheus = (report: Report): string => {
  const lines: string[] = [];
  for (const family of families(report)) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    for (const s of family.samples)
      lines.push(`${family.name}${labelText(s.labels)} ${formatValue(s.value)}`);
  }
  return `${lines.join('\n')}\n`;
};

/** Write `<dir>/lifeboat.prom` atomically, so the collector never scrapes half a file. */
export const writeMetricsFile = async (dir: string, report: Report): Promise<string> => {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, METRICS_FILE);
  await writeFileAtomic(file, renderPrometheus(report));
  return file;
};
