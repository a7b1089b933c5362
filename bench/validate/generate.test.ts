import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DATA_CLASSES, loadInventory, type Problem } from '@lifeboat/core';
import { validateInventory } from '@lifeboat/validators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateInventory } from './generate.mjs';

// Keeps the benchmark's generator honest: what it writes must stay valid as the schemas and rules evolve.
const COUNTS = { sites: 10, policies: 50, images: 10 };

const show = (problems: readonly Problem[]) =>
  problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.severity} ${p.code} ${p.message}`);

const digest = async (dir: string) => {
  const hash = createHash('sha256');
  for (const folder of ['sites', 'policies', 'images']) {
    for (const name of (await readdir(path.join(dir, folder))).sort()) {
      hash.update(`${folder}/${name}\n`);
      hash.update(await readFile(path.join(dir, folder, name)));
    }
  }
  return hash.digest('hex');
};

describe('bench/validate generator', () => {
  const dirs: string[] = [];
  const generate = async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lifeboat-gen-'));
    dirs.push(dir);
    await generateInventory(dir, { dataClasses: DATA_CLASSES, counts: COUNTS });
    return dir;
  };
  let dir: string;
  beforeAll(async () => {
    dir = await generate();
  });
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('writes an inventory that validates with zero problems', async () => {
    const loaded = await loadInventory(dir);
    expect(loaded.inventory.sites).toHaveLength(COUNTS.sites);
    expect(loaded.inventory.policies).toHaveLength(COUNTS.policies);
    expect(loaded.inventory.images).toHaveLength(COUNTS.images);
    expect(show(validateInventory(loaded))).toEqual([]);
  });

  it('varies what the rules look at: time zones, data classes, partition tables, shared repositories', async () => {
    const { inventory } = await loadInventory(dir);
    expect(new Set(inventory.sites.map((s) => s.value.spec.timezone)).size).toBeGreaterThan(3);
    expect(new Set(inventory.policies.map((p) => p.value.spec.dataClass))).toEqual(
      new Set(Object.keys(DATA_CLASSES)),
    );
    expect(new Set(inventory.policies.map((p) => p.value.spec.schedule.cron)).size).toBeGreaterThan(20);
    expect(new Set(inventory.images.map((i) => i.value.spec.partitionTable))).toEqual(
      new Set(['gpt', 'mbr']),
    );
    const repositories = inventory.policies.map(
      (p) => `${p.value.spec.site}/${p.value.spec.repository.target}/${p.value.spec.repository.path}`,
    );
    expect(new Set(repositories).size).toBeLessThan(repositories.length);
  });

  it('is deterministic: the same seed writes the same bytes', async () => {
    expect(await digest(await generate())).toBe(await digest(dir));
  });
});
