import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitUsageError, readInventoryAtRef } from './git-tree.js';
import { fileOf, policy, site, textOf } from './testing/plan-inventory.js';
import { createTempRepo, type TempRepo } from './testing/temp-repo.js';

describe('readInventoryAtRef', () => {
  let repo: TempRepo;
  beforeEach(async () => {
    repo = await createTempRepo();
  });
  afterEach(() => repo.dispose());

  it('reads the inventory files as committed, not as in the working tree', async () => {
    await repo.write(fileOf(site()), textOf(site()));
    await repo.write('policies/nested/share.yaml', textOf(policy('share'), 'policies/nested/share.yaml'));
    await repo.write('policies/README.md', 'not data');
    await repo.write('other/ignored.yaml', 'a: 1');
    await repo.commit('first');
    await repo.write('policies/later.yaml', 'uncommitted: true');
    await repo.write(fileOf(site()), 'changed in the working tree only');

    const result = await readInventoryAtRef(repo.dir, 'HEAD');
    expect(result.commit).toBe((await repo.git('rev-parse', 'HEAD')).trim());
    expect(result.files.map((f) => f.path)).toEqual(['policies/nested/share.yaml', 'sites/lisle.yaml']);
    expect(Buffer.from(result.files[1]?.content ?? '').toString()).toBe(textOf(site()));
    expect(result.problems).toEqual([]);
  });

  it('reads from a sub-folder root with paths relative to it', async () => {
    await repo.write('infra/backup/sites/lisle.yaml', textOf(site()));
    await repo.write('sites/outside.yaml', 'not under the root');
    await repo.commit('first');
    const result = await readInventoryAtRef(path.join(repo.dir, 'infra/backup'), 'main');
    expect(result.files.map((f) => f.path)).toEqual(['sites/lisle.yaml']);
  });

  it('refuses symbolic links and files over the size limit, as the working-tree reader does', async () => {
    await repo.write('sites/big.yaml', `a: "${'x'.repeat(300)}"\n`);
    await repo.link('sites/link.yaml', '/etc/passwd');
    await repo.commit('first');
    const result = await readInventoryAtRef(repo.dir, 'HEAD', {
      maxFileBytes: 100,
      maxAliasCount: 10,
      maxDepth: 10,
    });
    expect(result.files).toEqual([]);
    expect(result.problems.map((p) => [p.file, p.code])).toEqual([
      ['sites/big.yaml', 'yaml.too-large'],
      ['sites/link.yaml', 'inventory.outside-root'],
    ]);
  });

  it('gives an empty inventory for a ref without the folders', async () => {
    await repo.write('README.md', 'hello');
    await repo.commit('first');
    expect((await readInventoryAtRef(repo.dir, 'HEAD')).files).toEqual([]);
  });

  it('answers unknown refs, option-like refs and non-repositories with a one-line usage error', async () => {
    await repo.write('README.md', 'hello');
    await repo.commit('first');
    const outside = await mkdtemp(path.join(tmpdir(), 'lifeboat-not-git-'));
    try {
      const cases: [string, string, RegExp][] = [
        [repo.dir, 'no-such-branch', /^unknown git ref "no-such-branch"/],
        [repo.dir, 'HEAD~5', /^unknown git ref "HEAD~5"/],
        [repo.dir, '--output=/tmp/x', /^invalid git ref "--output=\/tmp\/x": a ref may not start with "-"$/],
        [repo.dir, 'a\nb', /^invalid git ref "a\\nb"$/],
        [outside, 'HEAD', /is not inside a git work tree/],
        [path.join(outside, 'missing'), 'HEAD', /^--root ".*missing" does not exist$/],
      ];
      for (const [root, ref, message] of cases) {
        const error = await readInventoryAtRef(root, ref).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(GitUsageError);
        expect((error as Error).message).toMatch(message);
        expect((error as Error).message).not.toContain('\n');
      }
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
