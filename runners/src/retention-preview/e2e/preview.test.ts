import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BackupPolicy, loadInventory, loadInventoryFromFiles, type Site } from '@lifeboat/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../exec/exec.js';
import { type RestServer, startRestServer } from '../../testing/rest-server.js';
import { init, type ResticTarget, type Snapshot, snapshots } from '../../tools/restic/index.js';
import { previewRetention } from '../preview.js';
import { backupAt } from '../testing/snapshots.js';
import type { RetentionPreview } from '../types.js';

// The real thing: restic 0.14 against a loopback REST server, two policies sharing one repository (scoped by
// tag), a small inventory in a git copy whose working tree tightens one policy's keepDaily. The preview must
// name exactly the snapshots the change deletes, leave the other policy alone, and delete nothing.

const T = { timeout: 120_000 };
const PASSWORD = 'preview-e2e-password';
const HOST = 'nas-client';

let tmp = '';
let server: RestServer | undefined;
let target: ResticTarget;
let before: Snapshot[] = [];
let preview: RetentionPreview;

const git = async (cwd: string, ...args: string[]): Promise<string> => {
  const r = await exec('git', args, {
    cwd,
    env: {
      HOME: cwd,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Lifeboat Test',
      GIT_AUTHOR_EMAIL: 'test@lifeboat.example',
      GIT_COMMITTER_NAME: 'Lifeboat Test',
      GIT_COMMITTER_EMAIL: 'test@lifeboat.example',
    },
    timeoutMs: 20_000,
  });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout;
};

const site = (url: string): Site => ({
  apiVersion: 'lifeboat/v1',
  kind: 'Site',
  metadata: { name: 'lisle' },
  spec: {
    timezone: 'America/Chicago',
    environment: 'office',
    runner: { labels: ['site-lisle'] },
    nas: [
      { name: 'nas', repository: url, credentials: { passwordEnv: 'LISLE_NAS_PASSWORD' } },
      // The same server under another password variable, set to a wrong password on this "runner".
      { name: 'nas-other-key', repository: url, credentials: { passwordEnv: 'LISLE_OTHER_PASSWORD' } },
    ],
    access: { approvers: [], requesters: [] },
  },
});

const policy = (
  name: string,
  retention: BackupPolicy['spec']['retention'],
  more: Partial<BackupPolicy['spec']> = {},
) =>
  ({
    apiVersion: 'lifeboat/v1',
    kind: 'BackupPolicy',
    metadata: { name },
    spec: {
      site: 'lisle',
      dataClass: 'office-share',
      sources: { paths: [`/srv/${name}`] },
      repository: { target: 'nas', path: 'shared' },
      schedule: { cron: '0 1 * * *' },
      retention,
      ...more,
    },
  }) satisfies BackupPolicy;

const writeDoc = (dir: string, file: string, doc: unknown) =>
  writeFile(join(dir, file), `${JSON.stringify(doc, null, 2)}\n`);

/** The inventory as committed at HEAD, read from git like the plan reads its base. */
const inventoryAtHead = async (dir: string) => {
  const names = (await git(dir, 'ls-tree', '-r', '--name-only', 'HEAD'))
    .split('\n')
    .filter((f) => f.endsWith('.yaml'));
  const files = await Promise.all(
    names.map(async (path) => ({ path, content: await git(dir, 'show', `HEAD:${path}`) })),
  );
  return loadInventoryFromFiles(files).inventory;
};

const idsOf = (list: readonly { id: string }[]) => list.map((s) => s.id);
const at = (tag: string, time: string): string => {
  const found = before.find((s) => s.tags.includes(tag) && s.time.startsWith(time));
  if (!found) throw new Error(`no ${tag} snapshot at ${time}`);
  return found.id;
};

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'lifeboat-preview-e2e-'));
  server = await startRestServer({ dir: join(tmp, 'rest') });
  target = {
    repository: `${server.url}shared/`,
    env: { RESTIC_PASSWORD: PASSWORD },
    cacheDir: join(tmp, 'cache'),
  };
  const created = await init(target);
  if (created.outcome !== 'ok') throw new Error(`restic init: ${created.error.message}`);
  for (const name of ['office-share', 'pos']) {
    await mkdir(join(tmp, 'src', name), { recursive: true });
    await writeFile(join(tmp, 'src', name, 'data.txt'), `${name}\n`);
  }
  const backup = (name: string, time: string) =>
    backupAt({
      repository: target.repository,
      password: PASSWORD,
      cacheDir: join(tmp, 'cache'),
      host: HOST,
      tags: ['lifeboat', `policy:${name}`],
      time,
      source: join(tmp, 'src', name),
    });
  // office-share: one a day 01-01..01-06 at 10:00 and a second on 01-06 at 18:00; pos: 01-05 and 01-06.
  for (const day of ['01', '02', '03', '04', '05', '06'])
    await backup('office-share', `2026-01-${day} 10:00:00`);
  await backup('office-share', '2026-01-06 18:00:00');
  for (const day of ['05', '06']) await backup('pos', `2026-01-${day} 11:00:00`);
  const listed = await snapshots(target);
  if (listed.outcome !== 'ok') throw new Error(`restic snapshots: ${listed.error.message}`);
  before = listed.value;

  // The pull request: base commit with keepDaily 7 (and 2 for pos), working tree with keepDaily 3.
  const repo = join(tmp, 'infra');
  await mkdir(join(repo, 'sites'), { recursive: true });
  await mkdir(join(repo, 'policies'), { recursive: true });
  await git(repo, 'init', '-q', '-b', 'main');
  await writeDoc(repo, 'sites/lisle.yaml', site(server.url));
  await writeDoc(
    repo,
    'policies/office-share.yaml',
    policy('office-share', { keepDaily: 7 }, { host: HOST }),
  );
  await writeDoc(repo, 'policies/pos.yaml', policy('pos', { keepDaily: 2 }));
  await writeDoc(
    repo,
    'policies/lab.yaml',
    policy('lab', { keepDaily: 7 }, { repository: { target: 'nas-other-key', path: 'shared' } }),
  );
  await git(repo, 'add', '-A');
  await git(repo, 'commit', '-q', '-m', 'base');
  await writeDoc(
    repo,
    'policies/office-share.yaml',
    policy('office-share', { keepDaily: 3 }, { host: HOST }),
  );
  await writeDoc(
    repo,
    'policies/lab.yaml',
    policy('lab', { keepDaily: 3 }, { repository: { target: 'nas-other-key', path: 'shared' } }),
  );
  expect(await git(repo, 'status', '--porcelain')).toContain('policies/office-share.yaml');

  const started = performance.now();
  preview = await previewRetention({
    base: await inventoryAtHead(repo),
    head: (await loadInventory(repo)).inventory,
    site: 'lisle',
    env: { LISLE_NAS_PASSWORD: PASSWORD, LISLE_OTHER_PASSWORD: 'not-the-password' },
    stateDir: join(tmp, 'state'),
    timeoutMs: 60_000,
  });
  console.log(
    `retention preview: 2 policies, 3 restic calls in ${Math.round(performance.now() - started)} ms`,
  );
}, 180_000);

afterAll(async () => {
  await server?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('retention preview against a real repository', () => {
  it('made the nine snapshots it works on', () => {
    expect(before).toHaveLength(9);
  });

  it(
    'lists exactly the snapshots that tightening keepDaily 7 → 3 deletes, destructive section first',
    T,
    () => {
      expect(preview.site).toBe('lisle');
      expect(preview.resticVersion).toMatch(/^\d+\.\d+\.\d+/);
      expect(preview.policies.map((p) => [p.policy, p.status])).toEqual([
        ['office-share', 'previewed'],
        ['lab', 'failed'],
      ]);
      const office = preview.policies[0];
      expect(idsOf(office?.removed ?? [])).toEqual(
        ['2026-01-03', '2026-01-02', '2026-01-01'].map((d) => at('policy:office-share', `${d}T10:00:00`)),
      );
      expect(office?.removed.every((s) => s.reasons.includes('daily snapshot') && s.host === HOST)).toBe(
        true,
      );
      expect(office?.removed[0]?.tags).toEqual(['lifeboat', 'policy:office-share']);
      expect(office?.removed[0]?.paths).toEqual([join(tmp, 'src', 'office-share')]);
      // A second snapshot on 01-06 goes with or without the change.
      expect(idsOf(office?.removedAnyway ?? [])).toEqual([at('policy:office-share', '2026-01-06T10:00:00')]);
      expect(office).toMatchObject({
        newlyKept: [],
        keptByBoth: 3,
        total: 7,
        repository: `${server?.url}shared/`,
        scope: { tag: 'policy:office-share', host: HOST },
        rulesBefore: { daily: 7 },
        rulesAfter: { daily: 3 },
      });
    },
  );

  it('leaves the other policy in the same repository out: not queried, none of its snapshots listed', () => {
    const pos = before.filter((s) => s.tags.includes('policy:pos')).map((s) => s.id);
    expect(pos).toHaveLength(2);
    const listed = preview.policies
      .flatMap((p) => [...p.removed, ...p.newlyKept, ...p.removedAnyway])
      .map((s) => s.id);
    expect(listed.filter((id) => pos.includes(id))).toEqual([]);
    expect(preview.policies.some((p) => p.policy === 'pos')).toBe(false);
  });

  it('a repository that refuses the password gets a failed section with the catalogue code', () => {
    expect(preview.policies[1]).toMatchObject({
      policy: 'lab',
      status: 'failed',
      error: { code: 'restic.wrong-password', outcome: 'auth' },
      removed: [],
    });
  });

  it('deleted nothing and left no lock behind', T, async () => {
    const after = await snapshots(target);
    expect(after.outcome === 'ok' && idsOf(after.value).sort()).toEqual(idsOf(before).sort());
    const locks = await exec('restic', ['list', 'locks', '--no-lock'], {
      env: {
        RESTIC_REPOSITORY: target.repository,
        RESTIC_PASSWORD: PASSWORD,
        RESTIC_CACHE_DIR: join(tmp, 'cache'),
      },
      timeoutMs: 30_000,
    });
    expect(locks.exitCode).toBe(0);
    expect(locks.stdout.trim()).toBe('');
    expect(await readFile(join(tmp, 'infra', 'policies', 'pos.yaml'), 'utf8')).toContain('"keepDaily": 2');
  });
});
