import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { restic } from '@lifeboat/runners';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `lifeboat doctor` end to end with the built CLI on a site of this machine: a local repository made by
// the real `restic init`, checked with and without its password in the environment.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = path.join(ROOT, 'cli/dist/main.js');
const PASSWORD = 'doctor-cli-password-51b0';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'lifeboat-doctor-cli-'));
  for (const dir of ['sites', 'policies', 'repos']) await mkdir(path.join(root, dir), { recursive: true });
  await writeFile(
    path.join(root, 'sites', 'lab.yaml'),
    `apiVersion: lifeboat/v1
kind: Site
metadata:
  name: lab
spec:
  timezone: Europe/Berlin
  environment: lab
  runner:
    labels: [site-lab]
    stateDir: ${root}/state
    sandboxDir: ${root}/sandbox
  nas:
    - name: nas
      repository: ${root}/repos
      credentials:
        passwordEnv: LAB_NAS_PASSWORD
  access:
    approvers: []
    requesters: []
`,
  );
  await writeFile(
    path.join(root, 'policies', 'docs.yaml'),
    `apiVersion: lifeboat/v1
kind: BackupPolicy
metadata:
  name: docs
spec:
  site: lab
  dataClass: office-share
  sources:
    paths: [/srv/docs]
  repository:
    target: nas
    path: docs
  schedule:
    cron: '0 * * * *'
  retention:
    keepLast: 3
`,
  );
  const made = await restic.init({
    repository: path.join(root, 'repos', 'docs'),
    env: { RESTIC_PASSWORD: PASSWORD },
  });
  if (made.outcome !== 'ok') throw new Error(`restic init: ${made.error.message}`);
}, 60_000);
afterAll(() => rm(root, { recursive: true, force: true }));

const doctor = (args: string[], env: NodeJS.ProcessEnv) => {
  const run = spawnSync(process.execPath, [MAIN, 'doctor', '--root', root, '--site', 'lab', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
};

describe('lifeboat doctor', () => {
  it('passes when the repository opens with the password from the environment', () => {
    const run = doctor([], { LAB_NAS_PASSWORD: PASSWORD });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^ok\s+repository nas\/docs: .*\/repos\/docs opens \(repository [0-9a-f]{8}, restic /m,
    );
    expect(run.stdout).toMatch(/^ok\s+tool\s+restic: restic \d+\.\d+\.\d+/m);
    expect(run.stdout).toMatch(/^0 failed, \d+ warning\(s\), \d+ ok for site lab$/m);
    expect(run.stdout).not.toContain(PASSWORD);
  });

  it('fails naming the missing variable, with the fix and no value', () => {
    const run = doctor(['--json'], { RESTIC_PASSWORD: PASSWORD });
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as {
      ok: boolean;
      findings: Array<{ area: string; status: string; message: string; fix?: string }>;
    };
    expect(report.ok).toBe(false);
    const repo = report.findings.find((f) => f.area === 'repository');
    expect(repo?.status).toBe('fail');
    expect(repo?.message).toMatch(/credentials not set on this runner: LAB_NAS_PASSWORD \(used by "docs"\)$/);
    expect(repo?.fix).toMatch(/^set LAB_NAS_PASSWORD in the runner's environment/);
    // A password under another name is not used, and not shown.
    expect(run.stdout).not.toContain(PASSWORD);
  });

  it('exits 2 for a bad flag', () => {
    const run = doctor(['--timeout', 'soon'], {});
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'lifeboat doctor: --timeout "soon" is not a number of seconds between 1 and 600\n',
    );
  });
});
