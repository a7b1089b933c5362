// The demo's "device": a file-backed MBR disk (FAT boot + ext4 root) made without root or loop devices,
// with mkfs.vfat/mcopy, mkfs.ext4 -d and sfdisk on regular files, so image capture has a real disk to read.
import { mkdir, mkdtemp, open, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { exec } from '../exec/exec.js';
import { copyRange } from '../tools/disk/copy-range.js';

const MiB = 1024 * 1024;
const SECTOR = 512;

/** Relative path → contents. */
export type DemoTree = Readonly<Record<string, string | Uint8Array>>;

export const writeDemoTree = async (dir: string, tree: DemoTree): Promise<void> => {
  for (const [rel, contents] of Object.entries(tree)) {
    const path = join(dir, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, contents);
  }
};

const run = async (
  file: string,
  args: string[],
  more: { env?: Record<string, string>; input?: string } = {},
) => {
  const r = await exec(file, args, { ...more, timeoutMs: 60_000 });
  if (r.exitCode !== 0)
    throw new Error(
      `${file} exited ${r.exitCode ?? 'abnormally'}: ${r.stderr.trim().split('\n').at(-1) ?? ''}`,
    );
};

export interface DemoPartition {
  number: number;
  name: string;
  filesystem: 'vfat' | 'ext4';
  sizeMiB: number;
}

export interface DemoDisk {
  path: string;
  sizeBytes: number;
  partitions: DemoPartition[];
}

export interface DemoDiskOptions {
  /** Where the disk file and its scratch files go. */
  dir: string;
  bootMiB?: number;
  rootMiB?: number;
  bootFiles: DemoTree;
  rootFiles: DemoTree;
}

/** An MBR disk image file: partition 1 `boot` (FAT, bootable), partition 2 `rootfs` (ext4), 1 MiB gaps. */
export const makeDemoDisk = async (o: DemoDiskOptions): Promise<DemoDisk> => {
  const bootMiB = o.bootMiB ?? 16;
  const rootMiB = o.rootMiB ?? 32;
  const work = await mkdtemp(join(o.dir, '.disk-'));
  try {
    const boot = join(work, 'boot.img');
    await run('mkfs.vfat', ['-C', '-n', 'BOOT', boot, String(bootMiB * 1024)]);
    const bootStage = join(work, 'boot');
    await mkdir(bootStage);
    await writeDemoTree(bootStage, o.bootFiles);
    const entries = await readdir(bootStage);
    if (entries.length > 0)
      await run('mcopy', ['-s', '-i', boot, ...entries.map((e) => join(bootStage, e)), '::/'], {
        env: { MTOOLS_SKIP_CHECK: '1' },
      });
    const root = join(work, 'root.img');
    const rootStage = join(work, 'root');
    await mkdir(rootStage);
    await writeDemoTree(rootStage, o.rootFiles);
    await run('mkfs.ext4', ['-q', '-F', '-L', 'rootfs', '-d', rootStage, root, `${rootMiB}M`]);

    const path = join(o.dir, 'kiosk-sd.img');
    const sizeBytes = (2 + bootMiB + rootMiB) * MiB;
    const fh = await open(path, 'w');
    try {
      await fh.truncate(sizeBytes); // sparse
    } finally {
      await fh.close();
    }
    const sectors = (startMiB: number, sizeMiB: number) =>
      `start=${(startMiB * MiB) / SECTOR}, size=${(sizeMiB * MiB) / SECTOR}`;
    await run('sfdisk', ['--quiet', '--no-reread', '--no-tell-kernel', path], {
      input: `label: dos\n${sectors(1, bootMiB)}, type=c, bootable\n${sectors(1 + bootMiB, rootMiB)}, type=83\n`,
    });
    await copyRange(boot, path, { targetOffset: MiB, length: bootMiB * MiB });
    await copyRange(root, path, { targetOffset: (1 + bootMiB) * MiB, length: rootMiB * MiB });
    return {
      path,
      sizeBytes,
      partitions: [
        { number: 1, name: 'boot', filesystem: 'vfat', sizeMiB: bootMiB },
        { number: 2, name: 'rootfs', filesystem: 'ext4', sizeMiB: rootMiB },
      ],
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
};
