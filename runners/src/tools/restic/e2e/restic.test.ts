// The restic adapter against the REAL restic and a loopback REST server (rclone serve restic).

import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execPipeline } from '../../../exec/exec.js';
import { type RestServer, startRestServer } from '../../../testing/rest-server.js';
import type { ToolResult } from '../../result.js';
import type { ResticProgress } from '../parse.js';
import {
  backup,
  catConfig,
  check,
  forget,
  init,
  prune,
  type ResticTarget,
  resticEnvironment,
  restore,
  snapshots,
  stats,
  unlock,
} from '../restic.js';
import { listLocks, removeLock, writeLock } from '../testing/lock-file.js';

const PASSWORD = 'e2e-password';
const T = { timeout: 60_000 };

let root: string;
let server: RestServer;
let target: ResticTarget;
let src: string;

const errorOf = <V>(r: ToolResult<V>) => (r.outcome === 'ok' ? undefined : r.error);
const okValue = <V>(r: ToolResult<V>): V => {
  if (r.outcome !== 'ok' && r.outcome !== 'partial')
    throw new Error(`${r.outcome}: ${r.error.code} ${r.error.message}`);
  return r.value;
};

const repoAt = (name: string): ResticTarget => ({
  repository: `${server.url}${name}/`,
  env: { RESTIC_PASSWORD: PASSWORD },
  cacheDir: join(root, 'cache'),
});

const files = async (dir: string): Promise<string[]> => {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await files(p)));
    else if (entry.isFile()) out.push(p);
  }
  return out.sort();
};

const FAST_RETRY = { attempts: 3, initialDelayMs: 200, factor: 2, maxDelayMs: 1_000 };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lifeboat-restic-e2e-'));
  server = await startRestServer({ dir: join(root, 'repos') });
  target = repoAt('main');
  src = join(root, 'src');
  await mkdir(join(src, 'docs', 'empty'), { recursive: true });
  await writeFile(join(src, 'docs', 'a.txt'), 'hello from lisle\n');
  await writeFile(join(src, 'docs', 'b.bin'), randomBytes(3 * 1024 * 1024));
  await writeFile(join(src, 'Prüfbericht – März.txt'), 'unicode names survive\n');
  await symlink('docs/a.txt', join(src, 'link-to-a'));
});

afterAll(async () => {
  await server?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('restic adapter, end to end (restic on PATH, loopback REST server)', () => {
  it('init creates the repository once; a second init is refused', T, async () => {
    const first = await init(target);
    expect(okValue(first).repositoryId).toMatch(/^[0-9a-f]{10}$/);
    expect(first.version).toMatch(/^\d+\.\d+\.\d+/);
    const again = await init(target);
    expect(again.outcome).toBe('failed');
    expect(errorOf(again)?.code).toBe('restic.repository-exists');
    expect(okValue(await catConfig(target)).id.startsWith(okValue(first).repositoryId ?? 'x')).toBe(true);
  });

  it('backs up, lists, backs up again', T, async () => {
    const progress: ResticProgress[] = [];
    const one = await backup(
      target,
      { paths: [src], host: 'lisle-nas', tags: ['office'] },
      { onProgress: (p) => progress.push(p) },
    );
    const s1 = okValue(one);
    expect(s1).toMatchObject({ filesNew: 3, filesChanged: 0 });
    expect(s1.totalBytesProcessed).toBeGreaterThan(3 * 1024 * 1024);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.phase === 'backup')).toBe(true);

    const listed = okValue(await snapshots(target, { host: 'lisle-nas' }));
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ hostname: 'lisle-nas', tags: ['office'], paths: [src] });
    expect(listed[0]?.id.startsWith(s1.snapshotId)).toBe(true);

    await writeFile(join(src, 'docs', 'a.txt'), 'hello again from lisle\n');
    const s2 = okValue(await backup(target, { paths: [src], host: 'lisle-nas', tags: ['office'] }));
    expect(s2).toMatchObject({ filesChanged: 1, filesUnmodified: 2, filesNew: 0 });
    expect(okValue(await snapshots(target, { host: 'lisle-nas' }))).toHaveLength(2);
  });

  it('forget --dry-run lists what would go, and removes nothing', T, async () => {
    const before = okValue(await snapshots(target, { host: 'lisle-nas' }));
    const groups = okValue(
      await forget(target, { keep: { last: 1 }, host: 'lisle-nas', dryRun: true, scoped: true }),
    );
    expect(groups).toHaveLength(1);
    const newest = [...before].sort((a, b) => a.time.localeCompare(b.time)).at(-1);
    expect(groups[0]?.keep.map((s) => [s.id, s.reasons])).toEqual([[newest?.id, ['last snapshot']]]);
    expect(groups[0]?.remove.map((s) => s.id)).toEqual(
      before.filter((s) => s.id !== newest?.id).map((s) => s.id),
    );
    expect(okValue(await snapshots(target, { host: 'lisle-nas' }))).toHaveLength(2);
  });

  it('forget scoped by host removes only that host’s snapshots from a shared repository', T, async () => {
    for (let i = 0; i < 2; i++)
      okValue(await backup(target, { paths: [src], host: 'portage-nas', tags: ['pos'] }));
    expect(okValue(await snapshots(target))).toHaveLength(4);
    const unscoped = await forget(target, { keep: { last: 1 }, scoped: true });
    expect(errorOf(unscoped)?.code).toBe('restic.forget-unscoped');

    const groups = okValue(await forget(target, { keep: { last: 1 }, host: 'portage-nas', scoped: true }));
    expect(groups.every((g) => g.host === 'portage-nas')).toBe(true);
    expect(groups.flatMap((g) => g.remove)).toHaveLength(1);
    expect(okValue(await snapshots(target, { host: 'portage-nas' }))).toHaveLength(1);
    expect(okValue(await snapshots(target, { host: 'lisle-nas' }))).toHaveLength(2);
    expect(okValue(await stats(target)).snapshotsCount).toBe(3);
  });

  it('prune after forget drops unreferenced data and keeps the rest', T, async () => {
    await writeFile(join(src, 'docs', 'only-in-one.bin'), randomBytes(512 * 1024));
    okValue(await backup(target, { paths: [src], host: 'portage-nas', tags: ['pos'] }));
    await rm(join(src, 'docs', 'only-in-one.bin'));
    okValue(await backup(target, { paths: [src], host: 'portage-nas', tags: ['pos'] }));
    okValue(await forget(target, { keep: { last: 1 }, host: 'portage-nas', scoped: true }));
    const report = okValue(await prune(target));
    expect(report.prunedBlobs).toBeGreaterThan(0);
    expect(report.remainingBlobs).toBeGreaterThan(0);
    expect(okValue(await snapshots(target, { host: 'lisle-nas' }))).toHaveLength(2);
  });

  it('check is clean, in full and for a 1/3 data subset', T, async () => {
    const full = okValue(await check(target));
    expect(full).toMatchObject({ clean: true, errors: [] });
    const subset = okValue(await check(target, { readDataSubset: '1/3' }));
    expect(subset.clean).toBe(true);
    expect(subset.subset).toMatchObject({ group: 1, groups: 3 });
  });

  it('restores to an alternate target with --verify, byte for byte', T, async () => {
    const into = join(root, 'restore-full');
    const r = okValue(
      await restore(target, {
        snapshot: 'latest',
        host: 'lisle-nas',
        paths: [src],
        target: into,
        verify: true,
      }),
    );
    expect(r.errors).toEqual([]);
    const original = await files(src);
    expect(r.verifiedFiles).toBe(original.length);
    const restoredRoot = join(into, src);
    expect((await files(restoredRoot)).map((f) => relative(restoredRoot, f))).toEqual(
      original.map((f) => relative(src, f)),
    );
    for (const f of original) {
      expect((await readFile(join(restoredRoot, relative(src, f)))).equals(await readFile(f)), f).toBe(true);
    }
    expect((await stat(join(restoredRoot, 'docs', 'empty'))).isDirectory()).toBe(true);

    const only = join(root, 'restore-one');
    okValue(
      await restore(target, {
        snapshot: 'latest',
        host: 'lisle-nas',
        target: only,
        include: [join(src, 'docs', 'a.txt')],
      }),
    );
    expect(await files(only)).toEqual([join(only, src, 'docs', 'a.txt')]);

    const missing = await restore(target, { snapshot: 'deadbeef', target: join(root, 'restore-none') });
    expect(errorOf(missing)?.code).toBe('restic.snapshot-not-found');
  });

  it(
    'a wrong password is auth; a missing repository and a dead server are failures with their own codes',
    T,
    async () => {
      const wrong = await snapshots({ ...target, env: { RESTIC_PASSWORD: 'not-the-password' } });
      expect(wrong.outcome).toBe('auth');
      expect(errorOf(wrong)?.code).toBe('restic.wrong-password');

      const missing = await snapshots(repoAt('does-not-exist'));
      expect(missing.outcome).toBe('failed');
      expect(errorOf(missing)?.code).toBe('restic.repository-missing');

      const dead = await snapshots({ ...target, repository: 'rest:http://127.0.0.1:9/' });
      expect(errorOf(dead)?.code).toBe('restic.unreachable');
    },
  );

  it('a backup with a missing source fails before restic runs, and leaves no snapshot', T, async () => {
    const before = okValue(await snapshots(target)).length;
    const r = await backup(target, { paths: [src, join(root, 'not-there')], host: 'lisle-nas' });
    expect(r).toMatchObject({
      outcome: 'failed',
      exitCode: undefined,
      error: { code: 'restic.source-missing' },
    });
    expect(errorOf(r)?.message).toContain('not-there');
    expect(okValue(await snapshots(target))).toHaveLength(before);
  });

  it(
    'a backup cancelled mid-way ends cancelled, releases its lock (SIGINT) and leaves no snapshot',
    T,
    async () => {
      const big = join(root, 'big');
      await mkdir(big);
      await writeFile(join(big, 'blob.bin'), randomBytes(256 * 1024 * 1024));
      const before = okValue(await snapshots(target)).length;
      const controller = new AbortController();
      const r = await backup(
        target,
        { paths: [big], host: 'lisle-nas' },
        { signal: controller.signal, onProgress: (p) => (p.bytesDone > 0 ? controller.abort() : undefined) },
      );
      await rm(big, { recursive: true, force: true });
      expect(r.outcome).toBe('cancelled');
      expect(r.exitCode).toBe(130);
      expect(await listLocks(target.repository)).toEqual([]);
      expect(okValue(await snapshots(target))).toHaveLength(before);
      expect((await check(target, {}, { lockRetry: false })).outcome).toBe('ok');
    },
  );

  it('waits for a live lock to go away (own backoff on 0.14), then succeeds', T, async () => {
    // A backup reading a stdin that stays open holds a non-exclusive lock; check needs an exclusive one. The stdin
    // closes once check has met the lock (a fixed 3 s could run out before check started on a loaded machine).
    const env = resticEnvironment(target);
    const release = join(root, 'release-held-lock');
    const holder = execPipeline(
      [
        {
          file: 'sh',
          args: ['-c', 'while [ ! -e "$1" ]; do sleep 0.1; done; echo held', 'sh', release],
        },
        {
          file: 'restic',
          args: [
            `--cache-dir=${join(root, 'cache')}`,
            'backup',
            '--stdin',
            '--stdin-filename=held.txt',
            '--host=holder',
          ],
          env,
        },
      ],
      { timeoutMs: 30_000 },
    );
    await expect.poll(() => listLocks(target.repository), { timeout: 10_000, interval: 100 }).not.toEqual([]);
    const waits: number[] = [];
    const r = await check(
      target,
      {},
      {
        lockRetry: { attempts: 8, initialDelayMs: 500, factor: 1.5, maxDelayMs: 2_000 },
        onLockRetry: (w) => {
          waits.push(w.delayMs);
          if (waits.length === 1) void writeFile(release, '');
        },
      },
    );
    expect(r.outcome).toBe('ok');
    expect(waits.length).toBeGreaterThan(0);
    const held = await holder;
    expect(held.ok, held.stages.map((st) => st.stderr).join('')).toBe(true);
  });

  it(
    'an exclusive lock from another host: locked after bounded retries; unlock leaves it; a stale one unlock removes',
    T,
    async () => {
      const live = await writeLock(target.repository, PASSWORD, {
        exclusive: true,
        hostname: 'portage-nas',
        pid: 4242,
        time: new Date(),
      });
      const waits: number[] = [];
      const started = performance.now();
      const locked = await backup(
        target,
        { paths: [src], host: 'lisle-nas' },
        { lockRetry: FAST_RETRY, onLockRetry: (w) => waits.push(w.delayMs) },
      );
      expect(locked.outcome).toBe('locked');
      expect(errorOf(locked)?.code).toBe('restic.locked');
      expect(errorOf(locked)?.message).toContain('portage-nas');
      expect(waits).toEqual([200, 400]);
      expect(performance.now() - started).toBeLessThan(20_000);

      okValue(await unlock(target));
      expect(await listLocks(target.repository)).toEqual([live]);
      await removeLock(target.repository, live);

      const stale = await writeLock(target.repository, PASSWORD, {
        exclusive: true,
        hostname: 'portage-nas',
        pid: 4242,
        time: new Date(Date.now() - 31 * 60_000),
      });
      expect((await check(target, {}, { lockRetry: false })).outcome).toBe('locked');
      okValue(await unlock(target));
      expect(await listLocks(target.repository)).not.toContain(stale);
      expect((await check(target)).outcome).toBe('ok');
    },
  );

  it(
    'a corrupted data pack is reported by check --read-data (a metadata-only check misses it)',
    T,
    async () => {
      const repo = repoAt('corrupt');
      okValue(await init(repo));
      okValue(await backup(repo, { paths: [src], host: 'lisle-nas' }));
      const dataDir = join(server.dir, 'corrupt', 'data');
      const packs = await files(dataDir);
      const sizes = await Promise.all(packs.map(async (p) => ({ p, size: (await stat(p)).size })));
      const biggest = sizes.sort((a, b) => b.size - a.size)[0];
      if (!biggest) throw new Error('no pack files');
      const fh = await open(biggest.p, 'r+');
      await fh.write(Buffer.from('lifeboat was here, bytes flipped'), 0, 32, 1000);
      await fh.close();

      expect((await check(repo)).outcome).toBe('ok');
      const r = await check(repo, { readData: true });
      expect(r.outcome).toBe('failed');
      expect(errorOf(r)?.code).toBe('restic.check-errors');
      expect(errorOf(r)?.message).toMatch(/Pack ID does not match/);
    },
  );
});
