import { type Entry, formatDuration, type Inventory, quote, type RunRecord, type Site } from '@lifeboat/core';
import type { JobContext } from '../jobs/job.js';
import { writeRunRecord } from '../ledger/index.js';
import { type LockHolder, repositoryKey } from '../scheduler/index.js';
import type { Outcome } from '../tools/result.js';
import type { JobSummary, RunEvent } from './events.js';
import { DEFAULT_LOCK_BACKOFF, type LockBackoff, withLockBackoff } from './lock-retry.js';
import { checkJobRecord, fanOut, markCancelled, oneLine, ownRecords, type RunTarget } from './records.js';

// One job, start to finish, as both `run --due` and an on-demand request run it: under its repository's
// lock (waiting with backoff for another process), crash and cancellation turned into records, the job's
// own record checked, one record per subject written to the ledger.

/** What every run of a job needs besides the job itself. */
export interface RunEnvironment {
  inventory: Inventory;
  site: string;
  stateDir: string;
  sandboxDir: string;
  /** Where credentials are read from (the runner's environment). */
  env: Readonly<Record<string, string | undefined>>;
  /** SIGINT/SIGTERM: the running job is told, later jobs do not start. */
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** The clock for records and durations (tests fix it); default the real one. */
  clock?: () => Date;
  /** Waiting for another process's repository lock. */
  lockBackoff?: LockBackoff;
  /** Link to the workflow run, copied into every record. */
  links?: JobContext['links'];
}

export interface Runner {
  options: RunEnvironment;
  site: Entry<Site>;
  clock: () => Date;
  emit: (event: RunEvent) => void;
}

export const runnerOf = (options: RunEnvironment, site: Entry<Site>): Runner => ({
  options,
  site,
  clock: options.clock ?? (() => new Date()),
  emit: (event) => options.onEvent?.(event),
});

const describeHolder = (h: LockHolder | undefined) =>
  h ? `pid ${h.pid} on ${quote(h.host)} (${quote(h.job, 80)}, since ${h.started})` : 'another process';

const errorLine = (error: unknown): string =>
  oneLine(error instanceof Error ? `${error.name}: ${error.message}` : String(error));

type Answer =
  | { kind: 'record'; record: unknown; startedAt: Date; endedAt: Date }
  | { kind: 'crash'; error: unknown; startedAt: Date; endedAt: Date };

/** The job's context: the runner's, plus who asked for an on-demand job. */
export const jobContext = (
  r: Runner,
  key: string,
  extra: Pick<JobContext, 'requester' | 'approver'> = {},
): JobContext => {
  const { options } = r;
  return {
    inventory: options.inventory,
    site: r.site,
    stateDir: options.stateDir,
    sandboxDir: options.sandboxDir,
    env: options.env,
    now: r.clock,
    onEvent: (event) => r.emit({ event: 'job', key, ...event }),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.links ? { links: options.links } : {}),
    ...extra,
  };
};

/** The records for one job, whatever happened to it. */
const recordsOf = async (
  r: Runner,
  target: RunTarget,
  call: () => Promise<RunRecord>,
  extra: Pick<RunRecord, 'requester' | 'approver' | 'links'>,
): Promise<RunRecord[]> => {
  const { options, clock, emit } = r;
  const { signal } = options;
  const key = repositoryKey(target.repository);
  const site = options.site;
  const own = (
    startedAt: Date,
    endedAt: Date,
    outcome: 'failed' | 'locked' | 'cancelled',
    code: 'internal.job-crashed' | 'internal.invalid-record' | 'run.repository-locked' | 'run.cancelled',
    message: string,
  ) => ownRecords({ site, planned: target, startedAt, endedAt, outcome, code, message, extra });
  const waitStarted = clock();
  const locked = await withLockBackoff(
    key,
    async (): Promise<Answer> => {
      const startedAt = clock();
      try {
        const record = await call();
        return { kind: 'record', record, startedAt, endedAt: clock() };
      } catch (error) {
        return { kind: 'crash', error, startedAt, endedAt: clock() };
      }
    },
    {
      stateDir: options.stateDir,
      job: `${target.job} ${key}`,
      backoff: options.lockBackoff ?? DEFAULT_LOCK_BACKOFF,
      ...(signal ? { signal } : {}),
      onNote: (message) => emit({ event: 'note', key: target.key, message }),
      onWait: (w) =>
        emit({
          event: 'lock-wait',
          key: target.key,
          repository: key,
          attempt: w.attempt,
          delayMs: w.delayMs,
          holder: describeHolder(w.holder),
        }),
    },
  );
  if (locked.state === 'busy') {
    const waited = formatDuration(Math.round(locked.waitedMs / 1000));
    return own(
      waitStarted,
      clock(),
      'locked',
      'run.repository-locked',
      `repository ${quote(key)} was held by ${describeHolder(locked.holder)} for the whole wait (${waited})`,
    );
  }
  if (locked.state === 'cancelled') {
    return own(
      waitStarted,
      clock(),
      'cancelled',
      'run.cancelled',
      `cancelled while waiting for the lock of repository ${quote(key)}`,
    );
  }
  const answer = locked.value;
  if (answer.kind === 'crash') {
    return signal?.aborted
      ? own(
          answer.startedAt,
          answer.endedAt,
          'cancelled',
          'run.cancelled',
          `cancelled; the job then threw ${errorLine(answer.error)}`,
        )
      : own(answer.startedAt, answer.endedAt, 'failed', 'internal.job-crashed', errorLine(answer.error));
  }
  const checked = checkJobRecord(answer.record, site, target);
  if (!checked.ok)
    return own(answer.startedAt, answer.endedAt, 'failed', 'internal.invalid-record', checked.message);
  const record = answer.record as RunRecord;
  return fanOut(signal?.aborted ? markCancelled(record) : record, target);
};

const write = async (
  stateDir: string,
  records: readonly RunRecord[],
): Promise<{ ids: string[]; files: string[]; error?: string }> => {
  const ids: string[] = [];
  const files: string[] = [];
  for (const record of records) {
    try {
      files.push((await writeRunRecord(stateDir, record)).file);
      ids.push(record.id);
    } catch (error) {
      return { ids, files, error: `run record ${quote(record.id)} not written: ${errorLine(error)}` };
    }
  }
  return { ids, files };
};

/** Run one job under its repository's lock and write its records; the summary says how it ended. */
export const runOne = async (
  r: Runner,
  target: RunTarget,
  reason: string,
  position: { index: number; total: number },
  call: () => Promise<RunRecord>,
  extra: Pick<RunRecord, 'requester' | 'approver'> = {},
): Promise<JobSummary> => {
  const base = baseOf(target);
  r.emit({ event: 'job-start', ...base, ...position, at: r.clock().toISOString() });
  const records = await recordsOf(r, target, call, {
    ...extra,
    ...(r.options.links ? { links: r.options.links } : {}),
  });
  const first = records[0] as RunRecord;
  const written = await write(r.options.stateDir, records);
  return {
    ...base,
    // Schema-checked: one of the outcomes.
    outcome: first.outcome as Outcome,
    durationSeconds: first.durationSeconds,
    reason,
    ...(first.error ? { error: first.error } : {}),
    records: written.ids,
    recordFiles: written.files,
    ...(written.error === undefined ? {} : { recordError: written.error }),
  };
};

export const baseOf = (target: RunTarget) => ({
  key: target.key,
  job: target.job,
  subjects: target.subjects,
  repository: repositoryKey(target.repository),
});
