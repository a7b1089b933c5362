// partclone's error codes with cause and fix: outcomes point here, the docs' troubleshooting pages list them.
import type { CatalogueEntry } from '@lifeboat/core';

export const PARTCLONE_CODES = {
  'partclone.invalid-argument': {
    title: 'Invalid image argument',
    cause: 'A path, filesystem, checksum mode, compression or hash given to lifeboat is not one it will use.',
    fix: 'Use absolute paths, a filesystem from the Image schema and a 64-digit SHA-256.',
  },
  'partclone.not-installed': {
    title: 'partclone or zstd not found',
    cause: 'The partclone.<fs> binary (or zstd) could not be started on this runner.',
    fix: 'Install partclone and zstd (Debian: apt-get install partclone zstd).',
  },
  'partclone.checksum-mode-unsupported': {
    title: 'Checksum mode not supported',
    cause:
      'The image asks for a checksum mode the installed partclone does not know (0.3.23 knows -a0 and -a1).',
    fix: 'Pin capture.checksumMode to 0 or 1, or install the partclone version the image was made with.',
  },
  'partclone.source-missing': {
    title: 'Source not found',
    cause: 'The device or file to capture does not exist.',
    fix: 'Check source.device / source.file and that the disk is attached.',
  },
  'partclone.output-exists': {
    title: 'Image file already exists',
    cause: 'A capture never overwrites a stored image version.',
    fix: 'Bump the image version, or remove the old file deliberately.',
  },
  'partclone.no-space': {
    title: 'Not enough space',
    cause:
      'The target directory has less free space than the filesystem uses (or filled up while writing): partclone would not stop by itself.',
    fix: 'Free space on the image store, or capture to a larger one.',
  },
  'partclone.output-write-failed': {
    title: 'Writing the image failed',
    cause: 'Writing or syncing the image file failed with an I/O error.',
    fix: 'Check the image store (disk errors, permissions, NAS connection).',
  },
  'partclone.no-success-line': {
    title: 'partclone did not confirm success',
    cause:
      'partclone exited 0 without its "successfully" line; exit 0 alone is not proof (it exits 0 after printing its usage).',
    fix: 'Run the same partclone command by hand and read its log; check the partclone version.',
  },
  'partclone.usage': {
    title: 'partclone rejected an option',
    cause:
      'partclone printed its usage (an option this version does not know, such as -a3 on 0.3.23) and did nothing.',
    fix: 'Check the partclone version against the image manifest (checksumMode).',
  },
  'partclone.source-unreadable': {
    title: 'Source could not be opened',
    cause: 'partclone could not open the source device or file.',
    fix: 'Check the path and permissions; the runner needs read access to the device.',
  },
  'partclone.wrong-filesystem': {
    title: 'Not the declared filesystem',
    cause: 'partclone found no valid superblock of the declared filesystem on the source.',
    fix: 'Check the partition number and the filesystem declared for it in the Image.',
  },
  'partclone.target-too-small': {
    title: 'Restore target too small',
    cause: 'The target device or file is smaller than the filesystem in the image.',
    fix: 'Restore to a device at least as large as the original partition, or to a new file.',
  },
  'partclone.image-truncated': {
    title: 'Image ended early',
    cause: 'The image stream ended before all blocks were read: the image file is truncated.',
    fix: 'Restore a complete copy of the image (check its SHA-256 against the manifest).',
  },
  'partclone.image-missing': {
    title: 'Image not found',
    cause: 'The image file to restore does not exist.',
    fix: 'Check the image store path and version.',
  },
  'partclone.image-corrupt': {
    title: 'Image does not match its SHA-256',
    cause:
      'The stored image differs from the SHA-256 recorded when it was captured; nothing was written to the target.',
    fix: 'Restore from a replica or the offsite copy, whose hash matches.',
  },
  'partclone.image-changed': {
    title: 'Image changed during the restore',
    cause: 'The image verified before the restore, but the bytes read during the restore hash differently.',
    fix: 'Something is writing to the image store or it has read errors: check it, then restore again.',
  },
  'partclone.compressor-failed': {
    title: 'zstd failed during the capture',
    cause: 'The zstd stage of the capture pipeline failed.',
    fix: 'Read the message; check memory and the zstd installation.',
  },
  'partclone.decompress-failed': {
    title: 'zstd could not decompress the image',
    cause: 'The image is not valid zstd data (corrupt or not compressed).',
    fix: 'Check the image compression setting and the image hash.',
  },
  'partclone.failed': {
    title: 'partclone failed',
    cause: 'partclone exited with an error lifeboat has no more specific code for.',
    fix: "Read the message and partclone's log.",
  },
  'partclone.target-invalid': {
    title: 'Restore target is not a file or device',
    cause: 'The target exists but is a directory or another special file, or is the image itself.',
    fix: 'Give a block device, an existing image file, or a path for a new file.',
  },
  'partclone.timeout': {
    title: 'Timed out',
    cause: 'The capture or restore ran longer than the job allows and was stopped.',
    fix: 'Raise the timeout for large disks.',
  },
  'partclone.cancelled': {
    title: 'Cancelled',
    cause: 'The run was cancelled; a partial image file is removed, a restore target may be half-written.',
    fix: 'Run again.',
  },
} as const satisfies Record<string, CatalogueEntry>;

export type PartcloneCode = keyof typeof PARTCLONE_CODES;
