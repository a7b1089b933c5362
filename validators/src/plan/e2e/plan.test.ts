import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edit, fileOf, policy, site, textOf } from '../testing/plan-inventory.js';
import { createTempRepo, type TempRepo } from '../testing/temp-repo.js';

// The built `lifeboat plan` against a real git history: two commits, then the working tree.

const CLI = fileURLToPath(new URL('../../../../cli/dist/main.js', import.meta.url));
const NOW = '2025-01-15T12:00:00Z';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const lifeboat = (args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Run> =>
  new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env, cwd }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });

describe('lifeboat plan (built CLI)', () => {
  let repo: TempRepo;
  const share = policy('share');
  const tightened = edit(share, (p) => {
    p.spec.retention.keepDaily = 7;
    p.spec.schedule.cron = '15 22 * * *';
  });

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`build first (npx tsc -b): ${CLI} is missing`);
    repo = await createTempRepo();
    await repo.write(fileOf(site()), textOf(site()));
    await repo.write(fileOf(share), textOf(share));
    await repo.write(fileOf(policy('old')), textOf(policy('old')));
    await repo.commit('base inventory');
    await repo.write(fileOf(tightened), textOf(tightened));
    await repo.write(fileOf(policy('fresh')), textOf(policy('fresh')));
    await repo.remove(fileOf(policy('old')));
    await repo.commit('tighten share, add fresh, remove old');
  });
  afterAll(() => repo?.dispose());

  it('prints the JSON plan of the last commit', async () => {
    const run = await lifeboat(
      ['plan', '--base', 'HEAD~1', '--root', repo.dir, '--format', 'json', '--now', NOW],
      repo.env,
      tmpdir(),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan.version).toBe(1);
    expect(plan.base).toEqual({
      label: 'HEAD~1',
      commit: (await repo.git('rev-parse', 'HEAD~1')).trim(),
      files: 3,
      objects: 3,
      failedFiles: [],
    });
    expect(plan.head).toMatchObject({ label: 'working tree', files: 3, objects: 3, failedFiles: [] });
    expect(plan.destructive).toBe(true);
    expect(plan.added).toEqual([{ kind: 'BackupPolicy', name: 'fresh', file: 'policies/fresh.yaml' }]);
    expect(plan.removed).toMatchObject([
      { kind: 'BackupPolicy', name: 'old', effect: expect.stringContaining('not deleted') },
    ]);
    expect(plan.changed).toEqual([
      {
        kind: 'BackupPolicy',
        name: 'share',
        file: 'policies/share.yaml',
        changes: [
          { path: 'spec.schedule.cron', change: 'changed', before: '30 1 * * *', after: '15 22 * * *' },
          { path: 'spec.retention.keepDaily', change: 'changed', before: 14, after: 7 },
        ],
      },
    ]);
    expect(plan.retention).toEqual([
      {
        kind: 'BackupPolicy',
        name: 'share',
        file: 'policies/share.yaml',
        key: 'keepDaily',
        before: 14,
        after: 7,
        direction: 'tightened',
        destructive: true,
        reason: 'keepDaily lowered from 14 to 7',
      },
    ]);
    const backup = plan.schedules.find(
      (s: { name: string; job: string }) => s.name === 'share' && s.job === 'backup',
    );
    expect(backup).toMatchObject({ change: 'changed', causes: ['cron'] });
    expect(backup.after.nextRuns).toEqual([
      '2025-01-15T22:15:00-06:00',
      '2025-01-16T22:15:00-06:00',
      '2025-01-17T22:15:00-06:00',
    ]);
    expect(plan.summary).toBe(
      'DESTRUCTIVE: 1 retention rule tightened; 1 added, 1 removed, 1 changed; 9 schedule changes.',
    );
  });

  it('writes the Markdown comment to --output', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'lifeboat-plan-out-'));
    try {
      const file = path.join(out, 'plan.md');
      const run = await lifeboat(
        ['plan', '--base', 'HEAD~1', '--output', file, '--now', NOW],
        repo.env,
        repo.dir,
      );
      expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
      const md = await readFile(file, 'utf8');
      expect(md.startsWith('## lifeboat plan\n')).toBe(true);
      expect(md).toContain('> [!CAUTION]');
      expect(md).toContain('keepDaily lowered from 14 to 7');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('still prints a plan (exit 0) when the working tree has a file that does not load', async () => {
    await repo.write('policies/broken.yaml', 'apiVersion: lifeboat/v1\nkind: BackupPolicy\nmetadata: [');
    try {
      const run = await lifeboat(
        ['plan', '--base', 'HEAD', '--format', 'json', '--now', NOW],
        repo.env,
        repo.dir,
      );
      expect(run.code).toBe(0);
      const plan = JSON.parse(run.stdout);
      expect(plan.head.failedFiles).toEqual(['policies/broken.yaml']);
      expect(plan.summary).toBe('No changes among the objects that loaded; 1 file failed to load at head.');
    } finally {
      await repo.remove('policies/broken.yaml');
    }
  });

  it('answers usage errors with exit 2 and one line, no stack trace', async () => {
    const notGit = await mkdtemp(path.join(tmpdir(), 'lifeboat-not-git-'));
    try {
      const cases: [string[], RegExp][] = [
        [
          ['plan', '--base', 'no-such-ref', '--root', repo.dir],
          /^lifeboat plan: unknown git ref "no-such-ref"/,
        ],
        [['plan', '--base', '-rf', '--root', repo.dir], /^lifeboat plan: invalid git ref "-rf"/],
        [['plan', '--base', 'HEAD', '--root', notGit], /^lifeboat plan: ".*" is not inside a git work tree/],
        [
          ['plan', '--base', 'HEAD', '--root', repo.dir, '--format', 'sarif'],
          /^lifeboat plan: --format "sarif" is not one of markdown, json$/,
        ],
        [
          ['plan', '--base', 'HEAD', '--root', repo.dir, '--now', 'tomorrow'],
          /^lifeboat plan: --now "tomorrow" is not an ISO time/,
        ],
        [['plan', '--root', repo.dir], /^lifeboat plan: --base <git-ref> is required/],
      ];
      for (const [args, message] of cases) {
        const run = await lifeboat(args, repo.env, repo.dir);
        expect(run.code, args.join(' ')).toBe(2);
        expect(run.stdout).toBe('');
        expect(run.stderr.trimEnd().split('\n'), run.stderr).toHaveLength(1);
        expect(run.stderr.trimEnd()).toMatch(message);
      }
    } finally {
      await rm(notGit, { recursive: true, force: true });
    }
  });

  it('explains itself with --help', async () => {
    const run = await lifeboat(['plan', '--help'], repo.env, repo.dir);
    expect(run.code).toBe(0);
    for (const flag of [
      '--base <git-ref>',
      '--root <dir>',
      '--format <format>',
      '--output <file>',
      '--now <iso-time>',
    ]) {
      expect(run.stdout).toContain(flag);
    }
  });
});
