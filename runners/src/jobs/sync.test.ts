import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkRunRecord } from '@lifeboat/core';
import { describe, expect, it } from 'vitest';
import { useTempRoot } from '../testing/temp-root.js';
import { makeBackupJob } from './backup.js';
import { resolveRepository } from './repository.js';
import { backingDirVariable, makeSyncJob, syncDestination, syncSource } from './sync.js';
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
useTempRoot('jobs-sync', async (dir) => {
  root = dir;
  await writeRandomFiles(join(root, 'src'), { 'a.bin': 200_000, 'b.txt': 20 });
});

const offsite = (path: string, envFrom = ['RCLONE_CONFIG_CLOUD_TYPE']) => [
  { name: 'cloud', remote: 'cloud', path, bwlimit: '50M', envFrom },
];

const env = { [PASSWORD_VAR]: PASSWORD, RCLONE_CONFIG_CLOUD_TYPE: 'local' };

const tree = async (dir: string): Promise<string[]> => {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await tree(p)).map((f) => `${e.name}/${f}`));
    else out.push(e.name);
  }
  return out.sort();
};

describe('sync sources and destinations', () => {
  const policy = policyDoc({ name: 'share', sources: ['/srv'], path: 'office/share' });
  const repoFor = (repository: string) => {
    const { context } = contextOf({
      inventory: inventoryOf([siteDoc({ repository })], [policy]),
      stateDir: root,
      sandboxDir: root,
    });
    const repo = resolveRepository(context, policy);
    if (!repo.ok) throw new Error(repo.error.message);
    return repo.value;
  };

  it('reads a local repository directly, a rest: one from its backing directory, refuses the rest', () => {
    const local = syncSource(repoFor('/srv/restic'), {});
    expect(local.ok && local.value).toEqual({ spec: '/srv/restic/office/share', how: 'local-path' });
    expect(backingDirVariable('lisle-nas')).toBe('LIFEBOAT_NAS_LISLE_NAS_DIR');
    const rest = repoFor('rest:http://127.0.0.1:8000/');
    const without = syncSource(rest, {});
    expect(without.ok ? '' : without.error.code).toBe('sync.unsupported-backend');
    expect(without.ok ? '' : without.error.message).toContain('LIFEBOAT_NAS_NAS_DIR');
    const backed = syncSource(rest, { LIFEBOAT_NAS_NAS_DIR: '/volume1/restic/' });
    expect(backed.ok && backed.value).toEqual({
      spec: '/volume1/restic/office/share',
      how: 'rest-backing-dir',
    });
    const relative = syncSource(rest, { LIFEBOAT_NAS_NAS_DIR: 'restic' });
    expect(relative.ok).toBe(false);
    const s3 = syncSource(repoFor('s3:s3.amazonaws.com/bucket'), {});
    expect(s3.ok ? '' : s3.error.code).toBe('sync.unsupported-backend');
    const viaRclone = syncSource(repoFor('rclone:nasremote:restic'), {});
    expect(viaRclone.ok && viaRclone.value).toEqual({
      spec: 'nasremote:restic/office/share',
      how: 'rclone-remote',
    });
  });

  it('copies to remote:path/<repository path> of the named offsite remote', () => {
    const site = siteDoc({ repository: '/srv', offsite: offsite('bucket/lisle/') });
    const d = syncDestination(site, 'cloud', 'office/share');
    expect(d.ok && d.value.spec).toBe('cloud:bucket/lisle/office/share');
    const missing = syncDestination(site, 'elsewhere', 'x');
    expect(missing.ok ? '' : missing.error.code).toBe('sync.remote-missing');
  });
});

describe('sync job (real rclone, a local "cloud" remote defined by environment)', () => {
  it('syncs the repository, then checks it equal; a second run transfers nothing', T, async () => {
    const cloud = join(root, 'cloud');
    const site = siteDoc({ repository: join(root, 'nas'), offsite: offsite(cloud) });
    const policy = policyDoc({
      name: 'share',
      sources: [join(root, 'src')],
      more: { offsite: { remote: 'cloud', schedule: { cron: '0 3 * * *' } } },
    });
    const { context, events } = contextOf({
      inventory: inventoryOf([site], [policy]),
      stateDir: join(root, 'state'),
      sandboxDir: root,
      env,
    });
    expect((await makeBackupJob({ hostname: 'h' })(plannedOf('backup', 'share'), context)).outcome).toBe(
      'ok',
    );

    const job = makeSyncJob();
    const record = await job(plannedOf('sync', 'share', { sync: { remote: 'cloud' } }), context);
    expect(checkRunRecord(record).ok).toBe(true);
    expect(record).toMatchObject({ job: 'sync', outcome: 'ok', tool: { name: 'rclone' } });
    expect(record.stats).toMatchObject({
      source: 'local-path',
      destination: `cloud:${cloud}/share`,
      bwlimit: '50M',
      check_differences: 0,
    });
    expect(Number(record.stats?.transfers)).toBeGreaterThan(3);
    expect(await tree(join(cloud, 'share'))).toEqual(await tree(join(root, 'nas', 'share')));
    expect(events.some((e) => e.type === 'progress' || e.type === 'end')).toBe(true);

    const again = await job(plannedOf('sync', 'share', { sync: { remote: 'cloud' } }), context);
    expect(again).toMatchObject({ outcome: 'ok', stats: { transfers: 0, check_differences: 0 } });
  });

  it('never syncs from a directory without a restic config (it would wipe the offsite copy)', T, async () => {
    const cloud = join(root, 'cloud2');
    await mkdir(join(cloud, 'empty'), { recursive: true });
    await writeFile(join(cloud, 'empty', 'config'), 'offsite copy of an older sync');
    await mkdir(join(root, 'nas2', 'empty'), { recursive: true });
    const site = siteDoc({ repository: join(root, 'nas2'), offsite: offsite(cloud) });
    const policy = policyDoc({ name: 'empty', sources: ['/srv'] });
    const { context } = contextOf({
      inventory: inventoryOf([site], [policy]),
      stateDir: join(root, 'state'),
      sandboxDir: root,
      env,
    });
    const record = await makeSyncJob()(plannedOf('sync', 'empty', { sync: { remote: 'cloud' } }), context);
    expect(record).toMatchObject({ outcome: 'failed', error: { code: 'sync.source-not-repository' } });
    expect(await tree(join(cloud, 'empty'))).toEqual(['config']);
  });

  it('names the missing variable of a remote, and a remote no variable defines', T, async () => {
    const site = siteDoc({
      repository: join(root, 'nas'),
      offsite: offsite(join(root, 'c'), ['RCLONE_CONFIG_CLOUD_TYPE', 'RCLONE_CONFIG_CLOUD_KEY']),
    });
    const policy = policyDoc({ name: 'share', sources: ['/srv'] });
    const { context } = contextOf({
      inventory: inventoryOf([site], [policy]),
      stateDir: join(root, 'state'),
      sandboxDir: root,
      env,
    });
    const missing = await makeSyncJob()(plannedOf('sync', 'share', { sync: { remote: 'cloud' } }), context);
    expect(missing).toMatchObject({ outcome: 'auth', error: { code: 'credentials.missing' } });
    expect(missing.error?.message).toContain('RCLONE_CONFIG_CLOUD_KEY');

    const undefinedRemote = siteDoc({ repository: join(root, 'nas'), offsite: offsite(join(root, 'c'), []) });
    const other = contextOf({
      inventory: inventoryOf([undefinedRemote], [policy]),
      stateDir: join(root, 'state'),
      sandboxDir: root,
      env,
    });
    const unconfigured = await makeSyncJob()(
      plannedOf('sync', 'share', { sync: { remote: 'cloud' } }),
      other.context,
    );
    expect(unconfigured).toMatchObject({ outcome: 'failed', error: { code: 'sync.remote-unconfigured' } });
    expect(unconfigured.error?.message).toContain('RCLONE_CONFIG_CLOUD_TYPE');
  });
});
