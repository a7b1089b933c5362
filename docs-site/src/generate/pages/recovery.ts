import { type BackupPolicy, DATA_CLASSES, parseDuration, type Site } from '@lifeboat/core';
import { shellLine } from '../commands/shell.js';
import { type DocsContext, imagesAt, policiesOf } from '../context.js';
import { code, codeBlock, link, text } from '../markdown/escape.js';
import { table } from '../markdown/table.js';
import { PAGE, relativeLink } from '../paths.js';
import { durationWords } from '../words/time-words.js';
import { onePage, type PageOutput } from './page-file.js';

// After losing a site: what to bring back first. Critical data classes before the rest, then the
// shortest RTO first; commands are lifeboat's, details on each policy's page.

/** Restore order: critical classes first, then by RTO (unset last), then by name. */
export const restoreOrder = (policies: readonly BackupPolicy[]): BackupPolicy[] => {
  const rto = (p: BackupPolicy) => parseDuration(p.spec.objectives?.rto ?? '') ?? Number.POSITIVE_INFINITY;
  const critical = (p: BackupPolicy) => (DATA_CLASSES[p.spec.dataClass]?.critical ? 0 : 1);
  return [...policies].sort(
    (a, b) =>
      critical(a) - critical(b) ||
      rto(a) - rto(b) ||
      (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0),
  );
};

export const recoveryPage = (ctx: DocsContext, site: Site): PageOutput => {
  const name = site.metadata.name;
  const path = PAGE.recovery(name);
  const ordered = restoreOrder(policiesOf(ctx, name));
  const images = imagesAt(ctx, name);
  const contacts = site.spec.contacts ?? [];
  const blocks = [
    `# Recovering ${text(site.metadata.title ?? name)}`,
    text(`What to do, in order, when ${name} has lost its servers, its NAS or the whole building.`),
    '## 1. Tell people and stop the damage',
    contacts.length > 0
      ? contacts
          .map(
            (c) =>
              `- ${text(`${c.name} (${c.role})`)}${c.phone ? `: ${text(c.phone)}` : ''}${c.email ? `, ${code(c.email)}` : ''}`,
          )
          .join('\n')
      : 'No contact is recorded for this site: add one to its YAML.',
    text(
      'Pause scheduled jobs at the site (disable its runner workflow) so a half-broken NAS is not written to or pruned.',
    ),
    '## 2. Get a runner and the repositories back',
    text(
      `The runner needs the labels ${site.spec.runner.labels.join(', ')} and the credentials named on the site page. Check it with:`,
    ),
    codeBlock(shellLine(['npx', 'lifeboat', 'doctor', '--site', name]), 'sh'),
    text('If a NAS target is gone, each policy page shows how to read its offsite copy with restic instead.'),
    '## 3. Restore data in this order',
    text('Critical data classes first, then the shortest RTO first.'),
    table(
      ['#', 'Policy', 'Data class', 'RTO', 'Restores', 'Offsite copy'],
      ordered.map((p, i) => [
        String(i + 1),
        link(p.metadata.name, relativeLink(path, PAGE.policy(p.metadata.name))),
        code(p.spec.dataClass),
        durationWords(p.spec.objectives?.rto),
        p.spec.sources.paths.map(code).join(', '),
        p.spec.offsite ? code(p.spec.offsite.remote) : 'none',
      ]),
      '_No backup policy at this site._',
    ),
    ordered.length > 0
      ? codeBlock(
          ordered
            .map((p) =>
              shellLine([
                'npx',
                'lifeboat',
                'run',
                '--site',
                name,
                '--job',
                'restore',
                '--policy',
                p.metadata.name,
                '--snapshot',
                'latest',
              ]),
            )
            .join('\n'),
          'sh',
        )
      : undefined,
    '## 4. Re-image devices',
    table(
      ['Image', 'Device class', 'Version', 'RTO'],
      images.map((i) => [
        link(i.metadata.name, relativeLink(path, PAGE.image(i.metadata.name))),
        code(i.spec.deviceClass),
        code(i.spec.version),
        durationWords(i.spec.objectives?.rto),
      ]),
      '_No image is stored for this site._',
    ),
    '## 5. Prove it',
    text(
      'Run a drill of every restored policy and check the status page is green before re-enabling scheduled jobs.',
    ),
    link('Status page', relativeLink(path, PAGE.status)),
  ];
  return onePage(
    path,
    {
      title: `Recovering ${site.metadata.title ?? name}`,
      sidebarLabel: 'Recovery runbook',
      position: 2,
      description: `Restore order for ${name} after losing the site.`,
    },
    blocks,
  );
};
