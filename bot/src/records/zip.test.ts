import { buildZip, zip64Extra } from '@lifeboat/test-support';
import { describe, expect, it } from 'vitest';
import { readZip } from './zip.js';

const DOC = JSON.stringify({ version: 1, runs: [] });

const refusal = (buf: Buffer, limits?: Parameters<typeof readZip>[1]) => {
  const r = readZip(buf, limits);
  return r.ok ? 'accepted' : r.refusal;
};

describe('readZip', () => {
  it('reads one deflated and one stored entry, as upload-artifact writes them', () => {
    for (const method of ['deflate', 'stored'] as const) {
      const r = readZip(buildZip([{ name: 'records.json', data: DOC, method }]));
      expect(r).toEqual({ ok: true, entries: [{ name: 'records.json', data: Buffer.from(DOC) }] });
    }
  });

  it('reads an archive with a comment after the end record', () => {
    expect(refusal(buildZip([{ name: 'records.json', data: DOC }], { comment: 'PK\u0005\u0006 fake' }))).toBe(
      'accepted',
    );
  });

  it.each([
    ['not a zip', Buffer.from('{"version":1}'), 'truncated'],
    ['cut short', buildZip([{ name: 'records.json', data: DOC }]).subarray(0, 40), 'truncated'],
    ['encrypted (flag bit 0)', buildZip([{ name: 'r.json', data: DOC, flags: 0x0801 }]), 'encrypted'],
    ['AES (method 99)', buildZip([{ name: 'r.json', data: DOC, methodCode: 99 }]), 'encrypted'],
    ['zip64 extra field', buildZip([{ name: 'r.json', data: DOC, extra: zip64Extra() }]), 'zip64'],
    ['zip64 sizes', buildZip([{ name: 'r.json', data: DOC, declaredSize: 0xffffffff }]), 'zip64'],
    ['zip64 end locator', buildZip([{ name: 'r.json', data: DOC }], { zip64Locator: true }), 'zip64'],
    ['bzip2', buildZip([{ name: 'r.json', data: DOC, methodCode: 12 }]), 'method'],
    [
      'two entries',
      buildZip([
        { name: 'a.json', data: DOC },
        { name: 'b.json', data: DOC },
      ]),
      'entries',
    ],
    ['a directory', buildZip([{ name: 'dir/', data: '' }]), 'entries'],
    ['..', buildZip([{ name: '../records.json', data: DOC }]), 'name'],
    ['.. inside', buildZip([{ name: 'a/../../records.json', data: DOC }]), 'name'],
    ['absolute', buildZip([{ name: '/etc/records.json', data: DOC }]), 'name'],
    ['drive letter', buildZip([{ name: 'C:records.json', data: DOC }]), 'name'],
    ['backslash', buildZip([{ name: '..\\records.json', data: DOC }]), 'name'],
    ['control character', buildZip([{ name: 'rec\nords.json', data: DOC }]), 'name'],
    [
      'declared smaller than it inflates',
      buildZip([{ name: 'r.json', data: DOC, declaredSize: 5 }]),
      'size-mismatch',
    ],
    [
      'declared larger than it inflates',
      buildZip([{ name: 'r.json', data: DOC, declaredSize: 5000 }]),
      'size-mismatch',
    ],
    [
      'stored with sizes that differ',
      buildZip([{ name: 'r.json', data: DOC, method: 'stored', declaredSize: DOC.length + 1 }]),
      'size-mismatch',
    ],
    ['bad CRC', buildZip([{ name: 'r.json', data: DOC, crc: 12345 }]), 'crc'],
    [
      'compressed size past the archive',
      buildZip([{ name: 'r.json', data: DOC, declaredCompressedSize: 100_000 }]),
      'truncated',
    ],
  ])('refuses %s', (_what, buf, expected) => {
    expect(refusal(buf)).toBe(expected);
  });

  it('refuses a zip bomb by its declared size, before inflating', () => {
    // 64 MiB of zeros deflate to ~64 KiB; the declaration alone is over the 32 MiB limit.
    const bomb = buildZip([{ name: 'records.json', data: Buffer.alloc(64 * 1024 * 1024) }]);
    expect(bomb.length).toBeLessThan(200_000);
    const before = process.memoryUsage().arrayBuffers;
    expect(refusal(bomb)).toBe('too-large');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });

  it('refuses a zip bomb that lies about its size, stopping one byte past the lie', () => {
    const bomb = buildZip([
      { name: 'records.json', data: Buffer.alloc(8 * 1024 * 1024), declaredSize: 1024 },
    ]);
    expect(refusal(bomb)).toBe('size-mismatch');
  });

  it('honours a smaller byte limit and a larger entry count when asked', () => {
    const one = buildZip([{ name: 'records.json', data: DOC }]);
    expect(refusal(one, { maxBytes: 10 })).toBe('too-large');
    const two = buildZip([
      { name: 'a.json', data: DOC },
      { name: 'a.json', data: DOC },
    ]);
    expect(refusal(two, { maxEntries: 2 })).toBe('entries'); // the same name twice
  });
});
