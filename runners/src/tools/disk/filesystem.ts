// The filesystems an Image may declare (core's Image schema): which partclone binary, fsck and usage probe apply.

export const FILESYSTEMS = [
  'ext2',
  'ext3',
  'ext4',
  'vfat',
  'fat32',
  'ntfs',
  'xfs',
  'btrfs',
  'exfat',
  'dd',
] as const;

export type FilesystemType = (typeof FILESYSTEMS)[number];

export const isFilesystemType = (value: unknown): value is FilesystemType =>
  typeof value === 'string' && (FILESYSTEMS as readonly string[]).includes(value);

export const isExt = (fs: FilesystemType): boolean => fs === 'ext2' || fs === 'ext3' || fs === 'ext4';
export const isFat = (fs: FilesystemType): boolean => fs === 'vfat' || fs === 'fat32';
