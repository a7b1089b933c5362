import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchGenerate } from './bench-generate.mjs';

// Tiny mode of bench:docs (generation only; a build takes minutes): the synthetic inventory must generate
// cleanly, one page per policy, so the benchmark measures real work.
const COUNTS = { sites: 5, policies: 50, images: 5 };

describe('bench/docs generation', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('generates a page for every policy and site of a 50-policy inventory, without errors', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lifeboat-bench-docs-'));
    dirs.push(dir);
    const result = await benchGenerate(dir, { counts: COUNTS, runs: 2 });
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(result.seconds).toHaveLength(2);
    expect(result.median).toBeGreaterThan(0);
    const policies = (await readdir(path.join(result.docsDir, 'policies'))).filter((f) => f.endsWith('.md'));
    expect(policies).toHaveLength(COUNTS.policies);
    expect(result.pages).toBeGreaterThan(COUNTS.policies + COUNTS.sites);
    // Only the last run's pages are kept.
    expect((await readdir(dir)).sort()).toEqual(['docs-1', 'inventory']);
    const names = (await readdir(path.join(result.root, 'policies')))
      .map((f) => f.replace(/\.yaml$/, '.md'))
      .sort();
    expect(policies.sort()).toEqual(names);
    const one = await readFile(path.join(result.docsDir, 'policies', policies[0] ?? ''), 'utf8');
    expect(one).toContain('restic');
  }, 120_000);
});
