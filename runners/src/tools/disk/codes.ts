// Error codes of the disk helpers (partition tables, fsck, space) with cause and fix, for the docs catalogue.
import type { CatalogueEntry } from '@lifeboat/core';

export const DISK_CODES = {
  'disk.invalid-argument': {
    title: 'Invalid disk argument',
    cause:
      'A device or file path given to a disk helper is not an absolute path, or a value is out of range.',
    fix: 'Pass absolute paths to existing devices or image files.',
  },
  'disk.not-installed': {
    title: 'Disk tool not found',
    cause: 'sfdisk, sgdisk, e2fsck or fsck.fat could not be started.',
    fix: 'Install fdisk, gdisk, e2fsprogs and dosfstools on the runner.',
  },
  'disk.no-partition-table': {
    title: 'No partition table',
    cause: 'sfdisk found no MBR or GPT partition table on the device.',
    fix: 'Check that the device is the whole disk (e.g. /dev/sda, not /dev/sda1).',
  },
  'disk.not-gpt': {
    title: 'Not a GPT disk',
    cause:
      'sgdisk was asked for a GPT backup of an MBR disk; it would have converted the MBR to GPT in memory and saved that.',
    fix: 'Use the sfdisk dump for MBR disks (partitionTable: mbr).',
  },
  'disk.partition-table-failed': {
    title: 'Partition table tool failed',
    cause: 'sfdisk or sgdisk exited with an error while reading or writing a partition table.',
    fix: 'Read the message; check that the target is a whole disk at least as large as the original.',
  },
  'disk.partition-table-mismatch': {
    title: 'Written partition table differs',
    cause: 'After writing, the partition table read back differs from the one that was meant to be written.',
    fix: 'Check the target disk size and that nothing else changed it; write it again.',
  },
  'disk.fsck-errors': {
    title: 'Filesystem check found errors',
    cause: 'The read-only filesystem check (e2fsck -fn, fsck.fat -n) found inconsistencies.',
    fix: 'Do not deploy this image: re-capture from a clean, unmounted source, or restore a verified version.',
  },
  'disk.fsck-failed': {
    title: 'Filesystem check could not run',
    cause:
      'The checker could not open or recognise the filesystem (wrong type, missing device, no superblock).',
    fix: 'Check the filesystem type declared for the partition and the device path.',
  },
  'disk.fsck-unsupported': {
    title: 'No filesystem check for this type',
    cause: 'lifeboat only checks ext2/3/4 (e2fsck) and FAT (fsck.fat) filesystems.',
    fix: 'Verify this partition by re-capture hash only, or set verification.fsck to false for it.',
  },
  'disk.cancelled': {
    title: 'Cancelled',
    cause: 'The run was cancelled while a disk tool ran.',
    fix: 'Run again.',
  },
  'disk.timeout': {
    title: 'Timed out',
    cause: 'A disk tool ran longer than allowed.',
    fix: 'Raise the timeout for large devices.',
  },
} as const satisfies Record<string, CatalogueEntry>;

export type DiskCode = keyof typeof DISK_CODES;
