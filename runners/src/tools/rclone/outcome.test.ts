import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RCLONE_CODES } from './codes.js';
import { type RcloneCommand, rcloneOutcome } from './outcome.js';

interface Fixture {
  exitCode: number;
  stderr: string;
}
const fixture = (name: string): Fixture =>
  JSON.parse(readFileSync(new URL(`./fixtures/v1.60/${name}.json`, import.meta.url), 'utf8'));
const decide = (command: RcloneCommand, name: string) => {
  const f = fixture(name);
  return rcloneOutcome({ command, exitCode: f.exitCode, stderr: f.stderr });
};

describe('rclone outcome from real runs', () => {
  it('ok', () => {
    expect(decide('sync', 'sync-ok')).toEqual({ outcome: 'ok' });
    expect(decide('check', 'check-equal')).toEqual({ outcome: 'ok' });
  });

  it('check exit 1 with differences → failed rclone.differences, naming the files', () => {
    const r = decide('check', 'check-one-difference');
    expect(r.outcome).toBe('failed');
    expect(r.error?.code).toBe('rclone.differences');
    expect(r.error?.message).toBe('1 difference found: "f2.bin" (sizes differ)');
    expect(decide('check', 'check-missing-and-extra').error?.message).toMatch(/^3 differences found: /);
  });

  it('exit 3 → directory not found', () => {
    expect(decide('sync', 'sync-source-missing')).toEqual({
      outcome: 'failed',
      error: { code: 'rclone.directory-not-found', message: 'Failed to sync: directory not found' },
    });
    expect(decide('size', 'size-missing-dir').error?.code).toBe('rclone.directory-not-found');
    expect(decide('lsjson', 'lsjson-missing-dir').error?.code).toBe('rclone.directory-not-found');
  });

  it('401 from the remote → auth (exit 1 says nothing more)', () => {
    expect(decide('lsjson', 'lsjson-webdav-unauthorized').outcome).toBe('auth');
    const sync = decide('sync', 'sync-webdav-unauthorized');
    expect(sync.outcome).toBe('auth');
    expect(sync.error?.code).toBe('rclone.auth');
  });

  it('unknown remote and unknown flag', () => {
    expect(decide('lsjson', 'lsjson-remote-unknown').error?.code).toBe('rclone.remote-unknown');
    expect(decide('sync', 'sync-unknown-flag').error).toEqual({
      code: 'rclone.usage',
      message: 'unknown flag: --no-such-flag',
    });
  });
});

describe('rclone outcome by exit code (lib/exitcode)', () => {
  const byExit = (exitCode: number, command: RcloneCommand = 'sync') =>
    rcloneOutcome({ command, exitCode, stderr: '' });
  it.each([
    [4, 'failed', 'rclone.file-not-found'],
    [5, 'failed', 'rclone.temporary-error'],
    [6, 'partial', 'rclone.less-serious-error'],
    [7, 'failed', 'rclone.fatal'],
    [8, 'partial', 'rclone.transfer-limit'],
    [10, 'partial', 'rclone.duration-limit'],
    [2, 'failed', 'rclone.failed'],
    [42, 'failed', 'rclone.failed'],
  ])('exit %i → %s %s', (exitCode, outcome, code) => {
    const r = byExit(exitCode);
    expect(r.outcome).toBe(outcome);
    expect(r.error?.code).toBe(code);
    expect(r.error?.message).toBe(`rclone sync exited ${exitCode}`);
  });

  it('9 (nothing transferred, only with --error-on-no-transfer) is success', () => {
    expect(byExit(9).outcome).toBe('ok');
  });

  it('check exit 1 without a differences line is a plain failure', () => {
    expect(byExit(1, 'check').error?.code).toBe('rclone.failed');
  });

  it('cancelled, timed out, not installed win over the exit code', () => {
    expect(rcloneOutcome({ command: 'sync', exitCode: undefined, stderr: '', cancelled: true }).outcome).toBe(
      'cancelled',
    );
    expect(
      rcloneOutcome({ command: 'sync', exitCode: undefined, stderr: '', timedOut: true }).error?.code,
    ).toBe('rclone.timeout');
    expect(
      rcloneOutcome({ command: 'sync', exitCode: undefined, stderr: '', spawnFailed: true }).error?.code,
    ).toBe('rclone.not-installed');
  });

  it('hides passwords in URLs that rclone echoes', () => {
    const r = rcloneOutcome({
      command: 'lsjson',
      exitCode: 1,
      stderr: '2026/01/01 00:00:00 Failed to lsjson: Get "http://admin:hunter2@10.0.0.5/x": 403 Forbidden\n',
    });
    expect(r.outcome).toBe('auth');
    expect(r.error?.message).not.toContain('hunter2');
    expect(r.error?.message).toContain('http://***@10.0.0.5');
  });

  it('every code used has a catalogue entry', () => {
    for (const e of [4, 5, 6, 7, 8, 10, 1, 42]) {
      const code = byExit(e).error?.code;
      expect(code && code in RCLONE_CODES).toBe(true);
    }
  });
});
