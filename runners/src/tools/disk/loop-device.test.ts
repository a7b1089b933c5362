import { randomBytes } from 'node:crypto';
import { open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../exec/exec.js';
import { makeTempDir, type TempDir } from '../../testing/disk-images.js';
import { attachReadOnlyRange, loopUnavailable, losetupArgs } from './loop-device.js';

const KiB = 1024;

describe('read-only loop devices over a byte range', () => {
  let tmp: TempDir;
  let file: string;
  let bytes: Buffer;
  beforeAll(async () => {
    tmp = await makeTempDir('lifeboat-loop-');
    file = join(tmp.path, 'disk.img');
    bytes = randomBytes(256 * KiB);
    await writeFile(file, bytes);
  });
  afterAll(() => tmp.remove());

  it('asks losetup for a read-only range, found and printed in one call', () => {
    expect(losetupArgs('/x/disk.img', { offsetBytes: 1048576, sizeBytes: 4096 })).toEqual([
      '--read-only',
      '--offset',
      '1048576',
      '--sizelimit',
      '4096',
      '--find',
      '--show',
      '/x/disk.img',
    ]);
  });

  it.each([
    ['a relative path', 'disk.img', { offsetBytes: 0, sizeBytes: 512 }, /not an absolute path/],
    ['an offset inside a sector', '', { offsetBytes: 100, sizeBytes: 512 }, /offset 100 is not/],
    ['an empty range', '', { offsetBytes: 0, sizeBytes: 0 }, /size 0 is not/],
    ['a size inside a sector', '', { offsetBytes: 0, sizeBytes: 1000 }, /size 1000 is not/],
  ])('refuses %s without running losetup', async (_what, path, range, reason) => {
    const r = await attachReadOnlyRange(path || file, range);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('refuses when not running as root', async () => {
    expect(await loopUnavailable(1000)).toBe('not running as root');
    const r = await attachReadOnlyRange(file, { offsetBytes: 0, sizeBytes: 512 }, { uid: 1000 });
    expect(r).toEqual({ ok: false, reason: 'not running as root' });
  });

  describe.skipIf(process.getuid?.() !== 0)('as root', () => {
    it('refuses a range past the end of the file', async () => {
      const r = await attachReadOnlyRange(file, { offsetBytes: 128 * KiB, sizeBytes: 256 * KiB });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/beyond the 262144 bytes/);
    });

    it('refuses a source that is not a file or block device', async () => {
      const r = await attachReadOnlyRange(tmp.path, { offsetBytes: 0, sizeBytes: 512 });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/neither a file nor a block device/);
    });

    it('shows exactly the range, refuses writes, and is gone after detach', async (ctx) => {
      const why = await loopUnavailable();
      if (why) ctx.skip();
      const range = { offsetBytes: 64 * KiB, sizeBytes: 128 * KiB };
      const r = await attachReadOnlyRange(file, range);
      if (!r.ok) throw new Error(r.reason);
      const { device, detach } = r.loop;
      try {
        expect(device).toMatch(/^\/dev\/loop[0-9]+$/);
        expect(await readFile(device)).toEqual(bytes.subarray(64 * KiB, 192 * KiB));
        // The kernel refuses the open for writing or the write itself, depending on its version.
        const writing = (async () => {
          const fh = await open(device, 'r+');
          try {
            await fh.write(Buffer.alloc(512), 0, 512, 0);
            await fh.sync();
          } finally {
            await fh.close();
          }
        })();
        await expect(writing).rejects.toThrow(/EROFS|EACCES|EPERM/);
        expect(await readFile(file)).toEqual(bytes);
        const listed = await exec('losetup', [
          '--list',
          '--noheadings',
          '--output',
          'NAME,RO,OFFSET,SIZELIMIT',
        ]);
        expect(listed.stdout).toMatch(new RegExp(`${device}\\s+1\\s+65536\\s+131072`));
      } finally {
        expect(await detach()).toBeUndefined();
      }
      const after = await exec('losetup', ['--associated', file]);
      expect(after.stdout.trim()).toBe('');
      // A second detach reports, it does not throw.
      expect(await detach()).toMatch(/losetup --detach/);
    });
  });
});
