import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../ledger/index.js';
import { REPORT_OUTCOMES, type Report, type ReportRow, type ReportStatus } from './report.js';

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

interface Family {
  name: string;
  type: 'gauge' | 'counter';
  help: string;
  samples: Array<{ labels: Labels; value: number }>;
}

const STATUS_VALUE: Record<ReportStatus, number> = { green: 0, amber: 1, red: 2 };

const subjectLabels = (r: ReportRow): Labels => [
  ['site', r.site],
  [r.kind, r.name],
];

const epoch = (iso: string) => Date.parse(iso) / 1000;

/** Every family, in a fixed order, each sample labelled site, policy|image[, job[, outcome]]. */
const families = (report: Report): Family[] => {
  const f = (name: string, type: Family['type'], help: string): Family => ({ name, type, help, samples: [] });
  const generated = f(
    'lifeboat_report_timestamp_seconds',
    'gauge',
    'When these metrics were computed (Unix time).',
  );
  const status = f('lifeboat_status', 'gauge', 'Report status per policy or image: 0 green, 1 amber, 2 red.');
  const lastSuccess = f(
    'lifeboat_last_success_timestamp_seconds',
    'gauge',
    'Start of the newest run of this job that ended ok (Unix time).',
  );
  const lastRun = f(
    'lifeboat_last_run_timestamp_seconds',
    'gauge',
    'Start of the newest run of this job (Unix time).',
  );
  const lastOutcome = f(
    'lifeboat_last_run_outcome',
    'gauge',
    'Outcome of the newest run of this job: 1 for its outcome, 0 for the others.',
  );
  const runs = f('lifeboat_runs_total', 'counter', 'Runs of this job recorded in the ledger, by outcome.');
  const rpo = f('lifeboat_rpo_seconds', 'gauge', 'Recovery point objective of the policy.');
  const age = f(
    'lifeboat_backup_age_seconds',
    'gauge',
    'Age of the newest good copy (since its run started) when the metrics were computed.',
  );
  const rtoObjective = f('lifeboat_rto_objective_seconds', 'gauge', 'Recovery time objective.');
  const rtoMeasured = f(
    'lifeboat_drill_rto_measured_seconds',
    'gauge',
    'Restore time measured by the newest successful drill.',
  );
  const drillAge = f(
    'lifeboat_drill_age_seconds',
    'gauge',
    'Time since the newest drill started when the metrics were computed.',
  );
  const drillCadence = f('lifeboat_drill_cadence_seconds', 'gauge', 'Longest gap between scheduled drills.');
  const successRatio = f(
    'lifeboat_success_ratio',
    'gauge',
    `Share of runs that ended ok over the last ${report.windowSeconds} seconds (cancelled runs not counted).`,
  );
  const problems = f(
    'lifeboat_ledger_problems',
    'gauge',
    'Ledger files that could not be read as run records.',
  );

  generated.samples.push({ labels: [], value: epoch(report.generatedAt) });
  problems.samples.push({ labels: [], value: report.problems.length });
  for (const r of report.rows) {
    const base = subjectLabels(r);
    status.samples.push({ labels: base, value: STATUS_VALUE[r.status] });
    if (r.rpoSeconds !== null) rpo.samples.push({ labels: base, value: r.rpoSeconds });
    if (r.ageSeconds !== null && r.kind === 'policy') age.samples.push({ labels: base, value: r.ageSeconds });
    if (r.drill.rtoObjectiveSeconds !== null)
      rtoObjective.samples.push({ labels: base, value: r.drill.rtoObjectiveSeconds });
    if (r.drill.rtoMeasuredSeconds !== null)
      rtoMeasured.samples.push({ labels: base, value: r.drill.rtoMeasuredSeconds });
    if (r.drill.ageSeconds !== null) drillAge.samples.push({ labels: base, value: r.drill.ageSeconds });
    if (r.drill.cadenceSeconds !== null)
      drillCadence.samples.push({ labels: base, value: r.drill.cadenceSeconds });
    if (r.window.successRate !== null)
      successRatio.samples.push({ labels: base, value: r.window.successRate });
    for (const j of r.jobs) {
      const labels: Labels = [...base, ['job', j.job]];
      if (j.lastSuccessAt !== null) lastSuccess.samples.push({ labels, value: epoch(j.lastSuccessAt) });
      if (j.lastRunAt !== null) lastRun.samples.push({ labels, value: epoch(j.lastRunAt) });
      for (const outcome of REPORT_OUTCOMES) {
        const withOutcome: Labels = [...labels, ['outcome', outcome]];
        if (j.lastOutcome !== null)
          lastOutcome.samples.push({ labels: withOutcome, value: j.lastOutcome === outcome ? 1 : 0 });
        runs.samples.push({ labels: withOutcome, value: j.totals[outcome] ?? 0 });
      }
    }
  }
  return [
    generated,
    status,
    lastSuccess,
    lastRun,
    lastOutcome,
    runs,
    rpo,
    age,
    rtoObjective,
    rtoMeasured,
    drillAge,
    drillCadence,
    successRatio,
    problems,
  ];
};

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
