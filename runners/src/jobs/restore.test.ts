import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkRunRecord } from '@lifeboat/core';
import { describe, expect, it } from 'vitest';
import { useTempRoot } from '../testing/temp-root.js';
import { makeBackupJob } from './backup.js';
import {
  includePattern,
  insideSources,
  makeRestoreJob,
  normalisePath,
  restoreFiles,
  roomNeeded,
} from './restore.js';
import {
  contextOf,
  inventoryOf,
  plannedOf,
  policyDoc,
  siteDoc,
  writeRandomFiles,
} from './testing/restic-site.js';

const T = { timeout: 60_000 };

describe('restore path rules', () => {
  it('normalises absolute paths and refuses the rest', () => {
    expect(normalisePath('/srv/share/../share/a/')).toBe('/srv/share/a');
    expect(normalisePath('/')).toBe('/');
    expect(normalisePath('srv/share')).toBeUndefined();
    expect(normalisePath('/srv/\nx')).toBeUndefined();
  });

  it('a path is inside the sources only at or below one of them', () => {
    const sources = ['/srv/share', '/etc/app/'];
    expect(insideSources('/srv/share', sources)).toBe(true);
    expect(insideSources('/srv/share/a/b', sources)).toBe(true);
    expect(insideSources('/etc/app/conf', sources)).toBe(true);
    expect(insideSources('/srv/shared', sources)).toBe(false);
    expect(insideSources('/srv', sources)).toBe(false);
    expect(insideSources('/etc/shadow', sources)).toBe(false);
  });

  it('escapes glob characters so include patterns match literally; asks for headroom', () => {
    expect(includePattern('/srv/a[1]*?.txt')).toBe('/srv/a\\[1\\]\\*\\?.txt');
    expect(roomNeeded(0)).toBe(1024 * 1024);
    expect(roomNeeded(1e9)).toBe(1e9 + 1e7);
  });
});

describe('restoreFiles (real restic, local repository)', () => {
  let root = '';
  let src = '';
  let restores = '';
  let setup: ReturnType<typeof contextOf>;
  let otherSnapshot = '';

  useTempRoot(
    'jobs-restore',
    async (dir) => {
      root = dir;
      src = join(root, 'src');
      restores = join(root, 'restores');
      await writeRandomFiles(src, { 'docs/a.bin': 100_000, 'docs/b[1].txt': 10, 'c.txt': 5 });
      await writeRandomFiles(join(root, 'other'), { 'o.txt': 5 });
      const site = siteDoc({ repository: join(root, 'nas') });
      const restore = { approval: 'none' as const, alternateTarget: restores };
      const docs = policyDoc({ name: 'docs', sources: [src], path: 'shared', more: { restore } });
      const other = policyDoc({
        name: 'other',
        sources: [join(root, 'other')],
        path: 'shared',
        more: { restore },
      });
      const inPlace = policyDoc({
        name: 'inplace',
        sources: [src],
        more: { restore: { ...restore, allowInPlace: true } },
      });
      setup = contextOf({
        inventory: inventoryOf([site], [docs, other, inPlace]),
        stateDir: join(root, 'state'),
        sandboxDir: join(root, 'sb'),
      });
      const backup = makeBackupJob({ hostname: 'h' });
      for (const name of ['docs', 'inplace'])
        expect((await backup(plannedOf('backup', name), setup.context)).outcome).toBe('ok');
      const o = await backup(plannedOf('backup', 'other'), setup.context);
      otherSnapshot = o.snapshotId ?? '';
    },
    60_000,
  );

  const runDirs = async () => readdir(restores).catch(() => [] as string[]);

  it('restores the latest snapshot into alternateTarget/<run id>/, verified', T, async () => {
    const record = await restoreFiles({ policy: 'docs', snapshot: 'latest', context: setup.context });
    expect(checkRunRecord(record).ok).toBe(true);
    expect(record).toMatchObject({
      job: 'restore',
      policy: 'docs',
      outcome: 'ok',
      verification: { passed: true },
    });
    expect(record.verification?.details).toContain('3 file(s)');
    const into = join(restores, record.id);
    expect(record.stats).toMatchObject({ mode: 'alternate', target: into, restore_bytes: 100_015 });
    for (const f of ['docs/a.bin', 'docs/b[1].txt', 'c.txt']) {
      expect((await readFile(join(into, src, f))).equals(await readFile(join(src, f)))).toBe(true);
    }
  });

  it('restores only the requested paths, glob characters and all', T, async () => {
    const wanted = join(src, 'docs', 'b[1].txt');
    const record = await restoreFiles({
      policy: 'docs',
      snapshot: 'latest',
      paths: [wanted],
      context: setup.context,
    });
    expect(record).toMatchObject({ outcome: 'ok', stats: { restore_bytes: 10, paths: 1 } });
    expect(await readdir(join(restores, record.id, src, 'docs'))).toEqual(['b[1].txt']);
  });

  it(
    'refuses, before touching anything: paths outside the sources, in-place when not allowed, another policy’s snapshot',
    T,
    async () => {
      const before = await runDirs();
      const outside = await restoreFiles({
        policy: 'docs',
        snapshot: 'latest',
        paths: ['/etc/passwd'],
        context: setup.context,
      });
      expect(outside).toMatchObject({ outcome: 'failed', error: { code: 'restore.path-outside-sources' } });
      const sneaky = await restoreFiles({
        policy: 'docs',
        snapshot: 'latest',
        paths: [`${src}/../other/o.txt`],
        context: setup.context,
      });
      expect(sneaky.error?.code).toBe('restore.path-outside-sources');
      const inPlace = await restoreFiles({
        policy: 'docs',
        snapshot: 'latest',
        target: 'in-place',
        context: setup.context,
      });
      expect(inPlace).toMatchObject({ outcome: 'failed', error: { code: 'restore.in-place-not-allowed' } });
      expect(otherSnapshot).toMatch(/^[0-9a-f]{8,}$/);
      const typo = await restoreFiles({ policy: 'Docs Share', snapshot: 'latest', context: setup.context });
      expect(typo).toMatchObject({ outcome: 'failed', error: { code: 'job.unknown-policy' } });
      expect(typo.policy).toBeUndefined();
      const foreign = await restoreFiles({ policy: 'docs', snapshot: otherSnapshot, context: setup.context });
      expect(foreign).toMatchObject({ outcome: 'failed', error: { code: 'restic.snapshot-not-found' } });
      expect(await runDirs()).toEqual(before);
    },
  );

  it('checks free space first: too little room is a clear error and nothing is written', T, async () => {
    const before = await runDirs();
    const record = await restoreFiles({
      policy: 'docs',
      snapshot: 'latest',
      context: setup.context,
      options: { freeBytes: async () => 512 * 1024 },
    });
    expect(record).toMatchObject({ outcome: 'failed', error: { code: 'restore.no-space' } });
    expect(record.error?.message).toMatch(
      /needs 1\.1 MiB but the filesystem of .* has 512\.0 KiB free; nothing was restored/,
    );
    expect(await runDirs()).toEqual(before);
  });

  it(
    'in place, when the policy allows it, puts the snapshot’s version back over the original',
    T,
    async () => {
      const file = join(src, 'c.txt');
      const original = await readFile(file);
      await writeFile(file, 'changed after the backup');
      const record = await restoreFiles({
        policy: 'inplace',
        snapshot: 'latest',
        paths: [file],
        target: 'in-place',
        context: setup.context,
      });
      expect(record).toMatchObject({ outcome: 'ok', stats: { mode: 'in-place', target: '/' } });
      expect((await readFile(file)).equals(original)).toBe(true);
    },
  );

  it('in the runner’s (request, context) shape: policies restore, images are refused', T, async () => {
    const job = makeRestoreJob();
    const ok = await job(
      {
        subject: { kind: 'policy', name: 'docs' },
        snapshot: 'latest',
        paths: [join(src, 'c.txt')],
        target: 'alternate',
      },
      setup.context,
    );
    expect(ok).toMatchObject({ job: 'restore', policy: 'docs', outcome: 'ok', stats: { paths: 1 } });
    const image = await job(
      { subject: { kind: 'image', name: 'kvm-sd' }, snapshot: 'latest', paths: [], target: 'alternate' },
      setup.context,
    );
    expect(image).toMatchObject({ image: 'kvm-sd', outcome: 'failed', error: { code: 'job.wrong-subject' } });
  });
});
