import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkRunRecord } from '@lifeboat/core';
import { describe, expect, it } from 'vitest';
import { useTempRoot } from '../testing/temp-root.js';
import { snapshots } from '../tools/restic/index.js';
import { makeBackupJob } from './backup.js';
import { resolveRepository } from './repository.js';
import { listSnapshot } from './snapshot-inspect.js';
import {
  contextOf,
  inventoryOf,
  PASSWORD,
  PASSWORD_VAR,
  plannedOf,
  policyDoc,
  siteDoc,
  writeRandomFiles,
} from './testing/restic-site.js';

const T = { timeout: 60_000 };

let root = '';
let src = '';
let nas = '';

useTempRoot('jobs-backup', async (dir) => {
  root = dir;
  src = join(root, 'src');
  nas = join(root, 'nas');
  await writeRandomFiles(src, { 'docs/a.bin': 200_000, 'docs/skip.tmp': 1000, 'b.txt': 10 });
});

const setup = (policies: ReturnType<typeof policyDoc>[], env?: Record<string, string | undefined>) => {
  const site = siteDoc({ repository: nas });
  return contextOf({
    inventory: inventoryOf([site], policies),
    stateDir: join(root, 'state'),
    sandboxDir: join(root, 'sandbox'),
    ...(env ? { env } : {}),
  });
};

const snapshotsOf = async (
  policy: ReturnType<typeof policyDoc>,
  context: ReturnType<typeof setup>['context'],
) => {
  const repo = resolveRepository(context, policy);
  if (!repo.ok) throw new Error(repo.error.message);
  const listed = await snapshots(repo.value.restic);
  if (listed.outcome !== 'ok') return [];
  return listed.value;
};

// Caps every hook here: short so the slow-hook test is quick, yet roomy enough that the quick hooks of the
// other tests finish inside it on a loaded machine.
const job = makeBackupJob({ hostname: 'runner-host', hookTimeoutCapMs: 3_000 });

describe('backup job (real restic, local repository)', () => {
  it(
    'first run creates the repository, backs up with host, tags and excludes, and records the stats',
    T,
    async () => {
      const policy = policyDoc({
        name: 'share',
        sources: [src],
        more: { host: 'lisle-files', tags: ['office'], sources: { paths: [src], exclude: ['*.tmp'] } },
      });
      const { context, events } = setup([policy]);
      const record = await job(plannedOf('backup', 'share'), context);
      expect(checkRunRecord(record).ok).toBe(true);
      expect(record).toMatchObject({
        job: 'backup',
        policy: 'share',
        site: 'lisle',
        outcome: 'ok',
        tool: { name: 'restic' },
      });
      expect(record.snapshotId).toMatch(/^[0-9a-f]{8,64}$/);
      expect(record.stats).toMatchObject({ initialized: true, files_new: 2, host: 'lisle-files' });
      expect(Number(record.stats?.total_bytes_processed)).toBeGreaterThanOrEqual(200_010);
      expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['start', 'end']));

      const [snap] = await snapshotsOf(policy, context);
      expect(snap).toMatchObject({ hostname: 'lisle-files', tags: ['office', 'lifeboat', 'policy:share'] });
      const repo = resolveRepository(context, policy);
      if (!repo.ok || !snap) throw new Error('no repository');
      const listed = await listSnapshot(repo.value.restic, snap.id);
      const files =
        listed.outcome === 'ok' ? listed.value.filter((n) => n.type === 'file').map((n) => n.path) : [];
      expect(files.sort()).toEqual([join(src, 'b.txt'), join(src, 'docs', 'a.bin')]);

      const second = await job(plannedOf('backup', 'share'), context);
      expect(second.outcome).toBe('ok');
      expect(second.stats?.initialized).toBeUndefined();
      expect(second.stats).toMatchObject({ files_new: 0, files_unmodified: 2 });
    },
  );

  it('without a policy host, --host is the runner’s', T, async () => {
    const policy = policyDoc({ name: 'nohost', sources: [src] });
    const { context } = setup([policy]);
    const record = await job(plannedOf('backup', 'nohost'), context);
    expect(record.outcome).toBe('ok');
    expect((await snapshotsOf(policy, context)).map((s) => s.hostname)).toEqual(['runner-host']);
  });

  it('a missing source fails before restic runs: no snapshot, no repository', T, async () => {
    const policy = policyDoc({ name: 'missing', sources: [src, join(root, 'not-there')] });
    const { context } = setup([policy]);
    const record = await job(plannedOf('backup', 'missing'), context);
    expect(record.outcome).toBe('failed');
    expect(record.error?.code).toBe('restic.source-missing');
    expect(record.error?.message).toContain('not-there');
    expect(record.snapshotId).toBeUndefined();
    expect(await snapshotsOf(policy, context)).toEqual([]);
  });

  it('a missing password variable is auth, names the variable, runs nothing', T, async () => {
    const policy = policyDoc({ name: 'nopw', sources: [src] });
    const { context } = setup([policy], { OTHER: 'secret-value' });
    const record = await job(plannedOf('backup', 'nopw'), context);
    expect(record).toMatchObject({ outcome: 'auth', error: { code: 'credentials.missing' } });
    expect(record.error?.message).toContain(PASSWORD_VAR);
    expect(JSON.stringify(record)).not.toContain('secret-value');
  });

  it(
    'a pre hook that exits 1 fails the run with no snapshot; the post hook still runs and sees the outcome',
    T,
    async () => {
      const marker = join(root, 'post-saw.txt');
      const policy = policyDoc({
        name: 'hooked',
        sources: [src],
        more: {
          hooks: {
            pre: { command: ['/bin/sh', '-c', 'echo "dump failed: disk full" >&2; exit 1'], timeout: '5m' },
            post: {
              command: [
                '/bin/sh',
                '-c',
                `echo "$LIFEBOAT_OUTCOME $LIFEBOAT_ERROR_CODE [$LIFEBOAT_SNAPSHOT_ID]" > "${marker}"`,
              ],
              timeout: '5m',
            },
          },
        },
      });
      const { context } = setup([policy]);
      const record = await job(plannedOf('backup', 'hooked'), context);
      expect(record.outcome).toBe('failed');
      expect(record.error?.code).toBe('hook.failed');
      expect(record.error?.message).toContain('dump failed: disk full');
      expect(record.stats?.post_hook).toBe('ok');
      expect(await readFile(marker, 'utf8')).toBe('failed hook.failed []\n');
      expect(await snapshotsOf(policy, context)).toEqual([]);
    },
  );

  it('a pre hook past its time limit is stopped and fails the run', T, async () => {
    const policy = policyDoc({
      name: 'slowhook',
      sources: [src],
      more: { hooks: { pre: { command: ['/bin/sleep', '30'], timeout: '1m' } } },
    });
    const { context } = setup([policy]);
    const started = Date.now();
    const record = await job(plannedOf('backup', 'slowhook'), context);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(record).toMatchObject({ outcome: 'failed', error: { code: 'hook.timeout' } });
    expect(await snapshotsOf(policy, context)).toEqual([]);
  });

  it(
    'a pre hook can create the source; named variables reach hooks, other site secrets do not',
    T,
    async () => {
      const made = join(root, 'dump');
      const seen = join(root, 'hook-env.txt');
      const policy = policyDoc({
        name: 'dumped',
        sources: [made],
        more: {
          hooks: {
            pre: {
              command: [
                '/bin/sh',
                '-c',
                `mkdir -p "${made}" && echo db > "${made}/db.sql" && echo "$PGPASSWORD/\${${PASSWORD_VAR}-blanked}/$LIFEBOAT_POLICY" > "${seen}"`,
              ],
              timeout: '1m',
              env: ['PGPASSWORD'],
            },
          },
        },
      });
      process.env[PASSWORD_VAR] = PASSWORD;
      try {
        const { context } = setup([policy], { [PASSWORD_VAR]: PASSWORD, PGPASSWORD: 'pg-secret' });
        const record = await job(plannedOf('backup', 'dumped'), context);
        expect(record.outcome).toBe('ok');
        expect(record.stats?.files_new).toBe(1);
        expect(await readFile(seen, 'utf8')).toBe('pg-secret/blanked/dumped\n');
      } finally {
        delete process.env[PASSWORD_VAR];
      }
    },
  );

  it('a failing post hook after a good backup makes the run partial: the snapshot exists', T, async () => {
    const policy = policyDoc({
      name: 'postfail',
      sources: [src],
      more: { hooks: { post: { command: ['/bin/false'], timeout: '1m' } } },
    });
    const { context } = setup([policy]);
    const record = await job(plannedOf('backup', 'postfail'), context);
    expect(record.outcome).toBe('partial');
    expect(record.error?.code).toBe('hook.failed');
    expect(record.error?.message).toContain(`snapshot ${record.snapshotId} created`);
    expect(await snapshotsOf(policy, context)).toHaveLength(1);
  });

  it('a job that is not due, or not a backup, is not started', T, async () => {
    const policy = policyDoc({ name: 'share', sources: [src] });
    const { context } = setup([policy]);
    const waiting = await job(plannedOf('backup', 'share', { status: 'retry-later' }), context);
    expect(waiting).toMatchObject({ outcome: 'cancelled', error: { code: 'job.not-due' } });
    const wrong = await job(plannedOf('check', 'share'), context);
    expect(wrong).toMatchObject({ outcome: 'failed', error: { code: 'job.wrong-kind' } });
  });
});
