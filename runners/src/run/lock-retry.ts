import { type LockHolder, type RepositoryLockOptions, withRepositoryLock } from '../scheduler/index.js';

// Another lifeboat process on the runner (a restore dispatched from Slack, a drill started by hand) may hold
// a repository for a while: wait with growing pauses, bounded, and then give up so the tick can end and the
// job be retried on a later one instead of queuing runs behind each other.

export interface LockBackoff {
  /** Tries including the first. */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
}

/** 6 tries over about 2½ minutes: a short job finishes in that time; a long one is better retried on a later tick. */
export const DEFAULT_LOCK_BACKOFF: LockBackoff = {
  attempts: 6,
  initialDelayMs: 5_000,
  maxDelayMs: 60_000,
  factor: 2,
};

/** The pauses between tries, in order. */
export const backoffDelays = (b: LockBackoff): number[] => {
  const delays: number[] = [];
  let d = Math.max(0, b.initialDelayMs);
  for (let i = 1; i < Math.max(1, Math.floor(b.attempts)); i++) {
    delays.push(Math.min(d, b.maxDelayMs));
    d *= Math.max(1, b.factor);
  }
  return delays;
};

/** Resolves after `ms`, or at once when the signal fires. */
export const pause = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

export interface LockWait {
  attempt: number;
  delayMs: number;
  holder: LockHolder | undefined;
}

export type Locked<T> =
  | { state: 'ran'; value: T; tookOver?: LockHolder }
  | { state: 'busy'; holder: LockHolder | undefined; waitedMs: number }
  | { state: 'cancelled'; holder: LockHolder | undefined; waitedMs: number };

export interface LockRunOptions extends Pick<RepositoryLockOptions, 'stateDir' | 'job' | 'onNote'> {
  backoff?: LockBackoff;
  signal?: AbortSignal;
  /** Told before each pause. */
  onWait?: (wait: LockWait) => void;
}

/** Run `fn` under the repository's lock, trying again with backoff while another process holds it. */
export const withLockBackoff = async <T>(
  key: string,
  fn: () => Promise<T>,
  options: LockRunOptions,
): Promise<Locked<T>> => {
  const delays = backoffDelays(options.backoff ?? DEFAULT_LOCK_BACKOFF);
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    const result = await withRepositoryLock(key, fn, {
      stateDir: options.stateDir,
      job: options.job,
      ...(options.onNote ? { onNote: options.onNote } : {}),
    });
    if (result.acquired)
      return { state: 'ran', value: result.value, ...(result.tookOver ? { tookOver: result.tookOver } : {}) };
    const delay = delays[attempt];
    if (delay === undefined) return { state: 'busy', holder: result.holder, waitedMs: Date.now() - started };
    if (options.signal?.aborted)
      return { state: 'cancelled', holder: result.holder, waitedMs: Date.now() - started };
    options.onWait?.({ attempt: attempt + 1, delayMs: delay, holder: result.holder });
    await pause(delay, options.signal);
    if (options.signal?.aborted)
      return { state: 'cancelled', holder: result.holder, waitedMs: Date.now() - started };
  }
};
