import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  failureReason,
  parseProgress,
  parseProgressLine,
  parseSummary,
  printedUsage,
  successLine,
} from './parse.js';

interface Fixture {
  exitCode: number;
  stderr: string;
}
const fixture = (name: string): Fixture =>
  JSON.parse(readFileSync(new URL(`./fixtures/v0.3.23/${name}.json`, import.meta.url), 'utf8'));

describe('partclone progress', () => {
  it('data-phase lines only: the bitmap phase and the bogus first 1% line are dropped', () => {
    const points = parseProgress(fixture('capture-ext4-progress-through-zstd').stderr);
    expect(points.length).toBeGreaterThanOrEqual(2);
    expect(points.some((p) => p.percent === 1)).toBe(false);
    expect(points.map((p) => p.percent)).toEqual([...points.map((p) => p.percent)].sort((a, b) => a - b));
    expect(points.at(-1)).toMatchObject({ percent: 100, remainingSeconds: 0 });
    expect(points.at(-1)?.rate).toMatch(/^[\d.]+GB\/min$/);
  });

  it('one line', () => {
    expect(
      parseProgressLine('Elapsed: 00:00:02, Remaining: 00:00:02, Completed:  48.17%,  11.38GB/min,'),
    ).toEqual({
      percent: 48.17,
      elapsedSeconds: 2,
      remainingSeconds: 2,
      rate: '11.38GB/min',
    });
    expect(
      parseProgressLine('Elapsed: 00:00:01, Remaining: 00:01:39, Completed:   1.00%,   0.00byte/min,'),
    ).toBeUndefined();
    expect(parseProgressLine('Elapsed: 00:00:01, Remaining: 00:00:00, Completed: 100.00%')).toBeUndefined();
    expect(
      parseProgressLine('Elapsed: 01:02:03, Remaining: 00:00:00, Completed: 100.00%, Rate: 322.93MB/min,'),
    ).toMatchObject({
      elapsedSeconds: 3723,
      rate: '322.93MB/min',
    });
  });

  it('a small capture has only the final line', () => {
    expect(parseProgress(fixture('capture-ext4-ok').stderr).map((p) => p.percent)).toEqual([100]);
  });
});

describe('partclone summary and verdict lines', () => {
  it('ext4 and FAT summaries', () => {
    expect(parseSummary(fixture('capture-ext4-ok').stderr)).toEqual({
      filesystem: 'EXTFS',
      blockSize: 1024,
      totalBlocks: 16384,
      usedBlocks: 5256,
      usedBytes: 5256 * 1024,
      deviceBytes: 16384 * 1024,
    });
    expect(parseSummary(fixture('capture-vfat-crc32-ok').stderr)).toMatchObject({
      filesystem: 'FAT16',
      blockSize: 512,
    });
  });

  it('success lines of capture, restore and dd', () => {
    expect(successLine(fixture('capture-ext4-ok').stderr)).toBe(
      'Partclone successfully cloned the device (fs.img) to the image (-)',
    );
    expect(successLine(fixture('restore-ext4-new-sparse-file').stderr)).toMatch(
      /^Partclone successfully restored the image \(-\)/,
    );
    expect(successLine(fixture('capture-dd-ok').stderr)).toBe('Cloned successfully.');
    expect(successLine(fixture('capture-source-missing').stderr)).toBeUndefined();
  });

  it('usage printed with exit 0 (unknown option, -a3 on 0.3.23)', () => {
    for (const name of ['unknown-option-exit-0', 'checksum-mode-3-exit-0']) {
      const f = fixture(name);
      expect(f.exitCode).toBe(0);
      expect(printedUsage(f.stderr)).toBe(true);
      expect(successLine(f.stderr)).toBeUndefined();
    }
    expect(printedUsage(fixture('capture-ext4-ok').stderr)).toBe(false);
  });

  it('the reason before "Partclone fail"', () => {
    expect(failureReason(fixture('capture-source-missing').stderr)).toMatch(
      /^clone: open \/.*missing\.img error$/,
    );
    expect(failureReason(fixture('capture-wrong-filesystem').stderr)).toBe(
      "extfsclone.c: Couldn't find valid filesystem superblock.",
    );
    expect(failureReason(fixture('restore-overwrite-missing-target').stderr)).toMatch(
      /^Target partition size\(0 MB\) is smaller than source\(17 MB\)/,
    );
    expect(failureReason(fixture('restore-truncated-image').stderr)).toBe('read ERROR:Success');
  });
});
