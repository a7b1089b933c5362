import type { RunRecord } from '@lifeboat/core';
import { backoffDelays, type LockBackoff, pause } from './lock-retry.js';

// restic 0.14 retries a failed request in the middle of a run, but not the first one that opens the
// repository: a NAS that is rebooting or a REST server that restarts fails a scheduled job at once with
// `restic.unreachable`. Such a job is tried again within the same tick after a short pause (bounded, still
// under the repository's lock) instead of waiting for the next tick; the record says how often.

/** Error codes that mean "the repository could not be reached", where nothing was changed. */
export const TRANSIENT_CODES: readonly string[] = ['restic.unreachable'];

/** Scheduled jobs that are safe to start again after such a failure (restic and rclone re-do them whole). */
export const TRANSIENT_RETRY_JOBS: readonly string[] = [
  'backup',
  'forget',
  'prune',
  'check',
  'sync',
  'drill',
];

/** 3 tries: again after 3 s, then after 12 s — a server restart, not an outage, is what this is for. */
export const DEFAULT_TRANSIENT_RETRY: LockBackoff = {
  attempts: 3,
  initialDelayMs: 3_000,
  maxDelayMs: 12_000,
  factor: 4,
};

/** The record failed for a reason that a moment's wait may cure. */
export const isTransientFailure = (record: RunRecord): boolean =>
  record.outcome === 'failed' &&
  TRANSIENT_RETRY_JOBS.includes(record.job) &&
  record.error !== undefined &&
  TRANSIENT_CODES.includes(record.error.code);

export interface TransientRetryOptions {
  backoff?: LockBackoff;
  signal?: AbortSignal;
  /** Told before each pause, with the failure that caused it. */
  onRetry?: (retry: { attempt: number; delayMs: number; code: string; message: string }) => void;
}

/**
 * Runs `call`, and again after each pause of the backoff while it answers with a transient failure. The
 * last answer is returned; when there were retries its stats say how many (`transient_retries`) and why
 * (`transient_codes`), and a failure's message says it was the last of several tries.
 */
export const withTransientRetry = async (
  call: () => Promise<RunRecord>,
  options: TransientRetryOptions = {},
): Promise<RunRecord> => {
  const delays = backoffDelays(options.backoff ?? DEFAULT_TRANSIENT_RETRY);
  const codes: string[] = [];
  let record = await call();
  for (const delayMs of delays) {
    if (!isTransientFailure(record) || options.signal?.aborted) break;
    const error = record.error as { code: string; message: string };
    codes.push(error.code);
    options.onRetry?.({ attempt: codes.length + 1, delayMs, code: error.code, message: error.message });
    await pause(delayMs, options.signal);
    if (options.signal?.aborted) break;
    record = await call();
  }
  if (codes.length === 0) return record;
  const tries = codes.length + 1;
  return {
    ...record,
    stats: { ...record.stats, transient_retries: codes.length, transient_codes: codes.join(',') },
    ...(record.error && record.outcome !== 'ok'
      ? { error: { ...record.error, message: `${record.error.message} (try ${tries} of ${tries})` } }
      : {}),
  };
};
