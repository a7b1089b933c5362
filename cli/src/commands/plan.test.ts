import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exec } from '@lifeboat/runners';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `lifeboat plan --snapshots` with the built CLI (run `npx tsc -b` first): usage errors on a machine that is
// not the site's runner, and a real preview (restic 0.14, local repository) in a throw-away git repository.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = path.join(ROOT, 'cli/dist/main.js');
const PASSWORD = 'plan-cli-test-password';
const NOW = '2026-01-10T12:00:00Z';

let tmp = '';
let repo = '';

const gitEnv = (home: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: home,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Lifeboat Test',
  GIT_AUTHOR_EMAIL: 'test@lifeboat.example',
  GIT_COMMITTER_NAME: 'Lifeboat Test',
  GIT_COMMITTER_EMAIL: 'test@lifeboat.example',
});

const lifeboat = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const run = spawnSync(
    process.execPath,
    [MAIN, 'plan', '--root', repo, '--base', 'HEAD', '--now', NOW, ...args],
    {
      cwd: repo,
      encoding: 'utf8',
      env: { ...gitEnv(tmp), ...env },
      timeout: 90_000,
    },
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
};

const git = (...args: string[]) => {
  const r = spawnSync('git', args, { cwd: repo, env: gitEnv(tmp), encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
};

const siteYaml = (nas: string) => `apiVersion: lifeboat/v1
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
      repository: ${nas}
      credentials:
        passwordEnv: LAB_NAS_PASSWORD
    - name: spare
      repository: ${nas}
      credentials:
        passwordEnv: LAB_SPARE_PASSWORD
  access:
    approvers: []
    requesters: []
`;

const policyYaml = (name: string, target: string, keepLast: number) => `apiVersion: lifeboat/v1
kind: BackupPolicy
metadata:
  name: ${name}
spec:
  site: lab
  dataClass: office-share
  sources:
    paths: [/srv/${name}]
  repository:
    target: ${target}
    path: shared
  schedule:
    cron: '0 1 * * *'
  retention:
    keepLast: ${keepLast}
`;

const resticEnv = () => ({
  RESTIC_REPOSITORY: path.join(tmp, 'nas', 'shared'),
  RESTIC_PASSWORD: PASSWORD,
  RESTIC_CACHE_DIR: path.join(tmp, 'cache'),
  TZ: 'UTC',
});

const restic = async (...args: string[]) => {
  const r = await exec('restic', args, { env: resticEnv(), timeoutMs: 60_000 });
  if (r.exitCode !== 0) throw new Error(`restic ${args[0]}: ${r.stderr}`);
  return r.stdout;
};

const listSnapshots = async () =>
  JSON.parse(await restic('snapshots', '--json', '--no-lock')) as { id: string; time: string }[];
const snapshotIds = async (): Promise<string[]> => (await listSnapshots()).map((s) => s.id).sort();

let ids: string[] = [];
/** Snapshot id by its faked day (`01`, `02`, `03`). */
const byDay: Record<string, string> = {};

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'lifeboat-plan-snapshots-'));
  repo = path.join(tmp, 'infra');
  await mkdir(path.join(repo, 'sites'), { recursive: true });
  await mkdir(path.join(repo, 'policies'), { recursive: true });
  await mkdir(path.join(tmp, 'src'), { recursive: true });
  await writeFile(path.join(tmp, 'src', 'file.txt'), 'data\n');
  await restic('init');
  for (const day of ['01', '02', '03'])
    await restic(
      'backup',
      '--json',
      '--host=lab-host',
      '--tag=lifeboat',
      '--tag=policy:files',
      `--time=2026-01-${day} 10:00:00`,
      '--',
      path.join(tmp, 'src'),
    );
  ids = await snapshotIds();
  for (const snap of await listSnapshots()) byDay[snap.time.slice(8, 10)] = snap.id;
  git('init', '-q', '-b', 'main');
  await writeFile(path.join(repo, 'sites', 'lab.yaml'), siteYaml(path.join(tmp, 'nas')));
  await writeFile(path.join(repo, 'policies', 'files.yaml'), policyYaml('files', 'nas', 3));
  await writeFile(path.join(repo, 'policies', 'spare.yaml'), policyYaml('spare', 'spare', 3));
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  await writeFile(path.join(repo, 'policies', 'files.yaml'), policyYaml('files', 'nas', 1));
  await writeFile(path.join(repo, 'policies', 'spare.yaml'), policyYaml('spare', 'spare', 1));
  // A bin directory with git but no restic: a machine that can plan but is no runner.
  await mkdir(path.join(tmp, 'bin'));
  const which = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
  await symlink(which, path.join(tmp, 'bin', 'git'));
}, 120_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('lifeboat plan --snapshots: usage', () => {
  it.each([
    [['--snapshots'], {}, '--snapshots needs --site <name>: the site whose runner queries its repositories'],
    [['--site', 'lab'], {}, '--site and --state-dir go with --snapshots'],
    [['--snapshots', '--site', 'Bad Name'], {}, '--site "Bad Name" is not a name'],
    [['--snapshots', '--site', 'nowhere'], {}, `--site "nowhere" is not in the working tree's inventory`],
    [
      ['--snapshots', '--site', 'lab'],
      {},
      `no repository credentials of site "lab" are set here (such as LAB_NAS_PASSWORD, LAB_SPARE_PASSWORD); --snapshots runs on the site's runner`,
    ],
  ] as const)('%j → exit 2 and one line', (args, env, message) => {
    const run = lifeboat([...args], env);
    expect(run.stderr).toBe(`lifeboat plan: ${message}\n`);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
  });

  it('a machine without restic is not a runner: exit 2 and one line', () => {
    const run = lifeboat(['--snapshots', '--site', 'lab'], {
      PATH: path.join(tmp, 'bin'),
      LAB_NAS_PASSWORD: PASSWORD,
    });
    expect(run.stderr).toBe(
      `lifeboat plan: restic is not usable here (restic.not-installed); --snapshots runs on site "lab"'s runner\n`,
    );
    expect(run.status).toBe(2);
  });
});

describe('lifeboat plan --snapshots on the runner', () => {
  const env = { LAB_NAS_PASSWORD: PASSWORD, LAB_SPARE_PASSWORD: 'wrong-password' };

  it('JSON: the two snapshots keepLast 3 → 1 deletes, and a section for the repository it could not open', () => {
    const run = lifeboat(
      ['--snapshots', '--site', 'lab', '--state-dir', path.join(tmp, 'state'), '--format', 'json'],
      env,
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const plan = JSON.parse(run.stdout) as {
      destructive: boolean;
      snapshots: {
        site: string;
        policies: { policy: string; status: string; removed: { id: string }[]; error?: { code: string } }[];
      };
    };
    expect(plan.destructive).toBe(true);
    expect(plan.snapshots.site).toBe('lab');
    expect(plan.snapshots.policies.map((p) => [p.policy, p.status, p.error?.code])).toEqual([
      ['files', 'previewed', undefined],
      ['spare', 'failed', 'restic.wrong-password'],
    ]);
    // The newest stays; the two older ones (by their faked times) go, newest first.
    expect(plan.snapshots.policies[0]?.removed.map((s) => s.id)).toEqual([byDay['02'], byDay['01']]);
  });

  it('Markdown: a section per policy, destructive first, nothing deleted afterwards', async () => {
    const run = lifeboat(['--snapshots', '--site', 'lab', '--state-dir', path.join(tmp, 'state')], env);
    expect(run.status).toBe(0);
    const md = run.stdout;
    const section = md.indexOf('### Snapshots at site <code>lab</code> (restic ');
    expect(section).toBeGreaterThan(0);
    expect(md.indexOf('#### Policy <code>files</code>: **deletes 2 snapshots**')).toBeGreaterThan(section);
    expect(md.indexOf('#### Policy <code>spare</code>: **preview failed**')).toBeGreaterThan(
      md.indexOf('#### Policy <code>files</code>'),
    );
    expect(md).toContain('<code>restic.wrong-password</code>');
    expect(md).toContain('> **2 snapshots of 1 policy would be deleted** by the first forget after merge.');
    expect(md).toContain('| 2026-01-02 10:00:00Z | <code>lab-host</code> |');
    expect(md).toContain('| 2026-01-01 10:00:00Z | <code>lab-host</code> |');
    expect(md).not.toContain('| 2026-01-03 10:00:00Z |');
    expect(await snapshotIds()).toEqual(ids);
  });
});
