// Test-only: a complete, valid image manifest (an MBR SD-card image of two partitions) to vary per test.
import type { ImageManifest } from '../manifest.js';

const hex = (c: string) => c.repeat(64);

export const validManifest = (over: Partial<ImageManifest> = {}): ImageManifest => ({
  apiVersion: 'lifeboat/v1',
  kind: 'ImageManifest',
  image: 'hp-kvm-sdcard',
  version: '3.2.0',
  deviceClass: 'hp-kvm',
  capturedAt: '2026-01-14T10:15:00.000Z',
  source: { path: '/dev/mmcblk0', kind: 'device', sizeBytes: 7_948_206_080 },
  partitionTable: {
    type: 'mbr',
    sectorSize: 512,
    imageBytes: 7_801_405_440,
    dump: { file: 'partition-table.sfdisk', sha256: hex('a'), bytes: 180 },
    gap: { file: 'gap.bin', sha256: hex('b'), bytes: 1_048_576 },
  },
  partitions: [
    {
      number: 1,
      name: 'boot',
      filesystem: 'vfat',
      startBytes: 1_048_576,
      sizeBytes: 268_435_456,
      partclone: { version: '0.3.23', checksumMode: 1 },
      compression: 'zstd',
      image: { file: 'p1-boot.pcl.zst', sha256: hex('c'), bytes: 20_000_000 },
      rawSha256: hex('d'),
      rawBytes: 40_000_000,
      usedBytes: 39_000_000,
    },
    {
      number: 2,
      name: 'rootfs',
      filesystem: 'ext4',
      startBytes: 269_484_032,
      sizeBytes: 7_516_192_768,
      partclone: { version: '0.3.23', checksumMode: 1 },
      compression: 'zstd',
      image: { file: 'p2-rootfs.pcl.zst', sha256: hex('e'), bytes: 900_000_000 },
      rawSha256: hex('f'),
      rawBytes: 2_000_000_000,
      usedBytes: 1_990_000_000,
    },
  ],
  tools: { partclone: '0.3.23', sfdisk: '2.38.1' },
  promotion: 'candidate',
  ...over,
});
