// From a disk's partition table and the Image YAML to byte ranges: every partition job works on ranges of
// the whole disk, so image files and block devices are handled the same way.
import { type Image, quote } from '@lifeboat/core';
import { type FilesystemType, isFilesystemType } from '../../tools/disk/filesystem.js';
import type { PartitionTable } from '../../tools/disk/partition-table.js';
import type { ToolError } from '../../tools/result.js';

const MiB = 1024 * 1024;
/** GPT keeps its partition entries (32 sectors) and backup header (1) after the last usable LBA. */
const GPT_TAIL_SECTORS = 33;

export interface PartitionRange {
  number: number;
  name: string;
  filesystem: FilesystemType;
  startBytes: number;
  sizeBytes: number;
  /** The partition's device node as sfdisk named it (`/dev/sda2`, `disk.img2`). */
  node: string | undefined;
}

export interface DiskLayout {
  type: 'gpt' | 'mbr';
  sectorSize: number;
  /** The declared partitions, in the YAML's order. */
  partitions: PartitionRange[];
  /** Bytes before the first partition of the table. */
  gapBytes: number;
  /** Bytes a target must hold. */
  imageBytes: number;
  /** Partitions in the table that the YAML does not declare (written by the table, never captured). */
  undeclared: number[];
}

/**
 * Real partition numbers, in dump order, from the node names sfdisk prints (`DEVICE` + [`p`] + number):
 * a GPT disk with partitions 1 and 3 dumps two lines, and the second is partition 3, not 2.
 */
export const partitionNodes = (table: PartitionTable): Array<{ number: number; node: string }> => {
  const device = /^device: (.+)$/m.exec(table.text)?.[1]?.trim();
  const nodes = [...table.text.matchAll(/^(\S+) : start=/gm)].map((m) => m[1] ?? '');
  return table.partitions.map((p, i) => {
    const node = nodes[i] ?? '';
    const suffix = device && node.startsWith(device) ? node.slice(device.length).replace(/^p/, '') : '';
    const number = /^[0-9]+$/.test(suffix) ? Number(suffix) : p.number;
    return { number, node };
  });
};

/** Bytes a target needs for this table: the last partition's end (MBR), or the whole GPT including its backup. */
export const requiredBytes = (table: PartitionTable): number => {
  const ends = table.partitions.map((p) => (p.start + p.size) * table.sectorSize);
  const last = Math.max(table.sectorSize, ...ends);
  if (table.label !== 'gpt' || table.lastLba === undefined) return last;
  return Math.max(last, (table.lastLba + 1 + GPT_TAIL_SECTORS) * table.sectorSize);
};

export type LayoutResult = { ok: true; layout: DiskLayout } | { ok: false; error: ToolError };

const mismatch = (message: string): LayoutResult => ({
  ok: false,
  error: { code: 'image.layout-mismatch', message },
});

/**
 * The declared partitions' byte ranges on this disk. Refuses a table of the other type, a declared
 * partition the table lacks, and a declared sizeMiB the partition does not have (the YAML documents the
 * device class: a wrong size means the wrong disk or a stale YAML).
 */
export const planLayout = (table: PartitionTable, spec: Image['spec'], where: string): LayoutResult => {
  const type = table.label === 'gpt' ? 'gpt' : 'mbr';
  if (type !== spec.partitionTable) {
    return mismatch(
      `${where} has a ${type.toUpperCase()} partition table, the image declares ${spec.partitionTable.toUpperCase()}`,
    );
  }
  if (table.partitions.length === 0) return mismatch(`${where} has an empty partition table`);
  const nodes = partitionNodes(table);
  const partitions: PartitionRange[] = [];
  for (const declared of spec.partitions) {
    const i = nodes.findIndex((n) => n.number === declared.number);
    const entry = table.partitions[i];
    if (i < 0 || !entry) {
      return mismatch(
        `${where} has no partition ${declared.number} (${quote(declared.name)}); it has ${nodes.map((n) => n.number).join(', ')}`,
      );
    }
    if (!isFilesystemType(declared.filesystem))
      return mismatch(
        `partition ${declared.number} declares filesystem ${quote(declared.filesystem)}, which lifeboat does not image`,
      );
    const sizeBytes = entry.size * table.sectorSize;
    if (declared.sizeMiB !== undefined && Math.round(sizeBytes / MiB) !== declared.sizeMiB) {
      return mismatch(
        `partition ${declared.number} (${quote(declared.name)}) of ${where} is ${(sizeBytes / MiB).toFixed(1)} MiB, the image declares ${declared.sizeMiB} MiB`,
      );
    }
    partitions.push({
      number: declared.number,
      name: declared.name,
      filesystem: declared.filesystem,
      startBytes: entry.start * table.sectorSize,
      sizeBytes,
      node: nodes[i]?.node || undefined,
    });
  }
  const declaredNumbers = new Set(spec.partitions.map((p) => p.number));
  return {
    ok: true,
    layout: {
      type,
      sectorSize: table.sectorSize,
      partitions,
      gapBytes: Math.min(...table.partitions.map((p) => p.start)) * table.sectorSize,
      imageBytes: requiredBytes(table),
      undeclared: nodes.map((n) => n.number).filter((n) => !declaredNumbers.has(n)),
    },
  };
};
