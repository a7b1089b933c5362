import type { RunRecord } from '@lifeboat/core';
import type { JobEvent } from '../jobs/job.js';
import type { Decision, JobSubject, PlannedJob, ScheduledJob, SkippedJob } from '../scheduler/index.js';
import type { Outcome } from '../tools/result.js';

// What `lifeboat run` tells as it goes: the decision, each job's start, progress and end, and a summary.
// Plain data (ISO times, no Dates), so `--json` prints each event as one line as it is.

export interface PlanView {
  key: string;
  job: ScheduledJob;
  subjects: JobSubject[];
  /** `site/target/path`: the lock key. */
  repository: string;
  status: PlannedJob['status'];
  heavy: boolean;
  /** When a waiting job may start. */
  until?: string;
  /** The run time served. */
  occurrence?: string;
  window?: { name: string; end: string };
  check?: PlannedJob['check'];
  /** False when this build has no implementation for the job: it is reported, never faked. */
  runnable: boolean;
  reason: string;
}

export interface DecisionView {
  site: string;
  now: string;
  due: PlanView[];
  waiting: PlanView[];
  /** Jobs that cannot be decided (invalid cron or zone, which validate also reports). */
  skipped: SkippedJob[];
}

/** How a due job ended: a record outcome, skipped (never started, with a reason), or not started after a cancellation. */
export type JobEnd = Outcome | 'skipped' | 'not-started';

export interface JobSummary {
  key: string;
  job: RunRecord['job'];
  subjects: JobSubject[];
  repository: string;
  outcome: JobEnd;
  /** The job's own time (its record), or the time spent before it was given up. */
  durationSeconds: number;
  /** Why it ran (the scheduler's reason), or why it did not. */
  reason: string;
  error?: { code: string; message: string };
  /** Ids of the records written for it (one per subject). */
  records: string[];
  /** Their files in the state directory. */
  recordFiles: string[];
  /** Set when a record could not be written: the ledger does not know this run. */
  recordError?: string;
}

export interface RunSummary {
  site: string;
  /** The decision's moment. */
  now: string;
  startedAt: string;
  endedAt: string;
  jobs: JobSummary[];
  waiting: PlanView[];
  skipped: SkippedJob[];
  cancelled: boolean;
  /** Every due job ended ok and its records were written (true when nothing was due). */
  ok: boolean;
  counts: Partial<Record<JobEnd, number>>;
  /** Set when nothing could be decided (unknown site); nothing ran. */
  error?: string;
}

export type RunEvent =
  | ({ event: 'decision' } & DecisionView)
  | {
      event: 'job-start';
      key: string;
      job: RunRecord['job'];
      subjects: JobSubject[];
      repository: string;
      index: number;
      total: number;
      at: string;
    }
  | { event: 'lock-wait'; key: string; repository: string; attempt: number; delayMs: number; holder?: string }
  | { event: 'note'; key?: string; message: string }
  /** The job's own start/progress/log/end events, tagged with the planned job's key. */
  | ({ event: 'job'; key: string } & JobEvent)
  | ({ event: 'job-end' } & JobSummary)
  | ({ event: 'summary' } & RunSummary);

const iso = (d: Date | undefined) => d?.toISOString();

export const planView = (p: PlannedJob, runnable: boolean, repository: string): PlanView => {
  const until = iso(p.until);
  const occurrence = iso(p.occurrence);
  return {
    key: p.key,
    job: p.job,
    subjects: p.subjects,
    repository,
    status: p.status,
    heavy: p.heavy,
    ...(until === undefined ? {} : { until }),
    ...(occurrence === undefined ? {} : { occurrence }),
    ...(p.window ? { window: { name: p.window.name, end: p.window.end.toISOString() } } : {}),
    ...(p.check ? { check: p.check } : {}),
    runnable,
    reason: p.reason,
  };
};

export const decisionView = (
  decision: Decision,
  runnable: (p: PlannedJob) => boolean,
  repository: (p: PlannedJob) => string,
): DecisionView => ({
  site: decision.site,
  now: decision.now.toISOString(),
  due: decision.due.map((p) => planView(p, runnable(p), repository(p))),
  waiting: decision.waiting.map((p) => planView(p, runnable(p), repository(p))),
  skipped: decision.skipped,
});
