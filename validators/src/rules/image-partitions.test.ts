import { describe, expect, it } from 'vitest';
import { image, inventoryFiles, site } from '../testing/inventory-builder.js';
import { at, runRule } from '../testing/rule-harness.js';
import { imagePartitions } from './image-partitions.js';

const I = 'images/ws-golden.yaml';

describe('image-partitions', () => {
  it('accepts GPT with EFI + OS, GPT without EFI, and MBR with 4 partitions of unknown size', () => {
    expect(runRule(imagePartitions, inventoryFiles())).toEqual([]);
    const noEfi = image((i) => {
      i.spec.partitions = [{ number: 1, name: 'data', filesystem: 'ext4', sizeMiB: 1000 }];
    });
    expect(runRule(imagePartitions, inventoryFiles(site(), noEfi))).toEqual([]);
    const mbr = image((i) => {
      i.spec.partitionTable = 'mbr';
      i.spec.partitions = [1, 2, 3, 4].map((n) => ({
        number: n,
        name: `p${n}`,
        filesystem: 'ext4' as const,
      }));
    });
    expect(runRule(imagePartitions, inventoryFiles(site(), mbr))).toEqual([]);
  });

  it('image.partitions: duplicate number and duplicate name', () => {
    const files = inventoryFiles(
      site(),
      image((i) => {
        i.spec.partitions.push({ number: 2, name: 'recovery', filesystem: 'ntfs', sizeMiB: 1000 });
        i.spec.partitions.push({ number: 4, name: 'os', filesystem: 'ntfs', sizeMiB: 1000 });
      }),
    );
    expect(runRule(imagePartitions, files)).toEqual([
      {
        code: 'image.partitions',
        severity: 'error',
        ...at(files, I, '- number: 2\n      name: recovery', '2'),
        path: 'spec.partitions[2].number',
        message: 'partition number 2 is also used by partitions[1]',
      },
      {
        code: 'image.partitions',
        severity: 'error',
        ...at(files, I, 'number: 4\n      name: os', 'os'),
        path: 'spec.partitions[3].name',
        message: 'partition name "os" is also used by partitions[1]',
      },
    ]);
  });

  it('image.partitions: an EFI partition that is not FAT', () => {
    const files = inventoryFiles(
      site(),
      image((i) => {
        (i.spec.partitions[0] ?? { filesystem: '' }).filesystem = 'ext4';
      }),
    );
    expect(runRule(imagePartitions, files)).toEqual([
      {
        code: 'image.partitions',
        severity: 'error',
        ...at(files, I, 'filesystem: ext4', 'ext4'),
        path: 'spec.partitions[0].filesystem',
        message: 'EFI partition must be vfat or fat32, not "ext4": firmware only reads FAT',
      },
    ]);
  });

  it('image.partitions: five partitions on MBR, positioned at the fifth', () => {
    const files = inventoryFiles(
      site(),
      image((i) => {
        i.spec.partitionTable = 'mbr';
        i.spec.partitions = [1, 2, 3, 4, 5].map((n) => ({
          number: n,
          name: `p${n}`,
          filesystem: 'ext4' as const,
        }));
      }),
    );
    expect(runRule(imagePartitions, files)).toEqual([
      {
        code: 'image.partitions',
        severity: 'error',
        ...at(files, I, '- number: 5', 'number'),
        path: 'spec.partitions[4]',
        message: 'an MBR table holds at most 4 partitions, this image lists 5: use GPT',
      },
    ]);
  });

  it('image.partitions: partitions larger than the source', () => {
    const files = inventoryFiles(
      site(),
      image((i) => {
        i.spec.source.sizeMiB = 150_000;
      }),
    );
    expect(runRule(imagePartitions, files)).toEqual([
      {
        code: 'image.partitions',
        severity: 'error',
        ...at(files, I, 'sizeMiB: 150000', '150000'),
        path: 'spec.source.sizeMiB',
        message: "partitions add up to 200512 MiB, more than the source's 150000 MiB",
      },
    ]);
  });
});
