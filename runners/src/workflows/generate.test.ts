import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadYaml } from '@lifeboat/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inventoryOf, siteYaml } from '../scheduler/testing/inventory.js';
import { compareWorkflows, generateWorkflows, writeWorkflows } from './generate.js';
import { GENERATED_MARK } from './yaml-text.js';

// The generated workflows: their shape, their determinism, and drift detection on disk.

const inventory = inventoryOf({ sites: [siteYaml({ name: 'portage' }), siteYaml({ name: 'lisle' })] });

interface Workflow {
  name: string;
  'run-name'?: string;
  on: Record<
    string,
    { inputs?: Record<string, { type: string; options?: string[]; required: boolean }> } | null
  > & {
    schedule?: Array<{ cron: string }>;
  };
  permissions: Record<string, string>;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, { 'runs-on': string; steps: Array<{ run?: string; env?: Record<string, string> }> }>;
}

const parse = (text: string): Workflow => {
  const loaded = loadYaml({ path: 'w.yml', content: text });
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join('; '));
  return loaded.document.value as Workflow;
};

const fileOf = (p: string) => {
  const file = generateWorkflows(inventory).find((f) => f.path === p);
  if (!file) throw new Error(`${p} not generated`);
  return file.content;
};

describe('generateWorkflows', () => {
  it('writes one workflow per site plus restore, drill and the PR snapshot preview, sorted, the same every time', () => {
    const files = generateWorkflows(inventory);
    expect(files.map((f) => f.path)).toEqual([
      '.github/workflows/drill.yml',
      '.github/workflows/plan-snapshots.yml',
      '.github/workflows/restore.yml',
      '.github/workflows/site-lisle.yml',
      '.github/workflows/site-portage.yml',
    ]);
    const reversed = { ...inventory, sites: [...inventory.sites].reverse() };
    expect(generateWorkflows(reversed)).toEqual(files);
    for (const f of files) expect(f.content.startsWith(GENERATED_MARK), f.path).toBe(true);
  });

  it('ticks every 15 minutes on the site runner, one run per site, never cancelled', () => {
    const wf = parse(fileOf('.github/workflows/site-lisle.yml'));
    expect(wf.on.schedule).toEqual([{ cron: '*/15 * * * *' }]);
    expect(Object.keys(wf.on)).toEqual(['schedule', 'workflow_dispatch']);
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(wf.concurrency).toEqual({ group: 'lifeboat-site-lisle', 'cancel-in-progress': false });
    expect(wf.jobs.run?.['runs-on']).toBe(`\${{ fromJSON('["self-hosted","site-lisle"]') }}`);
    const run = wf.jobs.run?.steps.find((s) => s.run?.includes('main.js run'))?.run ?? '';
    expect(run).toContain('node cli/dist/main.js run --site lisle --due --json');
  });

  it("publishes the site's recent records under a fixed name after the due run, keeping the per-run artifact", () => {
    type Step = { name?: string; if?: string; uses?: string; run?: string; with?: Record<string, unknown> };
    const steps = parse(fileOf('.github/workflows/site-lisle.yml')).jobs.run?.steps as Step[];
    const names = steps.map((s) => s.name);
    const due = names.indexOf('Run the due jobs');
    const write = steps.find((s) => s.name === 'Write the recent run records');
    const publish = steps.find((s) => s.name === 'Publish the recent run records');
    expect(names.indexOf('Write the recent run records')).toBeGreaterThan(due);
    expect(write?.if).toBe('always()');
    expect(write?.run).toContain('node cli/dist/main.js runs --site lisle --since 8d --format json >');
    expect(publish).toMatchObject({
      if: 'always()',
      uses: 'actions/upload-artifact@v4',
      with: { name: 'lifeboat-records-lisle', 'retention-days': 8 },
    });
    expect(String(publish?.with?.path)).toMatch(/records\.json$/);
    const perRun = steps.find((s) => s.uses === 'actions/upload-artifact@v4' && s !== publish);
    expect(perRun?.with?.name).toBe(`lifeboat-site-lisle-\${{ github.run_id }}`);
  });

  it('gives restore and drill the dispatch inputs, a run name with the request id, and env-only inputs', () => {
    const restore = parse(fileOf('.github/workflows/restore.yml'));
    expect(restore['run-name']).toContain(`\${{ inputs.request_id }}`);
    const inputs = restore.on.workflow_dispatch?.inputs ?? {};
    expect(Object.keys(inputs)).toEqual([
      'site',
      'policy',
      'image',
      'snapshot',
      'paths',
      'target',
      'request_id',
      'requester',
      'approver',
      'slack_channel',
      'slack_thread',
      'slack_message',
    ]);
    expect(inputs.site?.options).toEqual(['lisle', 'portage']);
    expect(inputs.target?.options).toEqual(['alternate', 'in-place']);
    expect(inputs.request_id?.required).toBe(true);
    const steps = restore.jobs.restore?.steps ?? [];
    const step = steps.find((s) => s.run?.includes('main.js run'));
    expect(step?.env?.REQUEST_ID).toBe(`\${{ inputs.request_id }}`);
    expect(step?.run).toContain('--request-id="$REQUEST_ID"');
    expect(step?.env?.SLACK_MESSAGE).toBe(`\${{ inputs.slack_message }}`);
    expect(step?.run).toContain('--slack-message="$SLACK_MESSAGE"');
    const drill = parse(fileOf('.github/workflows/drill.yml'));
    expect(Object.keys(drill.on.workflow_dispatch?.inputs ?? {})).toContain('slack_thread');
    expect(drill['run-name']).toContain(`\${{ inputs.request_id }}`);
    for (const wf of [restore, parse(fileOf('.github/workflows/drill.yml'))])
      for (const s of Object.values(wf.jobs).flatMap((j) => j.steps))
        expect(s.run ?? '').not.toContain(`\${{`);
    expect(restore.jobs.restore?.['runs-on']).toContain('"lisle":["self-hosted","site-lisle"]');
  });
});

describe('compareWorkflows and writeWorkflows', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'lifeboat-workflows-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('finds missing, drifted and stale files, and --write fixes them without touching hand-written ones', async () => {
    const expected = generateWorkflows(inventory);
    expect((await compareWorkflows(root, expected)).every((s) => s.state === 'missing')).toBe(true);
    await writeWorkflows(root, expected);
    expect((await compareWorkflows(root, expected)).every((s) => s.state === 'up-to-date')).toBe(true);

    const dir = path.join(root, '.github/workflows');
    const lisle = path.join(dir, 'site-lisle.yml');
    await writeFile(lisle, (await readFile(lisle, 'utf8')).replace('*/15', '*/5'));
    await writeFile(
      path.join(dir, 'site-gone.yml'),
      `${GENERATED_MARK} from sites/gone.yaml\nname: site gone\n`,
    );
    await writeFile(path.join(dir, 'ci.yml'), 'name: ci\n');
    await mkdir(path.join(dir, 'nested'), { recursive: true });
    expect((await compareWorkflows(root, expected)).filter((s) => s.state !== 'up-to-date')).toEqual([
      { path: '.github/workflows/site-lisle.yml', state: 'drifted' },
      { path: '.github/workflows/site-gone.yml', state: 'stale' },
    ]);
    await writeWorkflows(root, expected);
    expect((await compareWorkflows(root, expected)).every((s) => s.state === 'up-to-date')).toBe(true);
    expect(await readFile(path.join(dir, 'ci.yml'), 'utf8')).toBe('name: ci\n');
    await expect(readFile(path.join(dir, 'site-gone.yml'))).rejects.toThrow(/ENOENT/);
  });
});
