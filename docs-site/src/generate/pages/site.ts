import type { Site } from '@lifeboat/core';
import { restic } from '@lifeboat/runners';
import { type DocsContext, imagesAt, policiesOf, rowOf } from '../context.js';
import { page } from '../frontmatter.js';
import { code, link, text } from '../markdown/escape.js';
import { table } from '../markdown/table.js';
import { PAGE, relativeLink } from '../paths.js';
import { scheduleWords } from '../words/schedule-words.js';
import { durationWords } from '../words/time-words.js';
import type { PageOutput } from './page-file.js';
import { siteDiagram } from './site-diagram.js';
import { statusCell } from './status-cells.js';

// One page per site: who to call, where the copies go, and every policy and image with today's status.

const DAY_WORDS = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
} as const;

const passwordSource = (c: Site['spec']['nas'][number]['credentials']): string =>
  c.passwordEnv !== undefined
    ? `environment variable ${code(c.passwordEnv)}`
    : c.passwordCommand !== undefined
      ? `command ${code(c.passwordCommand.join(' '))}`
      : 'not set';

export const sitePage = (ctx: DocsContext, site: Site, position: number): PageOutput => {
  const name = site.metadata.name;
  const path = PAGE.site(name);
  const spec = site.spec;
  const title = site.metadata.title ?? name;
  const policies = policiesOf(ctx, name);
  const images = imagesAt(ctx, name);
  const blocks = [
    `# ${text(title)}`,
    site.metadata.description ? text(site.metadata.description) : undefined,
    table(
      ['Fact', 'Value'],
      [
        ['Site', code(name)],
        ['Kind', text(spec.environment)],
        ['Time zone', code(spec.timezone)],
        ['Address', spec.address ? text(spec.address) : 'not recorded'],
        ['Runner labels', spec.runner.labels.map(code).join(', ')],
        ['Run records', code(spec.runner.stateDir ?? '.lifeboat-state')],
        [
          'Recovery runbook',
          link('what to restore first after losing the site', relativeLink(path, PAGE.recovery(name))),
        ],
      ],
    ),
    '## Where each copy goes',
    siteDiagram(ctx, site),
    '## NAS targets',
    table(
      ['Target', 'Repository base', 'Password from', 'Other variables', 'Append-only', 'Capacity'],
      spec.nas.map((t) => [
        code(t.name),
        code(restic.redactRepository(t.repository)),
        passwordSource(t.credentials),
        (t.credentials.envFrom ?? []).map(code).join(', ') || '—',
        t.appendOnly ? 'yes' : 'no',
        t.capacityGiB !== undefined ? `${t.capacityGiB} GiB` : '—',
      ]),
      '_No NAS target at this site._',
    ),
    '## Offsite remotes',
    table(
      ['Remote', 'rclone remote:path', 'Bandwidth limit', 'Variables'],
      (spec.offsite ?? []).map((o) => [
        code(o.name),
        code(`${o.remote}:${o.path}`),
        o.bwlimit ? code(o.bwlimit) : 'none',
        (o.envFrom ?? []).map(code).join(', ') || '—',
      ]),
      '_No offsite remote: copies stay on site._',
    ),
    '## Backup policies',
    table(
      ['Policy', 'Data class', 'Backs up', 'Schedule', 'RPO', 'RTO', 'Status'],
      policies.map((p) => [
        link(p.metadata.name, relativeLink(path, PAGE.policy(p.metadata.name))),
        code(p.spec.dataClass),
        p.spec.sources.paths.map(code).join(', '),
        text(scheduleWords(p.spec.schedule, site)),
        durationWords(p.spec.objectives?.rpo),
        durationWords(p.spec.objectives?.rto),
        statusCell(rowOf(ctx, 'policy', p.metadata.name)),
      ]),
      '_No backup policy at this site._',
    ),
    '## Images',
    table(
      ['Image', 'Device class', 'Version', 'Promotion', 'Stored here as', 'Status'],
      images.map((i) => {
        const roles = [
          i.spec.site === name ? 'owner' : undefined,
          i.spec.stores.primary.site === name ? 'primary store' : undefined,
          (i.spec.stores.replicas ?? []).some((r) => r.site === name) ? 'replica' : undefined,
          (i.spec.stores.offsite ?? []).some((o) => o.site === name) ? 'offsite copy' : undefined,
        ].filter((r) => r !== undefined);
        return [
          link(i.metadata.name, relativeLink(path, PAGE.image(i.metadata.name))),
          code(i.spec.deviceClass),
          code(i.spec.version),
          i.spec.promotion,
          roles.join(', '),
          statusCell(rowOf(ctx, 'image', i.metadata.name)),
        ];
      }),
      '_No image is stored at this site._',
    ),
    '## Maintenance windows',
    text(
      `Heavy jobs (prune, check, offsite copies, drills) wait for these windows, in ${spec.timezone} time.`,
    ),
    table(
      ['Window', 'Days', 'From', 'To'],
      (spec.maintenanceWindows ?? []).map((w) => [
        code(w.name),
        w.days.length === 7
          ? 'every day'
          : w.days.map((d) => DAY_WORDS[d as keyof typeof DAY_WORDS] ?? d).join(', '),
        w.start,
        `${w.end}${w.end < w.start ? ' (next day)' : ''}`,
      ]),
      '_No maintenance window: heavy jobs run when due._',
    ),
    '## Contacts',
    table(
      ['Name', 'Role', 'Email', 'Phone', 'Slack'],
      (spec.contacts ?? []).map((c) => [
        text(c.name),
        text(c.role),
        c.email ? code(c.email) : '—',
        c.phone ? text(c.phone) : '—',
        c.slack ? code(c.slack) : '—',
      ]),
      '_No contact recorded._',
    ),
    '## Who may restore',
    text(
      `Approvers (Slack): ${spec.access.approvers.join(', ') || 'none'}. Requesters: ${spec.access.requesters.join(', ') || 'none'}. Policies may narrow these.`,
    ),
    `Defined in ${code(ctx.sourceFiles.get(`site/${name}`) ?? `sites/${name}.yaml`)}.`,
  ];
  return {
    files: [
      {
        path,
        content: page(
          {
            title,
            sidebarLabel: 'Overview',
            position: 1,
            description: `Site ${name}: NAS targets, offsite copies, policies, images, windows and contacts.`,
          },
          blocks,
        ),
      },
      {
        path: `sites/${name}/_category_.json`,
        content: `${JSON.stringify({ label: name, position, collapsed: true }, null, 2)}\n`,
      },
    ],
  };
};
