import type { Image, Inventory } from '@lifeboat/core';
import { describe, expect, it } from 'vitest';
import {
  captureScript,
  partitionFile,
  partitionNode,
  restoreScript,
  sdCardScript,
  versionFolder,
} from './image-commands.js';

const image = (extra: Partial<Image['spec']> = {}): Image => ({
  apiVersion: 'lifeboat/v1',
  kind: 'Image',
  metadata: { name: 'ws' },
  spec: {
    site: 'hq',
    deviceClass: 'workstation',
    version: '1.0',
    source: { device: '/dev/nvme0n1' },
    partitionTable: 'gpt',
    partitions: [
      { number: 1, name: 'efi', filesystem: 'vfat' },
      { number: 2, name: 'raw', filesystem: 'dd' },
    ],
    capture: { partclone: '0.3.23', checksumMode: 0, compression: 'none' },
    stores: { primary: { site: 'hq', target: 'nas', path: 'images' } },
    retention: { keepVersions: 2 },
    verification: { hash: 'sha256', recaptureHash: true, fsck: true },
    promotion: 'candidate',
    ...extra,
  },
});

const inventory = (repository: string): Inventory =>
  ({
    documents: [],
    policies: [],
    images: [],
    sites: [
      { value: { metadata: { name: 'hq' }, spec: { nas: [{ name: 'nas', repository, credentials: {} }] } } },
    ],
  }) as unknown as Inventory;

describe('image commands', () => {
  it('names partitions as the kernel does', () => {
    expect(partitionNode('/dev/sda', 2)).toBe('/dev/sda2');
    expect(partitionNode('/dev/mmcblk0', 1)).toBe('/dev/mmcblk0p1');
    expect(partitionNode('/dev/nvme0n1', 3)).toBe('/dev/nvme0n1p3');
  });

  it('stores files under the names the capture job writes', () => {
    const [efi, raw] = image().spec.partitions;
    expect(partitionFile(efi as never, 'zstd')).toBe('p1-efi.pcl.zst');
    expect(partitionFile(raw as never, 'none')).toBe('p2-raw.raw');
  });

  it('captures GPT disks with both tables, raw partitions with dd, uncompressed as is', () => {
    const script = captureScript(image(), inventory('/mnt/nas'));
    expect(script).toContain('cd /mnt/nas/images/ws/1.0');
    expect(script).toContain('sgdisk --backup=partition-table.sgdisk /dev/nvme0n1');
    expect(script).toContain('partclone.vfat -c -a0 -s /dev/nvme0n1p1 -o - -L p1.log > p1-efi.pcl');
    expect(script).toContain('dd if=/dev/nvme0n1p2 bs=4M status=none > p2-raw.raw');
    expect(restoreScript(image(), inventory('/mnt/nas'))).toContain(
      'cat p2-raw.raw | dd of=/dev/sdX2 bs=4M conv=fsync',
    );
  });

  it('leaves a placeholder when the store is not a mounted path', () => {
    expect(versionFolder(image(), inventory('rest:https://nas:8000/'))).toBe('<nas mount>/images/ws/1.0');
  });

  it('flashes a card: size check, ends zeroed, read back', () => {
    const card = sdCardScript(
      image({ sdCard: { zeroEnds: true, readBackVerify: true, minCardMiB: 7450 } }),
      inventory('/mnt/nas'),
    );
    expect(card).toContain('-ge $((7450 * 1024 * 1024))');
    expect(card).toContain('dd if=/dev/zero of=/dev/mmcblk0 bs=1M count=1 conv=fsync');
    expect(card).toContain('echo 3 > /proc/sys/vm/drop_caches');
    expect(card).toContain('fsck.vfat -n /dev/mmcblk0p1');
    const noZero = sdCardScript(
      image({ sdCard: { zeroEnds: false, readBackVerify: false } }),
      inventory('/mnt/nas'),
    );
    expect(noZero).not.toContain('/dev/zero');
    expect(noZero).not.toContain('drop_caches');
  });
});
