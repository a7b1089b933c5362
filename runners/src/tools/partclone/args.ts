// argv for partclone.<fs>, from checked values only. Capture streams the image to stdout (`-o -`) for
// zstd and hashing; restore reads stdin (`-s -`) into an existing target (`-O`) or a new sparse file
// (`-W -O`) — never plain `-o`, which refuses existing files and, with -C, truncates silently.
import { quote } from '@lifeboat/core';
import { type FilesystemType, isFilesystemType } from '../disk/filesystem.js';
import type { ToolError } from '../result.js';

export type Built<T> = { ok: true; value: T } | { ok: false; error: ToolError };

const invalid = <T>(message: string): Built<T> => ({
  ok: false,
  error: { code: 'partclone.invalid-argument', message },
});

/**
 * Binary per filesystem (all installed by Debian's partclone 0.3.23; partclone.ext2/3/4 link to
 * partclone.extfs, partclone.vfat/fat32 to partclone.fat).
 */
export const PARTCLONE_BINARIES: Readonly<Record<FilesystemType, string>> = {
  ext2: 'partclone.ext2',
  ext3: 'partclone.ext3',
  ext4: 'partclone.ext4',
  vfat: 'partclone.fat',
  fat32: 'partclone.fat',
  ntfs: 'partclone.ntfs',
  xfs: 'partclone.xfs',
  btrfs: 'partclone.btrfs',
  exfat: 'partclone.exfat',
  dd: 'partclone.dd',
};

/** Newlines, escapes and other C0 controls (and DEL) never belong in a path. */
const hasControl = (text: string): boolean =>
  [...text].some((c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 || code === 0x7f;
  });

export const checkAbsolutePath = (path: string, what: string): Built<string> => {
  if (!path.startsWith('/')) return invalid(`${what} ${quote(path)} must be an absolute path`);
  if (hasControl(path)) return invalid(`${what} ${quote(path)} contains control characters`);
  if (path.split('/').includes('..')) return invalid(`${what} ${quote(path)} contains ".."`);
  return { ok: true, value: path };
};

export const checkFilesystem = (fs: unknown): Built<FilesystemType> =>
  isFilesystemType(fs)
    ? { ok: true, value: fs }
    : invalid(`filesystem ${quote(fs)} is not one lifeboat images`);

/** Progress every second, without the per-block detail line. */
const PROGRESS = ['-B', '-f', '1'];

export interface CaptureArgsInput {
  source: string;
  /** Always given: partclone's default log is overwritten by every run. */
  logFile: string;
  checksumMode: number;
}

/**
 * `partclone.<fs> -c -s SRC -o - -L LOG -aN -B -f 1`. partclone.dd has no image format (no -c, no -a):
 * it streams the raw bytes of the source.
 */
export const captureArgs = (fs: FilesystemType, input: CaptureArgsInput): Built<string[]> => {
  const source = checkAbsolutePath(input.source, 'source');
  if (!source.ok) return source;
  const log = checkAbsolutePath(input.logFile, 'log file');
  if (!log.ok) return log;
  if (fs === 'dd') return { ok: true, value: ['-s', source.value, '-o', '-', '-L', log.value, ...PROGRESS] };
  if (!Number.isInteger(input.checksumMode) || input.checksumMode < 0 || input.checksumMode > 9) {
    return invalid(`checksum mode ${quote(input.checksumMode)} is not 0-9`);
  }
  return {
    ok: true,
    value: ['-c', '-s', source.value, '-o', '-', '-L', log.value, `-a${input.checksumMode}`, ...PROGRESS],
  };
};

export interface RestoreArgsInput {
  target: string;
  logFile: string;
  /** The target does not exist yet: partclone creates it as a sparse file of the filesystem's size (-W). */
  newFile: boolean;
}

/**
 * `partclone.<fs> -r -s - -O TARGET` (or `-W -O TARGET` for a new sparse file). Not for dd: partclone.dd
 * reading stdin sees a 0-byte source, truncates the target to 0 bytes and reports success (0.3.23).
 */
export const restoreArgs = (fs: FilesystemType, input: RestoreArgsInput): Built<string[]> => {
  if (fs === 'dd')
    return invalid('dd images are written by lifeboat itself: partclone.dd cannot restore from a stream');
  const target = checkAbsolutePath(input.target, 'target');
  if (!target.ok) return target;
  const log = checkAbsolutePath(input.logFile, 'log file');
  if (!log.ok) return log;
  return {
    ok: true,
    value: [
      '-r',
      '-s',
      '-',
      ...(input.newFile ? ['-W'] : []),
      '-O',
      target.value,
      '-L',
      log.value,
      ...PROGRESS,
    ],
  };
};

/** zstd as the second stage of a capture: all cores, quiet, to stdout. */
export const zstdCompressArgs = (level = 3): Built<string[]> =>
  Number.isInteger(level) && level >= 1 && level <= 19
    ? { ok: true, value: ['-c', '-T0', `-${level}`, '-q', '--no-progress'] }
    : invalid(`zstd level ${quote(level)} is not 1-19`);

/** zstd as the first stage of a restore: decompress stdin to stdout. */
export const zstdDecompressArgs = (): string[] => ['-d', '-c', '-q', '--no-progress'];
