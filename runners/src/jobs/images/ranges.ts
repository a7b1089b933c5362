// Byte ranges of whole disks, copied by Node: a partition out of a disk (into a sparse scratch file that
// partclone, e2fsck and fsck.fat can read), a verified partition into its range on the target, and the
// checks of what landed there. partclone has no input offset and fsck.fat none at all, so ranges are how
// image files and block devices are handled alike without loop devices or root.
import { open, readFile, realpath, stat } from 'node:fs/promises';
import { exec } from '../../exec/exec.js';
import { createSha256 } from '../../tools/disk/sha256.js';

const CHUNK = 4 * 1024 * 1024;
/** Zero runs this long are skipped (left as holes) when the target is known to be zero already. */
const HOLE = 64 * 1024;
const ZEROS = Buffer.alloc(HOLE);

export interface CopyOptions {
  sourceOffset?: number;
  targetOffset?: number;
  /** Bytes to copy; a source that ends earlier is an error. */
  length: number;
  /**
   * The target range already reads as zeros (a file this job created by truncation): zero blocks are not
   * written, so the target stays sparse. Never for a target that held data before.
   */
  skipZeros?: boolean;
  /** `wx`: create the target (must not exist); default `r+`: write into an existing file or device. */
  create?: boolean;
  /** fsync the target at the end (default true); a scratch file read back at once and then removed needs no fsync. */
  sync?: boolean;
  signal?: AbortSignal;
}

export interface CopyReport {
  bytes: number;
  /** SHA-256 of every byte of the range, zeros included: compare with a read-back of the target. */
  sha256: string;
  /** Bytes actually written (holes skipped). */
  written: number;
}

/** Copies a range and fsyncs the target. With `create`, the new file is sized to `targetOffset + length`. */
export const copyRangeSparse = async (
  source: string,
  target: string,
  o: CopyOptions,
): Promise<CopyReport> => {
  const input = await open(source, 'r');
  try {
    const output = await open(target, o.create ? 'wx' : 'r+');
    try {
      const targetOffset = o.targetOffset ?? 0;
      if (o.create) await output.truncate(targetOffset + o.length);
      const hash = createSha256();
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(o.length, 1)));
      let done = 0;
      let written = 0;
      while (done < o.length) {
        o.signal?.throwIfAborted();
        const want = Math.min(buffer.byteLength, o.length - done);
        let got = 0;
        while (got < want) {
          const { bytesRead } = await input.read(buffer, got, want - got, (o.sourceOffset ?? 0) + done + got);
          if (bytesRead === 0)
            throw new Error(`short read: ${source} ended after ${done + got} of ${o.length} bytes`);
          got += bytesRead;
        }
        const chunk = buffer.subarray(0, got);
        hash.update(chunk);
        for (let at = 0; at < got; ) {
          const end = Math.min(got, at + HOLE);
          const piece = chunk.subarray(at, end);
          if (!(o.skipZeros && piece.equals(ZEROS.subarray(0, piece.byteLength)))) {
            for (let w = 0; w < piece.byteLength; ) {
              w += (await output.write(piece, w, piece.byteLength - w, targetOffset + done + at + w))
                .bytesWritten;
            }
            written += piece.byteLength;
          }
          at = end;
        }
        done += got;
      }
      if (o.sync ?? true) await output.sync();
      return { bytes: done, sha256: hash.digest(), written };
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
};

/** Writes `data` at `offset` of an existing file or device, without extending it, and fsyncs. */
export const writeAt = async (target: string, offset: number, data: Uint8Array): Promise<void> => {
  const fh = await open(target, 'r+');
  try {
    for (let w = 0; w < data.byteLength; )
      w += (await fh.write(data, w, data.byteLength - w, offset + w)).bytesWritten;
    await fh.sync();
  } finally {
    await fh.close();
  }
};

/** Reads exactly `length` bytes at `offset`; a short read is an error. */
export const readAt = async (path: string, offset: number, length: number): Promise<Buffer> => {
  const fh = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await fh.read(buffer, got, length - got, offset + got);
      if (bytesRead === 0) throw new Error(`short read: ${got} of ${length} bytes at ${offset} of ${path}`);
      got += bytesRead;
    }
    return buffer;
  } finally {
    await fh.close();
  }
};

/**
 * A read-back of a block device must come from the device, not from the page cache the write just filled:
 * `blockdev --flushbufs` (BLKFLSBUF) drops the device's cached pages. Regular files have nothing to drop.
 */
export const dropDeviceCache = async (path: string, signal?: AbortSignal): Promise<string | undefined> => {
  if (!(await stat(path)).isBlockDevice()) return undefined;
  const r = await exec('blockdev', ['--flushbufs', path], { timeoutMs: 60_000, signal });
  return r.exitCode === 0
    ? undefined
    : `blockdev --flushbufs exited ${r.exitCode ?? r.signal}: ${r.stderr.trim()}`;
};

/** Mount sources in /proc/self/mounts that are `device` or one of its partitions. */
export const mountedFrom = async (device: string): Promise<string[]> => {
  const real = await realpath(device).catch(() => device);
  const text = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  const sources = text
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((s) => s.startsWith('/dev/'));
  const hits: string[] = [];
  for (const s of sources) {
    const r = await realpath(s).catch(() => s);
    // `/dev/sdb` is mounted as itself or as `/dev/sdb1`; `/dev/mmcblk0` as `/dev/mmcblk0p1`.
    if (r === real || new RegExp(`^${real.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}p?[0-9]+$`).test(r))
      hits.push(s);
  }
  return hits;
};

/**
 * After a whole disk was written: ask the kernel to re-read a block device's partition table, so its
 * partition nodes (`/dev/sdb1`, …) match what was written. Best effort; a message when it did not work.
 */
export const rereadPartitions = async (path: string, signal?: AbortSignal): Promise<string | undefined> => {
  if (!(await stat(path)).isBlockDevice()) return undefined;
  const r = await exec('blockdev', ['--rereadpt', path], { timeoutMs: 60_000, signal });
  return r.exitCode === 0
    ? undefined
    : `blockdev --rereadpt exited ${r.exitCode ?? r.signal}: ${r.stderr.trim()} (re-plug the disk or run partprobe)`;
};
