import { mkdtemp, open, readdir, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRunRecord } from '@lifeboat/core';
import { describe, expect, it } from 'vitest';
import { useTempRoot } from '../testing/temp-root.js';
import { makeBackupJob } from './backup.js';
import { confirmedSize, type ExpectedSize, makeDrillJob, sample, sumFiles } from './drill.js';
import { latestRestoreSize } from './snapshot-inspect.js';
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

describe('sumFiles', () => {
  it('counts regular files in parallel; with unlinkCounted it unlinks exactly those, leaving directories and links', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lifeboat-jobs-sum-'));
    try {
      const files: Record<string, number> = {};
      for (let i = 0; i < 100; i++) files[`flat/f${i}.bin`] = i * 10;
      files['deep/a/b/c.bin'] = 4096;
      await writeRandomFiles(dir, files);
      await symlink('flat/f1.bin', join(dir, 'link'));
      const expected = { files: 101, bytes: 4096 + 10 * ((99 * 100) / 2) };
      expect(await sumFiles(dir)).toEqual(expected);
      expect(await sumFiles(dir, { unlinkCounted: true })).toEqual(expected);
      expect((await readdir(dir)).sort()).toEqual(['deep', 'flat', 'link']);
      expect(await readdir(join(dir, 'flat'))).toEqual([]);
      expect(await readdir(join(dir, 'deep', 'a', 'b'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('confirmedSize', () => {
  const sized = (bytes: number) => ({
    outcome: 'ok' as const,
    value: { bytes, files: 3 },
    tool: 'restic',
    version: '0.14.0',
    features: [],
    exitCode: 0,
    durationMs: 1,
  });
  const counting = (bytes: number) => {
    const calls: number[] = [];
    return {
      calls,
      ask: async () => {
        calls.push(1);
        return sized(bytes);
      },
    };
  };
  const latest: ExpectedSize = { bytes: 100, files: 3, basis: 'latest' };

  it('takes the size of latest when the restored bytes match it, without asking again', async () => {
    const c = counting(7);
    expect(await confirmedSize(100, latest, c.ask)).toEqual({ ok: true, size: latest });
    expect(c.calls).toHaveLength(0);
  });

  it('asks for the picked snapshot when latest disagrees: a snapshot made in between fails nothing', async () => {
    const c = counting(120);
    expect(await confirmedSize(120, latest, c.ask)).toEqual({
      ok: true,
      size: { bytes: 120, files: 3, basis: 'snapshot' },
    });
    expect(c.calls).toHaveLength(1);
  });

  it("a real shortfall stays one: the picked snapshot's own size is what the bytes must match", async () => {
    const c = counting(100);
    const r = await confirmedSize(90, latest, c.ask);
    expect(r).toEqual({ ok: true, size: { bytes: 100, files: 3, basis: 'snapshot' } });
    expect(c.calls).toHaveLength(1);
    // A size already of the picked snapshot is final: no second question.
    const again = counting(90);
    const own: ExpectedSize = { ...latest, basis: 'snapshot' };
    expect(await confirmedSize(90, own, again.ask)).toEqual({ ok: true, size: own });
    expect(again.calls).toHaveLength(0);
  });

  it('a failed second question is a failure, not a pass', async () => {
    const failed = {
      outcome: 'locked' as const,
      error: { code: 'restic.locked', message: 'locked' },
      tool: 'restic',
      version: '0.14.0',
      features: [],
      exitCode: 1,
      durationMs: 1,
    };
    expect(await confirmedSize(90, latest, async () => failed)).toEqual({ ok: false, failed });
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

  it(
    'full: a size of latest that disagrees (a snapshot made meanwhile) is re-asked by id, and the drill passes',
    T,
    async () => {
      const filters: unknown[] = [];
      const record = await makeDrillJob(
        {},
        {
          // As if another snapshot had become "latest" between the pick and the size: restic's answer, off by some bytes.
          latestRestoreSize: async (target, of, options) => {
            filters.push(of);
            const real = await latestRestoreSize(target, of, options);
            return real.outcome === 'ok'
              ? { ...real, value: { ...real.value, bytes: real.value.bytes + 4096 } }
              : real;
          },
        },
      )(plannedOf('drill', 'full', { drill: { kind: 'full' } }), setup.context);
      expect(filters).toEqual([{ tags: ['policy:full'] }]);
      expect(record).toMatchObject({ outcome: 'ok', verification: { passed: true } });
      expect(record.stats).toMatchObject({
        restore_size_rechecked: true,
        restore_bytes: record.stats?.restored_bytes,
        sandbox_removed: true,
      });
      expect(await readdir(sandboxes)).toEqual([]);
    },
  );

  it(
    'full: when latest matched no snapshot, the size is asked by the picked id before the restore',
    T,
    async () => {
      const record = await makeDrillJob(
        {},
        {
          latestRestoreSize: async (target, of, options) => {
            const real = await latestRestoreSize(target, of, options);
            // No snapshot matched latest: the drill must ask by id up front and judge by that.
            return real.outcome === 'ok' ? { ...real, value: { bytes: 0, files: 0, snapshots: 0 } } : real;
          },
        },
      )(plannedOf('drill', 'full', { drill: { kind: 'full' } }), setup.context);
      expect(record).toMatchObject({ outcome: 'ok', verification: { passed: true } });
      expect(record.stats?.restore_size_rechecked).toBeUndefined();
      expect(record.stats?.restore_bytes).toBe(record.stats?.restored_bytes);
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
    // 500 000 + (100 + … + 129) bytes in 31 files, summed by parallel lstats.
    expect(await sumFiles(join(root, 'src'))).toEqual({ files: 31, bytes: 500_000 + 30 * 100 + 435 });
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
