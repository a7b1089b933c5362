import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../../testing/disk-images.js';
import { writeManifest } from './manifest.js';
import { applyRetention, versionsToDelete } from './retention.js';
import type { StoredVersion } from './store.js';
import { validManifest } from './testing/manifests.js';

const version = (
  name: string,
  day: number,
  promotion: StoredVersion['manifest']['promotion'] = 'verified',
): StoredVersion => ({
  version: name,
  dir: `/store/kvm/${name}`,
  manifest: validManifest({
    version: name,
    capturedAt: `2026-01-${String(day).padStart(2, '0')}T00:00:00Z`,
    promotion,
  }),
});

const names = (vs: StoredVersion[]) => vs.map((v) => v.version);

describe('versionsToDelete', () => {
  const four = [version('1', 1), version('2', 2), version('3', 3), version('4', 4)];

  it('removes the oldest beyond keepVersions', () => {
    expect(names(versionsToDelete(four, { keepVersions: 2, justMade: '4' }))).toEqual(['1', '2']);
    expect(names(versionsToDelete(four, { keepVersions: 4, justMade: '4' }))).toEqual([]);
    expect(names(versionsToDelete(four, { keepVersions: 9 }))).toEqual([]);
  });

  it('never the version just made, even when it is the oldest (a re-capture of an old version name)', () => {
    expect(names(versionsToDelete(four, { keepVersions: 1, justMade: '1' }))).toEqual(['2', '3', '4']);
  });

  it('never a deployed version, by its manifest or by the YAML', () => {
    const deployed = [version('1', 1, 'deployed'), version('2', 2), version('3', 3), version('4', 4)];
    expect(names(versionsToDelete(deployed, { keepVersions: 2, justMade: '4' }))).toEqual(['2', '3']);
    expect(
      names(
        versionsToDelete(four, {
          keepVersions: 2,
          justMade: '4',
          declared: { version: '2', promotion: 'deployed' },
        }),
      ),
    ).toEqual(['1', '3']);
    // Everything protected: more than keepVersions stay.
    const all = [version('1', 1, 'deployed'), version('2', 2, 'deployed'), version('3', 3)];
    expect(names(versionsToDelete(all, { keepVersions: 1, justMade: '3' }))).toEqual([]);
  });

  it('treats keepVersions below 1 as 1: the newest always stays', () => {
    expect(names(versionsToDelete(four, { keepVersions: 0 }))).toEqual(['1', '2', '3']);
  });
});

describe('applyRetention', () => {
  let tmp: TempDir;
  beforeEach(async () => {
    tmp = await makeTempDir('lifeboat-retention-');
  });
  afterEach(() => tmp.remove());

  it('deletes whole version directories and leaves damaged and work directories alone', async () => {
    const image = join(tmp.path, 'kvm');
    for (const [name, day] of [
      ['1', 1],
      ['2', 2],
      ['3', 3],
    ] as const) {
      await mkdir(join(image, name), { recursive: true });
      await writeManifest(
        join(image, name),
        validManifest({ image: 'kvm', version: name, capturedAt: `2026-01-0${day}T00:00:00Z` }),
      );
    }
    await mkdir(join(image, '0-damaged'));
    await mkdir(join(image, '.partial-4-deadbeef'));
    const report = await applyRetention(tmp.path, 'kvm', { keepVersions: 1, justMade: '3' });
    expect(report).toEqual({ kept: ['3'], deleted: ['1', '2'], errors: [] });
    expect((await readdir(image)).sort()).toEqual(['.partial-4-deadbeef', '0-damaged', '3']);
  });

  it('an image with no directory yet has nothing to delete', async () => {
    expect(await applyRetention(tmp.path, 'never-captured', { keepVersions: 1 })).toEqual({
      kept: [],
      deleted: [],
      errors: [],
    });
  });
});
