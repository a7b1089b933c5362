import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSha256, sameSha256, sha256File, sha256Stream } from './sha256.js';

const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

describe('sha256', () => {
  let dir = '';
  let file = '';
  const data = new Uint8Array(2 * 1024 * 1024 + 5).map((_, i) => (i * 7) % 256);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-sha-'));
    file = join(dir, 'data.bin');
    await writeFile(file, data);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('matches the known digests of the empty string and "abc" when fed in pieces', async () => {
    expect(createSha256().digest()).toBe(EMPTY);
    const tap = createSha256();
    tap.update(new TextEncoder().encode('a'));
    tap.update(new TextEncoder().encode('bc'));
    expect(tap.bytes).toBe(3);
    expect(tap.digest()).toBe(ABC);
    expect((await sha256Stream([new TextEncoder().encode('abc')])).sha256).toBe(ABC);
  });

  it('hashes a file and a byte range of it', async () => {
    const whole = await sha256File(file);
    expect(whole).toEqual({
      bytes: data.byteLength,
      sha256: createHash('sha256').update(data).digest('hex'),
    });
    const range = await sha256File(file, { start: 1000, length: 1_500_000 });
    expect(range.sha256).toBe(createHash('sha256').update(data.subarray(1000, 1_501_000)).digest('hex'));
    expect((await sha256File(file, { start: 10, length: 0 })).sha256).toBe(EMPTY);
  });

  it('rejects short reads and missing files instead of hashing less', async () => {
    await expect(sha256File(file, { start: data.byteLength - 10, length: 20 })).rejects.toThrow(/short read/);
    await expect(sha256File(join(dir, 'missing'))).rejects.toThrow(/ENOENT/);
  });

  it('compares digests case-insensitively and never matches junk', () => {
    expect(sameSha256(ABC.toUpperCase(), ABC)).toBe(true);
    expect(sameSha256(ABC, EMPTY)).toBe(false);
    expect(sameSha256('', '')).toBe(false);
    expect(sameSha256('zz', 'zz')).toBe(false);
  });
});
