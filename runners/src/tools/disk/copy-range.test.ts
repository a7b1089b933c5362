import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../testing/disk-images.js';
import { copyRange } from './copy-range.js';

describe('copyRange', () => {
  let tmp: TempDir;
  beforeAll(async () => {
    tmp = await makeTempDir();
  });
  afterAll(() => tmp.remove());

  it('copies a range into an existing file at an offset without truncating it', async () => {
    const source = join(tmp.path, 'src');
    const target = join(tmp.path, 'dst');
    await writeFile(source, 'abcdefghij');
    await writeFile(target, '0123456789ABCDEF');
    const seen: string[] = [];
    const n = await copyRange(source, target, {
      sourceOffset: 2,
      targetOffset: 4,
      length: 5,
      onChunk: (c) => seen.push(Buffer.from(c).toString()),
    });
    expect(n).toBe(5);
    expect(await readFile(target, 'utf8')).toBe('0123cdefg9ABCDEF');
    expect(seen.join('')).toBe('cdefg');
  });

  it('copies whole files larger than one chunk, and refuses short sources', async () => {
    const source = join(tmp.path, 'big');
    const target = join(tmp.path, 'big-copy');
    const data = new Uint8Array(9 * 1024 * 1024 + 3).map((_, i) => i % 253);
    await writeFile(source, data);
    await writeFile(target, '');
    expect(await copyRange(source, target)).toBe(data.byteLength);
    expect((await readFile(target)).equals(Buffer.from(data))).toBe(true);
    await expect(
      copyRange(source, target, { sourceOffset: data.byteLength - 2, length: 10 }),
    ).rejects.toThrow(/short read/);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      copyRange(join(tmp.path, 'big'), join(tmp.path, 'big-copy'), { signal: controller.signal }),
    ).rejects.toThrow();
  });
});
