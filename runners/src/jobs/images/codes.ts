// Error codes of the image jobs (capture, restore, SD-card write, drill) with cause and fix, for the docs
// catalogue; tool failures keep the adapters' own codes (partclone.*, disk.*).
import type { CatalogueEntry } from '@lifeboat/core';

export const IMAGE_CODES = {
  'image.not-found': {
    title: 'Image not in the inventory',
    cause: 'The job names an image that the merged inventory does not declare.',
    fix: 'Check the image name, and that the change declaring it is merged.',
  },
  'image.store-unsupported': {
    title: 'Image store not reachable from this runner',
    cause:
      'Image versions are stored as files: the primary store must be a NAS target with a local (mounted) path at this site. rest:, sftp:, s3:, b2: and rclone: targets hold restic repositories, not image files.',
    fix: 'Point stores.primary at a NAS target whose repository is an absolute path (the NAS mount); copy stores offsite with a sync policy.',
  },
  'image.version-exists': {
    title: 'Image version already stored',
    cause:
      'A stored image version is never overwritten: a capture of the same version would replace what was verified.',
    fix: 'Bump spec.version in the image YAML, or delete the stored version deliberately.',
  },
  'image.version-missing': {
    title: 'Image version not stored',
    cause: 'The image store has no complete version with that name (or none at all).',
    fix: 'Capture the image first, or name a version that `ls` shows in the image store.',
  },
  'image.manifest-invalid': {
    title: 'Image manifest unreadable or invalid',
    cause:
      'manifest.json is missing, is not JSON, lacks fields, or names files outside its version directory.',
    fix: 'Restore the version from a replica or the offsite copy; never edit manifests by hand.',
  },
  'image.source-missing': {
    title: 'Image source not found',
    cause: 'source.device / source.file does not exist, or is not a block device or regular file.',
    fix: 'Attach the disk or card, or fix the path in the image YAML.',
  },
  'image.source-busy': {
    title: 'Image source is mounted',
    cause: 'The source disk or one of its partitions is mounted: its filesystems change while they are read.',
    fix: 'Unmount the partitions, or capture the device booted from other media.',
  },
  'image.layout-mismatch': {
    title: 'Disk layout differs from the image YAML',
    cause:
      'The source disk has another partition table type, lacks a declared partition, or a partition has another size than sizeMiB.',
    fix: 'Fix partitionTable / partitions in the image YAML, or capture the right disk.',
  },
  'image.target-invalid': {
    title: 'Restore target unusable',
    cause:
      'The target is not an absolute path to a block device or regular file, is inside the image store, or is mounted.',
    fix: 'Name a whole disk (e.g. /dev/sdb) that is not mounted, or a file path outside the image store.',
  },
  'image.target-too-small': {
    title: 'Target smaller than the image',
    cause:
      'The target device or file is smaller than the image layout (end of its last partition, GPT backup header).',
    fix: 'Use a larger disk or card, or restore to a new file.',
  },
  'image.card-fake-capacity': {
    title: 'SD card does not hold what it claims',
    cause:
      'The card (or the file standing in for it) is shorter than its claimed capacity, or bytes written near its end did not read back (fake-capacity cards wrap around).',
    fix: 'Discard the card; use a genuine card from a known supplier.',
  },
  'image.readback-mismatch': {
    title: 'Written bytes did not read back',
    cause:
      'After writing and fsync, the SHA-256 of the bytes read back from the card differs from what was written.',
    fix: 'Write again; if it repeats, discard the card or the reader.',
  },
  'image.verify-failed': {
    title: 'Restored partition does not verify',
    cause:
      "A restored partition's re-capture hash differs from the manifest's raw-stream hash, or its bytes on the target differ from the verified copy.",
    fix: 'Do not use the target; restore again, and check the image store and target for I/O errors.',
  },
  'image.no-space': {
    title: 'Not enough space for the job',
    cause: 'The scratch, sandbox or store directory has less free space than the job needs.',
    fix: 'Free space, or point the job at a larger directory.',
  },
  'image.io-failed': {
    title: 'Reading or writing image files failed',
    cause: 'An I/O error while copying a partition range, writing the manifest or removing a version.',
    fix: 'Read the message; check the disks and the NAS mount.',
  },
  'image.cancelled': {
    title: 'Cancelled',
    cause:
      'The job was cancelled; a partial version directory is removed, a restore target may be half-written.',
    fix: 'Run again.',
  },
} as const satisfies Record<string, CatalogueEntry>;

export type ImageCode = keyof typeof IMAGE_CODES;
