import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { checkRunRecord } from '@lifeboat/core';
import { describe, expect, it } from 'vitest';
import { useTempRoot } from '../testing/temp-root.js';
import { fakeRestic } from '../tools/restic/testing/fake-restic.js';
import { makeBackupJob } from './backup.js';
import { makeForgetJob } from './forget.js';
import { makePruneJob } from './prune.js';
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
useTempRoot('jobs-prune', (dir) => {
  root = dir;
});

const setup = () => {
  const site = siteDoc({ repository: join(root, 'nas') });
  const a = policyDoc({
    name: 'alpha',
    sources: [join(root, 'src')],
    path: 'shared',
    more: { retention: { keepLast: 1 } },
  });
  const b = policyDoc({ name: 'beta', sources: [join(root, 'src')], path: 'shared' });
  return contextOf({
    inventory: inventoryOf([site], [a, b]),
    stateDir: join(root, 'state'),
    sandboxDir: join(root, 'sb'),
  });
};

describe('prune job', () => {
  it('prunes what forget released, with --max-unused, for every policy of the repository', T, async () => {
    const { context } = setup();
    const backup = makeBackupJob({ hostname: 'h' });
    await writeRandomFiles(join(root, 'src'), { 'gone.bin': 300_000 });
    expect((await backup(plannedOf('backup', 'alpha'), context)).outcome).toBe('ok');
    await rm(join(root, 'src', 'gone.bin'));
    await writeRandomFiles(join(root, 'src'), { 'kept.bin': 1000 });
    expect((await backup(plannedOf('backup', 'alpha'), context)).outcome).toBe('ok');
    expect((await makeForgetJob()(plannedOf('forget', 'alpha'), context)).stats?.removed_snapshots).toBe(1);

    const planned = plannedOf('prune', ['alpha', 'beta'], { prune: { maxUnused: '0' } });
    const record = await makePruneJob()(planned, context);
    expect(checkRunRecord(record).ok).toBe(true);
    expect(record).toMatchObject({ job: 'prune', policy: 'alpha', outcome: 'ok' });
    expect(record.stats).toMatchObject({ subjects: 'alpha,beta', max_unused: '0' });
    expect(Number(record.stats?.pruned_blobs)).toBeGreaterThan(0);
  });

  it('does not start unless due, nor after its maintenance window closed', T, async () => {
    const fake = await fakeRestic(join(root, 'fake'), { version: '0.14.0' });
    const { context } = setup();
    const job = makePruneJob({ resticBinary: fake.binary });
    const waiting = await job(plannedOf('prune', 'alpha', { status: 'waiting-for-window' }), context);
    expect(waiting).toMatchObject({ outcome: 'cancelled', error: { code: 'job.not-due' } });
    const closed = await job(
      plannedOf('prune', 'alpha', { window: { name: 'nightly', end: new Date(Date.now() - 60_000) } }),
      context,
    );
    expect(closed).toMatchObject({ outcome: 'cancelled', error: { code: 'job.window-closed' } });
    expect(closed.error?.message).toContain('"nightly"');
    const bad = await job(plannedOf('prune', 'alpha', { prune: { maxUnused: 'lots' } }), context);
    expect(bad).toMatchObject({ outcome: 'failed', error: { code: 'restic.bad-option' } });
    expect(await fake.calls()).toEqual([]);
  });
});
