// The RunRecord every image job answers with, built in one place so outcomes, times, the tool and the
// requester fields are filled the same way whether the job got far or failed at its first check.
import type { Image, RunRecord } from '@lifeboat/core';
import { newRunId } from '../../ledger/run-id.js';
import type { PlannedJob } from '../../scheduler/due.js';
import { detectPartcloneVersion } from '../../tools/partclone/version.js';
import type { Outcome, ToolError } from '../../tools/result.js';
import type { JobContext } from '../job.js';
import { findImage } from './store.js';

export type ImageJobKind = 'image-capture' | 'image-restore' | 'sd-write' | 'drill';

export interface ImageRun {
  job: ImageJobKind;
  image: Image;
  context: JobContext;
  startedAt: Date;
  /** Monotonic start, for durations that do not jump with the wall clock. */
  startedMs: number;
  partcloneVersion: string;
  /** Progress and log events, tagged with the job and image. */
  emit: (event: { type: 'progress' | 'log'; percent?: number; message?: string }) => void;
}

export interface RecordFields {
  outcome: Outcome;
  error?: ToolError;
  stats?: Record<string, number | string | boolean>;
  verification?: RunRecord['verification'];
  rto?: RunRecord['rto'];
  features?: string[];
}

const subjectName = (planned: PlannedJob) =>
  planned.subjects.find((s) => s.kind === 'image')?.name ?? planned.subjects[0]?.name;

const build = (
  job: ImageJobKind,
  context: JobContext,
  startedAt: Date,
  startedMs: number,
  image: string | undefined,
  partcloneVersion: string,
  fields: RecordFields,
): RunRecord => {
  let endedAt = context.now();
  if (endedAt.getTime() < startedAt.getTime()) endedAt = startedAt;
  const durationSeconds = Math.max(0, (performance.now() - startedMs) / 1000);
  const record: RunRecord = {
    apiVersion: 'lifeboat/v1',
    kind: 'RunRecord',
    id: newRunId(startedAt),
    job,
    site: context.site.value.metadata.name,
    ...(image && /^[a-z][a-z0-9-]{0,62}$/.test(image) ? { image } : {}),
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    durationSeconds: Math.round(durationSeconds * 1000) / 1000,
    tool: {
      name: 'partclone',
      version: partcloneVersion,
      ...(fields.features?.length ? { features: fields.features } : {}),
    },
    outcome: fields.outcome,
  };
  if (fields.error) record.error = { code: fields.error.code, message: fields.error.message };
  if (fields.stats) record.stats = fields.stats;
  if (fields.verification) record.verification = fields.verification;
  if (fields.rto) record.rto = fields.rto;
  if (context.requester) record.requester = context.requester;
  if (context.approver) record.approver = context.approver;
  if (context.links) record.links = { ...context.links };
  return record;
};

/** Resolves the image and starts the clock; a record of the failure when the image is not in the inventory. */
export const beginImageJob = async (
  job: ImageJobKind,
  planned: PlannedJob,
  context: JobContext,
): Promise<{ ok: true; run: ImageRun } | { ok: false; record: RunRecord }> => {
  const startedAt = context.now();
  const startedMs = performance.now();
  const partcloneVersion = (await detectPartcloneVersion())?.text ?? 'unknown';
  const found = findImage(planned, context.inventory);
  if (!found.ok) {
    const record = build(job, context, startedAt, startedMs, subjectName(planned), partcloneVersion, {
      outcome: 'failed',
      error: found.error,
    });
    return { ok: false, record };
  }
  const subject = found.value.metadata.name;
  context.onEvent?.({ type: 'start', job, subject });
  const emit: ImageRun['emit'] = (e) => context.onEvent?.({ ...e, job, subject });
  return {
    ok: true,
    run: { job, image: found.value, context, startedAt, startedMs, partcloneVersion, emit },
  };
};

/** The run's record; also emits the `end` event. */
export const endImageJob = (run: ImageRun, fields: RecordFields): RunRecord => {
  const record = build(
    run.job,
    run.context,
    run.startedAt,
    run.startedMs,
    run.image.metadata.name,
    run.partcloneVersion,
    fields,
  );
  run.context.onEvent?.({
    type: 'end',
    job: run.job,
    subject: run.image.metadata.name,
    message: fields.error
      ? `${fields.outcome}: ${fields.error.code}: ${fields.error.message}`
      : fields.outcome,
  });
  return record;
};

/** An unexpected exception (an I/O error nobody mapped) as a failed outcome: jobs never throw for data problems. */
export const errorOf = (e: unknown, code = 'image.io-failed'): ToolError => {
  const message = e instanceof Error ? e.message : String(e);
  return { code, message: message.split('\n')[0] ?? message };
};

/** The outcome of a failed step: cancellation wins over the step's own error. */
export const failureOutcome = (run: ImageRun, outcome?: Outcome): Outcome =>
  run.context.signal?.aborted ? 'cancelled' : outcome === 'cancelled' ? 'cancelled' : 'failed';
