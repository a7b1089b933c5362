import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkRunRecord } from '@lifeboat/core';
import { describe, expect, it } from 'vitest';
import { useTempRoot } from '../testing/temp-root.js';
import { makeBackupJob } from './backup.js';
import { makeCheckJob } from './check.js';
import {
  contextOf,
  inventoryOf,
  plannedOf,
  policyDoc,
  siteDoc,
  writeRandomFiles,
} from './testing/restic-site.js';

const T = { timeout: 60_000 };

let root = '';
useTempRoot('jobs-check', async (dir) => {
  root = dir;
  await writeRandomFiles(join(root, 'src'), { 'a.bin': 400_000, 'b.bin': 300_000 });
});

const files = async (dir: string): Promise<string[]> => {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p)));
    else out.push(p);
  }
  return out;
};

describe('check job', () => {
  it('reads the planned data subset and tracks the full-read cycle; a corrupt pack fails it', T, async () => {
    const site = siteDoc({ repository: join(root, 'nas') });
    const policy = policyDoc({ name: 'share', sources: [join(root, 'src')] });
    const { context } = contextOf({
      inventory: inventoryOf([site], [policy]),
      stateDir: join(root, 'state'),
      sandboxDir: join(root, 'sb'),
    });
    expect((await makeBackupJob({ hostname: 'h' })(plannedOf('backup', 'share'), context)).outcome).toBe(
      'ok',
    );
    const job = makeCheckJob();

    const first = await job(
      plannedOf('check', 'share', { check: { subset: 1, subsets: 2, cycle: 3 } }),
      context,
    );
    expect(checkRunRecord(first).ok).toBe(true);
    expect(first).toMatchObject({ job: 'check', outcome: 'ok' });
    expect(first.stats).toMatchObject({
      read_data_subset: '1/2',
      subset: 1,
      subsets: 2,
      cycle: 3,
      full_read_cycle_completed: false,
    });
    const last = await job(
      plannedOf('check', 'share', { check: { subset: 2, subsets: 2, cycle: 3 } }),
      context,
    );
    expect(last.stats).toMatchObject({ read_data_subset: '2/2', full_read_cycle_completed: true });

    const packs = await files(join(root, 'nas', 'share', 'data'));
    const sizes = await Promise.all(packs.map(async (p) => ({ p, size: (await stat(p)).size })));
    const biggest = sizes.sort((a, b) => b.size - a.size)[0];
    if (!biggest) throw new Error('no packs');
    const fh = await open(biggest.p, 'r+');
    await fh.write(Buffer.from('corrupted by the check test'), 0, 27, 500);
    await fh.close();
    const corrupt = await job(
      plannedOf('check', 'share', { check: { subset: 1, subsets: 1, cycle: 1 } }),
      context,
    );
    expect(corrupt).toMatchObject({ outcome: 'failed', error: { code: 'restic.check-errors' } });
    expect(corrupt.stats?.full_read_cycle_completed).toBe(false);
  });
});
