// `lifeboat demo`: a whole site on loopback, run through the same orchestration as `lifeboat run`. A REST
// NAS (`rclone serve restic`), a local image store and a local "cloud" live in a fresh work directory; the
// demo writes the site's YAML there, loads and validates it, then runs the jobs in the order a new site
// would meet them — backups (and retention), checks, drills, an image capture, an image restore, the image
// drill, offsite syncs — and ends with the objectives report built from the run records. Servers stop and
// the work directory goes in `finally`, so a second run starts from scratch.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  hasErrors,
  type Inventory,
  type LoadInventoryResult,
  loadInventory,
  type Problem,
  type RunRecord,
} from '@lifeboat/core';
import { IMAGE_JOBS } from '../jobs/images/index.js';
import type { JobFn } from '../jobs/job.js';
import { makeResticJobs } from '../jobs/restic-jobs.js';
import { backingDirVariable } from '../jobs/sync.js';
import { readRunRecords } from '../ledger/index.js';
import { buildReport, DEFAULT_REPORT_WINDOW_SECONDS, loadLedgerView, type Report } from '../reports/index.js';
import type { JobSummary, RunEvent, RunSummary } from '../run/events.js';
import { imageRestorePlan } from '../run/request-registries.js';
import { runRequested } from '../run/requested.js';
import { type JobRegistry, registryKey, runDue } from '../run/run-due.js';
import { jobContext, type RunEnvironment, runnerOf, runOne } from '../run/run-one.js';
import type { PlannedJob } from '../scheduler/index.js';
import {
  DEMO_IMAGE,
  DEMO_IMAGE_NAS,
  DEMO_NAS,
  DEMO_PASSWORD_ENV,
  DEMO_REMOTE,
  DEMO_SITE,
  type DemoLayout,
  demoLayout,
  kioskDiskFiles,
  makeDemoDirs,
  writeDemoData,
  writeDemoInventory,
} from './demo-site.js';
import { makeDemoDisk } from './disk-image.js';
import { type RestService, startRestService } from './rest-service.js';
import { type DemoStep, type DemoStepName, figureOf, fixFor } from './steps.js';

export interface DemoOptions {
  /** Where the work directory is made (default: the OS temp directory). */
  parentDir?: string;
  /** Keep the work directory (records, repositories, cloud copy) for a look afterwards. */
  keep?: boolean;
  /** The inventory rules (validators' validateInventory): injected, runners does not depend on validators. */
  validate: (loaded: LoadInventoryResult) => Problem[];
  /** Codes beyond the runners' and core's (the validation rules'), for the fix of a failing step. */
  catalogue?: Readonly<Record<string, { fix: string }>>;
  /**
   * The runbook site's pages from the demo's inventory and run records (docs-site's generateDocs, injected:
   * docs-site depends on runners, not the other way round). Called last, before the work directory goes.
   */
  docs?: (input: { root: string; stateDir: string; outDir: string; now: Date }) => Promise<DemoDocsResult>;
  /** Every event of the jobs run, as `lifeboat run` emits them (progress bars, log lines). */
  onEvent?: (event: RunEvent) => void;
  /** Each step as it ends. */
  onStep?: (step: DemoStep) => void;
  /** Ctrl-C: the running job is cancelled, nothing else starts, cleanup still runs. */
  signal?: AbortSignal;
  /** The runner's environment the demo adds its own variables to (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

export type DemoDocsResult = { ok: true; pages: number } | { ok: false; code: string; message: string };

export interface DemoResult {
  ok: boolean;
  workDir: string;
  /** The work directory was kept (--keep). */
  kept: boolean;
  steps: DemoStep[];
  /** Every run record of the demo, read back from its ledger. */
  records: RunRecord[];
  report?: Report;
  wallSeconds: number;
  /** The pid of the REST server while it ran (to prove it is gone). */
  serverPid?: number;
  /** Set when the demo could not run at all (a tool missing, a directory not writable). */
  error?: string;
}

const subjectName = (j: Pick<JobSummary, 'subjects'>) => j.subjects.map((s) => s.name).join(', ');

/** The step a job summary is shown as: image jobs by their own names. */
const stepName = (j: JobSummary): DemoStepName => {
  const image = j.subjects[0]?.kind === 'image';
  if (j.job === 'drill' && image) return 'image-drill';
  return j.job as DemoStepName;
};

/** The part of `lifeboat run`'s job registry one phase runs. */
const pick = (jobs: JobRegistry, names: readonly string[]): JobRegistry =>
  Object.fromEntries(names.map((n) => [n, jobs[n]]));

export const runDemo = async (options: DemoOptions): Promise<DemoResult> => {
  const started = performance.now();
  const parent = resolve(options.parentDir ?? tmpdir());
  const root = await mkdtemp(join(parent, 'lifeboat-demo-'));
  const layout: DemoLayout = demoLayout(root);
  const steps: DemoStep[] = [];
  let server: RestService | undefined;
  let records: RunRecord[] = [];
  let report: Report | undefined;
  let error: string | undefined;
  const addStep = (step: DemoStep) => {
    steps.push(step);
    options.onStep?.(step);
  };
  try {
    await makeDemoDirs(layout);
    await writeDemoData(layout);
    const files = kioskDiskFiles();
    const disk = await makeDemoDisk({ dir: layout.devices, bootFiles: files.boot, rootFiles: files.root });
    server = await startRestService(layout.restDir);
    await writeDemoInventory({ layout, restUrl: server.url, disk });

    // 1. validate: the YAML just written, through core's loader and every rule, as a pull request would.
    const validateStart = performance.now();
    const loaded = await loadInventory(layout.inventory);
    const problems = options.validate(loaded);
    const errors = problems.filter((p) => p.severity === 'error');
    const first = errors[0];
    addStep({
      step: 'validate',
      subject: `inventory (${loaded.files} files)`,
      outcome: hasErrors(problems) ? 'failed' : 'ok',
      durationSeconds: (performance.now() - validateStart) / 1000,
      figure: `${errors.length} errors, ${problems.length - errors.length} warnings`,
      records: [],
      ...(first
        ? {
            error: { code: first.code, message: `${first.file}:${first.line}:${first.col} ${first.message}` },
            fix: fixFor(first.code, options.catalogue),
          }
        : {}),
    });
    if (hasErrors(problems)) return await finish();
    const inventory: Inventory = loaded.inventory;

    // The runner's environment: the site's password variable, where the REST NAS keeps its files (for
    // the offsite sync), and the "cloud" remote defined by env alone. Secrets never reach argv or YAML.
    const env = {
      ...(options.env ?? process.env),
      [DEMO_PASSWORD_ENV]: randomBytes(24).toString('base64url'),
      [backingDirVariable(DEMO_NAS)]: layout.restDir,
      [`RCLONE_CONFIG_${DEMO_REMOTE.toUpperCase()}_TYPE`]: 'local',
    };
    const now = new Date();
    const restic = makeResticJobs();
    const jobs: JobRegistry = { ...restic, 'image-drill': IMAGE_JOBS.drill() };
    const environment: RunEnvironment = {
      inventory,
      site: DEMO_SITE,
      stateDir: layout.state,
      sandboxDir: layout.sandbox,
      env,
      ...(options.signal ? { signal: options.signal } : {}),
    };

    const record = (j: JobSummary) => {
      addStep({
        step: stepName(j),
        subject: subjectName(j),
        outcome: j.outcome,
        durationSeconds: j.durationSeconds,
        figure: '',
        records: j.records,
        ...(j.error ? { error: j.error, fix: fixFor(j.error.code, options.catalogue) } : {}),
        ...(j.outcome === 'skipped' || j.outcome === 'not-started' ? { reason: j.reason } : {}),
      });
    };

    /** `lifeboat run --due --now <demo start>` with only this phase's jobs; the others wait for their phase. */
    const due = async (names: readonly string[]): Promise<RunSummary> => {
      const registry = pick(jobs, names);
      let index = 0;
      let total = 0;
      const ours = (p: { job: PlannedJob['job']; subjects: PlannedJob['subjects'] }) =>
        names.includes(registryKey(p));
      const summary = await runDue({
        ...environment,
        now,
        jobs: registry,
        onEvent: (event) => {
          if (event.event === 'decision') total = event.due.filter(ours).length;
          else if (event.event === 'job-start') options.onEvent?.({ ...event, index: ++index, total });
          else if (event.event === 'job-end') {
            if (ours({ job: event.job as PlannedJob['job'], subjects: event.subjects }))
              options.onEvent?.(event);
          } else if (event.event !== 'summary') options.onEvent?.(event);
        },
      });
      for (const j of summary.jobs)
        if (ours({ job: j.job as PlannedJob['job'], subjects: j.subjects })) record(j);
      return summary;
    };
    const cancelled = () => options.signal?.aborted === true;

    // 2–4. backups (forget follows each), checks, drills: what a new site's first tick does.
    await due(['backup', 'forget', 'prune', 'check', 'drill']);

    // 5. image capture: on request (a technician images the device), same lock, record and events.
    if (!cancelled()) {
      const site = inventory.sites.find((s) => s.value.metadata.name === DEMO_SITE);
      if (site) {
        const runner = runnerOf(
          { ...environment, ...(options.onEvent ? { onEvent: options.onEvent } : {}) },
          site,
        );
        const planned: PlannedJob = {
          key: `image-capture:image:${DEMO_IMAGE}`,
          job: 'drill', // the planned-job shape; the image job reads only its subject
          subjects: [{ kind: 'image', name: DEMO_IMAGE }],
          repository: { site: DEMO_SITE, target: DEMO_IMAGE_NAS, path: 'images' },
          heavy: true,
          status: 'due',
          missed: 0,
          reason: 'requested by the demo',
        };
        const capture: JobFn = IMAGE_JOBS['image-capture']();
        const target = { ...planned, job: 'image-capture' as const };
        const context = jobContext(runner, target.key);
        const ended = await runOne(runner, target, planned.reason, { index: 1, total: 1 }, () =>
          capture(planned, context),
        );
        options.onEvent?.({ event: 'job-end', ...ended });
        record(ended);
      }
    }

    // 6. image restore: the stored version onto a new disk file, as the restore workflow would.
    if (!cancelled()) {
      const restoreTarget = join(layout.restores, 'kiosk-sd-restored.img');
      const restoreJob = IMAGE_JOBS['image-restore']({ target: restoreTarget });
      const summary = await runRequested({
        ...environment,
        ...(options.onEvent
          ? { onEvent: (e: RunEvent) => e.event !== 'summary' && options.onEvent?.(e) }
          : {}),
        request: {
          job: 'restore',
          subject: { kind: 'image', name: DEMO_IMAGE },
          id: `demo-${now.getTime()}`,
          restore: { snapshot: 'latest', paths: [], target: 'alternate' },
        },
        jobs: {},
        restores: {
          'image-restore': (request, context) =>
            restoreJob(
              imageRestorePlan(request, `image-restore:image:${DEMO_IMAGE}`, `request ${request.requestId}`),
              context,
            ),
        },
      });
      for (const j of summary.jobs) record(j);
      if (summary.error !== undefined)
        addStep({
          step: 'image-restore',
          subject: DEMO_IMAGE,
          outcome: 'failed',
          durationSeconds: 0,
          figure: '',
          records: [],
          // Not a job's failure (no code): the runner refused the request itself.
          reason: `request refused: ${summary.error}`,
        });
    }

    // 7. the image drill (scheduled, heavy), then 8. offsite syncs of the checked repositories.
    if (!cancelled()) await due(['image-drill']);
    if (!cancelled()) await due(['sync']);

    return await finish(inventory);
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
    return await finish();
  } finally {
    await server?.stop().catch(() => undefined);
    if (!options.keep) await rm(root, { recursive: true, force: true }).catch(() => undefined);
  }

  /** 10. the runbook pages, status page included, from the same inventory and records. */
  async function docsStep(docs: NonNullable<DemoOptions['docs']>, now: Date): Promise<void> {
    const docsStart = performance.now();
    const outDir = join(root, 'site-docs');
    const generated = await docs({ root: layout.inventory, stateDir: layout.state, outDir, now }).catch(
      (e: unknown): DemoDocsResult => ({
        ok: false,
        code: 'demo.docs-failed',
        message: e instanceof Error ? e.message : String(e),
      }),
    );
    addStep({
      step: 'docs',
      subject: 'runbook site pages',
      outcome: generated.ok ? 'ok' : 'failed',
      durationSeconds: (performance.now() - docsStart) / 1000,
      figure: generated.ok
        ? `${generated.pages} pages in ${options.keep ? outDir : 'the work directory'}`
        : '',
      records: [],
      ...(generated.ok
        ? {}
        : {
            error: { code: generated.code, message: generated.message },
            fix: fixFor(generated.code, options.catalogue),
          }),
    });
  }

  /** 9. the report from the ledger, figures from the records; the result. */
  async function finish(inventory?: Inventory): Promise<DemoResult> {
    const read = await readRunRecords(layout.state, { site: DEMO_SITE }).catch(() => undefined);
    records = read?.records ?? [];
    const byId = new Map(records.map((r) => [r.id, r]));
    for (const step of steps) {
      const own = step.records.map((id) => byId.get(id)).filter((r): r is RunRecord => r !== undefined);
      if (own.length > 0) step.figure = figureOf(step.step, own);
    }
    if (inventory && !options.signal?.aborted) {
      const reportStart = performance.now();
      const at = new Date();
      const view = await loadLedgerView(
        [{ site: DEMO_SITE, stateDir: layout.state }],
        at,
        DEFAULT_REPORT_WINDOW_SECONDS,
      );
      report = buildReport(inventory, view, { now: at, site: DEMO_SITE });
      const red = report.rows.filter((r) => r.status === 'red');
      addStep({
        step: 'report',
        subject: `${report.rows.length} policies/images`,
        outcome: red.length === 0 ? 'ok' : 'failed',
        durationSeconds: (performance.now() - reportStart) / 1000,
        figure: `${report.summary.green} green, ${report.summary.amber} amber, ${report.summary.red} red`,
        records: [],
        // Red follows from a failed job above, whose step carries the code and its fix.
        ...(red[0] ? { reason: `${red[0].name}: ${red[0].reasons[0] ?? 'red'}` } : {}),
      });
      if (options.docs) await docsStep(options.docs, at);
    }
    const ok =
      error === undefined &&
      !options.signal?.aborted &&
      steps.length > 0 &&
      steps.every((s) => s.outcome === 'ok');
    return {
      ok,
      workDir: root,
      kept: options.keep === true,
      steps,
      records,
      ...(report ? { report } : {}),
      wallSeconds: (performance.now() - started) / 1000,
      ...(server?.pid === undefined ? {} : { serverPid: server.pid }),
      ...(error === undefined ? {} : { error }),
    };
  }
};
