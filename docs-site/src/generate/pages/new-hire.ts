import { type BackupPolicy, parseDuration } from '@lifeboat/core';
import type { DocsContext } from '../context.js';
import { link, text } from '../markdown/escape.js';
import { PAGE, relativeLink } from '../paths.js';
import { onePage, type PageOutput } from './page-file.js';

// A reading order for someone new: from the big picture to one concrete restore, then what to do when red.

export const newHirePage = (
  ctx: DocsContext,
  runbooks: readonly { path: string; title: string }[],
): PageOutput => {
  const path = PAGE.newHire;
  const to = (label: string, target: string) => link(label, relativeLink(path, target));
  // The site with the most policies (the hub) and its policy with the tightest RPO make the best examples.
  const count = (site: string) => ctx.policies.filter((p) => p.spec.site === site).length;
  const firstSite = [...ctx.sites].sort((a, b) => count(b.metadata.name) - count(a.metadata.name))[0];
  const rpo = (p: BackupPolicy) => parseDuration(p.spec.objectives?.rpo ?? '') ?? Number.POSITIVE_INFINITY;
  const firstPolicy = firstSite
    ? ctx.policies.filter((p) => p.spec.site === firstSite.metadata.name).sort((a, b) => rpo(a) - rpo(b))[0]
    : undefined;
  const steps = [
    `${to('Storage and backup', PAGE.sop('storage-and-backup'))}: how data is kept, copied offsite and changed by pull request.`,
    firstSite
      ? `${to(`A site: ${firstSite.metadata.name}`, PAGE.site(firstSite.metadata.name))}: its NAS targets, the diagram of where each copy goes, who to call.`
      : undefined,
    firstPolicy
      ? `${to(`A policy: ${firstPolicy.metadata.name}`, PAGE.policy(firstPolicy.metadata.name))}: its schedule in words, retention, and the exact restore commands. Try the drill command.`
      : undefined,
    firstSite
      ? `${to('The recovery runbook', PAGE.recovery(firstSite.metadata.name))}: what to restore first after losing a site.`
      : undefined,
    `${to('Office imaging', PAGE.sop('office-imaging'))} and ${to('KVM imaging', PAGE.sop('kvm-imaging'))}: re-imaging a workstation and flashing an SD card.`,
    ...runbooks.map((r) => `${to(r.title, r.path)}: a hand-written runbook.`),
    `${to('Status', PAGE.status)}: is everything green today? Red rows say why.`,
    `${to('Troubleshooting', PAGE.troubleshooting)}: look up any error code from a failed job.`,
  ].filter((s): s is string => s !== undefined);
  const blocks = [
    '# New here? Start with this',
    text('Read these in order; each takes a few minutes. Nothing here needs access you do not have yet.'),
    steps.map((s, i) => `${i + 1}. ${s}`).join('\n'),
    '## Before your first on-call',
    "- Run `npx lifeboat validate` on a clone of the inventory and read one plan comment on a pull request.\n- Find your site's contacts and approvers on its page.\n- Ask for a drill on a policy and read its run record with `npx lifeboat runs`.",
  ];
  return onePage(
    path,
    {
      title: 'New-hire path',
      position: 2,
      description: 'Where to start: a reading order for the runbook site.',
    },
    blocks,
  );
};
