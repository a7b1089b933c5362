import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunRecord } from '@lifeboat/core';
import { writeRunRecord } from '@lifeboat/runners';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeRecord, tempStateDir } from '../../../runners/src/ledger/testing/records.js';

// End to end with the built CLI (run `npx tsc -b` first) on a state directory written through the ledger.
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

const lifeboat = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const run = spawnSync(process.execPath, [MAIN, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
    timeout: 20_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
};

let dir: string;
let cleanup: () => Promise<void>;
let records: RunRecord[];
beforeEach(async () => {
  ({ dir, cleanup } = await tempStateDir());
  records = [
    makeRecord({ startedAt: '2025-01-05T10:15:00Z' }),
    makeRecord({
      startedAt: '2025-01-14T10:15:00Z',
      outcome: 'locked',
      durationSeconds: 95,
      error: { code: 'restic.locked', message: 'repository is already locked\nby PID 4242' },
    }),
    makeRecord({ startedAt: '2025-01-14T12:15:00Z', job: 'check' }),
    makeRecord({
      startedAt: '2025-01-14T13:00:00Z',
      policy: undefined,
      image: 'hp-kvm-sdcard',
      job: 'image-capture',
    }),
    makeRecord({ startedAt: '2025-01-15T01:00:00Z', site: 'portage', policy: 'portage-shared-drive' }),
  ];
  for (const r of records) await writeRunRecord(dir, r);
});
afterEach(() => cleanup());

describe('lifeboat runs', () => {
  it('lists every run oldest first, one line each, with a count', () => {
    const run = lifeboat(['runs', '--state-dir', dir]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^STARTED\s+SITE\s+SUBJECT\s+JOB\s+OUTCOME\s+DURATION\s+ID\s+ERROR$/);
    expect(lines.slice(1, -1).map((l) => l.split(/\s{2,}/).slice(0, 5))).toEqual([
      ['2025-01-05T10:15:00Z', 'lisle', 'lisle-finance-share', 'backup', 'ok'],
      ['2025-01-14T10:15:00Z', 'lisle', 'lisle-finance-share', 'backup', 'locked'],
      ['2025-01-14T12:15:00Z', 'lisle', 'lisle-finance-share', 'check', 'ok'],
      ['2025-01-14T13:00:00Z', 'lisle', 'image:hp-kvm-sdcard', 'image-capture', 'ok'],
      ['2025-01-15T01:00:00Z', 'portage', 'portage-shared-drive', 'backup', 'ok'],
    ]);
    // A tool's multi-line message stays on its run's line.
    expect(lines[2]).toContain('restic.locked: repository is already locked\\nby PID 4242');
    expect(lines[2]).toContain(records[1]?.id);
    expect(lines.at(-1)).toBe('5 run(s)');
  });

  // Six runs of the built CLI, one after another: room for a loaded machine (it took 16 s of the 30 s default).
  it('filters by site, policy, image, job, outcome and --since relative to --now', {
    timeout: 90_000,
  }, () => {
    const count = (args: string[]) => {
      const run = lifeboat(['runs', '--state-dir', dir, '--format', 'json', ...args]);
      expect(run.status, run.stderr).toBe(0);
      return (JSON.parse(run.stdout) as { runs: RunRecord[] }).runs.map((r) => r.id);
    };
    const id = (i: number) => records[i]?.id;
    expect(count(['--site', 'portage'])).toEqual([id(4)]);
    expect(count(['--policy', 'lisle-finance-share', '--job', 'backup'])).toEqual([id(0), id(1)]);
    expect(count(['--image', 'hp-kvm-sdcard'])).toEqual([id(3)]);
    expect(count(['--outcome', 'locked'])).toEqual([id(1)]);
    expect(count(['--since', '1d', '--now', '2025-01-15T11:00:00Z'])).toEqual([id(2), id(3), id(4)]);
    expect(count(['--since', '2025-01-14T12:00:00Z', '--now', '2025-01-14T23:59:59Z'])).toEqual([
      id(2),
      id(3),
    ]);
  });

  it('gives the records themselves in --format json', () => {
    const run = lifeboat(['runs', '--state-dir', dir, '--format', 'json']);
    expect(JSON.parse(run.stdout)).toEqual({ version: 1, stateDir: dir, runs: records, problems: [] });
  });

  it('reports a corrupt record on standard error and lists the rest', async () => {
    const month = path.join(dir, 'runs/lisle/2025/01');
    await writeFile(
      path.join(month, '20250114T999999999Z-aaaaaaaaaaaa.json'),
      '{"apiVersion": "lifeboat/v1", "kin',
    );
    const run = lifeboat(['runs', '--state-dir', dir]);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(
      'lifeboat runs: warning: runs/lisle/2025/01/20250114T999999999Z-aaaaaaaaaaaa.json: not valid JSON (a torn or foreign file); ignored (ledger.corrupt)\n',
    );
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('5 run(s)');
  });

  it("finds --site's records in its runner.stateDir from the inventory under --root", async () => {
    const root = path.join(dir, 'inventory');
    await mkdir(path.join(root, 'sites'), { recursive: true });
    await writeFile(
      path.join(root, 'sites/portage.yaml'),
      `apiVersion: lifeboat/v1
kind: Site
metadata:
  name: portage
spec:
  timezone: America/Detroit
  environment: office
  runner:
    labels: [portage]
    stateDir: ${dir}
  nas: []
  access:
    approvers: []
    requesters: []
`,
    );
    const run = lifeboat(['runs', '--root', root, '--site', 'portage', '--format', 'json']);
    expect(run.stderr).toBe('');
    expect((JSON.parse(run.stdout) as { runs: RunRecord[] }).runs.map((r) => r.id)).toEqual([records[4]?.id]);
  });

  it.each([
    [['--format', 'xml'], 'lifeboat runs: unknown --format "xml": expected one of human, json'],
    [
      ['--job', 'nap'],
      'lifeboat runs: unknown --job "nap": expected one of backup, forget, prune, check, sync, image-capture, image-restore, sd-write, restore, drill',
    ],
    [
      ['--outcome', 'great'],
      'lifeboat runs: unknown --outcome "great": expected one of ok, partial, failed, locked, auth, cancelled',
    ],
    [
      ['--site', '../etc'],
      'lifeboat runs: --site "../etc" is not a name (lower-case letters, digits and dashes)',
    ],
    [
      ['--since', 'soon'],
      'lifeboat runs: --since "soon" is neither a duration (7d, 12h) nor a time (2025-01-14)',
    ],
    [
      ['--now', 'yesterday'],
      'lifeboat runs: --now "yesterday" is not a time: expected ISO 8601, e.g. 2025-01-15T12:00:00Z',
    ],
    [
      ['--now', '2025-02-30T00:00:00Z'],
      'lifeboat runs: --now "2025-02-30T00:00:00Z" is not a time: expected ISO 8601, e.g. 2025-01-15T12:00:00Z',
    ],
  ])('refuses %j with one line and exit 2', (args, message) => {
    const run = lifeboat(['runs', '--state-dir', dir, ...args]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`${message}\n`);
  });

  it('refuses a --state-dir that does not exist, and an unknown flag', () => {
    const missing = lifeboat(['runs', '--state-dir', path.join(dir, 'typo')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(
      `lifeboat runs: --state-dir ${JSON.stringify(path.join(dir, 'typo'))} does not exist\n`,
    );
    const unknown = lifeboat(['runs', '--colour']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
