import type { DocsContext } from '../context.js';
import { code, link, text } from '../markdown/escape.js';
import { table } from '../markdown/table.js';
import { PAGE, relativeLink, SOPS } from '../paths.js';
import { onePage, type PageOutput } from './page-file.js';

// The landing page: where to start, every site, and the way to today's status. It holds no schedules or
// statuses itself, so a YAML change touches only the pages it is about.

const SOP_TITLES = {
  'office-imaging': 'Office workstation imaging',
  'storage-and-backup': 'Storage and backup',
  'kvm-imaging': 'KVM device imaging (SD cards)',
} as const;

export const homePage = (
  ctx: DocsContext,
  runbooks: readonly { path: string; title: string }[],
): PageOutput => {
  const path = PAGE.home;
  const blocks = [
    '# Lifeboat runbooks',
    'How every site is backed up, how to restore anything, and what to do when a backup fails. Every page is generated from the YAML the runners apply, so the commands here are the ones that work today.',
    `New here? Follow the ${link('new-hire path', relativeLink(path, PAGE.newHire))}. Is everything green? See ${link("today's status", relativeLink(path, PAGE.status))}. A backup failed with an error code? Look it up in ${link('troubleshooting', relativeLink(path, PAGE.troubleshooting))}.`,
    '## Sites',
    table(
      ['Site', 'Kind', 'Policies', 'Recovery'],
      ctx.sites.map((s) => [
        link(s.metadata.title ?? s.metadata.name, relativeLink(path, PAGE.site(s.metadata.name))),
        text(s.spec.environment),
        String(ctx.policies.filter((p) => p.spec.site === s.metadata.name).length),
        link(`recover ${s.metadata.name}`, relativeLink(path, PAGE.recovery(s.metadata.name))),
      ]),
      '_No site in the inventory yet._',
    ),
    '## Standard procedures',
    SOPS.map((s) => `- ${link(SOP_TITLES[s], relativeLink(path, PAGE.sop(s)))}`).join('\n'),
    runbooks.length > 0 ? '## Runbooks' : undefined,
    runbooks.length > 0
      ? runbooks.map((r) => `- ${link(r.title, relativeLink(path, r.path))}`).join('\n')
      : undefined,
    '## Images',
    table(
      ['Image', 'Device class', 'Version'],
      ctx.images.map((i) => [
        link(i.metadata.title ?? i.metadata.name, relativeLink(path, PAGE.image(i.metadata.name))),
        code(i.spec.deviceClass),
        code(i.spec.version),
      ]),
      '_No image in the inventory yet._',
    ),
  ];
  return onePage(
    path,
    {
      title: 'Lifeboat runbooks',
      sidebarLabel: 'Home',
      position: 1,
      description: 'Backups, restores and disk images for every site, generated from the inventory.',
      slug: '/',
    },
    blocks,
  );
};
