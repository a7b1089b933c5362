import type { Image, Inventory } from '@lifeboat/core';
import { shellLine, shellWord } from './shell.js';

// Capture, restore and SD-card commands for one image, following the runners' layout
// (`<store>/<image>/<version>/`, `p<n>-<name>.pcl.zst`, `partition-table.sfdisk`) and tool facts
// (partclone -c … -o - | zstd; zstd -dc | partclone -r -s - -O; sha256 of every stored file).

type Partition = Image['spec']['partitions'][number];

/** `/dev/sda` + 2 → `/dev/sda2`; `/dev/mmcblk0` + 1 → `/dev/mmcblk0p1` (names ending in a digit take `p`). */
export const partitionNode = (device: string, n: number): string =>
  /[0-9]$/.test(device) ? `${device}p${n}` : `${device}${n}`;

/** The stored file name of a partition, as the capture job writes it. */
export const partitionFile = (p: Partition, compression: Image['spec']['capture']['compression']): string =>
  `p${p.number}-${p.name}.${p.filesystem === 'dd' ? 'raw' : 'pcl'}${compression === 'zstd' ? '.zst' : ''}`;

const partcloneBinary = (p: Partition) => `partclone.${p.filesystem === 'fat32' ? 'fat32' : p.filesystem}`;

/** Where the version folder is: the primary store's NAS target joined with its path, image and version. */
export const versionFolder = (image: Image, inventory: Inventory): string => {
  const store = image.spec.stores.primary;
  const site = inventory.sites.find((s) => s.value.metadata.name === store.site)?.value;
  const target = site?.spec.nas.find((n) => n.name === store.target);
  const base = target?.repository.startsWith('/')
    ? target.repository.replace(/\/+$/, '')
    : `<${store.target} mount>`;
  return `${base}/${store.path}/${image.metadata.name}/${image.spec.version}`;
};

const source = (image: Image): string => image.spec.source.device ?? '/dev/loop0';

export const captureScript = (image: Image, inventory: Inventory): string => {
  const { capture, partitions, partitionTable } = image.spec;
  const dev = source(image);
  const lines: string[] = [];
  if (image.spec.source.device === undefined && image.spec.source.file !== undefined)
    lines.push(
      `# the source is a disk image file: attach it first (prints /dev/loopN)`,
      shellLine(['losetup', '--find', '--show', '--partscan', '--read-only', image.spec.source.file]),
      '',
    );
  lines.push(
    `cd ${shellWord(versionFolder(image, inventory))}   # a new, empty folder for this version`,
    'export LC_ALL=C',
    `sfdisk --dump ${shellWord(dev)} > partition-table.sfdisk`,
  );
  if (partitionTable === 'gpt') lines.push(`sgdisk --backup=partition-table.sgdisk ${shellWord(dev)}`);
  for (const p of partitions) {
    const node = shellWord(partitionNode(dev, p.number));
    const out = partitionFile(p, capture.compression);
    const compress =
      capture.compression === 'zstd'
        ? ` | zstd -c -T0${capture.level !== undefined ? ` -${capture.level}` : ''}`
        : '';
    lines.push(
      p.filesystem === 'dd'
        ? `dd if=${node} bs=4M status=none${compress} > ${out}`
        : `${partcloneBinary(p)} -c -a${capture.checksumMode} -s ${node} -o - -L p${p.number}.log${compress} > ${out}`,
    );
  }
  lines.push('sha256sum partition-table.* p*-* > SHA256SUMS');
  return lines.join('\n');
};

export const restoreScript = (image: Image, inventory: Inventory, disk = '/dev/sdX'): string => {
  const { capture, partitions } = image.spec;
  const lines = [
    `cd ${shellWord(versionFolder(image, inventory))}`,
    'export LC_ALL=C',
    'sha256sum --check SHA256SUMS            # refuse to continue on any mismatch',
    `sfdisk ${disk} < partition-table.sfdisk`,
  ];
  for (const p of partitions) {
    const file = partitionFile(p, capture.compression);
    const read = capture.compression === 'zstd' ? `zstd -dc ${file}` : `cat ${file}`;
    const node = partitionNode(disk, p.number);
    lines.push(
      p.filesystem === 'dd'
        ? `${read} | dd of=${node} bs=4M conv=fsync status=none`
        : `${read} | ${partcloneBinary(p)} -r -s - -O ${node} -L p${p.number}-restore.log`,
    );
  }
  lines.push('sync');
  return lines.join('\n');
};

export const verifyScript = (image: Image, disk = '/dev/sdX'): string => {
  const { capture, partitions, verification } = image.spec;
  const lines: string[] = [];
  for (const p of partitions) {
    const node = partitionNode(disk, p.number);
    const file = partitionFile(p, capture.compression);
    if (verification.chkimg === true && p.filesystem !== 'dd' && capture.checksumMode > 0)
      lines.push(
        `${capture.compression === 'zstd' ? `zstd -dc ${file} | ` : ''}partclone.chkimg -s ${capture.compression === 'zstd' ? '-' : file} -L p${p.number}-chkimg.log`,
      );
    if (verification.fsck && p.filesystem !== 'dd')
      lines.push(`fsck.${p.filesystem === 'fat32' ? 'vfat' : p.filesystem} -n ${node}`);
    if (verification.recaptureHash && p.filesystem !== 'dd') {
      const compress = capture.compression === 'zstd' ? `zstd -dc ${file}` : `cat ${file}`;
      lines.push(
        `# the re-captured stream of an unchanged filesystem is byte-identical to the stored one`,
        `cmp <(${partcloneBinary(p)} -c -a${capture.checksumMode} -s ${node} -o - -L p${p.number}-recapture.log) <(${compress}) && echo "p${p.number} identical"`,
      );
    }
  }
  return lines.join('\n');
};

export const sdCardScript = (image: Image, inventory: Inventory, card = '/dev/mmcblk0'): string => {
  const sd = image.spec.sdCard;
  const lines = [`lsblk -b -d -o NAME,SIZE,MODEL ${card}   # check it is the card, not a system disk`];
  if (sd?.minCardMiB !== undefined)
    lines.push(
      `test "$(blockdev --getsize64 ${card})" -ge $((${sd.minCardMiB} * 1024 * 1024)) || echo "card too small: need ${sd.minCardMiB} MiB"`,
    );
  if (sd?.zeroEnds !== false)
    lines.push(
      '# zero the first and last MiB: a fake-capacity card wraps the end onto the start',
      `dd if=/dev/zero of=${card} bs=1M count=1 conv=fsync`,
      `dd if=/dev/zero of=${card} bs=1M count=1 seek=$(( $(blockdev --getsize64 ${card}) / 1048576 - 1 )) conv=fsync`,
    );
  lines.push(restoreScript(image, inventory, card));
  if (sd?.readBackVerify !== false)
    lines.push(
      '# read back: drop the page cache so the card itself is read, then verify',
      'echo 3 > /proc/sys/vm/drop_caches',
      verifyScript(image, card),
    );
  return lines.join('\n');
};
