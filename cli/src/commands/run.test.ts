import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkRunRecord, type RunRecord } from '@lifeboat/core';
import { readRunRecords } from '@lifeboat/runners';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `lifeboat run` end to end with the built CLI (run `npx tsc -b` first): the decision on the repository's
// inventory, and real runs (restic on a local repository) on a temp site, including a real SIGINT.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = path.join(ROOT, 'cli/dist/main.js');
const NOW = '2025-01-15T12:00:00Z';

const lifeboat = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const run = spawnSync(process.execPath, [MAIN, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    timeout: 90_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
};

const jsonLines = (text: string): Array<Record<string, unknown>> =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'lifeboat-run-cli-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('lifeboat run --dry-run on the repository inventory', () => {
  it('prints one JSON line per job considered and a summary, and runs nothing', async () => {
    const state = path.join(tmp, 'dry-state');
    const run = lifeboat([
      'run',
      '--root',
      ROOT,
      '--site',
      'lisle',
      '--due',
      '--dry-run',
      '--json',
      '--now',
      NOW,
      '--state-dir',
      state,
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = jsonLines(run.stdout);
    const summary = lines.at(-1);
    expect(summary).toMatchObject({
      event: 'summary',
      dryRun: true,
      site: 'lisle',
      now: '2025-01-15T12:00:00.000Z',
    });
    const planned = lines.slice(0, -1);
    expect(planned.every((l) => l.event === 'planned')).toBe(true);
    const count = (status: string) => planned.filter((l) => l.status === status).length;
    expect(count('due')).toBe(summary?.due);
    expect(count('waiting-for-window') + count('retry-later')).toBe(summary?.waiting);
    expect(count('skipped')).toBe(summary?.skipped);
    // Nothing ran yet: every backup of the site is due now, and runnable by this build.
    expect(planned.find((l) => l.key === 'backup:policy:lisle-finance-share')).toMatchObject({
      status: 'due',
      runnable: true,
      repository: 'lisle/lisle-nas/office-shares',
    });
    // Heavy jobs wait for Lisle's window, which opens at 22:00 Chicago time (04:00Z).
    const prune = planned.find((l) => l.job === 'prune');
    expect(prune).toMatchObject({ status: 'waiting-for-window', until: '2025-01-16T04:00:00.000Z' });
    // Read-only: the state directory is not even created.
    await expect(readdir(state)).rejects.toThrow(/ENOENT/);
  });

  it('prints the decision as a table for people', () => {
    const run = lifeboat([
      'run',
      '--root',
      ROOT,
      '--site',
      'lisle',
      '--due',
      '--dry-run',
      '--now',
      NOW,
      '--state-dir',
      path.join(tmp, 'dry-state'),
    ]);
    expect(run.status).toBe(0);
    const [head, columns] = run.stdout.split('\n');
    expect(head).toMatch(/^site lisle at 2025-01-15T12:00:00\.000Z: \d+ due, \d+ waiting, 0 skipped$/);
    expect(columns).toMatch(/^STATUS\s+JOB\s+FOR\s+REPOSITORY\s+UNTIL\s+WHY$/);
  });

  it.each([
    [['--site', 'nowhere', '--due'], /--site "nowhere" is not in the inventory/],
    [['--site', 'lisle'], /give exactly one of --due and --job/],
    [['--site', 'lisle', '--due', '--job', 'drill'], /give exactly one of --due and --job/],
    [['--site', 'lisle', '--job', 'drill'], /--job drill needs exactly one of --policy and --image/],
    [['--site', 'lisle', '--due', '--policy', 'lisle-finance-share'], /--policy goes with --job, not --due/],
    [['--site', 'lisle', '--job', 'backup', '--policy', 'x'], /unknown --job "backup"/],
    [['--site', 'lisle', '--due', '--now', 'yesterday'], /--now "yesterday" is not a time/],
  ])('refuses %j with exit 2 and one line', (args, message) => {
    const run = lifeboat(['run', '--root', ROOT, ...args]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});

// A site on this machine: a local restic repository, a source directory, a policy with a drill.
const PASSWORD = 'run-cli-test-password';

const siteYaml = (root: string) => `apiVersion: lifeboat/v1
kind: Site
metadata:
  name: lab
spec:
  timezone: Europe/Berlin
  environment: lab
  runner:
    labels: [site-lab]
  nas:
    - name: nas
      repository: ${root}/repos
      credentials:
        passwordEnv: LAB_NAS_PASSWORD
  access:
    approvers: []
    requesters: []
`;

const policyYaml = (root: string, name: string, extra = '') => `apiVersion: lifeboat/v1
kind: BackupPolicy
metadata:
  name: ${name}
spec:
  site: lab
  dataClass: office-share
  sources:
    paths: [${root}/src]
  repository:
    target: nas
    path: ${name}
  schedule:
    cron: '0 * * * *'
  retention:
    keepLast: 3
  restore:
    approval: none
    alternateTarget: ${root}/restore
${extra}`;

const makeSite = async (name: string, policies: Array<[string, string?]>) => {
  const root = path.join(tmp, name);
  for (const dir of ['sites', 'policies', 'src', 'repos'])
    await mkdir(path.join(root, dir), { recursive: true });
  await writeFile(path.join(root, 'src', 'ledger.txt'), 'the books\n');
  await writeFile(path.join(root, 'sites', 'lab.yaml'), siteYaml(root));
  for (const [policy, extra] of policies)
    await writeFile(path.join(root, 'policies', `${policy}.yaml`), policyYaml(root, policy, extra));
  const flags = [
    '--root',
    root,
    '--site',
    'lab',
    '--state-dir',
    path.join(root, 'state'),
    '--sandbox-dir',
    path.join(root, 'sandbox'),
  ];
  const records = async (): Promise<RunRecord[]> =>
    (await readRunRecords(path.join(root, 'state'), { site: 'lab' })).records;
  return { root, flags, records };
};

describe('lifeboat run on a site of this machine', () => {
  it('backs up, forgets after the backup, drills, records each run, and finds nothing due right after', async () => {
    const site = await makeSite('ok-site', [
      ['docs', "  drill:\n    schedule:\n      cron: '0 3 * * *'\n    kind: sample\n"],
    ]);
    const summaryFile = path.join(site.root, 'step-summary.md');
    await writeFile(summaryFile, '');
    const env = { LAB_NAS_PASSWORD: PASSWORD, GITHUB_STEP_SUMMARY: summaryFile };
    const out = path.join(site.root, 'out');
    const run = lifeboat(
      [
        'run',
        ...site.flags,
        '--due',
        '--json',
        '--metrics-dir',
        out,
        '--copy-records',
        path.join(out, 'records'),
      ],
      env,
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(lines[0]?.event).toBe('decision');
    expect(lines.filter((l) => l.event === 'job-end').map((l) => `${l.job} ${l.outcome}`)).toEqual([
      'backup ok',
      'forget ok',
      'drill ok',
    ]);
    expect(lines.at(-1)).toMatchObject({ event: 'summary', ok: true, counts: { ok: 3 } });

    const records = await site.records();
    expect(records.map((r) => r.job).sort()).toEqual(['backup', 'drill', 'forget']);
    expect(records.every((r) => checkRunRecord(r).ok && r.outcome === 'ok')).toBe(true);
    expect((await readdir(path.join(out, 'records'))).sort()).toEqual(
      records.map((r) => `${r.id}.json`).sort(),
    );
    expect(await readFile(path.join(out, 'lifeboat.prom'), 'utf8')).toMatch(
      /^lifeboat_last_success_timestamp_seconds\{site="lab",policy="docs",job="backup"\} \d+/m,
    );
    const markdown = await readFile(summaryFile, 'utf8');
    expect(markdown).toContain('## lifeboat run — lab');
    expect(markdown).toContain('3 of 3 due job(s) ended ok.');

    const again = lifeboat(['run', ...site.flags, '--due'], env);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/^site lab: nothing due at /);
  }, 120_000);

  it('exits 1 when a job fails, and leaves retention alone', async () => {
    const site = await makeSite('no-password', [['docs']]);
    const run = lifeboat(['run', ...site.flags, '--due'], {});
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(
      /^AUTH\s+backup\s+docs\s+\S+\s+credentials\.missing: environment variable LAB_NAS_PASSWORD/m,
    );
    expect(run.stdout).toMatch(/^skipped\s+forget\s+docs\s+-\s+this run's backup of the policy ended auth/m);
    expect((await site.records()).map((r) => `${r.job} ${r.outcome}`)).toEqual(['backup auth']);
  }, 60_000);

  it('on SIGINT records the running job as cancelled, starts no other, and exits 1', async () => {
    const slowHook = "  hooks:\n    pre:\n      command: [/bin/sleep, '60']\n      timeout: 5m\n";
    const site = await makeSite('cancelled', [['docs', slowHook]]);
    const child = spawn(process.execPath, [MAIN, 'run', ...site.flags, '--due', '--json'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LAB_NAS_PASSWORD: PASSWORD },
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    let signalled = false;
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        // The hook is running once the backup has started. One signal: a second one exits at once.
        if (stdout.includes('"event":"job-start"') && !signalled) {
          signalled = true;
          setTimeout(() => child.kill('SIGINT'), 500);
        }
      });
      child.on('close', resolve);
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/SIGINT: cancelling the running job/);
    const ends = jsonLines(stdout).filter((l) => l.event === 'job-end');
    expect(ends.map((l) => `${l.job} ${l.outcome}`)).toEqual(['backup cancelled', 'forget not-started']);
    expect((await site.records()).map((r) => `${r.job} ${r.outcome}`)).toEqual(['backup cancelled']);
  }, 60_000);

  it('restores on request to the alternate target, and refuses what the policy does not allow', async () => {
    const site = await makeSite('restore', [['docs']]);
    const env = { LAB_NAS_PASSWORD: PASSWORD };
    expect(lifeboat(['run', ...site.flags, '--due'], env).status).toBe(0);
    const restored = lifeboat(
      [
        'run',
        ...site.flags,
        '--job',
        'restore',
        '--policy=docs',
        '--image=',
        `--paths=${site.root}/src/ledger.txt`,
        '--request-id=req-42',
        '--requester=UREQUEST01',
        '--json',
      ],
      env,
    );
    expect(restored.stderr).toBe('');
    expect(restored.status).toBe(0);
    const end = jsonLines(restored.stdout).find((l) => l.event === 'job-end');
    expect(end).toMatchObject({
      job: 'restore',
      outcome: 'ok',
      reason: 'requested by UREQUEST01 (request "req-42")',
    });
    const record = (await site.records()).find((r) => r.job === 'restore');
    expect(record).toMatchObject({ requester: 'UREQUEST01', outcome: 'ok' });
    const copy = path.join(site.root, 'restore', record?.id ?? '', site.root, 'src', 'ledger.txt');
    expect(await readFile(copy, 'utf8')).toBe('the books\n');

    const inPlace = lifeboat(
      [
        'run',
        ...site.flags,
        '--job',
        'restore',
        '--policy',
        'docs',
        '--target',
        'in-place',
        '--request-id',
        'req-43',
      ],
      env,
    );
    expect(inPlace.status).toBe(2);
    expect(inPlace.stderr).toMatch(/policy "docs" does not allow in-place restores/);
  }, 120_000);
});
