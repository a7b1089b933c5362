import { readFileSync } from 'node:fs';
import { copyFile, open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeExt4Image, makeTempDir, makeVfatImage, type TempDir } from '../../testing/disk-images.js';
import { checkFilesystem, parseE2fsck, parseFsckFat, parseFsckVersion } from './fsck.js';

interface Fixture {
  exitCode: number;
  stdout: string;
  stderr: string;
}
const fixture = (name: string): Fixture =>
  JSON.parse(readFileSync(new URL(`./fixtures/debian-12/${name}.json`, import.meta.url), 'utf8'));

describe('fsck output', () => {
  it('e2fsck clean: summary, no problems', () => {
    const f = fixture('e2fsck-clean');
    expect(f.exitCode).toBe(0);
    const r = parseE2fsck(f.stdout);
    expect(r.summary).toMatch(/^fs\.img: \d+\/4096 files \(.*\), \d+\/16384 blocks$/);
    expect(r.problems).toEqual([]);
    expect(parseFsckVersion(f.stderr)).toBe('1.47.0');
  });

  it('e2fsck -n with errors exits 4 and lists what it would fix', () => {
    const f = fixture('e2fsck-errors');
    expect(f.exitCode).toBe(4);
    const r = parseE2fsck(f.stdout);
    expect(r.problems[0]).toBe('Inode 7 has illegal block(s).  Clear? no');
    expect(r.problems.at(-1)).toContain('WARNING: Filesystem still has errors');
  });

  it('fsck.fat clean and broken', () => {
    const clean = fixture('fsck-fat-clean');
    expect(parseFsckFat(clean.stdout)).toEqual({
      summary: 'v.img: 2 files, 1466/16343 clusters',
      problems: [],
    });
    expect(parseFsckVersion(clean.stdout)).toBe('4.2');
    const bad = fixture('fsck-fat-errors');
    expect(bad.exitCode).toBe(1);
    expect(parseFsckFat(bad.stdout).problems[0]).toBe('FATs differ but appear to be intact.');
  });

  it('exit codes when the checker cannot check: e2fsck 8, fsck.fat 6', () => {
    expect(fixture('e2fsck-not-ext').exitCode).toBe(8);
    expect(fixture('e2fsck-missing').exitCode).toBe(8);
    expect(fixture('fsck-fat-missing').exitCode).toBe(6);
  });
});

describe('checkFilesystem with the real checkers', () => {
  let tmp: TempDir;
  let ext4 = '';
  let vfat = '';
  beforeAll(async () => {
    tmp = await makeTempDir();
    ext4 = await makeExt4Image({
      path: join(tmp.path, 'root.img'),
      sizeMiB: 16,
      files: { 'a.bin': new Uint8Array(3_000_000).fill(7) },
    });
    vfat = await makeVfatImage({
      path: join(tmp.path, 'boot.img'),
      sizeMiB: 32,
      files: { 'a.bin': new Uint8Array(3_000_000).fill(7) },
    });
  });
  afterAll(() => tmp.remove());

  it('clean ext4 and vfat → ok', async () => {
    const e = await checkFilesystem('ext4', ext4);
    expect(e.outcome).toBe('ok');
    expect(e.tool).toBe('e2fsck');
    expect(e.version).toBe('1.47.0');
    expect(e.report?.clean).toBe(true);
    const v = await checkFilesystem('vfat', vfat);
    expect(v.outcome).toBe('ok');
    expect(v.report?.summary).toMatch(/: \d+ files, \d+\/\d+ clusters$/);
  });

  it('a damaged ext4 → failed disk.fsck-errors with the report', async () => {
    const bad = join(tmp.path, 'bad.img');
    await copyFile(ext4, bad);
    const fh = await open(bad, 'r+');
    await fh.write(Buffer.alloc(8, 0xff), 0, 8, 102_400); // inode 7's block map
    await fh.close();
    const r = await checkFilesystem('ext4', bad);
    expect(r.outcome).toBe('failed');
    expect(r.outcome === 'failed' && r.error.code).toBe('disk.fsck-errors');
    expect(r.report?.clean).toBe(false);
    expect(r.report?.problems.length).toBeGreaterThan(0);
  });

  it('the wrong checker or a missing file → disk.fsck-failed; others unsupported', async () => {
    const wrong = await checkFilesystem('ext4', vfat);
    expect(wrong.outcome === 'failed' && wrong.error.code).toBe('disk.fsck-failed');
    expect(wrong.outcome === 'failed' && wrong.error.message).toContain('Bad magic number');
    const missing = await checkFilesystem('vfat', join(tmp.path, 'missing.img'));
    expect(missing.outcome === 'failed' && missing.error.code).toBe('disk.fsck-failed');
    const xfs = await checkFilesystem('xfs', ext4);
    expect(xfs.outcome === 'failed' && xfs.error.code).toBe('disk.fsck-unsupported');
    const relative = await checkFilesystem('ext4', 'root.img');
    expect(relative.outcome === 'failed' && relative.error.code).toBe('disk.invalid-argument');
  });
});
