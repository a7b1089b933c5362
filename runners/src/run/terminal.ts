import { formatDuration } from '@lifeboat/core';
import { formatBytes } from '../tools/disk/space.js';
import type { DecisionView, JobEnd, JobSummary, PlanView, RunEvent, RunSummary } from './events.js';

// How `lifeboat run` looks to a person: a progress bar per job on a terminal (redrawn in place on stderr),
// plain lines when stderr is a log file, and a table at the end. No dependency: a bar is a few characters.

export interface TextOut {
  write: (text: string) => unknown;
  /** Terminal width when known. */
  columns?: number;
}

/** Tool text can hold anything: one line, control characters shown escaped, never obeyed by the terminal. */
export const printable = (text: string, max = 160): string => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  const shown = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) =>
    c === '\n'
      ? '\\n'
      : c === '\r'
        ? '\\r'
        : c === '\t'
          ? '\\t'
          : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return shown.length > max ? `${shown.slice(0, max - 1)}…` : shown;
};

/** How a job's end reads in lines and tables (the demo's summary too): loud when it needs a look. */
export const JOB_END_MARK: Readonly<Record<JobEnd, string>> = {
  ok: 'ok',
  partial: 'PARTIAL',
  failed: 'FAILED',
  locked: 'LOCKED',
  auth: 'AUTH',
  cancelled: 'CANCELLED',
  skipped: 'skipped',
  'not-started': 'not started',
};

const subjectText = (subjects: PlanView['subjects']) =>
  subjects.map((s) => (s.kind === 'policy' ? s.name : `image:${s.name}`)).join(',');

const BAR_WIDTH = 24;
/** Redraw at most this often: a bar redrawn per restic status line would flood a slow terminal. */
const REDRAW_MS = 100;

export const bar = (percent: number, width = BAR_WIDTH): string => {
  const p = Math.min(100, Math.max(0, percent));
  const filled = Math.round((p / 100) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.toFixed(0).padStart(3)}%`;
};

const fit = (line: string, columns: number | undefined) =>
  columns !== undefined && columns > 10 && line.length >= columns ? `${line.slice(0, columns - 2)}…` : line;

const endLine = (j: JobSummary) => {
  const what = `${j.job} ${subjectText(j.subjects)}`;
  const detail = j.error ? `${j.error.code}: ${j.error.message}` : j.outcome === 'ok' ? '' : j.reason;
  const took =
    j.outcome === 'skipped' || j.outcome === 'not-started'
      ? ''
      : ` in ${formatDuration(Math.round(j.durationSeconds))}`;
  const write = j.recordError === undefined ? '' : `; ${j.recordError}`;
  return `${JOB_END_MARK[j.outcome].padEnd(9)} ${what}${took}${detail === '' ? '' : ` — ${printable(detail, 300)}`}${write}`;
};

/**
 * An onEvent handler for people. With `tty`, the current job has a bar updated in place; without, each
 * job's end (and lock waits, notes, job log lines) is one line, so a log file stays readable.
 */
export const progressReporter = (
  out: TextOut,
  options: { tty: boolean; clock?: () => number },
): ((event: RunEvent) => void) => {
  const clock = options.clock ?? Date.now;
  let current: { label: string; percent: number; bytes: string; drawnAt: number } | undefined;
  let drawn = false;
  const clear = () => {
    if (drawn) out.write('\r\x1b[2K');
    drawn = false;
  };
  const draw = () => {
    if (!options.tty || !current) return;
    clear();
    out.write(fit(`${current.label}  ${bar(current.percent)}${current.bytes}`, out.columns));
    drawn = true;
    current.drawnAt = clock();
  };
  const line = (text: string) => {
    clear();
    out.write(`${fit(text, options.tty ? out.columns : undefined)}\n`);
    draw();
  };
  return (event) => {
    switch (event.event) {
      case 'job-start':
        current = {
          label: `[${event.index}/${event.total}] ${event.job} ${subjectText(event.subjects)}`,
          percent: 0,
          bytes: '',
          drawnAt: 0,
        };
        if (options.tty) draw();
        break;
      case 'job':
        if (event.type === 'progress' && current && event.percent !== undefined) {
          current.percent = event.percent;
          current.bytes =
            event.bytesDone !== undefined && event.bytesTotal !== undefined
              ? `  ${formatBytes(event.bytesDone)} / ${formatBytes(event.bytesTotal)}`
              : '';
          if (clock() - current.drawnAt >= REDRAW_MS || event.percent >= 100) draw();
        } else if (event.type === 'log' && event.message !== undefined) {
          line(`  ${event.job} ${printable(event.subject, 60)}: ${printable(event.message, 300)}`);
        }
        break;
      case 'lock-wait':
        line(
          `  waiting for repository ${printable(event.repository, 120)}, held by ${printable(event.holder ?? 'another process', 200)}: try ${event.attempt + 1} in ${formatDuration(Math.round(event.delayMs / 1000))}`,
        );
        break;
      case 'note':
        line(`  note: ${printable(event.message, 300)}`);
        break;
      case 'job-end':
        current = undefined;
        line(endLine(event));
        break;
      default:
        break;
    }
  };
};

/** Columns padded to their widest cell; the last column is left ragged. */
export const table = (rows: string[][]): string => {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .map((l) => `${l}\n`)
    .join('');
};

const shortTime = (iso: string | undefined) => (iso === undefined ? '' : iso.replace(/:\d\d\.\d{3}Z$/, 'Z'));

/** `--dry-run`: every job the scheduler considered, and what it would do with it. */
export const renderPlanTable = (view: DecisionView): string => {
  const rows = [['STATUS', 'JOB', 'FOR', 'REPOSITORY', 'UNTIL', 'WHY']];
  for (const p of view.due)
    rows.push([
      p.runnable ? 'due' : 'due (no job)',
      p.job,
      subjectText(p.subjects),
      p.repository,
      '',
      printable(p.reason, 400),
    ]);
  for (const p of view.waiting)
    rows.push([
      p.status,
      p.job,
      subjectText(p.subjects),
      p.repository,
      shortTime(p.until),
      printable(p.reason, 400),
    ]);
  for (const s of view.skipped)
    rows.push(['skipped', s.job, subjectText([s.subject]), '', '', printable(s.reason, 400)]);
  const head = `site ${view.site} at ${view.now}: ${view.due.length} due, ${view.waiting.length} waiting, ${view.skipped.length} skipped\n`;
  return rows.length === 1 ? head : `${head}${table(rows)}`;
};

/** The end of a run: one row per due job, then what waits. */
export const renderSummaryTable = (summary: RunSummary): string => {
  if (summary.error !== undefined) return `nothing ran: ${printable(summary.error, 300)}\n`;
  const lines: string[] = [];
  if (summary.jobs.length === 0) lines.push(`site ${summary.site}: nothing due at ${summary.now}\n`);
  else {
    const rows = [['OUTCOME', 'JOB', 'FOR', 'DURATION', 'DETAIL']];
    for (const j of summary.jobs) {
      const detail = j.error ? `${j.error.code}: ${j.error.message}` : j.outcome === 'ok' ? '' : j.reason;
      rows.push([
        JOB_END_MARK[j.outcome],
        j.job,
        subjectText(j.subjects),
        j.outcome === 'skipped' || j.outcome === 'not-started'
          ? '-'
          : formatDuration(Math.round(j.durationSeconds)),
        printable(`${detail}${j.recordError === undefined ? '' : ` (${j.recordError})`}`, 300),
      ]);
    }
    lines.push(table(rows));
    const ok = summary.jobs.filter((j) => j.outcome === 'ok').length;
    lines.push(`${ok} of ${summary.jobs.length} job(s) ok${summary.cancelled ? ', cancelled' : ''}\n`);
  }
  if (summary.waiting.length > 0) {
    const next = summary.waiting
      .map((w) => w.until)
      .filter((u): u is string => u !== undefined)
      .sort()[0];
    lines.push(
      `${summary.waiting.length} job(s) waiting${next === undefined ? '' : `, the next from ${shortTime(next)}`}\n`,
    );
  }
  if (summary.skipped.length > 0)
    lines.push(`${summary.skipped.length} job(s) cannot be scheduled (run lifeboat validate)\n`);
  return lines.join('');
};
