import type { Image } from '@lifeboat/core';
import {
  captureScript,
  partitionFile,
  restoreScript,
  sdCardScript,
  verifyScript,
  versionFolder,
} from '../commands/image-commands.js';
import { shellLine } from '../commands/shell.js';
import { type DocsContext, rowOf, siteOf } from '../context.js';
import { anchorOf, code, codeBlock, link, text } from '../markdown/escape.js';
import { table } from '../markdown/table.js';
import { PAGE, relativeLink } from '../paths.js';
import { nextRunWords, scheduleWords } from '../words/schedule-words.js';
import { durationWords, formatUtc } from '../words/time-words.js';
import { onePage, type PageOutput } from './page-file.js';
import { statusCell } from './status-cells.js';

// One page per image: layout, where versions are stored, and how to capture, restore, flash and verify it.

const PROMOTION = ['candidate', 'verified', 'approved', 'deployed', 'retired'] as const;

const IMAGE_JOBS = new Set(['image-capture', 'image-restore', 'sd-write', 'drill']);

export const imagePage = (ctx: DocsContext, image: Image, position: number): PageOutput => {
  const name = image.metadata.name;
  const path = PAGE.image(name);
  const spec = image.spec;
  const site = siteOf(ctx, spec.site);
  const title = image.metadata.title ?? name;
  const stores = [
    ['primary', spec.stores.primary.site, spec.stores.primary.target, spec.stores.primary.path],
    ...(spec.stores.replicas ?? []).map((r) => ['replica', r.site, r.target, r.path]),
  ] as const;
  const history = ctx.records
    .filter((r) => r.image === name && IMAGE_JOBS.has(r.job))
    .slice(-10)
    .reverse()
    .map((r) => [
      formatUtc(r.startedAt),
      code(r.job),
      r.outcome,
      r.verification ? text(`${r.verification.passed ? 'passed' : 'FAILED'}: ${r.verification.method}`) : '—',
      r.error
        ? link(r.error.code, `${relativeLink(path, PAGE.troubleshooting)}#${anchorOf(r.error.code)}`)
        : '—',
    ]);
  const drillNext = spec.drill ? nextRunWords(spec.drill.schedule, site, ctx.now) : [];
  const blocks = [
    `# ${text(title)}`,
    image.metadata.description ? text(image.metadata.description) : undefined,
    table(
      ['Fact', 'Value'],
      [
        ['Image', code(name)],
        [
          'Owning site',
          site
            ? link(
                site.metadata.title ?? site.metadata.name,
                relativeLink(path, PAGE.site(site.metadata.name)),
              )
            : text(spec.site),
        ],
        ['Device class', code(spec.deviceClass)],
        ['Current version', code(spec.version)],
        [
          'Promotion',
          `${code(spec.promotion)} (${PROMOTION.map((p) => (p === spec.promotion ? `**${p}**` : p)).join(' → ')})`,
        ],
        ['Source', code(spec.source.device ?? spec.source.file ?? 'not set')],
        ['Partition table', code(spec.partitionTable)],
        [
          'Capture',
          `partclone ${code(spec.capture.partclone)}, ${code(`-a${spec.capture.checksumMode}`)}, ${spec.capture.compression === 'zstd' ? `zstd${spec.capture.level !== undefined ? ` level ${spec.capture.level}` : ''}` : 'uncompressed'}`,
        ],
        ['Keeps', `${spec.retention.keepVersions} versions`],
        ['RTO', durationWords(spec.objectives?.rto)],
        ['Approvers', (spec.approvers ?? []).map(code).join(', ') || "the site's approvers"],
        ['Status today', statusCell(rowOf(ctx, 'image', name))],
      ],
    ),
    '## Partitions',
    table(
      ['#', 'Name', 'Filesystem', 'Size', 'Role', 'Stored as'],
      spec.partitions.map((p) => [
        String(p.number),
        code(p.name),
        code(p.filesystem),
        p.sizeMiB !== undefined ? `${p.sizeMiB} MiB` : '—',
        p.role ?? '—',
        code(partitionFile(p, spec.capture.compression)),
      ]),
    ),
    '## Where versions are stored',
    text(
      `Each version is a folder <store>/${name}/<version>/ holding manifest.json, the partition table, one file per partition and their SHA-256 sums.`,
    ),
    table(
      ['Copy', 'Site', 'NAS target', 'Path'],
      [
        ...stores.map(([kind, s, t, p]) => [
          kind,
          link(s, relativeLink(path, PAGE.site(s))),
          code(t),
          code(p),
        ]),
        ...(spec.stores.offsite ?? []).map((o) => [
          'offsite',
          link(o.site, relativeLink(path, PAGE.site(o.site))),
          code(o.remote),
          'synced by rclone',
        ]),
      ],
    ),
    '## Capture a new version',
    text(
      `Bump spec.version in the YAML first (the new version starts as a candidate), then capture from the reference device ${spec.source.device ?? spec.source.file ?? ''}:`,
    ),
    codeBlock(captureScript(image, ctx.inventory), 'bash'),
    '## Restore to a disk',
    text('Replace /dev/sdX with the target disk (check with lsblk: everything on it is overwritten).'),
    codeBlock(restoreScript(image, ctx.inventory), 'bash'),
    '## Verify',
    text(
      `This image's verification: sha256 of every stored file${spec.verification.recaptureHash ? ', re-capture hash of each restored partition' : ''}${spec.verification.fsck ? ', fsck' : ''}${spec.verification.chkimg ? ', partclone.chkimg' : ''}.`,
    ),
    codeBlock(verifyScript(image), 'bash'),
    spec.sdCard ? '## Flash an SD card' : undefined,
    spec.sdCard
      ? text(
          `Cards must hold at least ${spec.sdCard.minCardMiB ?? "the image's"} MiB. ${spec.sdCard.zeroEnds ? 'The first and last MiB are zeroed first to catch fake-capacity cards. ' : ''}${spec.sdCard.readBackVerify ? 'After writing, the card is read back and compared.' : ''}`,
        )
      : undefined,
    spec.sdCard ? codeBlock(sdCardScript(image, ctx.inventory), 'bash') : undefined,
    '## Drill',
    spec.drill
      ? `${text(`Restores the current version into ${spec.drill.sandbox ?? "the runner's sandbox"} and verifies it, ${scheduleWords(spec.drill.schedule, site)}.`)}${drillNext.length > 0 ? ` Next: ${drillNext.map(text).join('; ')}.` : ''}`
      : 'No drill is scheduled for this image.',
    codeBlock(
      shellLine([
        'npx',
        'lifeboat',
        'run',
        '--site',
        spec.stores.primary.site,
        '--job',
        'drill',
        '--image',
        name,
      ]),
      'sh',
    ),
    '## History',
    table(
      ['Started', 'Job', 'Outcome', 'Verification', 'Error'],
      history,
      '_No capture, restore, SD-card write or drill recorded yet._',
    ),
    text(`Version folder on the primary store: ${versionFolder(image, ctx.inventory)}.`),
    `Defined in ${code(ctx.sourceFiles.get(`image/${name}`) ?? `images/${name}.yaml`)}.`,
  ];
  return onePage(
    path,
    {
      title,
      sidebarLabel: name,
      position,
      description: `Image ${name} ${spec.version}: capture, restore, SD-card flashing and verification.`,
    },
    blocks,
  );
};
