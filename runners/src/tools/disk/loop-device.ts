// Read-only loop devices over a byte range of a disk image file (or of a whole-disk device without
// partition nodes): partclone and dumpe2fs then read a partition in place instead of from a scratch copy of
// it. Needs root and /dev/loop-control; callers fall back to copying when `attachReadOnlyRange` says no.
import { access, constants, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { exec } from '../../exec/exec.js';
import { deviceSize } from './space.js';

export interface LoopRange {
  offsetBytes: number;
  sizeBytes: number;
}

export interface AttachedLoop {
  /** `/dev/loopN`, read-only, exactly the range. */
  device: string;
  /** `losetup --detach`; resolves with why it did not work (a busy device is auto-cleared on last close). */
  detach: () => Promise<string | undefined>;
}

export type AttachResult = { ok: true; loop: AttachedLoop } | { ok: false; reason: string };

export interface AttachOptions {
  signal?: AbortSignal;
  /** Per losetup/blockdev call (default 15 s). */
  timeoutMs?: number;
  /** Who we are; default process.getuid(). Tests pass another to take the refusal path. */
  uid?: number;
}

const SECTOR = 512;
const refuse = (reason: string): AttachResult => ({ ok: false, reason });

/** Why a loop device cannot be attached here, or undefined when it can be tried. */
export const loopUnavailable = async (uid = process.getuid?.()): Promise<string | undefined> => {
  if (uid !== 0) return 'not running as root';
  const writable = await access('/dev/loop-control', constants.W_OK).then(
    () => true,
    () => false,
  );
  return writable ? undefined : 'no writable /dev/loop-control';
};

/** The argv of `losetup` for a read-only range, found and printed in one call (no race for a free device). */
export const losetupArgs = (file: string, range: LoopRange): string[] => [
  '--read-only',
  '--offset',
  String(range.offsetBytes),
  '--sizelimit',
  String(range.sizeBytes),
  '--find',
  '--show',
  file,
];

const detacher = (device: string, timeoutMs: number) => async (): Promise<string | undefined> => {
  const r = await exec('losetup', ['--detach', device], { timeoutMs });
  return r.exitCode === 0
    ? undefined
    : `losetup --detach ${device} exited ${r.exitCode ?? r.signal}: ${r.stderr.trim()}`;
};

/**
 * `losetup --read-only --offset O --sizelimit S --find --show FILE`, then a check that the device has
 * exactly S bytes (the kernel rounds a size limit down to whole sectors). Never throws: a refusal says why.
 * The caller must call `detach()` in a finally.
 */
export const attachReadOnlyRange = async (
  file: string,
  range: LoopRange,
  options: AttachOptions = {},
): Promise<AttachResult> => {
  const timeoutMs = options.timeoutMs ?? 15_000;
  if (!isAbsolute(file)) return refuse(`${JSON.stringify(file)} is not an absolute path`);
  const { offsetBytes, sizeBytes } = range;
  if (!Number.isSafeInteger(offsetBytes) || offsetBytes < 0 || offsetBytes % SECTOR !== 0)
    return refuse(`offset ${offsetBytes} is not a non-negative multiple of ${SECTOR}`);
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0 || sizeBytes % SECTOR !== 0)
    return refuse(`size ${sizeBytes} is not a positive multiple of ${SECTOR}`);
  const unavailable = await loopUnavailable(options.uid ?? process.getuid?.());
  if (unavailable) return refuse(unavailable);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile() && !info?.isBlockDevice())
    return refuse(`${JSON.stringify(file)} is neither a file nor a block device`);
  const total = await deviceSize(file).catch(() => undefined);
  if (total === undefined || offsetBytes + sizeBytes > total)
    return refuse(
      `the range ends at ${offsetBytes + sizeBytes}, beyond the ${total ?? '?'} bytes of the source`,
    );
  const r = await exec('losetup', losetupArgs(file, range), {
    timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const device = r.stdout.trim();
  if (r.exitCode !== 0 || !/^\/dev\/loop[0-9]+$/.test(device))
    return refuse(`losetup exited ${r.exitCode ?? r.signal}: ${r.stderr.trim() || 'no device printed'}`);
  const detach = detacher(device, timeoutMs);
  const size = await deviceSize(device).catch(() => undefined);
  if (size !== sizeBytes) {
    await detach();
    return refuse(`${device} has ${size ?? 'an unknown number of'} bytes, not ${sizeBytes}`);
  }
  return { ok: true, loop: { device, detach } };
};
