// Test-only: file-backed filesystems and whole-disk images (GPT: EFI vfat + OS ext4; MBR: boot vfat +
// root ext4) made without root or loop devices, with mkfs -d / mcopy, sfdisk / sgdisk and Node copies.
import { mkdir, mkdtemp, open, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { exec } from '../exec/exec.js';
import { copyRange } from '../tools/disk/copy-range.js';

export interface TempDir {
  path: string;
  remove: () => Promise<void>;
}

export const makeTempDir = async (prefix = 'lifeboat-test-'): Promise<TempDir> => {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
};

/** Relative path (with `/` for folders) → file contents. */
export type FileTree = Readonly<Record<string, string | Uint8Array>>;

export const writeTree = async (dir: string, tree: FileTree): Promise<void> => {
  for (const [rel, contents] of Object.entries(tree)) {
    const path = join(dir, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, contents);
  }
};

const run = async (file: string, args: string[], env?: Record<string, string>) => {
  const r = await exec(file, args, { env, timeoutMs: 60_000 });
  if (r.exitCode !== 0) throw new Error(`${file} ${args.join(' ')} exited ${r.exitCode}: ${r.stderr.trim()}`);
  return r;
};

const MiB = 1024 * 1024;
const SECTOR = 512;

/** A zero-filled sparse file of exactly `bytes`. */
export const makeSparseFile = async (path: string, bytes: number): Promise<void> => {
  const fh = await open(path, 'w');
  try {
    await fh.truncate(bytes);
  } finally {
    await fh.close();
  }
};

export interface FilesystemImageOptions {
  path: string;
  sizeMiB: number;
  files?: FileTree;
  label?: string;
}

/** `mkfs.ext4 -F -d DIR fs.img SIZE`: an ext4 filesystem in a regular file, populated from `files`. */
export const makeExt4Image = async (o: FilesystemImageOptions): Promise<string> => {
  const stage = await makeTempDir('lifeboat-ext4-stage-');
  try {
    await writeTree(stage.path, o.files ?? {});
    await run('mkfs.ext4', ['-q', '-F', '-L', o.label ?? 'root', '-d', stage.path, o.path, `${o.sizeMiB}M`]);
    return o.path;
  } finally {
    await stage.remove();
  }
};

/** `mkfs.vfat -C` + `mcopy -s`: a FAT filesystem in a regular file, populated from `files`. */
export const makeVfatImage = async (
  o: FilesystemImageOptions & { fatSize?: 12 | 16 | 32 },
): Promise<string> => {
  await rm(o.path, { force: true }); // mkfs.vfat -C refuses an existing file
  const args = ['-C', '-n', (o.label ?? 'BOOT').toUpperCase()];
  if (o.fatSize) args.push('-F', String(o.fatSize));
  await run('mkfs.vfat', [...args, o.path, String(o.sizeMiB * 1024)]);
  const stage = await makeTempDir('lifeboat-vfat-stage-');
  try {
    await writeTree(stage.path, o.files ?? {});
    const entries = await readdir(stage.path);
    if (entries.length > 0) {
      await run('mcopy', ['-s', '-i', o.path, ...entries.map((e) => join(stage.path, e)), '::/'], {
        MTOOLS_SKIP_CHECK: '1',
      });
    }
    return o.path;
  } finally {
    await stage.remove();
  }
};

export interface DiskImagePartition {
  number: number;
  name: string;
  filesystem: 'vfat' | 'ext4';
  startBytes: number;
  sizeBytes: number;
  /** The partition's own filesystem image, as copied into the disk. */
  image: string;
}

export interface DiskImage {
  path: string;
  table: 'gpt' | 'mbr';
  sizeBytes: number;
  partitions: DiskImagePartition[];
}

export interface DiskImageOptions {
  dir: string;
  /** First partition (EFI on GPT, boot on MBR), vfat. */
  firstMiB?: number;
  firstFiles?: FileTree;
  /** Second partition (OS on GPT, root on MBR), ext4. */
  secondMiB?: number;
  secondFiles?: FileTree;
}

const layout = async (o: DiskImageOptions, table: 'gpt' | 'mbr'): Promise<DiskImage> => {
  const firstMiB = o.firstMiB ?? 16;
  const secondMiB = o.secondMiB ?? 32;
  const [firstName, secondName] = table === 'gpt' ? ['EFI', 'OS'] : ['boot', 'root'];
  const first = await makeVfatImage({
    path: join(o.dir, `${table}-p1-${firstName.toLowerCase()}.img`),
    sizeMiB: firstMiB,
    files: o.firstFiles ?? { 'EFI/BOOT/BOOTX64.EFI': 'not really an EFI binary\n' },
    label: firstName,
  });
  const second = await makeExt4Image({
    path: join(o.dir, `${table}-p2-${secondName.toLowerCase()}.img`),
    sizeMiB: secondMiB,
    files: o.secondFiles ?? { 'etc/hostname': `${table}-test\n` },
    label: secondName,
  });
  // 1 MiB before the first partition, 1 MiB after the last (room for GPT's backup header).
  const partitions: DiskImagePartition[] = [
    {
      number: 1,
      name: firstName,
      filesystem: 'vfat',
      startBytes: MiB,
      sizeBytes: firstMiB * MiB,
      image: first,
    },
    {
      number: 2,
      name: secondName,
      filesystem: 'ext4',
      startBytes: (1 + firstMiB) * MiB,
      sizeBytes: secondMiB * MiB,
      image: second,
    },
  ];
  return {
    path: join(o.dir, `${table}-disk.img`),
    table,
    sizeBytes: (2 + firstMiB + secondMiB) * MiB,
    partitions,
  };
};

const fill = async (disk: DiskImage): Promise<DiskImage> => {
  for (const p of disk.partitions)
    await copyRange(p.image, disk.path, { targetOffset: p.startBytes, length: p.sizeBytes });
  return disk;
};

const sectors = (p: DiskImagePartition) => ({ start: p.startBytes / SECTOR, size: p.sizeBytes / SECTOR });

/** A GPT disk image: partition 1 EFI System (vfat), partition 2 Linux filesystem (ext4), written with sgdisk. */
export const makeGptDiskImage = async (o: DiskImageOptions): Promise<DiskImage> => {
  const disk = await layout(o, 'gpt');
  await makeSparseFile(disk.path, disk.sizeBytes);
  const args: string[] = [];
  for (const p of disk.partitions) {
    const { start, size } = sectors(p);
    args.push(
      `--new=${p.number}:${start}:${start + size - 1}`,
      `--typecode=${p.number}:${p.filesystem === 'vfat' ? 'ef00' : '8300'}`,
      `--change-name=${p.number}:${p.name}`,
    );
  }
  await run('sgdisk', [...args, disk.path]);
  return fill(disk);
};

/** Bytes written into the gap before the first partition of the MBR image, as a boot loader would be. */
export const MBR_GAP_MARKER = 'lifeboat-test boot loader in the MBR gap';

/** An MBR disk image: partition 1 boot (FAT, bootable), partition 2 root (Linux, ext4), written with sfdisk. */
export const makeMbrDiskImage = async (o: DiskImageOptions): Promise<DiskImage> => {
  const disk = await layout(o, 'mbr');
  await makeSparseFile(disk.path, disk.sizeBytes);
  const [boot, root] = disk.partitions.map(sectors);
  const script = `label: dos\nstart=${boot?.start}, size=${boot?.size}, type=c, bootable\nstart=${root?.start}, size=${root?.size}, type=83\n`;
  const r = await exec('sfdisk', ['--quiet', '--no-reread', '--no-tell-kernel', disk.path], {
    input: script,
    timeoutMs: 60_000,
  });
  if (r.exitCode !== 0) throw new Error(`sfdisk exited ${r.exitCode}: ${r.stderr.trim()}`);
  const fh = await open(disk.path, 'r+');
  try {
    await fh.write(Buffer.from(MBR_GAP_MARKER), 0, MBR_GAP_MARKER.length, 4 * SECTOR);
  } finally {
    await fh.close();
  }
  return fill(disk);
};
