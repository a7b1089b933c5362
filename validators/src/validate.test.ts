import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATA_CLASSES, type Kind, loadInventory, schemaVerdicts } from '@lifeboat/core';
import { afterAll, describe, expect, it } from 'vitest';
import { generateInventory } from '../../bench/validate/generate.mjs';
import { GENERATED } from './e2e/generated.js';

// checkSchema lets its quick check vouch for a document and only asks ajv (every error, verbose) when it
// refuses one: the two must answer alike on every document lifeboat is tested with, valid or broken.

const FIXTURES = fileURLToPath(new URL('./e2e/fixtures/', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KINDS = new Set<string>(['Site', 'BackupPolicy', 'Image']);

const temps: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** For every document of a known kind under `root`: both verdicts, and where they part. */
const verdictsIn = async (root: string) => {
  const { inventory } = await loadInventory(root);
  const all: Array<{ file: string; quick: boolean | undefined; ajv: boolean }> = [];
  for (const document of inventory.documents) {
    const kind = (document.value as { kind?: unknown } | null)?.kind;
    if (typeof kind !== 'string' || !KINDS.has(kind)) continue;
    all.push({ file: document.file, ...schemaVerdicts(kind as Kind, document.value) });
  }
  return { all, disagreements: all.filter((v) => v.quick !== v.ajv) };
};

describe('the quick schema check agrees with ajv', () => {
  const committed = readdirSync(FIXTURES)
    .filter((name) => statSync(path.join(FIXTURES, name)).isDirectory())
    .sort();

  it('on every committed corpus scenario', async () => {
    let refused = 0;
    for (const name of committed) {
      const { all, disagreements } = await verdictsIn(path.join(FIXTURES, name));
      expect(disagreements, name).toEqual([]);
      refused += all.filter((v) => !v.ajv).length;
    }
    expect(committed.length).toBeGreaterThan(40);
    // The corpus holds schema errors: agreement on refusals is part of what is tested.
    expect(refused).toBeGreaterThan(5);
  });

  it('on every generated corpus scenario', async () => {
    for (const scenario of GENERATED) {
      const root = tempDir(`lifeboat-${scenario.name}-`);
      scenario.build(root, tempDir('lifeboat-outside-'));
      expect((await verdictsIn(root)).disagreements, scenario.name).toEqual([]);
    }
  });

  it('on the example inventory and a generated one, where every document is valid', async () => {
    const generated = tempDir('lifeboat-generated-');
    await generateInventory(generated, {
      dataClasses: DATA_CLASSES,
      counts: { sites: 10, policies: 60, images: 10 },
    });
    for (const root of [REPO_ROOT, generated]) {
      const { all } = await verdictsIn(root);
      expect(all.length).toBeGreaterThan(10);
      expect(all.filter((v) => v.quick !== true || !v.ajv)).toEqual([]);
    }
  });
});
