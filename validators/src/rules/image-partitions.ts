import { type Problem, problemIn, quote } from '@lifeboat/core';
import type { Rule } from './rule.js';

// A partition layout that cannot exist on the disk fails at capture or, worse, at restore time.

const MBR_PRIMARY_LIMIT = 4;
const EFI_FILESYSTEMS = new Set(['vfat', 'fat32']);

export const imagePartitions: Rule = {
  id: 'image-partitions',
  description:
    'Partition numbers and names are unique, MBR has at most 4 partitions, sizes fit the source, and an EFI partition is FAT.',
  codes: {
    'image.partitions': {
      title: 'Impossible partition layout',
      cause:
        'Two partitions share a number or name, an MBR table lists more than 4 partitions, the partition sizes add up to more than source.sizeMiB, or an efi-role partition is not vfat/fat32 (firmware reads the EFI system partition as FAT only).',
      fix: 'Make numbers and names unique, use GPT for more than 4 partitions, correct the sizes, and format the EFI partition as vfat.',
    },
  },
  check({ inventory }) {
    const problems: Problem[] = [];
    for (const { value, document } of inventory.images) {
      const { partitions, partitionTable, source } = value.spec;
      const report = (path: (string | number)[], message: string) =>
        problems.push(problemIn(document, ['spec', ...path], 'image.partitions', message));
      const numbers = new Map<number, number>();
      const names = new Map<string, number>();
      let total = 0;
      partitions.forEach((p, i) => {
        const sameNumber = numbers.get(p.number);
        if (sameNumber === undefined) numbers.set(p.number, i);
        else
          report(
            ['partitions', i, 'number'],
            `partition number ${p.number} is also used by partitions[${sameNumber}]`,
          );
        const sameName = names.get(p.name);
        if (sameName === undefined) names.set(p.name, i);
        else
          report(
            ['partitions', i, 'name'],
            `partition name ${quote(p.name)} is also used by partitions[${sameName}]`,
          );
        if (p.role === 'efi' && !EFI_FILESYSTEMS.has(p.filesystem)) {
          report(
            ['partitions', i, 'filesystem'],
            `EFI partition must be vfat or fat32, not ${quote(p.filesystem)}: firmware only reads FAT`,
          );
        }
        total += p.sizeMiB ?? 0;
      });
      if (partitionTable === 'mbr' && partitions.length > MBR_PRIMARY_LIMIT) {
        report(
          ['partitions', MBR_PRIMARY_LIMIT],
          `an MBR table holds at most ${MBR_PRIMARY_LIMIT} partitions, this image lists ${partitions.length}: use GPT`,
        );
      }
      if (source.sizeMiB !== undefined && total > source.sizeMiB) {
        report(
          ['source', 'sizeMiB'],
          `partitions add up to ${total} MiB, more than the source's ${source.sizeMiB} MiB`,
        );
      }
    }
    return problems;
  },
};
