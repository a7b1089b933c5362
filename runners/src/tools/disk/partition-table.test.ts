import { readFileSync } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DiskImage,
  makeGptDiskImage,
  makeMbrDiskImage,
  makeSparseFile,
  makeTempDir,
  type TempDir,
} from '../../testing/disk-images.js';
import {
  backupGpt,
  loadGptBackup,
  parseSfdiskDump,
  readPartitionTable,
  sameLayout,
  writePartitionTable,
} from './partition-table.js';

interface Fixture {
  exitCode: number;
  stdout: string;
  stderr: string;
}
const fixture = (name: string): Fixture =>
  JSON.parse(readFileSync(new URL(`./fixtures/debian-12/${name}.json`, import.meta.url), 'utf8'));

describe('sfdisk dumps', () => {
  it('GPT: label, LBAs, type GUIDs, uuids and names', () => {
    const t = parseSfdiskDump(fixture('sfdisk-dump-gpt').stdout);
    expect(t).toMatchObject({ label: 'gpt', sectorSize: 512, firstLba: 34, lastLba: 131038 });
    expect(
      t?.partitions.map(({ start, size, type, name, bootable }) => ({ start, size, type, name, bootable })),
    ).toEqual([
      {
        start: 2048,
        size: 32768,
        type: 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B',
        name: 'EFI',
        bootable: false,
      },
      {
        start: 34816,
        size: 65536,
        type: '0FC63DAF-8483-4772-8E79-3D69D8477DE4',
        name: 'OS',
        bootable: false,
      },
    ]);
    expect(t?.partitions[0]?.uuid).toMatch(/^[0-9A-F-]{36}$/);
  });

  it('MBR: type bytes and the boot flag', () => {
    const t = parseSfdiskDump(fixture('sfdisk-dump-mbr').stdout);
    expect(t?.label).toBe('dos');
    expect(t?.labelId).toMatch(/^0x[0-9a-f]{8}$/);
    expect(t?.partitions).toEqual([
      { number: 1, start: 2048, size: 32768, type: 'c', bootable: true },
      { number: 2, start: 34816, size: 65536, type: '83', bootable: false },
    ]);
  });

  it('not a dump', () => {
    expect(parseSfdiskDump('')).toBeUndefined();
    expect(fixture('sfdisk-dump-no-table').exitCode).toBe(1);
    expect(parseSfdiskDump('label: gpt\nx.img1 : start=abc, size=1, type=83\n')).toBeUndefined();
  });

  it('sgdisk converts an MBR disk in memory and still exits 0 — why backupGpt checks its output', () => {
    const f = fixture('sgdisk-backup-mbr-converts');
    expect(f.exitCode).toBe(0);
    expect(f.stdout).toContain('converting MBR to GPT');
  });
});

describe('partition tables on real disk images', () => {
  let tmp: TempDir;
  let gpt: DiskImage;
  let mbr: DiskImage;
  beforeAll(async () => {
    tmp = await makeTempDir();
    gpt = await makeGptDiskImage({ dir: tmp.path });
    mbr = await makeMbrDiskImage({ dir: tmp.path });
  });
  afterAll(() => tmp.remove());

  it.each([
    'gpt',
    'mbr',
  ] as const)('%s: sfdisk dump → blank disk of the same size → same layout', async (kind) => {
    const disk = kind === 'gpt' ? gpt : mbr;
    const read = await readPartitionTable(disk.path);
    if (read.outcome !== 'ok') throw new Error(JSON.stringify(read));
    expect(read.tool).toBe('sfdisk');
    expect(read.value.partitions).toHaveLength(2);
    const blank = join(tmp.path, `${kind}-blank.img`);
    await makeSparseFile(blank, disk.sizeBytes);
    const written = await writePartitionTable(blank, read.value.text);
    expect(written.outcome).toBe('ok');
    expect(written.outcome === 'ok' && sameLayout(written.value, read.value)).toBe(true);
  });

  it('GPT: sgdisk backup → load into a blank disk → identical table sectors', async () => {
    const backup = join(tmp.path, 'gpt.sgdisk');
    expect((await backupGpt(gpt.path, backup)).outcome).toBe('ok');
    const blank = join(tmp.path, 'gpt-blank-sgdisk.img');
    await makeSparseFile(blank, gpt.sizeBytes);
    const loaded = await loadGptBackup(blank, backup);
    expect(loaded.outcome).toBe('ok');
    const [a, b] = [await readFile(gpt.path), await readFile(blank)];
    // Protective MBR + primary header + entries, and the backup entries + header at the end.
    expect(b.subarray(0, 34 * 512).equals(a.subarray(0, 34 * 512))).toBe(true);
    expect(b.subarray(-33 * 512).equals(a.subarray(-33 * 512))).toBe(true);
  });

  it('refuses a GPT backup of an MBR disk and leaves no backup file', async () => {
    const backup = join(tmp.path, 'mbr.sgdisk');
    const r = await backupGpt(mbr.path, backup);
    expect(r.outcome === 'failed' && r.error.code).toBe('disk.not-gpt');
    await expect(access(backup)).rejects.toThrow();
  });

  it('a disk without a table, a missing device, a relative path, and a dump that does not fit', async () => {
    const blank = join(tmp.path, 'no-table.img');
    await makeSparseFile(blank, 1024 * 1024);
    const none = await readPartitionTable(blank);
    expect(none.outcome === 'failed' && none.error.code).toBe('disk.no-partition-table');
    const missing = await readPartitionTable(join(tmp.path, 'missing.img'));
    expect(missing.outcome === 'failed' && missing.error.code).toBe('disk.partition-table-failed');
    const relative = await readPartitionTable('disk.img');
    expect(relative.outcome === 'failed' && relative.error.code).toBe('disk.invalid-argument');
    const read = await readPartitionTable(gpt.path);
    if (read.outcome !== 'ok') throw new Error('no table');
    const small = await writePartitionTable(blank, read.value.text);
    expect(small.outcome).toBe('failed');
    expect((await writePartitionTable(blank, 'not a dump')).outcome === 'failed').toBe(true);
  });
});
