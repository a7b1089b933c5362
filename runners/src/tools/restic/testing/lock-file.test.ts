import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open, poly1305, seal } from './lock-file.js';

describe('restic crypto for test lock files', () => {
  it('computes the RFC 8439 §2.5.2 Poly1305 test vector', () => {
    const r = Buffer.from('85d6be7857556d337f4452fe42d506a8', 'hex');
    const s = Buffer.from('0103808afb0db2fd4abff6af4149f51b', 'hex');
    const tag = poly1305(Buffer.from('Cryptographic Forum Research Group'), r, s);
    expect(tag.toString('hex')).toBe('a8061dc1305136c6c22b8baf0c0127a9');
  });

  it('opens what it seals and refuses tampered data', () => {
    const key = { encrypt: randomBytes(32), k: randomBytes(16), r: randomBytes(16) };
    const sealed = seal(key, Buffer.from('{"exclusive":true}'));
    expect(open(key, sealed)?.toString()).toBe('{"exclusive":true}');
    sealed[20] = (sealed[20] ?? 0) ^ 1;
    expect(open(key, sealed)).toBeUndefined();
  });
});
