import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { atLeast, detectRcloneVersion, parseRcloneVersion, usageExitCode } from './version.js';

const fixture = (name: string): { stdout: string } =>
  JSON.parse(readFileSync(new URL(`./fixtures/v1.60/${name}.json`, import.meta.url), 'utf8'));

describe('rclone version', () => {
  it('reads the Debian build "rclone v1.60.1-DEV"', () => {
    expect(parseRcloneVersion(fixture('version').stdout)).toEqual({
      text: '1.60.1-DEV',
      major: 1,
      minor: 60,
      patch: 1,
    });
  });

  it('reads release builds and refuses other output', () => {
    expect(parseRcloneVersion('rclone v1.69.0\n- os/version: x')?.text).toBe('1.69.0');
    expect(parseRcloneVersion('restic 0.14.0 compiled with go1.19')).toBeUndefined();
    expect(parseRcloneVersion('')).toBeUndefined();
  });

  it('knows where the usage exit code moved', () => {
    const v160 = parseRcloneVersion('rclone v1.60.1-DEV');
    const v169 = parseRcloneVersion('rclone v1.69.1');
    expect(v160 && atLeast(v160, 1, 60)).toBe(true);
    expect(v160 && atLeast(v160, 1, 61)).toBe(false);
    expect(usageExitCode(v160)).toBe(1);
    expect(usageExitCode(v169)).toBe(2);
  });

  it('detects the installed rclone', async () => {
    const v = await detectRcloneVersion();
    expect(v?.major).toBe(1);
    expect(await detectRcloneVersion('/nonexistent/rclone')).toBeUndefined();
  });
});
