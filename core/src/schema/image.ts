import { type Static, Type } from '@sinclair/typebox';
import { AbsolutePath, Duration, header, Name, RelativePath, Schedule, SlackId, Strict } from './common.js';

export const Filesystem = Type.Union(
  ['ext2', 'ext3', 'ext4', 'vfat', 'fat32', 'ntfs', 'xfs', 'btrfs', 'exfat', 'dd'].map((f) =>
    Type.Literal(f),
  ),
  { description: 'Filesystem, which picks the partclone.<fs> binary (dd = raw copy).' },
);

export const Partition = Strict({
  number: Type.Integer({ minimum: 1, maximum: 128 }),
  name: Name,
  filesystem: Filesystem,
  sizeMiB: Type.Optional(Type.Integer({ minimum: 1 })),
  role: Type.Optional(
    Type.Union(['efi', 'boot', 'root', 'os', 'data', 'recovery'].map((r) => Type.Literal(r))),
  ),
});

export const ImageStore = Strict({
  site: Name,
  target: Name,
  path: RelativePath,
});

export const ImageOffsite = Strict({
  site: Name,
  remote: Name,
});

export const PromotionState = Type.Union(
  ['candidate', 'verified', 'approved', 'deployed', 'retired'].map((s) => Type.Literal(s)),
  { description: 'Lifecycle of an image version: candidate → verified → approved → deployed (→ retired).' },
);

export const ImageSpec = Strict({
  site: Name,
  deviceClass: Type.String({ pattern: '^[a-z][a-z0-9-]*$' }),
  version: Type.String({ pattern: '^[0-9A-Za-z][0-9A-Za-z._-]*$' }),
  source: Strict({
    device: Type.Optional(AbsolutePath),
    file: Type.Optional(AbsolutePath),
    sizeMiB: Type.Optional(Type.Integer({ minimum: 1 })),
  }),
  partitionTable: Type.Union([Type.Literal('gpt'), Type.Literal('mbr')]),
  partitions: Type.Array(Partition, { minItems: 1 }),
  capture: Strict({
    partclone: Type.String({
      pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+$',
      description: 'Pinned partclone version.',
    }),
    checksumMode: Type.Integer({
      minimum: 0,
      maximum: 9,
      description: 'partclone -a mode; 0.3.23 knows 0 (none) and 1 (CRC32) only.',
    }),
    compression: Type.Union([Type.Literal('zstd'), Type.Literal('none')]),
    level: Type.Optional(Type.Integer({ minimum: 1, maximum: 19 })),
  }),
  stores: Strict({
    primary: ImageStore,
    replicas: Type.Optional(Type.Array(ImageStore)),
    offsite: Type.Optional(Type.Array(ImageOffsite)),
  }),
  retention: Strict({ keepVersions: Type.Integer({ minimum: 1 }) }),
  verification: Strict({
    hash: Type.Literal('sha256'),
    recaptureHash: Type.Boolean(),
    fsck: Type.Boolean(),
    chkimg: Type.Optional(Type.Boolean()),
  }),
  sdCard: Type.Optional(
    Strict({
      zeroEnds: Type.Boolean({
        description: 'Zero the first and last MiB before writing (catches fake-capacity cards).',
      }),
      readBackVerify: Type.Boolean(),
      minCardMiB: Type.Optional(Type.Integer({ minimum: 1 })),
    }),
  ),
  objectives: Type.Optional(Strict({ rto: Type.Optional(Duration) })),
  drill: Type.Optional(
    Strict({
      schedule: Schedule,
      sandbox: Type.Optional(AbsolutePath),
    }),
  ),
  promotion: PromotionState,
  approvers: Type.Optional(Type.Array(SlackId, { uniqueItems: true })),
});

export const ImageSchema = header(
  'Image',
  ImageSpec,
  'A disk or SD-card image: layout, capture options, stores, verification and promotion.',
);
export type Image = Static<typeof ImageSchema>;
export type ImageStore = Static<typeof ImageStore>;
