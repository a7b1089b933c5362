import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { formatBytes, freeSpace } from '../tools/disk/space.js';
import { type Finding, finding } from './findings.js';

// Room where the runner writes: the state directory (records, locks, restic's cache) and the sandbox
// (drills restore whole snapshots there). A directory that does not exist yet is judged by the filesystem
// it will be created on.

export interface SpaceLimits {
  /** Below this, fail. */
  failBelow: number;
  /** Below this, warn. */
  warnBelow: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const STATE_LIMITS: SpaceLimits = { failBelow: 256 * MiB, warnBelow: 2 * GiB };
export const SANDBOX_LIMITS: SpaceLimits = { failBelow: 1 * GiB, warnBelow: 20 * GiB };

/** The directory itself, or its nearest existing ancestor. */
const existing = async (dir: string): Promise<{ dir: string; exists: boolean }> => {
  let current = path.resolve(dir);
  for (;;) {
    const isDir = await stat(current).then(
      (s) => s.isDirectory(),
      () => undefined,
    );
    if (isDir !== undefined) return { dir: current, exists: current === path.resolve(dir) && isDir };
    const parent = path.dirname(current);
    if (parent === current) return { dir: current, exists: false };
    current = parent;
  }
};

export const checkSpace = async (what: string, dir: string, limits: SpaceLimits): Promise<Finding> => {
  const found = await existing(dir);
  const writable = await access(found.dir, constants.W_OK).then(
    () => true,
    () => false,
  );
  const where = found.exists ? dir : `${dir} (not created yet; on the filesystem of ${found.dir})`;
  if (!writable)
    return finding('space', what, 'fail', `${where} is not writable by this user`, {
      fix: `give the runner's user write access to ${found.exists ? dir : found.dir}, or point the site's runner settings elsewhere`,
    });
  const space = await freeSpace(found.dir);
  const free = `${formatBytes(space.availableBytes)} free of ${formatBytes(space.totalBytes)}`;
  const status =
    space.availableBytes < limits.failBelow
      ? 'fail'
      : space.availableBytes < limits.warnBelow
        ? 'warn'
        : 'ok';
  return finding('space', what, status, `${where}: ${free}`, {
    fix: `free space there (at least ${formatBytes(limits.warnBelow)} recommended), or move it to a larger filesystem`,
    details: { availableBytes: space.availableBytes, totalBytes: space.totalBytes },
  });
};
