import { it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DATA_CLASSES, loadInventory } from '@lifeboat/core';
// @ts-ignore
import { generateInventory } from '../../../bench/validate/generate.mjs';
import { buildIndex, RULES } from '../rules/index.js';
it('perf', async () => {
  const ex = await loadInventory(process.cwd());
  console.log('example docs', ex.inventory.documents.length);
  const dir = mkdtempSync(path.join(tmpdir(), 'lb-bench-'));
  await generateInventory(dir, { dataClasses: DATA_CLASSES });
  const loaded = await loadInventory(dir);
  console.log('docs', loaded.inventory.documents.length, 'load problems', loaded.problems.length);
  for (let round = 0; round < 2; round++) {
    const t0 = performance.now();
    const context = { inventory: loaded.inventory, index: buildIndex(loaded.inventory) };
    let total = 0;
    for (const rule of RULES) {
      const t = performance.now();
      const n = rule.check(context).length;
      const dt = performance.now() - t;
      total += dt;
      console.log(round, rule.id.padEnd(22), dt.toFixed(1), 'ms', n, 'problems');
    }
    console.log(round, 'all rules', (performance.now() - t0).toFixed(1), 'ms');
  }
}, 120000);
