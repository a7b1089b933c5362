import { checkRunRecord, type Outcome, quote, type RunRecord } from '@lifeboat/core';
import { newRunId } from '../ledger/index.js';
import type { JobSubject, RepositoryRef } from '../scheduler/index.js';
import type { RunCode } from './codes.js';

// The records the orchestration writes itself (a crash, a lock never obtained, a cancellation before the job
// answered), the check of a job's own record, and one record per subject of a shared job: the scheduler asks
// each policy's ledger when its prune or check last succeeded, so each must see the run.

/** Records written by the orchestration name lifeboat itself as the tool. */
export const LIFEBOAT_TOOL = { name: 'lifeboat', version: '0.1.0' } as const;

const MAX_MESSAGE = 300;

/** One line, bounded: record messages end up in tables and Slack threads. */
export const oneLine = (text: string, max = MAX_MESSAGE): string => {
  const line = text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

const subjectFields = (subject: JobSubject): Pick<RunRecord, 'policy' | 'image'> =>
  subject.kind === 'policy' ? { policy: subject.name } : { image: subject.name };

const sameSubject = (record: RunRecord, subject: JobSubject): boolean =>
  subject.kind === 'policy' ? record.policy === subject.name : record.image === subject.name;

/** What a record is about: a planned job, or a job run on request (a restore). */
export interface RunTarget {
  key: string;
  job: RunRecord['job'];
  subjects: JobSubject[];
  repository: RepositoryRef;
}

export interface OwnRecordInput {
  site: string;
  planned: RunTarget;
  startedAt: Date;
  endedAt: Date;
  outcome: Exclude<Outcome, 'ok' | 'partial'>;
  code: RunCode;
  message: string;
  extra?: Pick<RunRecord, 'requester' | 'approver' | 'links'>;
}

/** A record per subject of the job, for an end the job itself could not report. */
export const ownRecords = (input: OwnRecordInput): RunRecord[] => {
  const { planned, startedAt, endedAt } = input;
  const durationSeconds = Math.max(0, (endedAt.getTime() - startedAt.getTime()) / 1000);
  return planned.subjects.map((subject) => ({
    apiVersion: 'lifeboat/v1',
    kind: 'RunRecord',
    id: newRunId(startedAt),
    job: planned.job,
    site: input.site,
    ...subjectFields(subject),
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    durationSeconds,
    tool: { ...LIFEBOAT_TOOL },
    outcome: input.outcome,
    error: { code: input.code, message: oneLine(input.message) },
    ...input.extra,
  }));
};

export type RecordCheck = { ok: true } | { ok: false; message: string };

/** Whether a job's answer is a valid record of this very run: schema, site, job and subject. */
export const checkJobRecord = (record: unknown, site: string, planned: RunTarget): RecordCheck => {
  const checked = checkRunRecord(record);
  if (!checked.ok)
    return {
      ok: false,
      message: `the job's run record fails the schema: ${checked.errors.slice(0, 3).join('; ')}`,
    };
  const r = record as RunRecord;
  if (r.site !== site)
    return { ok: false, message: `the job's run record names site ${quote(r.site)}, not ${quote(site)}` };
  if (r.job !== planned.job)
    return {
      ok: false,
      message: `the job's run record is a ${quote(r.job)} record, not ${quote(planned.job)}`,
    };
  if (!planned.subjects.some((s) => sameSubject(r, s)))
    return {
      ok: false,
      message: `the job's run record names none of the subjects it ran for (${planned.subjects.map((s) => `${s.kind} ${quote(s.name)}`).join(', ')})`,
    };
  return { ok: true };
};

/**
 * The job's record, then a copy for every other subject the job served (fresh id, same run), so a prune
 * shared by two policies counts as their prune for both. A record naming a policy and an image is left alone.
 */
export const fanOut = (record: RunRecord, planned: RunTarget): RunRecord[] => {
  const out = [record];
  if (record.policy !== undefined && record.image !== undefined) return out;
  for (const subject of planned.subjects) {
    if (sameSubject(record, subject)) continue;
    const { policy: _policy, image: _image, ...rest } = record;
    out.push({ ...rest, ...subjectFields(subject), id: newRunId(new Date(record.startedAt)) });
  }
  return out;
};

/**
 * A job that ended after a cancellation with a failure of its own (a tool killed by the signal reads as
 * `failed` in some versions) is recorded as what it was: cancelled. Its own error stays as the detail.
 */
export const markCancelled = (record: RunRecord): RunRecord => {
  if (record.outcome !== 'failed' && record.outcome !== 'locked') return record;
  const detail = record.error ? `; the job reported ${record.error.code}: ${record.error.message}` : '';
  return {
    ...record,
    outcome: 'cancelled',
    error: { code: 'run.cancelled', message: oneLine(`cancelled by a signal${detail}`) },
  };
};
