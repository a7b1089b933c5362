import type { Report } from './report.js';

// Reports open in spreadsheets: RFC 4180 quoting, and no cell a spreadsheet would run as a formula.

/** Cells that start like a formula (= + - @, or a tab/CR that some apps strip first) get a leading apostrophe. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One RFC 4180 field: quoted when it holds a quote, comma or line break; text cells defused against formulas. */
export const csvField = (value: string | number | boolean | null): string => {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

export const csvLine = (fields: ReadonlyArray<string | number | boolean | null>): string =>
  `${fields.map(csvField).join(',')}\r\n`;

export const CSV_COLUMNS = [
  'site',
  'kind',
  'name',
  'status',
  'reason',
  'last_success_at',
  'age_seconds',
  'rpo_seconds',
  'last_run_job',
  'last_run_outcome',
  'last_run_at',
  'last_run_error',
  'drill_last_at',
  'drill_outcome',
  'drill_age_seconds',
  'drill_cadence_seconds',
  'rto_measured_seconds',
  'rto_objective_seconds',
  'rto_met',
  'success_rate',
  'runs_in_window',
] as const;

/** Header plus one line per row, CRLF line ends as RFC 4180 says. */
export const renderCsv = (report: Report): string =>
  csvLine(CSV_COLUMNS) +
  report.rows
    .map((r) =>
      csvLine([
        r.site,
        r.kind,
        r.name,
        r.status,
        r.reasons.join('; '),
        r.lastSuccessAt,
        r.ageSeconds,
        r.rpoSeconds,
        r.lastRun?.job ?? null,
        r.lastRun?.outcome ?? null,
        r.lastRun?.startedAt ?? null,
        r.lastRun?.errorCode ?? null,
        r.drill.lastAt,
        r.drill.outcome,
        r.drill.ageSeconds,
        r.drill.cadenceSeconds,
        r.drill.rtoMeasuredSeconds,
        r.drill.rtoObjectiveSeconds,
        r.drill.rtoMet,
        r.window.successRate === null ? null : Number(r.window.successRate.toFixed(4)),
        r.window.runs,
      ]),
    )
    .join('');
