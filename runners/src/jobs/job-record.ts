// Every restic/rclone job answers with a RunRecord built the same way: one id and clock per run, the tool
// that did the work, and an outcome with a catalogue code; the record is schema-checked before it leaves.

import { checkRunRecord, quote, type RunRecord } from '@lifeboat/core';
import { newRunId } from '../ledger/run-id.js';
import type { PlannedJob } from '../scheduler/due.js';
import type { ResticProgress } from '../tools/restic/parse.js';
import type { ToolError, ToolResult } from '../tools/result.js';
import type { JobContext, JobEvent } from './job.js';

export type RecordJob = RunRecord['job'];
export type RecordOutcome = RunRecord['outcome'];
export type Stats = Record<string, number | string | boolean | undefined>;

export interface RunClock {
  id: string;
  job: RecordJob;
  subject: string;
  started: Date;
  t0: number;
}

/** Starts the clock of one run and says so to the listener. */
export const startRun = (context: JobContext, job: RecordJob, subject: string): RunClock => {
  const started = context.now();
  const run = { id: newRunId(started), job, subject, started, t0: performance.now() };
  emit(context, run, { type: 'start' });
  return run;
};

export const emit = (context: JobContext, run: RunClock, event: Omit<JobEvent, 'job' | 'subject'>): void => {
  context.onEvent?.({ job: run.job, subject: run.subject, ...event });
};

/** restic's progress lines as this run's progress events (percent to one decimal). */
export const resticProgress =
  (context: JobContext, run: RunClock) =>
  (p: ResticProgress): void =>
    emit(context, run, {
      type: 'progress',
      percent: Math.round(p.fraction * 1000) / 10,
      bytesDone: p.bytesDone,
      bytesTotal: p.totalBytes,
    });

export interface ToolInfo {
  name: string;
  version: string;
  features?: string[];
}

export interface RecordFields {
  policy?: string;
  image?: string;
  tool: ToolInfo;
  outcome: RecordOutcome;
  error?: ToolError;
  stats?: Stats;
  snapshotId?: string;
  verification?: RunRecord['verification'];
  rto?: RunRecord['rto'];
}

const cleanStats = (stats: Stats | undefined): RunRecord['stats'] => {
  if (!stats) return undefined;
  const out: Record<string, number | string | boolean> = {};
  for (const [key, value] of Object.entries(stats)) {
    if (value === undefined) continue;
    if (typeof value === 'number' && !Number.isFinite(value)) continue;
    out[key] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
};

/** The tool's identity from an adapter result (what ran, which version, which newer features it used). */
export const toolOf = (result: Pick<ToolResult<unknown>, 'tool' | 'version' | 'features'>): ToolInfo => ({
  name: result.tool,
  version: result.version,
  ...(result.features.length > 0 ? { features: [...result.features] } : {}),
});

/**
 * The finished record. Throws only when the record would not pass the schema: that is a bug in the job
 * (or a malformed requester id from the caller), never a tool failure.
 */
export const finishRun = (context: JobContext, run: RunClock, fields: RecordFields): RunRecord => {
  const durationSeconds = Math.max(0, (performance.now() - run.t0) / 1000);
  const now = context.now();
  const ended = now.getTime() < run.started.getTime() ? run.started : now;
  const stats = cleanStats(fields.stats);
  const record: RunRecord = {
    apiVersion: 'lifeboat/v1',
    kind: 'RunRecord',
    id: run.id,
    job: run.job,
    site: context.site.value.metadata.name,
    ...(fields.policy !== undefined ? { policy: fields.policy } : {}),
    ...(fields.image !== undefined ? { image: fields.image } : {}),
    startedAt: run.started.toISOString(),
    endedAt: ended.toISOString(),
    durationSeconds: Math.round(durationSeconds * 1000) / 1000,
    tool: fields.tool,
    outcome: fields.outcome,
    ...(fields.error ? { error: { code: fields.error.code, message: fields.error.message } } : {}),
    ...(stats ? { stats } : {}),
    ...(fields.snapshotId !== undefined ? { snapshotId: fields.snapshotId } : {}),
    ...(fields.verification ? { verification: fields.verification } : {}),
    ...(fields.rto ? { rto: fields.rto } : {}),
    ...(context.requester !== undefined ? { requester: context.requester } : {}),
    ...(context.approver !== undefined ? { approver: context.approver } : {}),
    ...(context.links ? { links: { ...context.links } } : {}),
  };
  const checked = checkRunRecord(record);
  if (!checked.ok) throw new Error(`${run.job} built an invalid run record: ${checked.errors.join('; ')}`);
  emit(context, run, {
    type: 'end',
    message: fields.error ? `${fields.outcome}: ${fields.error.code}` : fields.outcome,
  });
  return record;
};

/**
 * Why a planned job must not start now, if it must not: it is another job, it is not due, or it is a
 * heavy job whose maintenance window closed while earlier jobs ran (it waits for the next window).
 */
export const notStartable = (
  planned: PlannedJob,
  job: PlannedJob['job'],
  context: JobContext,
): { outcome: 'failed' | 'cancelled'; error: ToolError } | undefined => {
  if (planned.job !== job) {
    return {
      outcome: 'failed',
      error: { code: 'job.wrong-kind', message: `a planned ${planned.job} was given to the ${job} job` },
    };
  }
  if (planned.status !== 'due') {
    return {
      outcome: 'cancelled',
      error: {
        code: 'job.not-due',
        message: `${job} is ${planned.status}${planned.until ? ` until ${planned.until.toISOString()}` : ''}; not started`,
      },
    };
  }
  if (planned.heavy && planned.window && context.now().getTime() >= planned.window.end.getTime()) {
    return {
      outcome: 'cancelled',
      error: {
        code: 'job.window-closed',
        message: `maintenance window ${quote(planned.window.name)} closed at ${planned.window.end.toISOString()}; ${job} waits for the next one`,
      },
    };
  }
  return undefined;
};
