import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checksumModes, detectPartcloneVersion, parsePartcloneVersion } from './version.js';

const fixture = (name: string): { stdout: string; stderr: string } =>
  JSON.parse(readFileSync(new URL(`./fixtures/v0.3.23/${name}.json`, import.meta.url), 'utf8'));

describe('partclone version', () => {
  it('reads `partclone.ext4 -v` and the banner of any run', () => {
    expect(parsePartcloneVersion(fixture('version').stdout)).toEqual({
      text: '0.3.23',
      major: 0,
      minor: 3,
      patch: 23,
    });
    expect(parsePartcloneVersion(fixture('capture-ext4-ok').stderr)?.text).toBe('0.3.23');
    expect(parsePartcloneVersion('zstd command line interface')).toBeUndefined();
  });

  it('-V is not a version flag: usage on stderr, exit 0, nothing on stdout', () => {
    const f = JSON.parse(
      readFileSync(new URL('./fixtures/v0.3.23/unknown-option-exit-0.json', import.meta.url), 'utf8'),
    );
    expect(f.exitCode).toBe(0);
    expect(f.stdout).toBe('');
    expect(f.stderr).toContain("invalid option -- 'V'");
  });

  it('checksum modes: 0.3.23 verified for -a0/-a1; unknown versions assume 0 and 1, unverified', () => {
    expect(checksumModes(parsePartcloneVersion('Partclone : v0.3.23 (x)'))).toEqual({
      modes: [0, 1],
      verified: true,
    });
    expect(checksumModes(parsePartcloneVersion('Partclone : v0.3.33 (x)'))).toEqual({
      modes: [0, 1],
      verified: false,
    });
    expect(checksumModes(undefined).verified).toBe(false);
  });

  it('detects the installed partclone', async () => {
    expect((await detectPartcloneVersion('partclone.ext4'))?.text).toMatch(/^0\.3\.\d+$/);
    expect(await detectPartcloneVersion('/nonexistent/partclone.ext4')).toBeUndefined();
  });
});
