import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkRunRecord } from '@lifeboat/core';
import { describe, expect, it } from 'vitest';
import { useTempRoot } from '../testing/temp-root.js';
import { makeBackupJob } from './backup.js';
import { makeDrillJob, sample, sumFiles } from './drill.js';
import {
  contextOf,
  inventoryOf,
  plannedOf,
  policyDoc,
  siteDoc,
  writeRandomFiles,
} from './testing/restic-site.js';

const T = { timeout: 60_000 };

describe('sample', () => {
  it('draws n distinct items, keeping their order; all of them when n is larger', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    let seed = 7;
    const pick = (max: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % max;
    };
    const drawn = sample(items, 5, pick);
    expect(drawn).toHaveLength(5);
    expect(new Set(drawn).size).toBe(5);
    expect([...drawn].sort((a, b) => a - b)).toEqual(drawn);
    expect(sample(items, 80)).toEqual(items);
    // Every item can be drawn: over many draws the last one shows up.
    const seen = new Set<number>();
    for (let i = 0; i < 400; i++) for (const x of sample(items, 5)) seen.add(x);
    expect(seen.has(49)).toBe(true);
    expect(seen.has(0)).toBe(true);
  });
});

describe('drill job (real restic, local repository)', () => {
  let root = '';
  let sandboxes = '';
  let setup: ReturnType<typeof contextOf>;
  useTempRoot(
    'jobs-drill',
    async (dir) => {
      root = dir;
      sandboxes = join(root, 'sandboxes');
      const files: Record<string, number> = { 'big.bin': 500_000 };
      for (let i = 0; i < 30; i++) files[`many/f${i}.txt`] = 100 + i;
      await writeRandomFiles(join(root, 'src'), files);
      const site = siteDoc({ repository: join(root, 'nas') });
      const drill = { schedule: { cron: '0 4 * * 0' } };
      const full = policyDoc({
        name: 'full',
        sources: [join(root, 'src')],
        more: { objectives: { rto: '4h' }, drill: { ...drill, kind: 'full' } },
      });
      const sampled = policyDoc({
        name: 'sampled',
        sources: [join(root, 'src')],
        more: { objectives: { rto: '4h' }, drill: { ...drill, kind: 'sample', sampleFiles: 4 } },
      });
      const empty = policyDoc({ name: 'empty', sources: [join(root, 'src')], path: 'full' });
      setup = contextOf({
        inventory: inventoryOf([site], [full, sampled, empty]),
        stateDir: join(root, 'state'),
        sandboxDir: sandboxes,
      });
      const backup = makeBackupJob({ hostname: 'h' });
      for (const name of ['full', 'sampled'])
        expect((await backup(plannedOf('backup', name), setup.context)).outcome).toBe('ok');
    },
    60_000,
  );

  it(
    'full: restores everything into a sandbox, verifies bytes, measures the RTO, removes the sandbox',
    T,
    async () => {
      const record = await makeDrillJob()(
        plannedOf('drill', 'full', { drill: { kind: 'full' } }),
        setup.context,
      );
      expect(checkRunRecord(record).ok).toBe(true);
      expect(record).toMatchObject({
        job: 'drill',
        policy: 'full',
        outcome: 'ok',
        verification: { passed: true },
      });
      expect(record.verification?.details).toContain('31 file(s)');
      expect(record.stats).toMatchObject({
        kind: 'full',
        restore_bytes: record.stats?.restored_bytes,
        sandbox_removed: true,
      });
      expect(record.rto).toMatchObject({ objectiveSeconds: 4 * 3600, met: true });
      expect(record.rto?.measuredSeconds).toBeGreaterThan(0);
      expect(record.rto?.measuredSeconds).toBe(record.stats?.restore_seconds);
      expect(record.stats?.sandbox).toBe(join(sandboxes, record.id));
      expect(await readdir(sandboxes)).toEqual([]);
    },
  );

  it('sample: restores N random files, checks each against ls, and records no RTO', T, async () => {
    const record = await makeDrillJob()(
      plannedOf('drill', 'sampled', { drill: { kind: 'sample' } }),
      setup.context,
    );
    expect(record).toMatchObject({
      outcome: 'ok',
      verification: { passed: true },
      stats: { sampled_files: 4, snapshot_files: 31 },
    });
    expect(record.verification?.details).toContain('4 sampled file(s)');
    expect(record.rto).toBeUndefined();
    expect(record.stats?.files_verified).toBe(4);
    expect(await readdir(sandboxes)).toEqual([]);
  });

  it('a policy without snapshots, or an image subject, fails clearly', T, async () => {
    const none = await makeDrillJob()(
      plannedOf('drill', 'empty', { drill: { kind: 'full' } }),
      setup.context,
    );
    expect(none).toMatchObject({ outcome: 'failed', error: { code: 'restic.snapshot-not-found' } });
    const image = await makeDrillJob()(
      {
        ...plannedOf('drill', 'x', { drill: { kind: 'image' } }),
        subjects: [{ kind: 'image', name: 'kvm' }],
      },
      setup.context,
    );
    expect(image).toMatchObject({ image: 'kvm', outcome: 'failed', error: { code: 'job.wrong-subject' } });
  });

  it('a corrupted pack fails the drill verification, and the sandbox is still removed', T, async () => {
    expect((await sumFiles(join(root, 'src'))).files).toBe(31);
    const dataDir = join(root, 'nas', 'full', 'data');
    const packs: string[] = [];
    for (const sub of await readdir(dataDir))
      for (const f of await readdir(join(dataDir, sub))) packs.push(join(dataDir, sub, f));
    const sizes = await Promise.all(packs.map(async (p) => ({ p, size: (await stat(p)).size })));
    const biggest = sizes.sort((a, b) => b.size - a.size)[0];
    if (!biggest) throw new Error('no packs');
    const fh = await open(biggest.p, 'r+');
    await fh.write(Buffer.alloc(64, 0xff), 0, 64, 2000);
    await fh.close();
    const record = await makeDrillJob()(
      plannedOf('drill', 'full', { drill: { kind: 'full' } }),
      setup.context,
    );
    expect(record.outcome).toBe('failed');
    expect(record.verification?.passed).toBe(false);
    expect(record.stats?.sandbox_removed).toBe(true);
    expect(await readdir(sandboxes)).toEqual([]);
  });
});
