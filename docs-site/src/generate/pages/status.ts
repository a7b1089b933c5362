import { formatDuration } from '@lifeboat/core';
import type { ReportRow } from '@lifeboat/runners';
import { type DocsContext, siteOf } from '../context.js';
import { anchorOf, link, text } from '../markdown/escape.js';
import { table } from '../markdown/table.js';
import { PAGE, relativeLink } from '../paths.js';
import { nextRunWords } from '../words/schedule-words.js';
import { formatUtc } from '../words/time-words.js';
import { onePage, type PageOutput } from './page-file.js';
import { statusCell } from './status-cells.js';

// Is everything green today: last backup age against the RPO, last drill against the RTO, and when the
// next backup runs — from the runners' report over the run records.

const ageVsRpo = (row: ReportRow): string => {
  if (row.ageSeconds === null) return 'never';
  const age = `${formatDuration(row.ageSeconds)} ago`;
  return row.rpoSeconds === null ? `${age} (no RPO)` : `${age} / RPO ${formatDuration(row.rpoSeconds)}`;
};

const drillVsRto = (row: ReportRow): string => {
  const d = row.drill;
  if (d.lastAt === null) return d.cadenceSeconds === null ? 'no drill scheduled' : 'no drill yet';
  const took =
    d.rtoMeasuredSeconds !== null ? `took ${formatDuration(d.rtoMeasuredSeconds)}` : (d.outcome ?? '');
  const rto = d.rtoObjectiveSeconds !== null ? ` / RTO ${formatDuration(d.rtoObjectiveSeconds)}` : '';
  return `${formatUtc(d.lastAt).slice(0, 10)}: ${took}${rto}${d.rtoMet === false ? ' (missed)' : ''}`;
};

export const statusPage = (ctx: DocsContext): PageOutput => {
  const path = PAGE.status;
  const { summary, rows } = ctx.report;
  const nextBackup = (row: ReportRow): string => {
    if (row.kind !== 'policy') return '—';
    const policy = ctx.policies.find((p) => p.metadata.name === row.name);
    if (!policy) return '—';
    // The first of the three the policy page lists (one cached answer for both pages).
    return nextRunWords(policy.spec.schedule, siteOf(ctx, policy.spec.site), ctx.now)[0] ?? '—';
  };
  const target = (row: ReportRow) => (row.kind === 'policy' ? PAGE.policy(row.name) : PAGE.image(row.name));
  const blocks = [
    '# Status',
    text(
      `As of ${formatUtc(ctx.now)}, from the run records: ${summary.red} red, ${summary.amber} amber, ${summary.green} green.`,
    ),
    rows.length > 0 &&
    rows.every((r) => r.ageSeconds === null && r.drill.lastAt === null && r.lastRun === null)
      ? text(
          "No run records were available where this site was built (they live on each site's runner, in its state directory): every row is red for lack of evidence, not because a job failed. Build it where the records are, with `lifeboat docs --state-dir DIR`.",
        )
      : undefined,
    text(
      'Red: the newest good copy is older than the RPO, or the last drill failed or missed the RTO. Amber: close to the RPO, a drill overdue, or a recent job failed. Green: all objectives met.',
    ),
    table(
      [
        'Status',
        'Subject',
        'Site',
        'Last good backup / RPO',
        'Last drill / RTO',
        'Next backup',
        'Last error',
      ],
      rows.map((row) => [
        statusCell(row),
        `${row.kind} ${link(row.name, relativeLink(path, target(row)))}`,
        link(row.site, relativeLink(path, PAGE.site(row.site))),
        ageVsRpo(row),
        text(drillVsRto(row)),
        text(nextBackup(row)),
        row.lastRun?.errorCode
          ? link(
              row.lastRun.errorCode,
              `${relativeLink(path, PAGE.troubleshooting)}#${anchorOf(row.lastRun.errorCode)}`,
            )
          : '—',
      ]),
      '_Nothing in the inventory yet._',
    ),
    ...rows
      .filter((r) => r.status !== 'green' && r.reasons.length > 1)
      .map((r) => `**${text(r.name)}**: ${r.reasons.map(text).join('; ')}.`),
    ctx.report.problems.length > 0
      ? text(`${ctx.report.problems.length} run record file(s) could not be read; see lifeboat runs.`)
      : undefined,
  ];
  return onePage(
    path,
    {
      title: 'Status',
      position: 3,
      description:
        'Backup age against RPO and drills against RTO, red/amber/green, for every policy and image.',
    },
    blocks,
  );
};
