import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AtomicWriteIo, writeFileAtomic } from './atomic-write.js';
import { tempStateDir } from './testing/records.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempStateDir());
});
afterEach(() => cleanup());

/** Writes the first half for real, then fails the way a full disk does. */
const failingHalfway: AtomicWriteIo = {
  write: async (handle, data) => {
    await handle.write(data, 0, Math.floor(data.length / 2));
    throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
  },
};

describe('writeFileAtomic', () => {
  it('writes the whole content and leaves no temp file', async () => {
    const target = path.join(dir, 'a.json');
    await writeFileAtomic(target, '{"a":1}\n');
    expect(await readFile(target, 'utf8')).toBe('{"a":1}\n');
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('replaces an existing file whole', async () => {
    const target = path.join(dir, 'lifeboat.prom');
    await writeFile(target, 'old\n');
    await writeFileAtomic(target, 'new\n');
    expect(await readFile(target, 'utf8')).toBe('new\n');
  });

  it('leaves neither a partial target nor a temp file when the write fails midway', async () => {
    const target = path.join(dir, 'a.json');
    await expect(writeFileAtomic(target, 'x'.repeat(10_000), { io: failingHalfway })).rejects.toThrow(
      'no space left on device',
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps the previous content when replacing it fails midway', async () => {
    const target = path.join(dir, 'lifeboat.prom');
    await writeFile(target, 'old\n');
    await expect(
      writeFileAtomic(target, 'new content '.repeat(100), { io: failingHalfway }),
    ).rejects.toThrow();
    expect(await readFile(target, 'utf8')).toBe('old\n');
    expect(await readdir(dir)).toEqual(['lifeboat.prom']);
  });

  it('fails cleanly when the directory does not exist', async () => {
    await expect(writeFileAtomic(path.join(dir, 'missing', 'a.json'), 'x')).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
