import { readFileSync } from 'node:fs';
import type { Image } from '@lifeboat/core';
import { describe, expect, it } from 'vitest';
import { type PartitionTable, parseSfdiskDump } from '../../tools/disk/partition-table.js';
import { partitionNodes, planLayout, requiredBytes } from './layout.js';

const MiB = 1024 * 1024;

/** Real `sfdisk -d` output of the test disks (captured by tools/disk/fixtures/capture.sh). */
const dump = (name: 'sfdisk-dump-gpt' | 'sfdisk-dump-mbr'): PartitionTable => {
  const fixture = JSON.parse(
    readFileSync(new URL(`../../tools/disk/fixtures/debian-12/${name}.json`, import.meta.url), 'utf8'),
  ) as { stdout: string };
  const table = parseSfdiskDump(fixture.stdout);
  if (!table) throw new Error(`${name} does not parse`);
  return table;
};

/** A device dump as sfdisk prints it for /dev/nvme0n1 with partitions 1 and 3 only. */
const NVME_GAPPED = `label: gpt
label-id: 49FE51CB-F09E-4C29-94CC-0FEF50A5D682
device: /dev/nvme0n1
unit: sectors
first-lba: 34
last-lba: 1000215182
sector-size: 512

/dev/nvme0n1p1 : start=        2048, size=     1048576, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=3E73822E-DCBF-4B08-B4F4-60029FCBC51C, name="efi"
/dev/nvme0n1p3 : start=     1050624, size=    99999744, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=6F9F430B-BB88-4251-B602-5840B27858FC, name="root"
`;

const spec = (partitionTable: 'gpt' | 'mbr', partitions: Image['spec']['partitions']): Image['spec'] => ({
  site: 'lisle',
  deviceClass: 'test',
  version: '1',
  source: { device: '/dev/sda' },
  partitionTable,
  partitions,
  capture: { partclone: '0.3.23', checksumMode: 0, compression: 'zstd' },
  stores: { primary: { site: 'lisle', target: 'nas', path: 'images' } },
  retention: { keepVersions: 2 },
  verification: { hash: 'sha256', recaptureHash: true, fsck: true },
  promotion: 'candidate',
});

describe('planLayout', () => {
  it('GPT test disk: byte ranges, the gap before partition 1, and the size with the backup GPT', () => {
    const result = planLayout(
      dump('sfdisk-dump-gpt'),
      spec('gpt', [
        { number: 1, name: 'efi', filesystem: 'vfat', sizeMiB: 16 },
        { number: 2, name: 'os', filesystem: 'ext4', sizeMiB: 32 },
      ]),
      '"gpt.img"',
    );
    expect(result).toEqual({
      ok: true,
      layout: {
        type: 'gpt',
        sectorSize: 512,
        partitions: [
          {
            number: 1,
            name: 'efi',
            filesystem: 'vfat',
            startBytes: MiB,
            sizeBytes: 16 * MiB,
            node: 'gpt.img1',
          },
          {
            number: 2,
            name: 'os',
            filesystem: 'ext4',
            startBytes: 17 * MiB,
            sizeBytes: 32 * MiB,
            node: 'gpt.img2',
          },
        ],
        gapBytes: MiB,
        // last-lba 131038 + 33 sectors of entries and backup header + 1: the 64 MiB disk it came from.
        imageBytes: 64 * MiB,
        undeclared: [],
      },
    });
  });

  it('MBR test disk: the image ends where its last partition ends; undeclared partitions are listed', () => {
    const result = planLayout(
      dump('sfdisk-dump-mbr'),
      spec('mbr', [{ number: 2, name: 'root', filesystem: 'ext4' }]),
      '"mbr.img"',
    );
    expect(result.ok && result.layout).toMatchObject({
      type: 'mbr',
      partitions: [{ number: 2, startBytes: 17 * MiB, sizeBytes: 32 * MiB }],
      gapBytes: MiB,
      imageBytes: 49 * MiB,
      undeclared: [1],
    });
  });

  it('takes partition numbers from the node names, not the dump order', () => {
    const table = parseSfdiskDump(NVME_GAPPED) as PartitionTable;
    expect(partitionNodes(table)).toEqual([
      { number: 1, node: '/dev/nvme0n1p1' },
      { number: 3, node: '/dev/nvme0n1p3' },
    ]);
    const result = planLayout(
      table,
      spec('gpt', [{ number: 3, name: 'root', filesystem: 'ext4' }]),
      '"/dev/nvme0n1"',
    );
    expect(result.ok && result.layout.partitions).toEqual([
      {
        number: 3,
        name: 'root',
        filesystem: 'ext4',
        startBytes: 1_050_624 * 512,
        sizeBytes: 99_999_744 * 512,
        node: '/dev/nvme0n1p3',
      },
    ]);
    const two = planLayout(
      table,
      spec('gpt', [{ number: 2, name: 'os', filesystem: 'ext4' }]),
      '"/dev/nvme0n1"',
    );
    expect(two).toEqual({
      ok: false,
      error: {
        code: 'image.layout-mismatch',
        message: '"/dev/nvme0n1" has no partition 2 ("os"); it has 1, 3',
      },
    });
  });

  it.each([
    [
      'a table of the other type',
      spec('gpt', [{ number: 1, name: 'boot', filesystem: 'vfat' }]),
      /has a MBR partition table, the image declares GPT/,
    ],
    [
      'a missing partition',
      spec('mbr', [{ number: 3, name: 'data', filesystem: 'ext4' }]),
      /has no partition 3 \("data"\); it has 1, 2/,
    ],
    [
      'another size',
      spec('mbr', [{ number: 1, name: 'boot', filesystem: 'vfat', sizeMiB: 256 }]),
      /partition 1 \("boot"\) of "mbr.img" is 16\.0 MiB, the image declares 256 MiB/,
    ],
    [
      'a filesystem lifeboat does not image',
      spec('mbr', [{ number: 1, name: 'boot', filesystem: 'zfs' }]),
      /declares filesystem "zfs"/,
    ],
  ])('refuses %s', (_what, s, message) => {
    const result = planLayout(dump('sfdisk-dump-mbr'), s, '"mbr.img"');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('image.layout-mismatch');
    expect(!result.ok && result.error.message).toMatch(message);
  });

  it('requiredBytes: a GPT needs its backup area even past the last partition', () => {
    const gpt = dump('sfdisk-dump-gpt');
    expect(requiredBytes(gpt)).toBe((131_038 + 34) * 512);
    expect(requiredBytes({ ...gpt, lastLba: undefined })).toBe(49 * MiB);
  });
});
