import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadInventory } from '@lifeboat/core';
import { type Report, writeRunRecord } from '@lifeboat/runners';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeRecord, tempStateDir } from '../../../runners/src/ledger/testing/records.js';
import { parseExposition } from '../../../runners/src/reports/testing/parse-exposition.js';

// End to end with the built CLI (run `npx tsc -b` first): the repository's inventory, a temp ledger.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = path.join(ROOT, 'cli/dist/main.js');
const NOW = '2025-01-15T12:00:00Z';

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
beforeEach(async () => {
  ({ dir, cleanup } = await tempStateDir());
  // lisle-finance-share: every 2 h, RPO 4h, RTO 8h, weekly drill — healthy as of NOW.
  for (const r of [
    makeRecord({ startedAt: '2025-01-15T09:15:00Z' }),
    makeRecord({ startedAt: '2025-01-15T11:15:00Z' }),
    makeRecord({
      startedAt: '2025-01-12T07:00:00Z',
      job: 'drill',
      verification: { passed: true, method: 'sha256 of 200 sampled files' },
      rto: { measuredSeconds: 1800, objectiveSeconds: 28_800, met: true },
    }),
    // lisle-general-share: the last backup is older than its RPO.
    makeRecord({ startedAt: '2025-01-14T09:00:00Z', policy: 'lisle-general-share' }),
  ]) {
    await writeRunRecord(dir, r);
  }
});
afterEach(() => cleanup());

const report = (args: string[] = [], env: NodeJS.ProcessEnv = {}) =>
  lifeboat(['report', '--root', ROOT, '--state-dir', dir, '--now', NOW, ...args], env);

describe('lifeboat report', () => {
  it('gives a row per policy and image of the inventory with its status in --format json', async () => {
    const run = report(['--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const parsed = JSON.parse(run.stdout) as Report;
    const { inventory } = await loadInventory(ROOT);
    expect(parsed.rows).toHaveLength(inventory.policies.length + inventory.images.length);
    expect(parsed.generatedAt).toBe('2025-01-15T12:00:00.000Z');
    const finance = parsed.rows.find((r) => r.name === 'lisle-finance-share');
    expect(finance).toMatchObject({
      status: 'green',
      ageSeconds: 2700,
      rpoSeconds: 14_400,
      reasons: ['all objectives met'],
    });
    expect(finance?.drill).toMatchObject({
      rtoMeasuredSeconds: 1800,
      rtoObjectiveSeconds: 28_800,
      rtoMet: true,
    });
    const general = parsed.rows.find((r) => r.name === 'lisle-general-share');
    expect(general?.status).toBe('red');
    expect(general?.reasons[0]).toMatch(/^last successful backup 1d 3h ago exceeds RPO /);
    expect(parsed.summary.green + parsed.summary.amber + parsed.summary.red).toBe(parsed.rows.length);
  });

  it('writes CSV to --output and nothing to standard output', async () => {
    const out = path.join(dir, 'report.csv');
    const run = report(['--format', 'csv', '--output', out]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    const lines = (await readFile(out, 'utf8')).split('\r\n');
    expect(lines[0]?.startsWith('site,kind,name,status,reason,')).toBe(true);
    expect(
      lines.find((l) => l.startsWith('lisle,policy,lisle-finance-share,green,all objectives met,')),
    ).toBeDefined();
  });

  it('writes Markdown, the metrics file and the job summary together', async () => {
    const metrics = path.join(dir, 'textfile');
    const summary = path.join(dir, 'step-summary.md');
    await writeFile(summary, '# build\n');
    const run = report(['--format', 'md', '--metrics-dir', metrics], { GITHUB_STEP_SUMMARY: summary });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const financeLine =
      '| 🟢 green | lisle | policy | lisle-finance-share | 45m ago / RPO 4h | 3d 5h ago, ok | 30m / RTO 8h |';
    expect(run.stdout).toContain(financeLine);
    const appended = await readFile(summary, 'utf8');
    expect(appended.startsWith('# build\n## lifeboat report (30d window)\n')).toBe(true);
    expect(appended).toContain(financeLine);
    const families = parseExposition(await readFile(path.join(metrics, 'lifeboat.prom'), 'utf8'));
    const status = families
      .get('lifeboat_status')
      ?.samples.find((s) => s.labels.policy === 'lisle-finance-share');
    expect(status).toEqual({
      name: 'lifeboat_status',
      labels: { site: 'lisle', policy: 'lisle-finance-share' },
      value: 0,
    });
    const age = families
      .get('lifeboat_backup_age_seconds')
      ?.samples.find((s) => s.labels.policy === 'lisle-finance-share');
    expect(age?.value).toBe(2700);
  });

  it('keeps to one site with --site', () => {
    const parsed = JSON.parse(report(['--format', 'json', '--site', 'lisle']).stdout) as Report;
    expect(parsed.rows.length).toBeGreaterThan(0);
    expect(parsed.rows.every((r) => r.site === 'lisle')).toBe(true);
  });

  it('reports a corrupt record on standard error and still reports', async () => {
    await writeFile(path.join(dir, 'runs/lisle/2025/01/zzzz-corrupt-0000.json'), 'not json');
    const run = report(['--format', 'json']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(
      'lifeboat report: warning: runs/lisle/2025/01/zzzz-corrupt-0000.json: not valid JSON (a torn or foreign file); ignored (ledger.corrupt)\n',
    );
    expect((JSON.parse(run.stdout) as Report).problems.map((p) => p.code)).toEqual(['ledger.corrupt']);
  });

  it.each([
    [['--format', 'xml'], 'lifeboat report: unknown --format "xml": expected one of json, csv, md'],
    [
      ['--now', '15/01/2025'],
      'lifeboat report: --now "15/01/2025" is not a time: expected ISO 8601, e.g. 2025-01-15T12:00:00Z',
    ],
    [['--window', '0d'], 'lifeboat report: --window "0d" is not a duration such as 30d or 2w'],
    [['--window', 'month'], 'lifeboat report: --window "month" is not a duration such as 30d or 2w'],
    [['--site', 'atlantis'], 'lifeboat report: --site "atlantis" has no policies or images in the inventory'],
    [
      ['--site', 'Atlantis!'],
      'lifeboat report: --site "Atlantis!" is not a name (lower-case letters, digits and dashes)',
    ],
  ])('refuses %j with one line and exit 2', (args, message) => {
    const run = report(args);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`${message}\n`);
  });

  it('refuses a missing or empty --root, a missing --state-dir and an unwritable --metrics-dir', async () => {
    const cases: Array<[string[], string]> = [
      [
        ['report', '--root', path.join(dir, 'nowhere')],
        `--root ${JSON.stringify(path.join(dir, 'nowhere'))} does not exist`,
      ],
      [['report', '--root', dir], `--root ${JSON.stringify(dir)} has none of sites/, policies/, images/`],
      [
        ['report', '--root', ROOT, '--state-dir', path.join(dir, 'typo')],
        `--state-dir ${JSON.stringify(path.join(dir, 'typo'))} does not exist`,
      ],
    ];
    const blocker = path.join(dir, 'a-file');
    await writeFile(blocker, '');
    cases.push([
      ['report', '--root', ROOT, '--state-dir', dir, '--metrics-dir', path.join(blocker, 'metrics')],
      `cannot write metrics to --metrics-dir ${JSON.stringify(path.join(blocker, 'metrics'))} (ENOTDIR)`,
    ]);
    for (const [args, message] of cases) {
      const run = lifeboat(args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).toBe(`lifeboat report: ${message}\n`);
    }
  });
});
