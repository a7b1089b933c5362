import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inventoryOf } from '../../scheduler/testing/inventory.js';
import { makeTempDir, type TempDir } from '../../testing/disk-images.js';
import { writeManifest } from './manifest.js';
import { findImage, listVersions, openVersion, resolveStoreRoot } from './store.js';
import { imageInventory, imagePlanned, localSiteYaml } from './testing/image-fixtures.js';
import { validManifest } from './testing/manifests.js';

const disk = {
  path: '/srv/images/kvm.img',
  table: 'mbr' as const,
  partitions: [
    {
      number: 1,
      name: 'root',
      filesystem: 'ext4' as const,
      startBytes: 1048576,
      sizeBytes: 16 * 1048576,
      image: '',
    },
  ],
};

describe('resolveStoreRoot', () => {
  const inventory = imageInventory('/mnt/nas', [
    { name: 'kvm', disk },
    { name: 'on-rest', disk, target: 'rest-nas' },
    { name: 'no-target', disk, target: 'missing' },
  ]);
  const image = (name: string) => {
    const found = findImage(imagePlanned(name), inventory);
    if (!found.ok) throw new Error(found.error.message);
    return found.value;
  };

  it('joins a local NAS path and the store path', () => {
    expect(resolveStoreRoot(image('kvm'), inventory, 'lisle')).toEqual({
      ok: true,
      value: '/mnt/nas/images/test',
    });
  });

  it('an override wins (tests, a mounted replica), but must be absolute', () => {
    expect(resolveStoreRoot(image('kvm'), inventory, 'lisle', '/tmp/store')).toEqual({
      ok: true,
      value: '/tmp/store',
    });
    expect(resolveStoreRoot(image('kvm'), inventory, 'lisle', 'store').ok).toBe(false);
  });

  it.each([
    [
      'on-rest',
      'lisle',
      /is "rest:http:\/\/127\.0\.0\.1:8000\/": image versions are stored on a local \(mounted\) path/,
    ],
    ['no-target', 'lisle', /no NAS target "missing"/],
    ['kvm', 'portage', /is at site "lisle", not at this runner's site "portage"/],
  ])('%s at site %s: image.store-unsupported', (name, site, message) => {
    const result = resolveStoreRoot(image(name), inventory, site);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('image.store-unsupported');
    expect(!result.ok && result.error.message).toMatch(message);
  });

  it('findImage: an image the inventory does not have, or a job with no image subject', () => {
    expect(findImage(imagePlanned('nope'), inventory)).toEqual({
      ok: false,
      error: { code: 'image.not-found', message: 'image "nope" is not in the inventory' },
    });
    const policyJob = { ...imagePlanned('kvm'), subjects: [{ kind: 'policy' as const, name: 'kvm' }] };
    expect(findImage(policyJob, inventory).ok).toBe(false);
  });

  it('the test site YAML loads (guards the fixtures)', () => {
    expect(inventoryOf({ sites: [localSiteYaml('/mnt/nas')] }).sites).toHaveLength(1);
  });
});

describe('listVersions / openVersion', () => {
  let tmp: TempDir;
  beforeEach(async () => {
    tmp = await makeTempDir('lifeboat-store-');
  });
  afterEach(() => tmp.remove());

  const store = async (name: string, manifest = validManifest({ image: 'kvm', version: name })) => {
    await mkdir(join(tmp.path, 'kvm', name), { recursive: true });
    await writeManifest(join(tmp.path, 'kvm', name), manifest);
  };

  it('lists complete versions oldest capture first, skips work directories, reports damaged ones', async () => {
    await store(
      '2.0.0',
      validManifest({ image: 'kvm', version: '2.0.0', capturedAt: '2026-01-01T00:00:00Z' }),
    );
    await store(
      '10.0.0',
      validManifest({ image: 'kvm', version: '10.0.0', capturedAt: '2026-02-01T00:00:00Z' }),
    );
    await store('other', validManifest({ image: 'pos', version: 'other' }));
    await mkdir(join(tmp.path, 'kvm', '.partial-3.0.0-abcd'));
    await mkdir(join(tmp.path, 'kvm', 'empty'));
    await writeFile(join(tmp.path, 'kvm', 'stray-file'), 'x');
    const listing = await listVersions(tmp.path, 'kvm');
    expect(listing.versions.map((v) => v.version)).toEqual(['2.0.0', '10.0.0']);
    expect(listing.damaged.map((d) => [d.name, d.error.code])).toEqual(
      expect.arrayContaining([
        ['other', 'image.manifest-invalid'],
        ['empty', 'image.version-missing'],
      ]),
    );
    expect(listing.damaged).toHaveLength(2);
  });

  it('openVersion: a stored version, a missing one, a name that is no version', async () => {
    await store('1.0.0');
    expect((await openVersion(tmp.path, 'kvm', '1.0.0')).ok).toBe(true);
    expect(await openVersion(tmp.path, 'kvm', '9.9.9')).toMatchObject({
      ok: false,
      error: { code: 'image.version-missing' },
    });
    expect(await openVersion(tmp.path, 'kvm', '../kvm/1.0.0')).toMatchObject({
      ok: false,
      error: { code: 'image.version-missing', message: '"../kvm/1.0.0" is not a version name' },
    });
  });
});
