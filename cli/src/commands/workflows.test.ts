import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// `lifeboat workflows` end to end with the built CLI: the repository's generated workflows are current, and
// drift in a copy of the repository is caught and repaired.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = path.join(ROOT, 'cli/dist/main.js');

const lifeboat = (args: string[]) => {
  const run = spawnSync(process.execPath, [MAIN, 'workflows', ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
};

describe('lifeboat workflows --check on the repository', () => {
  it('finds every generated workflow up to date', () => {
    const run = lifeboat(['--check', '--root', ROOT]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^\d+ generated workflow\(s\) up to date\n$/);
    expect(run.status).toBe(0);
  });
});

describe('lifeboat workflows on a copy of the repository', () => {
  let copy: string;
  beforeEach(async () => {
    copy = await mkdtemp(path.join(tmpdir(), 'lifeboat-workflows-cli-'));
    for (const dir of ['sites', 'policies', 'images', '.github'])
      await cp(path.join(ROOT, dir), path.join(copy, dir), { recursive: true });
  });
  afterEach(() => rm(copy, { recursive: true, force: true }));

  it('fails listing a hand-edited, a deleted and a left-over file, and --write repairs them', async () => {
    const workflows = path.join(copy, '.github/workflows');
    const lisle = path.join(workflows, 'site-lisle.yml');
    await writeFile(
      lisle,
      (await readFile(lisle, 'utf8')).replace('cancel-in-progress: false', 'cancel-in-progress: true'),
    );
    await unlink(path.join(workflows, 'drill.yml'));
    // A site removed from sites/ leaves its generated workflow behind.
    await rm(path.join(copy, 'sites', 'portage.yaml'));
    await rm(path.join(copy, 'policies', 'portage-shared-drive.yaml'));

    const check = lifeboat(['--check', '--root', copy]);
    expect(check.status).toBe(1);
    expect(check.stdout.split('\n').filter(Boolean).sort()).toEqual([
      'drifted    .github/workflows/plan-snapshots.yml',
      'drifted    .github/workflows/restore.yml',
      'drifted    .github/workflows/site-lisle.yml',
      'missing    .github/workflows/drill.yml',
      'stale      .github/workflows/site-portage.yml',
    ]);
    expect(check.stderr).toMatch(/5 generated workflow\(s\) out of date: run lifeboat workflows --write/);

    const write = lifeboat(['--write', '--root', copy]);
    expect(write.status).toBe(0);
    expect(write.stdout).toMatch(/^removed\s+\.github\/workflows\/site-portage\.yml$/m);
    expect(lifeboat(['--check', '--root', copy]).status).toBe(0);
    // Hand-written workflows are not touched.
    expect(await readFile(path.join(workflows, 'ci.yml'), 'utf8')).toBe(
      await readFile(path.join(ROOT, '.github/workflows/ci.yml'), 'utf8'),
    );
  });

  it('refuses to judge from an inventory with errors', async () => {
    await writeFile(
      path.join(copy, 'sites', 'broken.yaml'),
      'apiVersion: lifeboat/v1\nkind: Site\nmetadata: {name: broken}\n',
    );
    const run = lifeboat(['--check', '--root', copy]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^lifeboat workflows: the inventory has \d+ error\(s\) \(first: sites\/broken\.yaml:/,
    );
  });
});
