import type { Outcome, RunRecord } from '@lifeboat/core';
import type { JobContext, JobFn } from '../../jobs/job.js';
import { newRunId } from '../../ledger/index.js';
import { type PlannedJob, repositoryKey } from '../../scheduler/index.js';

// Stand-ins for the real jobs in orchestration tests only: each answers as a job must (a whole RunRecord
// for the subject it ran), and logs when it ran, so order, overlap and cancellation can be observed.

export interface Trace {
  /** `start <key>` / `end <key>`, in the order they happened. */
  steps: string[];
  /** Highest number of jobs seen running at once on one repository. */
  maxOverlap: number;
}

export const newTrace = (): Trace => ({ steps: [], maxOverlap: 0 });

export interface FakeSpec {
  outcome?: Outcome;
  /** How long the job "works"; it ends early, cancelled, when the signal fires. */
  workMs?: number;
  /** Throw this instead of answering. */
  throws?: string;
  /** Answer with this instead of a record (an invalid answer). */
  answer?: (planned: PlannedJob, context: JobContext) => unknown;
  /** Ignore the signal and report `failed` when interrupted, like an old tool killed mid-run. */
  failOnAbort?: boolean;
}

const running = new Map<string, number>();

/** A job that "works" for `workMs` and answers with a record of `outcome`, or as the spec says. */
export const fakeJob = (trace: Trace, spec: FakeSpec = {}): JobFn => {
  return async (planned, context) => {
    const repo = repositoryKey(planned.repository);
    const now = (running.get(repo) ?? 0) + 1;
    running.set(repo, now);
    trace.maxOverlap = Math.max(trace.maxOverlap, now);
    trace.steps.push(`start ${planned.key}`);
    const started = context.now();
    context.onEvent?.({ type: 'start', job: planned.job, subject: planned.subjects[0]?.name ?? '' });
    context.onEvent?.({
      type: 'progress',
      job: planned.job,
      subject: planned.subjects[0]?.name ?? '',
      percent: 50,
    });
    let interrupted = false;
    try {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, spec.workMs ?? 5);
        context.signal?.addEventListener(
          'abort',
          () => {
            interrupted = true;
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
      if (spec.throws !== undefined) throw new Error(spec.throws);
      if (spec.answer) return spec.answer(planned, context) as RunRecord;
      const subject = planned.subjects[0];
      const ended = context.now();
      const outcome: Outcome = interrupted
        ? spec.failOnAbort
          ? 'failed'
          : 'cancelled'
        : (spec.outcome ?? 'ok');
      return {
        apiVersion: 'lifeboat/v1',
        kind: 'RunRecord',
        id: newRunId(started),
        job: planned.job,
        site: context.site.value.metadata.name,
        ...(subject?.kind === 'image' ? { image: subject.name } : { policy: subject?.name ?? 'none' }),
        startedAt: started.toISOString(),
        endedAt: ended.toISOString(),
        durationSeconds: Math.max(0, (ended.getTime() - started.getTime()) / 1000),
        tool: { name: 'fake', version: '1.0.0' },
        outcome,
        ...(outcome === 'ok'
          ? {}
          : {
              error: { code: interrupted ? 'fake.interrupted' : 'fake.failed', message: `fake ${outcome}` },
            }),
      };
    } finally {
      running.set(repo, (running.get(repo) ?? 1) - 1);
      trace.steps.push(`end ${planned.key}`);
    }
  };
};

/** Every scheduled job name, each a fake with the same spec. */
export const fakeRegistry = (trace: Trace, spec: FakeSpec = {}): Record<string, JobFn> => ({
  backup: fakeJob(trace, spec),
  forget: fakeJob(trace, spec),
  prune: fakeJob(trace, spec),
  check: fakeJob(trace, spec),
  sync: fakeJob(trace, spec),
  drill: fakeJob(trace, spec),
  'image-drill': fakeJob(trace, spec),
});
