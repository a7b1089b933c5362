// `sd-write`: a stored image version onto an SD card (a device, or a file standing in for one). The version
// is first restored and verified into a sparse staging disk of the card's size, so the exact bytes the
// card must end up with are known; then the card's size is checked, its ends probed and zeroed (a
// fake-capacity card wraps writes near its end around to its start), the bytes written and fsynced, and
// read back from the card — not from the page cache — and compared by SHA-256.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { quote } from '@lifeboat/core';
import type { PlannedJob } from '../../scheduler/due.js';
import { sha256File } from '../../tools/disk/sha256.js';
import { deviceSize, formatBytes } from '../../tools/disk/space.js';
import type { ToolError } from '../../tools/result.js';
import type { JobContext, JobFn } from '../job.js';
import {
  copyRangeSparse,
  dropDeviceCache,
  mountedFrom,
  readAt,
  rereadPartitions,
  writeAt,
} from './ranges.js';
import { beginImageJob, endImageJob, errorOf, failureOutcome, type ImageRun } from './record.js';
import { describeChecks, restoreVersion } from './restore.js';
import { isInside, openVersion, storeRootOf } from './store.js';

const MiB = 1024 * 1024;

export interface SdWriteOptions {
  /** The card: a whole block device (`/dev/mmcblk0`, `/dev/sdc`) or, in tests, an existing file. */
  card: string;
  /** Default: the version the image YAML declares. */
  version?: string;
  /**
   * The capacity the card claims (its label). Default: the size the card reports. A file standing in for a
   * card that is shorter than this is a fake-capacity card.
   */
  claimedBytes?: number;
  storeRoot?: string;
  /** Where the staging disk is built (sparse, the filesystems' used bytes). Default: under the context's sandbox. */
  stagingDir?: string;
  timeoutMs?: number;
}

export interface CardRange {
  start: number;
  length: number;
}

/**
 * What is written: the image (up to the end of its last partition, or its whole GPT) and, on a larger card
 * with GPT, the card's last MiB, where the staged table put the backup GPT header for the card's size.
 */
export const cardRanges = (imageBytes: number, cardBytes: number, gpt: boolean): CardRange[] => {
  if (!gpt || imageBytes >= cardBytes - MiB)
    return [{ start: 0, length: Math.min(gpt ? cardBytes : imageBytes, cardBytes) }];
  return [
    { start: 0, length: imageBytes },
    { start: cardBytes - MiB, length: MiB },
  ];
};

type Check = { ok: true } | { ok: false; error: ToolError };

const fail = (code: string, message: string): Check => ({ ok: false, error: { code, message } });

/**
 * Random bytes into the first and the last MiB, read back after dropping the cache: a card that wraps
 * around returns the last MiB's pattern at its start (or loses it). Then both ends are zeroed.
 */
export const probeAndZeroEnds = async (
  card: string,
  cardBytes: number,
  signal?: AbortSignal,
): Promise<Check> => {
  const size = Math.min(MiB, Math.floor(cardBytes / 2));
  const head = randomBytes(size);
  const tail = randomBytes(size);
  await writeAt(card, 0, head);
  await writeAt(card, cardBytes - size, tail);
  await dropDeviceCache(card, signal);
  const [gotHead, gotTail] = [await readAt(card, 0, size), await readAt(card, cardBytes - size, size)];
  if (!gotHead.equals(head) || !gotTail.equals(tail)) {
    return fail(
      'image.card-fake-capacity',
      `${quote(card, 200)} did not keep what was written to its first and last MiB (${formatBytes(cardBytes)} claimed): a fake-capacity or failing card`,
    );
  }
  const zeros = Buffer.alloc(size);
  await writeAt(card, 0, zeros);
  await writeAt(card, cardBytes - size, zeros);
  return { ok: true };
};

/** SHA-256 of each range read back from the card equals the SHA-256 of what was written there. */
export const verifyReadBack = async (
  card: string,
  written: ReadonlyArray<CardRange & { sha256: string }>,
  signal?: AbortSignal,
): Promise<Check> => {
  const dropped = await dropDeviceCache(card, signal);
  if (dropped) return fail('image.readback-mismatch', `cannot read back from the card itself: ${dropped}`);
  for (const r of written) {
    const back = await sha256File(card, { start: r.start, length: r.length, signal }).catch((e: unknown) =>
      errorOf(e),
    );
    if ('code' in back)
      return fail(
        'image.readback-mismatch',
        `reading back ${formatBytes(r.length)} at ${r.start} of ${quote(card, 200)} failed: ${back.message}`,
      );
    if (back.sha256 !== r.sha256)
      return fail(
        'image.readback-mismatch',
        `the ${formatBytes(r.length)} at byte ${r.start} of ${quote(card, 200)} read back with SHA-256 ${back.sha256.slice(0, 16)}…, written ${r.sha256.slice(0, 16)}…: the card does not hold what was written`,
      );
  }
  return { ok: true };
};

const sdWrite = async (run: ImageRun, options: SdWriteOptions) => {
  const { image, context } = run;
  const { card } = options;
  const sd = image.spec.sdCard;
  const failed = (error: ToolError, stats?: Record<string, string | number | boolean>) =>
    endImageJob(run, { outcome: failureOutcome(run), error, ...(stats ? { stats } : {}) });

  const root = storeRootOf(image, context, options.storeRoot);
  if (!root.ok) return failed(root.error);
  const versionName = options.version ?? image.spec.version;
  const opened = await openVersion(root.value, image.metadata.name, versionName);
  if (!opened.ok) return failed(opened.error);
  const m = opened.value.manifest;

  if (!card.startsWith('/') || card.split('/').includes('..'))
    return failed({
      code: 'image.target-invalid',
      message: `card ${quote(card, 200)} must be an absolute path without ".."`,
    });
  const info = await stat(card).catch(() => undefined);
  if (!info)
    return failed({
      code: 'image.target-invalid',
      message: `card ${quote(card, 200)} does not exist (is it inserted?)`,
    });
  if (!info.isFile() && !info.isBlockDevice())
    return failed({
      code: 'image.target-invalid',
      message: `card ${quote(card, 200)} is neither a block device nor a file`,
    });
  if (await isInside(card, root.value))
    return failed({
      code: 'image.target-invalid',
      message: `card ${quote(card, 200)} lies inside the image store`,
    });
  if (info.isBlockDevice()) {
    const mounted = await mountedFrom(card);
    if (mounted.length > 0)
      return failed({
        code: 'image.target-invalid',
        message: `card ${quote(card, 200)} is mounted (${mounted.map((s) => quote(s)).join(', ')}): unmount it first`,
      });
  }
  const actual = (await deviceSize(card)) ?? info.size;
  const claimed = options.claimedBytes ?? actual;
  const stats: Record<string, string | number | boolean> = {
    version: versionName,
    card,
    cardBytes: actual,
    claimedBytes: claimed,
    imageBytes: m.partitionTable.imageBytes,
  };
  if (actual < claimed)
    return failed(
      {
        code: 'image.card-fake-capacity',
        message: `card ${quote(card, 200)} holds ${formatBytes(actual)} but claims ${formatBytes(claimed)}: a fake-capacity card; nothing written`,
      },
      stats,
    );
  const minCard = (sd?.minCardMiB ?? 0) * MiB;
  const required = Math.max(m.partitionTable.imageBytes, minCard);
  if (claimed < required)
    return failed(
      {
        code: 'image.target-too-small',
        message: `card ${quote(card, 200)} holds ${formatBytes(claimed)}, image ${quote(image.metadata.name)} ${quote(versionName)} needs ${formatBytes(required)}${minCard > m.partitionTable.imageBytes ? ` (sdCard.minCardMiB ${sd?.minCardMiB})` : ''}: nothing written`,
      },
      stats,
    );

  let own: string | undefined;
  let staged: string | undefined;
  try {
    let stagingDir = options.stagingDir;
    if (!stagingDir) {
      await mkdir(context.sandboxDir, { recursive: true });
      own = await mkdtemp(join(context.sandboxDir, `sd-write-${image.metadata.name}-`));
      stagingDir = own;
    }
    staged = join(stagingDir, `.card-${randomBytes(4).toString('hex')}.img`);
    run.emit({ type: 'log', message: `staging version ${versionName} for a ${formatBytes(claimed)} card` });
    const restored = await restoreVersion({
      version: opened.value,
      target: staged,
      createBytes: claimed,
      scratchDir: stagingDir,
      forbidden: [root.value],
      recapture: image.spec.verification.recaptureHash,
      fsck: image.spec.verification.fsck,
      signal: context.signal,
      timeoutMs: options.timeoutMs,
      onProgress: (percent) => run.emit({ type: 'progress', percent: percent / 2 }),
      onLog: (message) => run.emit({ type: 'log', message }),
    });
    if (restored.outcome !== 'ok') {
      return endImageJob(run, {
        outcome: failureOutcome(run, restored.outcome),
        error: restored.error,
        stats: { ...stats, cardTouched: false },
      });
    }
    stats.staged = describeChecks(restored.report);

    if (sd?.zeroEnds ?? true) {
      run.emit({ type: 'log', message: 'probing and zeroing the first and last MiB' });
      const probed = await probeAndZeroEnds(card, claimed, context.signal);
      if (!probed.ok) return failed(probed.error, { ...stats, cardTouched: true });
    }
    const written: Array<CardRange & { sha256: string }> = [];
    let bytesWritten = 0;
    for (const r of cardRanges(m.partitionTable.imageBytes, claimed, m.partitionTable.type === 'gpt')) {
      const copied = await copyRangeSparse(staged, card, {
        sourceOffset: r.start,
        targetOffset: r.start,
        length: r.length,
        signal: context.signal,
      });
      bytesWritten += copied.written;
      written.push({ ...r, sha256: copied.sha256 });
      run.emit({ type: 'progress', percent: 50 + (bytesWritten / m.partitionTable.imageBytes) * 45 });
    }
    await rm(staged, { force: true });
    staged = undefined;
    stats.bytesWritten = bytesWritten;
    const reread = await rereadPartitions(card, context.signal);
    if (reread) run.emit({ type: 'log', message: reread });
    if (!(sd?.readBackVerify ?? true)) {
      stats.readBack = 'not asked (sdCard.readBackVerify: false)';
      return endImageJob(run, { outcome: 'ok', stats });
    }
    const back = await verifyReadBack(card, written, context.signal);
    const method =
      'staged restore verified (sha256, re-capture, fsck); card written, fsynced, read back and compared by sha256';
    if (!back.ok)
      return endImageJob(run, {
        outcome: failureOutcome(run),
        error: back.error,
        stats,
        verification: { passed: false, method, details: back.error.message },
      });
    return endImageJob(run, {
      outcome: 'ok',
      stats,
      verification: {
        passed: true,
        method,
        details: `${written.map((r) => `${formatBytes(r.length)} at ${r.start}: sha256 ${r.sha256.slice(0, 16)}… equal`).join('; ')}`,
      },
    });
  } catch (e) {
    const error = errorOf(e);
    return failed(context.signal?.aborted ? { code: 'image.cancelled', message: 'cancelled' } : error, stats);
  } finally {
    if (staged) await rm(staged, { force: true }).catch(() => undefined);
    if (own) await rm(own, { recursive: true, force: true }).catch(() => undefined);
  }
};

/** The `sd-write` job for one card (on demand: the card comes with the request). */
export const sdWriteJob =
  (options: SdWriteOptions): JobFn =>
  async (planned: PlannedJob, context: JobContext) => {
    const begun = await beginImageJob('sd-write', planned, context);
    if (!begun.ok) return begun.record;
    return sdWrite(begun.run, options);
  };
