import { type BackupPolicy, DATA_CLASSES, type RunRecord } from '@lifeboat/core';
import {
  lifeboatRestoreScript,
  manualRestoreScript,
  offsiteRestoreScript,
  policyRepository,
} from '../commands/restic-commands.js';
import { type DocsContext, rowOf, siteOf } from '../context.js';
import { anchorOf, code, codeBlock, link, text } from '../markdown/escape.js';
import { table } from '../markdown/table.js';
import { PAGE, relativeLink } from '../paths.js';
import { describeRetention } from '../words/retention-words.js';
import { nextRunWords, scheduleWords } from '../words/schedule-words.js';
import { durationWords, formatUtc } from '../words/time-words.js';
import { onePage, type PageOutput } from './page-file.js';
import { statusCell } from './status-cells.js';

// One page per backup policy: what, where, when (in words and next runs), how long, and how to restore it.

const RETENTION_LABELS = {
  keepLast: 'most recent',
  keepHourly: 'hourly',
  keepDaily: 'daily',
  keepWeekly: 'weekly',
  keepMonthly: 'monthly',
  keepYearly: 'yearly',
  keepWithin: 'everything within',
} as const;

const drillRows = (ctx: DocsContext, policy: BackupPolicy, from: string): string[][] =>
  ctx.records
    .filter((r: RunRecord) => r.job === 'drill' && r.policy === policy.metadata.name)
    .slice(-10)
    .reverse()
    .map((r) => [
      formatUtc(r.startedAt),
      r.outcome,
      `${Math.round(r.durationSeconds)} s`,
      r.verification ? text(`${r.verification.passed ? 'passed' : 'FAILED'}: ${r.verification.method}`) : '—',
      r.error
        ? link(r.error.code, `${relativeLink(from, PAGE.troubleshooting)}#${anchorOf(r.error.code)}`)
        : '—',
    ]);

export const policyPage = (ctx: DocsContext, policy: BackupPolicy, position: number): PageOutput => {
  const name = policy.metadata.name;
  const path = PAGE.policy(name);
  const site = siteOf(ctx, policy.spec.site);
  const spec = policy.spec;
  const facts = policyRepository(policy, site);
  const title = policy.metadata.title ?? name;
  const siteLink = site
    ? link(site.metadata.title ?? site.metadata.name, relativeLink(path, PAGE.site(site.metadata.name)))
    : `${text(spec.site)} (not in the inventory)`;
  const other = (label: string, schedule: { cron: string; timezone?: string } | undefined) =>
    schedule === undefined ? undefined : [label, text(scheduleWords(schedule, site)), code(schedule.cron)];
  const next = nextRunWords(spec.schedule, site, ctx.now);
  const restore = spec.restore;
  const offsite = facts ? offsiteRestoreScript(policy, site, facts) : undefined;
  const critical = DATA_CLASSES[spec.dataClass]?.critical === true;

  const blocks = [
    `# ${text(title)}`,
    policy.metadata.description ? text(policy.metadata.description) : undefined,
    table(
      ['Fact', 'Value'],
      [
        ['Policy', code(name)],
        ['Site', siteLink],
        ['Data class', `${code(spec.dataClass)}${critical ? ' (critical: needs an offsite copy)' : ''}`],
        ['Host', spec.host ? code(spec.host) : "the runner's hostname"],
        ['Backs up', spec.sources.paths.map(code).join(', ')],
        ['Excludes', (spec.sources.exclude ?? []).map(code).join(', ') || 'nothing'],
        [
          'Repository',
          facts
            ? `${code(facts.repository)} on NAS target ${code(facts.target.name)}`
            : `NAS target ${code(spec.repository.target)} is not defined at the site`,
        ],
        ['Snapshot tags', ['lifeboat', `policy:${name}`, ...(spec.tags ?? [])].map(code).join(', ')],
        ['RPO', durationWords(spec.objectives?.rpo)],
        ['RTO', durationWords(spec.objectives?.rto)],
        ['Status today', statusCell(rowOf(ctx, 'policy', name))],
      ],
    ),
    '## Schedule',
    `Backs up ${text(scheduleWords(spec.schedule, site))}: cron ${code(spec.schedule.cron)}.`,
    next.length > 0
      ? `Next runs after ${text(formatUtc(ctx.now))}:\n\n${next.map((n) => `- ${text(n)}`).join('\n')}`
      : 'No next runs: the schedule is not valid (see `lifeboat validate`).',
    table(
      ['Job', 'When', 'Cron'],
      [
        other('Prune', spec.prune?.schedule),
        other('Check', spec.check?.schedule),
        other('Offsite copy', spec.offsite?.schedule),
        other('Restore drill', spec.drill?.schedule),
      ].filter((r): r is string[] => r !== undefined),
      'No prune, check, offsite or drill schedule.',
    ),
    '## Retention',
    text(describeRetention(spec.retention)),
    table(
      ['Rule', 'Keeps'],
      (Object.keys(RETENTION_LABELS) as (keyof typeof RETENTION_LABELS)[])
        .filter((k) => spec.retention[k] !== undefined)
        .map((k) => [
          code(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`),
          `${text(String(spec.retention[k]))} ${RETENTION_LABELS[k]}`,
        ]),
    ),
    '## Restore',
    restore
      ? text(
          `Approval: ${restore.approval === 'required' ? 'every restore needs an approver' : restore.approval === 'in-place-only' ? 'restores over the originals need an approver; restores to the alternate target do not' : 'no approval needed'}. Restores land in ${restore.alternateTarget}/<run id>/ unless in place${restore.allowInPlace ? ' (allowed)' : ' (not allowed for this policy)'}.`,
        )
      : 'This policy has no `restore` section: lifeboat refuses restores until one is added.',
    "### With lifeboat (on the site's runner)",
    'Run on the runner of the site, or ask the Slack bot, which dispatches the same job. It checks free space first, restores with `--verify` and writes a run record.',
    codeBlock(lifeboatRestoreScript(policy), 'sh'),
    '### By hand with restic',
    facts
      ? 'The same restore without lifeboat, when the runner is down. Credentials come from the named variables; their values are never in the YAML or on this page.'
      : undefined,
    facts
      ? codeBlock(manualRestoreScript(policy, facts), 'sh')
      : 'The repository cannot be resolved from the YAML: fix the policy first.',
    offsite ? '### From the offsite copy (when the NAS is lost)' : undefined,
    offsite ? codeBlock(offsite, 'sh') : undefined,
    '## Drill history',
    table(
      ['Started', 'Outcome', 'Took', 'Verification', 'Error'],
      drillRows(ctx, policy, path),
      spec.drill ? '_No drill recorded yet._' : '_No drill scheduled for this policy._',
    ),
    `Defined in ${code(ctx.sourceFiles.get(`policy/${name}`) ?? `policies/${name}.yaml`)}.`,
  ];
  return onePage(
    path,
    {
      title,
      sidebarLabel: name,
      position,
      description: `Backup policy ${name} at ${spec.site}: schedule, retention, objectives and restore commands.`,
    },
    blocks,
  );
};
