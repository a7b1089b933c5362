import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { fixture } from './testing/fixtures.js';
import { clearResticVersionCache, detectRestic, parseResticVersion, resticFeatures } from './version.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});
beforeEach(() => clearResticVersionCache());

/** A stand-in binary that prints `text` for `version`. */
const fakeBinary = async (text: string): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'lifeboat-restic-version-'));
  dirs.push(dir);
  const file = join(dir, 'restic');
  await writeFile(file, `#!/bin/sh\nprintf '%s\\n' ${JSON.stringify(text)}\n`);
  await chmod(file, 0o755);
  return file;
};

const features = (line: string) => {
  const v = parseResticVersion(line);
  if (!v) throw new Error(`no version in ${line}`);
  return resticFeatures(v);
};

describe('parseResticVersion', () => {
  it('reads the captured 0.14 line from Debian 12', () => {
    const f = fixture('v0.14', 'version');
    expect(f.stdout).toBe('restic 0.14.0 compiled with go1.19.8 on linux/amd64\n');
    expect(parseResticVersion(f.stdout)).toEqual({
      version: '0.14.0',
      major: 0,
      minor: 14,
      patch: 0,
      go: 'go1.19.8',
      platform: 'linux/amd64',
    });
  });

  it('reads release and development builds', () => {
    expect(parseResticVersion('restic 0.18.0 compiled with go1.24.1 on linux/arm64')?.version).toBe('0.18.0');
    expect(
      parseResticVersion('restic 0.17.3-dev (compiled manually) compiled with go1.23.4 on linux/amd64'),
    ).toMatchObject({
      version: '0.17.3-dev',
      minor: 17,
      patch: 3,
      go: 'go1.23.4',
    });
    expect(
      parseResticVersion('debug: x\nrestic 0.16.4 compiled with go1.21.6 on freebsd/amd64\n')?.platform,
    ).toBe('freebsd/amd64');
  });

  it('refuses what is not a restic version line', () => {
    expect(parseResticVersion('rclone v1.60.1-DEV')).toBeUndefined();
    expect(parseResticVersion('restic version unknown')).toBeUndefined();
    expect(parseResticVersion('')).toBeUndefined();
  });
});

describe('resticFeatures', () => {
  it('0.14 (Debian 12) has none of the newer features', () => {
    expect(Object.values(features('restic 0.14.0')).some(Boolean)).toBe(false);
  });

  it('switches each feature on at the version that introduced it', () => {
    expect(features('restic 0.15.2')).toMatchObject({ retryLock: false, exitCodes: false });
    expect(features('restic 0.16.0')).toMatchObject({
      retryLock: true,
      exitCodes: false,
      restoreJson: false,
    });
    expect(features('restic 0.17.0')).toMatchObject({
      exitCodes: true,
      wrongPasswordExitCode: false,
      restoreJson: true,
      restoreDryRun: true,
      interruptExitCode: false,
    });
    expect(features('restic 0.17.1').wrongPasswordExitCode).toBe(true);
    expect(features('restic 0.18.1')).toMatchObject({
      interruptExitCode: false,
      missingSourceExitCode: false,
    });
    expect(features('restic 0.19.0')).toMatchObject({ interruptExitCode: true, missingSourceExitCode: true });
    expect(Object.values(features('restic 1.0.0')).every(Boolean)).toBe(true);
  });
});

describe('detectRestic', () => {
  it('detects the installed restic and caches the answer per binary', async () => {
    const first = detectRestic('restic');
    expect(detectRestic('restic')).toBe(first);
    const r = await first;
    expect(r.ok && r.info.version.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('reads a newer version from another binary path', async () => {
    const binary = await fakeBinary('restic 0.17.1 compiled with go1.22.5 on linux/amd64');
    const r = await detectRestic(binary);
    expect(r.ok && r.info.features).toMatchObject({
      exitCodes: true,
      wrongPasswordExitCode: true,
      retryLock: true,
    });
  });

  it('reports a missing binary and a non-restic binary, without caching failures', async () => {
    const missing = detectRestic('/nonexistent/restic');
    const r = await missing;
    expect(r.ok ? undefined : r.error.code).toBe('restic.not-installed');
    expect(detectRestic('/nonexistent/restic')).not.toBe(missing);
    const other = await detectRestic(await fakeBinary('something else 1.2'));
    expect(other.ok ? undefined : other.error).toMatchObject({ code: 'restic.version-unknown' });
    expect(other.ok ? '' : other.error.message).toContain('"something else 1.2"');
  });
});
