import { type Inventory, quote } from '@lifeboat/core';
import type { JobFn } from '../jobs/job.js';
import { type LedgerIndex, openLedgerIndex, type RunSubject } from '../ledger/index.js';
import {
  type Decision,
  dueJobs,
  type JobSubject,
  type PlannedJob,
  repositoryKey,
} from '../scheduler/index.js';
import { type DecisionView, decisionView, type JobEnd, type JobSummary, type RunSummary } from './events.js';
import type { LockBackoff } from './lock-retry.js';
import { baseOf, jobContext, type RunEnvironment, runnerOf, runOne } from './run-one.js';
import { withTransientRetry } from './transient-retry.js';

// `lifeboat run --due`: ask the scheduler what is due from the ledger's answers, run each due job in order
// under its repository's lock, and write what every job answered. The jobs themselves are injected, so this
// file knows nothing of restic or partclone — only of order, retention after backups, and what to skip.

/** Jobs by name: `backup`, `forget`, `prune`, `check`, `sync`, `drill` for policies; `image-drill` for images. */
export type JobRegistry = Readonly<Partial<Record<string, JobFn>>>;

/** The registry name of a planned job: image jobs are prefixed, so a policy drill and an image drill differ. */
export const registryKey = (planned: Pick<PlannedJob, 'job' | 'subjects'>): string =>
  planned.subjects[0]?.kind === 'image' ? `image-${planned.job}` : planned.job;

export interface PlanOptions {
  inventory: Inventory;
  site: string;
  /** The decision's moment. */
  now: Date;
  stateDir: string;
  jobs: JobRegistry;
  retryAfterMs?: number;
}

export interface RunDueOptions extends PlanOptions, RunEnvironment {
  /** A job that could not reach its repository is tried again within the tick (false: never). */
  transientRetry?: LockBackoff | false;
}

const subjectOf = (s: JobSubject): RunSubject =>
  s.kind === 'policy' ? { policy: s.name } : { image: s.name };
const toDate = (iso: string | undefined) => (iso === undefined ? undefined : new Date(iso));
const repoOf = (p: PlannedJob) => repositoryKey(p.repository);

/** The scheduler's inputs from the ledger index. */
const decide = (index: LedgerIndex, options: PlanOptions): Decision =>
  dueJobs({
    inventory: options.inventory,
    site: options.site,
    now: options.now,
    lastSuccess: (s, job) => toDate(index.lastSuccess(subjectOf(s), job)?.startedAt),
    lastAttempt: (s, job) => toDate(index.last(subjectOf(s), job)?.startedAt),
    successfulChecks: (s) => index.totals(subjectOf(s), 'check').ok ?? 0,
    ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
  });

export interface Plan {
  decision: Decision;
  view: DecisionView;
}

/** What `run --due` would do now, read-only: the ledger index is read, never repaired or written. */
export const planDue = async (options: PlanOptions): Promise<Plan> => {
  const index = await openLedgerIndex(options.stateDir, options.site, { repair: false });
  const decision = decide(index, options);
  const runnable = (p: PlannedJob) => options.jobs[registryKey(p)] !== undefined;
  return { decision, view: decisionView(decision, runnable, repoOf) };
};

export const countEnds = (jobs: readonly JobSummary[]): Partial<Record<JobEnd, number>> => {
  const counts: Partial<Record<JobEnd, number>> = {};
  for (const j of jobs) counts[j.outcome] = (counts[j.outcome] ?? 0) + 1;
  return counts;
};

/** Every job ended ok and its records are in the ledger. */
export const allOk = (jobs: readonly JobSummary[]): boolean =>
  jobs.every((j) => j.outcome === 'ok' && j.recordError === undefined);

/** Why a forget that follows this run's backup must not run, or undefined when the backup succeeded. */
const forgetBlocked = (planned: PlannedJob, done: readonly JobSummary[]): string | undefined => {
  if (!planned.afterBackup) return undefined;
  const backup = done.find(
    (j) =>
      j.job === 'backup' &&
      j.subjects.some((s) => planned.subjects.some((p) => p.kind === s.kind && p.name === s.name)),
  );
  if (!backup)
    return "this run's backup of the policy did not take place: retention waits for a successful backup";
  if (backup.outcome === 'ok' && backup.recordError === undefined) return undefined;
  return `this run's backup of the policy ended ${backup.outcome}${
    backup.recordError === undefined ? '' : ' (its record was not written)'
  }: retention waits for a successful backup`;
};

/** Run every due job of the site, in order, and say how each ended. Never throws for a job's failure. */
export const runDue = async (options: RunDueOptions): Promise<RunSummary> => {
  const clock = options.clock ?? (() => new Date());
  const emit = options.onEvent ?? (() => undefined);
  const startedAt = clock();
  const index = await openLedgerIndex(options.stateDir, options.site);
  const decision = decide(index, options);
  const runnable = (p: PlannedJob) => options.jobs[registryKey(p)] !== undefined;
  const view = decisionView(decision, runnable, repoOf);
  const summary = (jobs: JobSummary[], error?: string): RunSummary => ({
    site: options.site,
    now: options.now.toISOString(),
    startedAt: startedAt.toISOString(),
    endedAt: clock().toISOString(),
    jobs,
    waiting: view.waiting,
    skipped: view.skipped,
    cancelled: options.signal?.aborted === true,
    ok: error === undefined && allOk(jobs),
    counts: countEnds(jobs),
    ...(error === undefined ? {} : { error }),
  });
  const site = options.inventory.sites.find((s) => s.value.metadata.name === options.site);
  if (decision.error !== undefined || !site) {
    const result = summary([], decision.error ?? `site ${quote(options.site)} is not in the inventory`);
    emit({ event: 'summary', ...result });
    return result;
  }
  emit({ event: 'decision', ...view });
  const runner = runnerOf(options, site);
  const jobs: JobSummary[] = [];
  const total = decision.due.length;
  for (const [i, planned] of decision.due.entries()) {
    const base = baseOf(planned);
    const end = (entry: JobSummary) => {
      jobs.push(entry);
      emit({ event: 'job-end', ...entry });
    };
    const notRun = (outcome: 'skipped' | 'not-started', reason: string) =>
      end({ ...base, outcome, durationSeconds: 0, reason, records: [], recordFiles: [] });
    if (options.signal?.aborted) {
      notRun('not-started', 'cancelled before it started');
      continue;
    }
    const blocked = forgetBlocked(planned, jobs);
    if (blocked !== undefined) {
      notRun('skipped', blocked);
      continue;
    }
    const fn = options.jobs[registryKey(planned)];
    if (!fn) {
      notRun(
        'skipped',
        `this build of lifeboat has no ${quote(registryKey(planned))} job: nothing was run or recorded`,
      );
      continue;
    }
    const context = jobContext(runner, planned.key);
    const call =
      options.transientRetry === false
        ? () => fn(planned, context)
        : () =>
            withTransientRetry(() => fn(planned, context), {
              ...(options.transientRetry ? { backoff: options.transientRetry } : {}),
              ...(options.signal ? { signal: options.signal } : {}),
              onRetry: (r) =>
                emit({
                  event: 'note',
                  key: planned.key,
                  message: `${r.code}: trying again in ${Math.round(r.delayMs / 1000)}s (try ${r.attempt}): ${r.message}`,
                }),
            });
    end(await runOne(runner, planned, planned.reason, { index: i + 1, total }, call));
  }
  const result = summary(jobs);
  emit({ event: 'summary', ...result });
  return result;
};
