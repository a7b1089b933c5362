import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../testing/disk-images.js';
import {
  checkManifest,
  type ImageManifest,
  readManifest,
  setPromotion,
  storedFiles,
  writeManifest,
} from './manifest.js';
import { validManifest } from './testing/manifests.js';

const withPartition = (patch: Record<string, unknown>): unknown => {
  const m = validManifest();
  return { ...m, partitions: [{ ...m.partitions[0], ...patch }, m.partitions[1]] };
};

describe('checkManifest', () => {
  it('accepts a complete manifest', () => {
    expect(checkManifest(validManifest())).toEqual({ ok: true, manifest: validManifest() });
  });

  it.each([
    ['../../etc/shadow', 'parent segments'],
    ['/etc/shadow', 'an absolute path'],
    ['sub/p1.pcl', 'a sub-directory'],
    ['.hidden', 'a hidden name'],
    ['-rf', 'a leading dash'],
    ['manifest.json', 'the manifest itself'],
    ['p1\nboot', 'a newline'],
    ['', 'an empty name'],
  ])('refuses a stored file name with %j (%s)', (file) => {
    const result = checkManifest(withPartition({ image: { file, sha256: 'c'.repeat(64), bytes: 1 } }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.join('\n')).toMatch(
      /partitions\.0\.image\.file: .* is not a plain file name inside the version directory|partitions\.0\.image\.file: must be a string/,
    );
  });

  it('refuses a table file name with a path trick too', () => {
    const m = validManifest();
    const bad = {
      ...m,
      partitionTable: { ...m.partitionTable, gap: { ...m.partitionTable.gap, file: '../gap.bin' } },
    };
    expect(checkManifest(bad)).toEqual({
      ok: false,
      errors: ['partitionTable.gap.file: "../gap.bin" is not a plain file name inside the version directory'],
    });
  });

  it('refuses two entries naming the same file (one hash could vouch for another partition)', () => {
    const result = checkManifest(
      withPartition({ image: { file: 'p2-rootfs.pcl.zst', sha256: 'c'.repeat(64), bytes: 1 } }),
    );
    expect(!result.ok && result.errors).toEqual([
      'partitions.1.image.file: "p2-rootfs.pcl.zst" is named twice',
    ]);
  });

  it('reports every problem with its path, untrusted values quoted', () => {
    const result = checkManifest({
      ...validManifest(),
      kind: 'Manifest',
      version: '../x',
      promotion: 'shipped',
      partitions: [
        {
          ...validManifest().partitions[0],
          number: 0,
          filesystem: 'zfs',
          rawSha256: 'ABC',
          compression: 'gzip',
        },
      ],
    });
    expect(!result.ok && result.errors).toEqual([
      'kind: must be "ImageManifest"',
      'version: "../x" is not valid',
      'promotion: must be one of candidate, verified, approved, deployed, retired, got "shipped"',
      'partitions.0.number: must be an integer 1-128',
      'partitions.0.filesystem: must be one of ext2, ext3, ext4, vfat, fat32, ntfs, xfs, btrfs, exfat, dd, got "zfs"',
      'partitions.0.compression: must be one of zstd, none, got "gzip"',
      'partitions.0.rawSha256: "ABC" is not valid',
    ]);
  });

  it.each([null, [], 'manifest', 42])('refuses %j as a whole', (value) => {
    expect(checkManifest(value)).toEqual({ ok: false, errors: ['manifest: must be a JSON object'] });
  });

  it('lists every stored file with what it is for', () => {
    expect(storedFiles(validManifest()).map((f) => [f.what, f.file])).toEqual([
      ['partition table dump', 'partition-table.sfdisk'],
      ['bytes before the first partition', 'gap.bin'],
      ['partition 1 (boot)', 'p1-boot.pcl.zst'],
      ['partition 2 (rootfs)', 'p2-rootfs.pcl.zst'],
    ]);
  });
});

describe('readManifest / writeManifest', () => {
  let tmp: TempDir;
  beforeEach(async () => {
    tmp = await makeTempDir('lifeboat-manifest-');
  });
  afterEach(() => tmp.remove());

  const versionDir = async (name = '3.2.0') => {
    const dir = join(tmp.path, name);
    await mkdir(dir);
    return dir;
  };

  it('round-trips a manifest, leaving no temp file', async () => {
    const dir = await versionDir();
    await writeManifest(dir, validManifest());
    expect(await readManifest(dir)).toEqual({ ok: true, manifest: validManifest() });
    expect(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'))).toEqual(validManifest());
  });

  it('never writes an invalid manifest', async () => {
    const dir = await versionDir();
    await expect(writeManifest(dir, { ...validManifest(), image: 'Bad Name' })).rejects.toThrow(
      /invalid manifest: image/,
    );
    expect((await readManifest(dir)).ok).toBe(false);
  });

  it('a missing manifest is a missing version; garbage is an invalid manifest, in one line', async () => {
    const dir = await versionDir();
    expect(await readManifest(dir)).toMatchObject({ ok: false, error: { code: 'image.version-missing' } });
    await writeFile(join(dir, 'manifest.json'), '{"apiVersion": "lifeboat/v1",');
    const read = await readManifest(dir);
    expect(read).toMatchObject({ ok: false, error: { code: 'image.manifest-invalid' } });
    expect(!read.ok && read.error.message).toMatch(/is not JSON/);
    expect(!read.ok && read.error.message).not.toContain('\n');
  });

  it('refuses a manifest whose version is not its directory (a copied or renamed version)', async () => {
    const dir = await versionDir('3.3.0');
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(validManifest()));
    const read = await readManifest(dir);
    expect(!read.ok && read.error.message).toMatch(
      /is for version "3\.2\.0" but lies in directory "3\.3\.0"/,
    );
  });

  it('refuses a symlinked manifest', async () => {
    const dir = await versionDir();
    const elsewhere = join(tmp.path, 'elsewhere.json');
    await writeFile(elsewhere, JSON.stringify(validManifest()));
    await symlink(elsewhere, join(dir, 'manifest.json'));
    const read = await readManifest(dir);
    expect(read).toMatchObject({ ok: false, error: { code: 'image.manifest-invalid' } });
    expect(!read.ok && read.error.message).toMatch(/is not a regular file/);
  });

  it('summarises many problems in one line', async () => {
    const dir = await versionDir();
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ apiVersion: 'lifeboat/v1' }));
    const read = await readManifest(dir);
    expect(!read.ok && read.error.message).toMatch(
      /kind: must be "ImageManifest"; image: must be a string; version: must be a string \(and \d+ more\)$/,
    );
  });

  it('setPromotion rewrites the state and when it changed', async () => {
    const dir = await versionDir();
    await writeManifest(dir, validManifest());
    const at = new Date('2026-02-01T08:00:00Z');
    const changed = await setPromotion(dir, 'deployed', at);
    const expected: ImageManifest = {
      ...validManifest(),
      promotion: 'deployed',
      promotedAt: '2026-02-01T08:00:00.000Z',
    };
    expect(changed).toEqual({ ok: true, manifest: expected });
    expect(await readManifest(dir)).toEqual({ ok: true, manifest: expected });
  });
});
