import { formatDuration } from '@lifeboat/core';
import { mdCell } from '../reports/index.js';
import type { JobEnd, RunSummary } from './events.js';

// The job summary of one `lifeboat run` on the workflow's page: every due job with how it ended, including
// the ones skipped or not started, which the ledger alone would not show.

const BADGE: Record<JobEnd, string> = {
  ok: '✅ ok',
  partial: '🟠 partial',
  failed: '❌ failed',
  locked: '🔒 locked',
  auth: '🔑 auth',
  cancelled: '⏹️ cancelled',
  skipped: '⏭️ skipped',
  'not-started': '⏸️ not started',
};

const subjects = (s: RunSummary['jobs'][number]['subjects']) =>
  s.map((x) => (x.kind === 'policy' ? x.name : `image ${x.name}`)).join(', ');

export const renderRunMarkdown = (summary: RunSummary, options: { heading?: string } = {}): string => {
  const lines: string[] = [];
  if (options.heading !== undefined) lines.push(`## ${mdCell(options.heading)}`, '');
  if (summary.error !== undefined)
    return `${[...lines, `Nothing ran: ${mdCell(summary.error)}`].join('\n')}\n`;
  const ok = summary.jobs.filter((j) => j.outcome === 'ok').length;
  lines.push(
    summary.jobs.length === 0
      ? `Nothing was due at ${summary.now}.`
      : `${ok} of ${summary.jobs.length} due job(s) ended ok${summary.cancelled ? ' (cancelled)' : ''}.`,
  );
  if (summary.jobs.length > 0) {
    lines.push('', '| Outcome | Job | For | Duration | Why / error |', '| --- | --- | --- | --- | --- |');
    for (const j of summary.jobs) {
      const why = j.error ? `${j.error.code}: ${j.error.message}` : j.reason;
      const cells = [
        BADGE[j.outcome],
        j.job,
        subjects(j.subjects),
        formatDuration(Math.round(j.durationSeconds)),
        j.recordError === undefined ? why : `${why} — ${j.recordError}`,
      ];
      lines.push(`| ${cells.map(mdCell).join(' | ')} |`);
    }
  }
  if (summary.waiting.length > 0) {
    lines.push('', `${summary.waiting.length} job(s) waiting:`, '');
    for (const w of summary.waiting)
      lines.push(
        `- ${mdCell(`${w.job} ${subjects(w.subjects)}`)}${w.until ? ` until ${w.until}` : ''}: ${mdCell(w.reason)}`,
      );
  }
  if (summary.skipped.length > 0) {
    lines.push('', `${summary.skipped.length} job(s) could not be scheduled:`, '');
    for (const s of summary.skipped)
      lines.push(`- ${mdCell(`${s.job} ${s.subject.kind} ${s.subject.name}`)}: ${mdCell(s.reason)}`);
  }
  return `${lines.join('\n')}\n`;
};
