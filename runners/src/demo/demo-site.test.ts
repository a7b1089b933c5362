import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '@lifeboat/core';
import { validateInventory } from '@lifeboat/validators';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEMO_IMAGE,
  DEMO_PASSWORD_ENV,
  DEMO_POLICIES,
  DEMO_SITE,
  demoLayout,
  writeDemoInventory,
} from './demo-site.js';
import type { DemoDisk } from './disk-image.js';

const disk = (dir: string): DemoDisk => ({
  path: join(dir, 'devices', 'kiosk-sd.img'),
  sizeBytes: 50 * 1024 * 1024,
  partitions: [
    { number: 1, name: 'boot', filesystem: 'vfat', sizeMiB: 16 },
    { number: 2, name: 'rootfs', filesystem: 'ext4', sizeMiB: 32 },
  ],
});

let dirs: string[] = [];
const tempDir = async (name = 'lifeboat-demo-site-') => {
  const dir = await mkdtemp(join(tmpdir(), name));
  dirs.push(dir);
  return dir;
};
afterEach(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});

describe('the demo inventory', () => {
  it('loads and validates with no problem at all', async () => {
    const root = await tempDir();
    const layout = demoLayout(root);
    await writeDemoInventory({ layout, restUrl: 'rest:http://127.0.0.1:41234/', disk: disk(root) });
    const loaded = await loadInventory(layout.inventory);
    expect(validateInventory(loaded)).toEqual([]);
    expect(loaded.inventory.sites.map((s) => s.value.metadata.name)).toEqual([DEMO_SITE]);
    expect(loaded.inventory.policies.map((p) => p.value.metadata.name).sort()).toEqual([...DEMO_POLICIES]);
    expect(loaded.inventory.images.map((i) => i.value.metadata.name)).toEqual([DEMO_IMAGE]);
  });

  it('names the password variable and never holds a secret', async () => {
    const root = await tempDir();
    const layout = demoLayout(root);
    const files = await writeDemoInventory({
      layout,
      restUrl: 'rest:http://127.0.0.1:41234/',
      disk: disk(root),
    });
    const site = await readFile(files[0] as string, 'utf8');
    expect(site).toContain(`passwordEnv: "${DEMO_PASSWORD_ENV}"`);
    expect(site).toContain('repository: "rest:http://127.0.0.1:41234/"');
    expect(site).not.toMatch(/password:\s/i);
  });

  it('keeps every path inside the work directory, whatever characters it has', async () => {
    const root = await tempDir("lifeboat demo 'quoted' #dir-");
    const layout = demoLayout(root);
    await writeDemoInventory({ layout, restUrl: 'rest:http://127.0.0.1:41234/', disk: disk(root) });
    const loaded = await loadInventory(layout.inventory);
    expect(validateInventory(loaded).filter((p) => p.severity === 'error')).toEqual([]);
    const policy = loaded.inventory.policies[0]?.value;
    expect(policy?.spec.sources.paths[0]?.startsWith(root)).toBe(true);
    expect(loaded.inventory.images[0]?.value.spec.source.file).toBe(disk(root).path);
  });

  it('fails validation when the REST URL is not a repository (the check can fail)', async () => {
    const root = await tempDir();
    const layout = demoLayout(root);
    await writeDemoInventory({ layout, restUrl: 'ftp://127.0.0.1/', disk: disk(root) });
    const problems = validateInventory(await loadInventory(layout.inventory));
    expect(problems.some((p) => p.severity === 'error')).toBe(true);
  });
});
