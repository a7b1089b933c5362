import type { ReportRow } from '@lifeboat/runners';
import type { BotRequest } from '../requests/index.js';
import { describeSubject } from './request-status.js';
import { clip, humanDuration } from './slack-text.js';

// `/backup status` and `/restore history`: short answers for people, from the run records and the store.

export interface RunnerStatus {
  site: string;
  online: number;
  busy: number;
  total: number;
}

const DOT = { green: ':large_green_circle:', amber: ':large_orange_circle:', red: ':red_circle:' } as const;

/** One line per policy/image: status, age of the last good backup vs the RPO, and why when not green. */
export const backupStatusText = (
  rows: readonly ReportRow[],
  runners: readonly RunnerStatus[] | { unavailable: string } | undefined,
  site?: string,
): string => {
  const lines: string[] = [`*Backup status${site ? ` — ${site}` : ''}*`];
  if (rows.length === 0)
    lines.push(site ? `No policies or images at site ${site}.` : 'No policies or images.');
  for (const r of rows) {
    const age = r.ageSeconds === null ? 'never backed up' : `last good ${humanDuration(r.ageSeconds)} ago`;
    const rpo = r.rpoSeconds === null ? '' : ` (RPO ${humanDuration(r.rpoSeconds)})`;
    const why =
      r.status === 'green' || r.reasons.length === 0 ? '' : ` — ${r.reasons.slice(0, 2).join('; ')}`;
    lines.push(`${DOT[r.status]} \`${r.name}\` at ${r.site}: ${age}${rpo}${why}`);
  }
  if (runners === undefined)
    lines.push('_Runners: not checked (the bot runs restores itself: local dispatcher)._');
  else if ('unavailable' in runners) lines.push(`_Runners: could not ask GitHub (${runners.unavailable})._`);
  else
    for (const r of runners)
      lines.push(
        `${r.online > 0 ? ':large_green_circle:' : ':red_circle:'} runner for ${r.site}: ${r.online}/${r.total} online${r.busy ? `, ${r.busy} busy` : ''}`,
      );
  return clip(lines.join('\n'), 3900);
};

/** The user's recent requests, newest first. */
export const historyText = (requests: readonly BotRequest[]): string => {
  if (requests.length === 0) return 'You have no restore requests yet. `/restore` opens the form.';
  const lines = ['*Your recent requests*'];
  for (const r of requests.slice(0, 15)) {
    lines.push(
      `• \`${r.id}\` ${r.createdAt.slice(0, 16).replace('T', ' ')} — ${describeSubject(r)} at ${r.site}: *${r.state}*${r.result ? ` — ${r.result.summary}` : ''}`,
    );
  }
  return clip(lines.join('\n'), 3900);
};
