// How much room there is and how much a filesystem needs: partclone does not stop when its target fills up,
// so captures and restores check before they start.
import { stat, statfs } from 'node:fs/promises';
import { exec } from '../../exec/exec.js';
import { type FilesystemType, isExt, isFat } from './filesystem.js';

export interface FreeSpace {
  /** Bytes an unprivileged writer may still use (statfs bavail × bsize). */
  availableBytes: number;
  totalBytes: number;
}

export const freeSpace = async (dir: string): Promise<FreeSpace> => {
  const s = await statfs(dir);
  return { availableBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
};

/** Size of a regular file or block device in bytes; undefined for anything else. */
export const deviceSize = async (path: string): Promise<number | undefined> => {
  const s = await stat(path);
  if (s.isFile()) return s.size;
  if (!s.isBlockDevice()) return undefined;
  const r = await exec('blockdev', ['--getsize64', path], { timeoutMs: 15_000 });
  const n = Number(r.stdout.trim());
  return r.exitCode === 0 && Number.isSafeInteger(n) ? n : undefined;
};

export interface FilesystemUsage {
  usedBytes: number;
  totalBytes: number;
  method: 'dumpe2fs' | 'fsck.fat';
}

const field = (text: string, name: string): number | undefined => {
  const m = new RegExp(`^${name}:\\s+(\\d+)\\s*$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
};

/** `dumpe2fs -h` → used and total bytes from Block count, Free blocks and Block size. */
export const parseDumpe2fs = (stdout: string): FilesystemUsage | undefined => {
  const count = field(stdout, 'Block count');
  const free = field(stdout, 'Free blocks');
  const size = field(stdout, 'Block size');
  if (count === undefined || free === undefined || size === undefined) return undefined;
  return { usedBytes: (count - free) * size, totalBytes: count * size, method: 'dumpe2fs' };
};

/**
 * `fsck.fat -n -v` → used bytes: everything before the data area (boot sector, FATs, root directory)
 * plus the used clusters (`NAME: F files, USED/TOTAL clusters`).
 */
export const parseFsckFatUsage = (stdout: string): FilesystemUsage | undefined => {
  const cluster = /^\s*(\d+) bytes per cluster$/m.exec(stdout);
  const dataStart = /^Data area starts at byte (\d+)/m.exec(stdout);
  const sector = /^\s*(\d+) bytes per logical sector$/m.exec(stdout);
  const sectors = /^\s*(\d+) sectors total$/m.exec(stdout);
  const used = /: \d+ files, (\d+)\/(\d+) clusters$/m.exec(stdout);
  if (!cluster || !dataStart || !sector || !sectors || !used) return undefined;
  return {
    usedBytes: Number(dataStart[1]) + Number(used[1]) * Number(cluster[1]),
    totalBytes: Number(sectors[1]) * Number(sector[1]),
    method: 'fsck.fat',
  };
};

/**
 * Used bytes of the filesystem on `source`, read without mounting it (ext2/3/4 and FAT). Undefined for other
 * types or when the probe fails: callers then assume the whole device is used.
 */
export const filesystemUsage = async (
  fs: FilesystemType,
  source: string,
  signal?: AbortSignal,
): Promise<FilesystemUsage | undefined> => {
  if (isExt(fs)) {
    const r = await exec('dumpe2fs', ['-h', source], { timeoutMs: 60_000, signal });
    return r.exitCode === 0 ? parseDumpe2fs(r.stdout) : undefined;
  }
  if (isFat(fs)) {
    const r = await exec('fsck.fat', ['-n', '-v', source], { timeoutMs: 300_000, signal });
    return r.exitCode === 0 ? parseFsckFatUsage(r.stdout) : undefined;
  }
  return undefined;
};

const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export const formatBytes = (bytes: number): string => {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
};

/** undefined when `available` covers `required` plus `reserve`; otherwise a one-line explanation. */
export const spaceShortfall = (
  required: number,
  available: number,
  reserve = 0,
  where = 'the target directory',
): string | undefined =>
  available - reserve >= required
    ? undefined
    : `needs ${formatBytes(required)} but ${where} has ${formatBytes(available)} free${reserve > 0 ? ` (keeping ${formatBytes(reserve)} in reserve)` : ''}`;
