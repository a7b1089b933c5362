import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  errorSummary,
  lastStats,
  parseCheck,
  parseLog,
  parseLogLine,
  parseLsjson,
  parseSize,
  progressFromStats,
} from './parse.js';

interface Fixture {
  exitCode: number;
  stdout: string;
  stderr: string;
}
const fixture = (name: string): Fixture =>
  JSON.parse(readFileSync(new URL(`./fixtures/v1.60/${name}.json`, import.meta.url), 'utf8'));

describe('rclone JSON log', () => {
  it('reads the final stats of a sync', () => {
    const stats = lastStats(parseLog(fixture('sync-ok').stderr));
    expect(stats).toMatchObject({
      bytes: 300006,
      totalBytes: 300006,
      transfers: 4,
      totalTransfers: 4,
      errors: 0,
    });
    expect(stats?.eta).toBeNull();
  });

  it('turns the stats lines of a throttled sync into rising progress with an ETA', () => {
    const progress = parseLog(fixture('sync-throttled-interrupted').stderr)
      .filter((l) => l.stats)
      .map((l) => (l.stats ? progressFromStats(l.stats) : undefined));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    const bytes = progress.map((p) => p?.bytes ?? 0);
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
    expect(progress[0]).toMatchObject({ totalBytes: 4_000_000, transfers: 0, totalTransfers: 4 });
    expect(progress.some((p) => typeof p?.eta === 'number')).toBe(true);
  });

  it('a sync with nothing to do counts checks, not transfers', () => {
    expect(lastStats(parseLog(fixture('sync-nothing-to-do').stderr))).toMatchObject({
      transfers: 0,
      checks: 4,
    });
  });

  it('keeps non-JSON lines as text', () => {
    expect(parseLogLine('2026/11/22 05:36:56 Failed to create file system')).toEqual({
      level: 'text',
      msg: '2026/11/22 05:36:56 Failed to create file system',
    });
    expect(parseLogLine('{"level":"error"}')).toEqual({ level: 'text', msg: '{"level":"error"}' });
  });

  it('summarises the error in one line', () => {
    expect(errorSummary(fixture('sync-source-missing').stderr)).toBe('Failed to sync: directory not found');
    expect(errorSummary(fixture('lsjson-remote-unknown').stderr)).toBe(
      'Failed to create file system for "nosuch-remote:path": didn\'t find section in config file',
    );
    expect(errorSummary(fixture('sync-unknown-flag').stderr)).toBe('unknown flag: --no-such-flag');
    expect(errorSummary(fixture('sync-ok').stderr)).toBeUndefined();
    expect(errorSummary('{"level":"error","msg":"boom","object":"a.txt"}')).toBe('a.txt: boom');
  });
});

describe('rclone check', () => {
  it('0 differences found', () => {
    expect(parseCheck(fixture('check-equal').stderr)).toEqual({
      differences: 0,
      matching: 4,
      missing: 0,
      items: [],
    });
  });

  it('1 difference: the changed file and why', () => {
    expect(parseCheck(fixture('check-one-difference').stderr)).toEqual({
      differences: 1,
      matching: 3,
      missing: 0,
      items: [{ path: 'f2.bin', problem: 'sizes differ' }],
    });
  });

  it('missing on either side and changed', () => {
    const r = parseCheck(fixture('check-missing-and-extra').stderr);
    expect(r.differences).toBe(3);
    expect(r.missing).toBe(2);
    expect(r.items.map((i) => i.path).sort()).toEqual(['extra.txt', 'f2.bin', 'f3.bin']);
  });

  it('--one-way ignores extra destination files', () => {
    const r = parseCheck(fixture('check-one-way').stderr);
    expect(r.differences).toBe(2);
    expect(r.items.map((i) => i.path).sort()).toEqual(['f2.bin', 'f3.bin']);
  });

  it('no summary when rclone never compared', () => {
    expect(parseCheck('').differences).toBeUndefined();
  });
});

describe('rclone size and lsjson', () => {
  it('size --json', () => {
    expect(parseSize(fixture('size-ok').stdout)).toEqual({ count: 4, bytes: 300006, sizeless: 0 });
    expect(parseSize(fixture('size-missing-dir').stdout)).toBeUndefined();
    expect(parseSize('{"count":"4"}')).toBeUndefined();
  });

  it('lsjson -R', () => {
    const entries = parseLsjson(fixture('lsjson-ok').stdout);
    expect(entries?.map((e) => [e.path, e.size, e.isDir])).toEqual([
      ['f1.bin', 100000, false],
      ['f2.bin', 100000, false],
      ['f3.bin', 100000, false],
      ['sub', -1, true],
      ['sub/x.txt', 6, false],
    ]);
    expect(parseLsjson('[{"Name":1}]')).toBeUndefined();
    expect(parseLsjson('not json')).toBeUndefined();
    expect(
      parseLsjson('[{"Path":"a","Name":"a","Size":1,"IsDir":false,"Hashes":{"md5":"x","n":1}}]')?.[0]?.hashes,
    ).toEqual({
      md5: 'x',
    });
  });
});
