import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../testing/disk-images.js';
import { sha256File } from '../../tools/disk/sha256.js';
import { writeAt } from './ranges.js';
import { cardRanges, probeAndZeroEnds, verifyReadBack } from './sd-write.js';

const MiB = 1024 * 1024;

describe('cardRanges', () => {
  it('MBR: only the image, up to the end of its last partition', () => {
    expect(cardRanges(49 * MiB, 64 * MiB, false)).toEqual([{ start: 0, length: 49 * MiB }]);
  });
  it('GPT on a larger card: the image and the last MiB, where the backup GPT now lives', () => {
    expect(cardRanges(50 * MiB, 64 * MiB, true)).toEqual([
      { start: 0, length: 50 * MiB },
      { start: 63 * MiB, length: MiB },
    ]);
  });
  it('GPT on a card about the image size: the whole card, once', () => {
    expect(cardRanges(50 * MiB, 50 * MiB, true)).toEqual([{ start: 0, length: 50 * MiB }]);
    expect(cardRanges(50 * MiB, 50 * MiB + 4096, true)).toEqual([{ start: 0, length: 50 * MiB + 4096 }]);
  });
});

describe('card checks on a file standing in for a card', () => {
  let tmp: TempDir;
  beforeEach(async () => {
    tmp = await makeTempDir('lifeboat-sd-');
  });
  afterEach(() => tmp.remove());

  it('probeAndZeroEnds leaves both ends zeroed and the middle as it was', async () => {
    const card = join(tmp.path, 'card.img');
    const middle = randomBytes(2 * MiB);
    await writeFile(card, Buffer.concat([randomBytes(MiB), middle, randomBytes(MiB)]));
    expect(await probeAndZeroEnds(card, 4 * MiB)).toEqual({ ok: true });
    const after = await readFile(card);
    expect(after.byteLength).toBe(4 * MiB);
    expect(after.subarray(0, MiB).equals(Buffer.alloc(MiB))).toBe(true);
    expect(after.subarray(3 * MiB).equals(Buffer.alloc(MiB))).toBe(true);
    expect(after.subarray(MiB, 3 * MiB).equals(middle)).toBe(true);
  });

  it('verifyReadBack: equal bytes pass; a changed byte in a written range fails with where', async () => {
    const card = join(tmp.path, 'card.img');
    await writeFile(card, randomBytes(3 * MiB));
    const written = [
      { start: 0, length: MiB, sha256: (await sha256File(card, { start: 0, length: MiB })).sha256 },
      {
        start: 2 * MiB,
        length: MiB,
        sha256: (await sha256File(card, { start: 2 * MiB, length: MiB })).sha256,
      },
    ];
    expect(await verifyReadBack(card, written)).toEqual({ ok: true });
    // Outside the written ranges: not our business.
    await writeAt(card, MiB + 10, Buffer.from([1, 2, 3]));
    expect(await verifyReadBack(card, written)).toEqual({ ok: true });
    await writeAt(card, 2 * MiB + 10, Buffer.from([1, 2, 3]));
    const bad = await verifyReadBack(card, written);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.code).toBe('image.readback-mismatch');
    expect(!bad.ok && bad.error.message).toMatch(
      /the 1\.0 MiB at byte 2097152 of ".*card\.img" read back with SHA-256/,
    );
  });

  it('verifyReadBack: a card that ends before a written range (it lied about its size) fails', async () => {
    const card = join(tmp.path, 'short.img');
    await writeFile(card, randomBytes(MiB));
    const bad = await verifyReadBack(card, [{ start: MiB, length: MiB, sha256: 'a'.repeat(64) }]);
    expect(!bad.ok && bad.error.message).toMatch(/reading back 1\.0 MiB at 1048576 .* failed: short read/);
  });
});
