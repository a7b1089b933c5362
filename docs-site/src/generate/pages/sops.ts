import { DATA_CLASSES, type Image } from '@lifeboat/core';
import { shellLine } from '../commands/shell.js';
import type { DocsContext } from '../context.js';
import { category, page } from '../frontmatter.js';
import { code, codeBlock, link, text } from '../markdown/escape.js';
import { table } from '../markdown/table.js';
import { PAGE, relativeLink, type SopName } from '../paths.js';
import { describeRetention } from '../words/retention-words.js';
import { durationWords } from '../words/time-words.js';
import type { PageFile, PageOutput } from './page-file.js';

// The three standard operating procedures, written once here and filled with the inventory's real sites
// and images. They never state schedules: those live on policy and site pages only.

const isKvm = (i: Image) => i.spec.sdCard !== undefined || /kvm/.test(i.spec.deviceClass);
const isOffice = (ctx: DocsContext, i: Image) =>
  !isKvm(i) &&
  (/workstation|desktop|laptop|office/.test(i.spec.deviceClass) ||
    ctx.sites.find((s) => s.metadata.name === i.spec.site)?.spec.environment === 'office');

const imageTable = (from: string, images: readonly Image[]) =>
  table(
    ['Image', 'Device class', 'Version', 'Promotion', 'Primary store'],
    images.map((i) => [
      link(i.metadata.title ?? i.metadata.name, relativeLink(from, PAGE.image(i.metadata.name))),
      code(i.spec.deviceClass),
      code(i.spec.version),
      code(i.spec.promotion),
      text(`${i.spec.stores.primary.site} / ${i.spec.stores.primary.target}`),
    ]),
    '_No such image in the inventory yet._',
  );

const imagingSteps = (kind: 'disk' | 'card') =>
  [
    '1. Pick the image on its page and check its promotion: only **approved** or **deployed** versions go on user devices; **candidate** and **verified** are for testing.',
    `2. Check the target ${kind === 'card' ? 'card' : 'disk'} with \`lsblk\`: everything on it is overwritten.`,
    '3. Run the restore commands from the image page: the stored files are checked against their SHA-256 sums before anything is written.',
    '4. Verify as the image page says (re-capture hash, fsck, chkimg, read-back), then boot the device.',
    '5. Record what you did in the ticket, with the image name and version.',
  ].join('\n');

const sopFile = (
  name: SopName,
  title: string,
  position: number,
  description: string,
  blocks: (string | undefined)[],
): PageFile => ({
  path: PAGE.sop(name),
  content: page({ title, position, description }, [`# ${text(title)}`, ...blocks]),
});

export const sopPages = (ctx: DocsContext): PageOutput => {
  const office = ctx.images.filter((i) => isOffice(ctx, i));
  const kvm = ctx.images.filter(isKvm);
  const officePath = PAGE.sop('office-imaging');
  const storagePath = PAGE.sop('storage-and-backup');
  const kvmPath = PAGE.sop('kvm-imaging');
  const files: PageFile[] = [
    {
      path: 'sops/_category_.json',
      content: category('Standard procedures', 40, 'Office imaging, storage and backup, KVM imaging.'),
    },
    sopFile(
      'office-imaging',
      'SOP: office workstation imaging',
      1,
      'Re-imaging an office workstation from an approved image.',
      [
        '## Purpose',
        'Bring an office workstation back to a known-good state from an approved image, or capture a new image version.',
        '## Images',
        imageTable(officePath, office),
        '## Re-image a workstation',
        imagingSteps('disk'),
        '## Capture a new version',
        '1. Prepare the reference machine and shut it down cleanly (a filesystem in use cannot be captured consistently).\n2. Raise `spec.version` in the image YAML and open a pull request; `lifeboat validate` checks it.\n3. Capture with the commands on the image page, then let the drill verify it before promoting it.',
      ],
    ),
    sopFile(
      'storage-and-backup',
      'SOP: storage and backup',
      2,
      'How data is stored, copied offsite and kept, and how to change it.',
      [
        '## Purpose',
        'Every site keeps its data on a NAS target with restic and copies critical data offsite with rclone (3-2-1). Everything is declared in YAML and changed by pull request.',
        '## Sites and their storage',
        table(
          ['Site', 'NAS targets', 'Offsite remotes', 'Policies'],
          ctx.sites.map((s) => [
            link(s.metadata.name, relativeLink(storagePath, PAGE.site(s.metadata.name))),
            s.spec.nas.map((t) => code(t.name)).join(', ') || 'none',
            (s.spec.offsite ?? []).map((o) => code(o.name)).join(', ') || 'none',
            String(ctx.policies.filter((p) => p.spec.site === s.metadata.name).length),
          ]),
        ),
        '## Minimum retention by data class',
        table(
          ['Data class', 'Critical (needs offsite)', 'At least'],
          Object.entries(DATA_CLASSES).map(([name, c]) => [
            code(name),
            c.critical ? 'yes' : 'no',
            text(describeRetention(c.minRetention).replace(/;.*$/, '')),
          ]),
        ),
        '## Objectives',
        table(
          ['Policy', 'RPO', 'RTO'],
          ctx.policies.map((p) => [
            link(p.metadata.name, relativeLink(storagePath, PAGE.policy(p.metadata.name))),
            durationWords(p.spec.objectives?.rpo),
            durationWords(p.spec.objectives?.rto),
          ]),
          '_No policy yet._',
        ),
        '## Change a policy',
        `Edit the YAML under ${code('policies/')} in a branch and check it locally:`,
        codeBlock(
          `${shellLine(['npx', 'lifeboat', 'validate'])}\n${shellLine(['npx', 'lifeboat', 'plan', '--base', 'origin/main'])}`,
          'sh',
        ),
        'Then open a pull request: the plan comment shows what changes, when jobs next run and which retention changes delete snapshots. After merge, the site runner applies it at its next tick and the docs regenerate.',
        '## Secrets',
        "Passwords and keys never go in YAML: a NAS target names the environment variable (`passwordEnv`) or command (`passwordCommand`) that supplies them, and the runner's secret store provides the values.",
      ],
    ),
    sopFile(
      'kvm-imaging',
      'SOP: KVM device imaging',
      3,
      'Flashing and verifying the SD card of a KVM device.',
      [
        '## Purpose',
        'Replace or re-flash the boot SD card of a KVM device from an approved image, and prove the card holds what was written.',
        '## Images',
        imageTable(kvmPath, kvm),
        '## Flash a card',
        imagingSteps('card'),
        '## Cards to use',
        table(
          ['Image', 'Minimum card', 'Ends zeroed', 'Read back'],
          kvm.map((i) => [
            link(i.metadata.name, relativeLink(kvmPath, PAGE.image(i.metadata.name))),
            i.spec.sdCard?.minCardMiB !== undefined ? `${i.spec.sdCard.minCardMiB} MiB` : '—',
            i.spec.sdCard?.zeroEnds ? 'yes' : 'no',
            i.spec.sdCard?.readBackVerify ? 'yes' : 'no',
          ]),
          '_No KVM image in the inventory yet._',
        ),
        'A card that fails read-back is fake or failing: discard it, never reuse it.',
      ],
    ),
  ];
  return { files };
};
