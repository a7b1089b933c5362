import { join } from 'node:path';
import { checkRunRecord } from '@lifeboat/core';
import { describe, expect, it } from 'vitest';
import { useTempRoot } from '../testing/temp-root.js';
import { snapshots } from '../tools/restic/index.js';
import { fakeRestic } from '../tools/restic/testing/fake-restic.js';
import { fixture } from '../tools/restic/testing/fixtures.js';
import { makeBackupJob } from './backup.js';
import { forgetArgsFor, keepRules, makeForgetJob, resticWithin } from './forget.js';
import { resolveRepository } from './repository.js';
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
useTempRoot('jobs-forget', (dir) => {
  root = dir;
});

describe('retention rules', () => {
  it('keepWithin becomes restic units, rounding minutes up to hours', () => {
    expect(resticWithin('2w')).toBe('14d');
    expect(resticWithin('1d12h')).toBe('1d12h');
    expect(resticWithin('90m')).toBe('2h');
    expect(resticWithin('30m')).toBe('1h');
    expect(resticWithin('48h')).toBe('2d');
    expect(resticWithin('0d')).toBeUndefined();
  });

  it('a policy without a keep rule gets no forget at all', () => {
    const policy = policyDoc({ name: 'p', sources: ['/srv'], more: { retention: {} } });
    const r = keepRules(policy);
    expect(r.ok ? 'ran' : r.error.code).toBe('restic.forget-no-rule');
  });

  it('forget is always scoped by the policy tag, and by host when the policy has one, grouped by host', () => {
    const plain = forgetArgsFor(
      policyDoc({ name: 'p', sources: ['/srv'], more: { retention: { keepDaily: 7, keepWithin: '2w' } } }),
    );
    expect(plain.ok && plain.args).toEqual({
      keep: { daily: 7, within: '14d' },
      tags: ['policy:p'],
      groupBy: ['host'],
      scoped: true,
    });
    const hosted = forgetArgsFor(policyDoc({ name: 'p', sources: ['/srv'], more: { host: 'pve01' } }), true);
    expect(hosted.ok && hosted.args).toMatchObject({ host: 'pve01', tags: ['policy:p'], dryRun: true });
  });
});

describe('forget job', () => {
  it('on a shared repository removes only its own policy’s snapshots', T, async () => {
    const src = join(root, 'src');
    await writeRandomFiles(src, { 'a.bin': 1000 });
    const site = siteDoc({ repository: join(root, 'nas') });
    const a = policyDoc({
      name: 'alpha',
      sources: [src],
      path: 'shared',
      more: { retention: { keepLast: 1 } },
    });
    const b = policyDoc({
      name: 'beta',
      sources: [src],
      path: 'shared',
      more: { retention: { keepLast: 1 } },
    });
    const { context } = contextOf({
      inventory: inventoryOf([site], [a, b]),
      stateDir: join(root, 'state'),
      sandboxDir: join(root, 'sb'),
    });
    // Same host, same paths: restic's default grouping alone would mix the two policies.
    const backup = makeBackupJob({ hostname: 'same-host' });
    for (const name of ['alpha', 'beta', 'alpha', 'beta', 'alpha']) {
      expect((await backup(plannedOf('backup', name), context)).outcome).toBe('ok');
    }
    const record = await makeForgetJob()(plannedOf('forget', 'alpha'), context);
    expect(checkRunRecord(record).ok).toBe(true);
    expect(record).toMatchObject({ job: 'forget', policy: 'alpha', outcome: 'ok' });
    expect(record.stats).toMatchObject({ removed_snapshots: 2, kept_snapshots: 1, tag: 'policy:alpha' });
    const repo = resolveRepository(context, a);
    if (!repo.ok) throw new Error(repo.error.message);
    const left = await snapshots(repo.value.restic);
    const tags =
      left.outcome === 'ok' ? left.value.map((s) => s.tags.find((t) => t.startsWith('policy:'))) : [];
    expect(tags.sort()).toEqual(['policy:alpha', 'policy:beta', 'policy:beta']);
  });

  it('without a keep rule, restic is never called', T, async () => {
    const fake = await fakeRestic(join(root, 'fake'), {
      version: '0.14.0',
      reply: fixture('v0.14', 'forget-applied'),
    });
    const policy = policyDoc({ name: 'norule', sources: ['/srv'], more: { retention: {} } });
    const { context } = contextOf({
      inventory: inventoryOf([siteDoc({ repository: join(root, 'nas') })], [policy]),
      stateDir: join(root, 'state'),
      sandboxDir: join(root, 'sb'),
    });
    const record = await makeForgetJob({ resticBinary: fake.binary })(plannedOf('forget', 'norule'), context);
    expect(record).toMatchObject({ outcome: 'failed', error: { code: 'restic.forget-no-rule' } });
    expect(await fake.calls()).toEqual([]);
  });

  it('passes the scope to restic: --tag=policy:<name>, --host, --group-by=host', T, async () => {
    const fake = await fakeRestic(join(root, 'fake2'), {
      version: '0.14.0',
      reply: { stdout: '[]\n', stderr: '', exitCode: 0 },
    });
    const policy = policyDoc({
      name: 'scoped',
      sources: ['/srv'],
      more: { host: 'pve01', retention: { keepDaily: 7 } },
    });
    const { context } = contextOf({
      inventory: inventoryOf([siteDoc({ repository: join(root, 'nas') })], [policy]),
      stateDir: join(root, 'state'),
      sandboxDir: join(root, 'sb'),
    });
    const record = await makeForgetJob({ resticBinary: fake.binary })(plannedOf('forget', 'scoped'), context);
    expect(record).toMatchObject({ outcome: 'ok', stats: { removed_snapshots: 0 } });
    const [call] = await fake.calls();
    expect(call?.argv).toEqual(
      expect.arrayContaining([
        'forget',
        '--keep-daily=7',
        '--tag=policy:scoped',
        '--host=pve01',
        '--group-by=host',
      ]),
    );
    expect(call?.env.RESTIC_REPOSITORY).toBe(join(root, 'nas', 'scoped'));
  });
});
