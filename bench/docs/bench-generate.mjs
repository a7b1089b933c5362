// The generation half of bench:docs, shared by run.mjs and its tiny-mode test: a synthetic inventory,
// then generateDocs timed `runs` times (each into a fresh folder, so no run reuses another's output).
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { DATA_CLASSES } from '@lifeboat/core';
import { generateDocs } from '@lifeboat/docs-site';
import { generateInventory } from '../validate/generate.mjs';

export const DOCS_COUNTS = { sites: 40, policies: 1000, images: 100 };

/** A fixed "now", so every run (and every machine) generates the same pages. */
export const BENCH_NOW = new Date('2025-01-15T12:00:00.000Z');

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Write the inventory under `dir/inventory` and time generateDocs into `dir/docs-<n>`. */
export const benchGenerate = async (dir, { counts = DOCS_COUNTS, runs = 3 } = {}) => {
  const root = path.join(dir, 'inventory');
  await mkdir(root, { recursive: true });
  const written = await generateInventory(root, { dataClasses: DATA_CLASSES, counts });
  const seconds = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const outDir = path.join(dir, `docs-${i}`);
    const start = process.hrtime.bigint();
    last = await generateDocs({ root, outDir, now: BENCH_NOW });
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
    // Keep only the last run's pages: the build uses them.
    if (i < runs - 1) await rm(outDir, { recursive: true, force: true });
  }
  return {
    root,
    counts: written,
    docsDir: path.join(dir, `docs-${runs - 1}`),
    pages: last?.files.length ?? 0,
    problems: last?.problems ?? [],
    seconds,
    median: median(seconds),
  };
};
