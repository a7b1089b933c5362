import { formatDuration, type RunRecord } from '@lifeboat/core';
import type { Report, ReportRow, ReportStatus } from './report.js';

// The report as a Markdown table: for pull requests, job summaries and pasting into a ticket.

const BADGE: Record<ReportStatus, string> = { red: '🔴 red', amber: '🟠 amber', green: '🟢 green' };

/** A table cell: pipes and line breaks would end the cell or the row, and tool output is no HTML. */
export const mdCell = (text: string): string =>
  text
    .replaceAll('\\', '\\\\')
    .replaceAll('|', '\\|')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replace(/\r?\n|\r/g, ' ');

const age = (s: number | null) => (s === null ? '—' : `${formatDuration(s)} ago`);

const dataCell = (r: ReportRow) =>
  r.ageSeconds === null
    ? 'never'
    : `${age(r.ageSeconds)}${r.rpoSeconds === null ? '' : ` / RPO ${formatDuration(r.rpoSeconds)}`}`;

const drillCell = (r: ReportRow) =>
  r.drill.lastAt === null
    ? r.drill.cadenceSeconds === null
      ? '—'
      : 'never'
    : `${age(r.drill.ageSeconds)}, ${r.drill.outcome}`;

const rtoCell = (r: ReportRow) => {
  const { rtoMeasuredSeconds: m, rtoObjectiveSeconds: o } = r.drill;
  if (m === null) return o === null ? '—' : `not measured / RTO ${formatDuration(o)}`;
  return `${formatDuration(m)}${o === null ? '' : ` / RTO ${formatDuration(o)}`}`;
};

const rateCell = (r: ReportRow) =>
  r.window.successRate === null
    ? '—'
    : `${(Math.floor(r.window.successRate * 1000) / 10).toFixed(1)} % (${r.window.ok}/${r.window.runs})`;

/** Summary line, then one row per policy and image. */
export const renderMarkdown = (report: Report, options: { heading?: string } = {}): string => {
  const lines: string[] = [];
  if (options.heading !== undefined) lines.push(`## ${mdCell(options.heading)}`, '');
  lines.push(
    `${report.summary.red} red, ${report.summary.amber} amber, ${report.summary.green} green — as of ${report.generatedAt}; success rate over ${formatDuration(report.windowSeconds)}.`,
    '',
    '| Status | Site | Kind | Name | Last good copy | Last drill | Restore time | Success rate | Why |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const r of report.rows) {
    lines.push(
      `| ${[
        BADGE[r.status],
        r.site,
        r.kind,
        r.name,
        dataCell(r),
        drillCell(r),
        rtoCell(r),
        rateCell(r),
        r.reasons.join('; '),
      ]
        .map(mdCell)
        .join(' | ')} |`,
    );
  }
  if (report.problems.length > 0) {
    lines.push('', `${report.problems.length} ledger file(s) could not be used:`, '');
    for (const p of report.problems.slice(0, 20))
      lines.push(`- \`${p.file.replaceAll('`', "'")}\`: ${mdCell(p.message)}`);
    if (report.problems.length > 20) lines.push(`- … and ${report.problems.length - 20} more`);
  }
  return `${lines.join('\n')}\n`;
};

/** A job summary of the runs one `lifeboat run` made. */
export const renderRunsMarkdown = (
  records: readonly RunRecord[],
  options: { heading?: string } = {},
): string => {
  const lines: string[] = [];
  if (options.heading !== undefined) lines.push(`## ${mdCell(options.heading)}`, '');
  if (records.length === 0) return `${[...lines, 'No runs.'].join('\n')}\n`;
  const ok = records.filter((r) => r.outcome === 'ok').length;
  lines.push(
    `${ok} of ${records.length} run(s) ended ok.`,
    '',
    '| Outcome | Site | Subject | Job | Started | Duration | Error |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const r of records) {
    const subject = r.policy ?? (r.image === undefined ? '—' : `image ${r.image}`);
    const error = r.error ? `${r.error.code}: ${r.error.message}` : '';
    lines.push(
      `| ${[
        r.outcome === 'ok' ? '✅ ok' : `❌ ${r.outcome}`,
        r.site,
        subject,
        r.job,
        r.startedAt,
        formatDuration(r.durationSeconds),
        error,
      ]
        .map(mdCell)
        .join(' | ')} |`,
    );
  }
  return `${lines.join('\n')}\n`;
};
