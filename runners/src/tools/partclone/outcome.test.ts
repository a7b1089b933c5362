import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PARTCLONE_CODES } from './codes.js';
import { partcloneOutcome } from './outcome.js';

interface Fixture {
  exitCode: number;
  stderr: string;
}
const fixture = (name: string): Fixture =>
  JSON.parse(readFileSync(new URL(`./fixtures/v0.3.23/${name}.json`, import.meta.url), 'utf8'));
const decide = (name: string) => {
  const f = fixture(name);
  return partcloneOutcome({ exitCode: f.exitCode, stderr: f.stderr });
};

describe('partclone outcome', () => {
  it('0 + success line → ok', () => {
    for (const name of [
      'capture-ext4-ok',
      'capture-vfat-crc32-ok',
      'restore-ext4-new-sparse-file',
      'capture-dd-ok',
    ]) {
      expect(decide(name), name).toEqual({ outcome: 'ok' });
    }
  });

  it('0 without the success line → failed partclone.no-success-line', () => {
    expect(partcloneOutcome({ exitCode: 0, stderr: 'Partclone v0.3.23 http://partclone.org\n' })).toEqual({
      outcome: 'failed',
      error: { code: 'partclone.no-success-line', message: 'partclone exited 0 without saying it succeeded' },
    });
    expect(partcloneOutcome({ exitCode: 0, stderr: '' }).error?.code).toBe('partclone.no-success-line');
  });

  it('0 after printing its usage → failed partclone.usage, naming the option', () => {
    expect(decide('unknown-option-exit-0').error).toEqual({
      code: 'partclone.usage',
      message: 'partclone printed its usage and did nothing (-V): an option this version does not know',
    });
    expect(decide('checksum-mode-3-exit-0').error?.message).toContain('(-a3)');
  });

  it('1 → failed, with the reason partclone gave', () => {
    expect(decide('capture-source-missing').error?.code).toBe('partclone.source-unreadable');
    expect(decide('capture-wrong-filesystem').error?.code).toBe('partclone.wrong-filesystem');
    expect(decide('capture-fat-wrong-filesystem').error).toEqual({
      code: 'partclone.wrong-filesystem',
      message: 'partclone exited 1: fatclone.c: Unknown fat type!!',
    });
    expect(decide('restore-overwrite-missing-target').error?.code).toBe('partclone.target-too-small');
    const truncated = decide('restore-truncated-image');
    expect(truncated.error).toEqual({
      code: 'partclone.image-truncated',
      message: 'partclone exited 1: read ERROR:Success',
    });
    expect(partcloneOutcome({ exitCode: 1, stderr: '' }).error).toEqual({
      code: 'partclone.failed',
      message: 'partclone exited 1',
    });
  });

  it('killed, cancelled, timed out, not installed', () => {
    expect(partcloneOutcome({ exitCode: undefined, signal: 'SIGPIPE', stderr: '' }).error?.message).toBe(
      'partclone was killed by SIGPIPE',
    );
    expect(partcloneOutcome({ exitCode: undefined, stderr: '', cancelled: true }).outcome).toBe('cancelled');
    expect(partcloneOutcome({ exitCode: undefined, stderr: '', timedOut: true }).error?.code).toBe(
      'partclone.timeout',
    );
    expect(partcloneOutcome({ exitCode: undefined, stderr: '', spawnFailed: true }).error?.code).toBe(
      'partclone.not-installed',
    );
  });

  it('every code it returns is in the catalogue', () => {
    for (const name of [
      'capture-source-missing',
      'capture-wrong-filesystem',
      'restore-truncated-image',
      'unknown-option-exit-0',
    ]) {
      const c = decide(name).error?.code;
      expect(c && c in PARTCLONE_CODES).toBe(true);
    }
  });
});
