import { createHash, randomUUID } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { mkdir, open, readFile, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { formatDuration, quote } from '@lifeboat/core';

// One job per repository on a runner host at a time: a forget must not race a prune, nor a sync copy a
// half-pruned repository. A lock file created with O_EXCL under the state directory, refreshed while held,
// so a crashed job's lock is recognised and taken over. restic's own repository locks (stale after 30 min,
// refreshed every 5) are the restic adapter's business; this is the runner's local lock around them.

export interface LockHolder {
  pid: number;
  host: string;
  /** What holds it, e.g. `prune lisle/lisle-nas/office-shares`. */
  job: string;
  /** The repository key. */
  key: string;
  /** ISO time the lock was taken. */
  started: string;
  /** Tells this holder's file from a later one with the same pid. */
  token: string;
}

export interface RepositoryLockOptions {
  stateDir: string;
  /** Recorded in the lock file for whoever finds it held. */
  job: string;
  /** How long to wait for another process's live lock before giving up; default 0 (one try). */
  waitMs?: number;
  /** Delay between tries while waiting; default 1 s. */
  pollMs?: number;
  /** A lock not refreshed for this long is stale even if its pid is alive (a reused pid); default 30 min. */
  staleAfterMs?: number;
  /** How often a held lock's file time is refreshed; default 5 min. */
  refreshMs?: number;
  /** Told when a stale lock is taken over, with who held it and why it was judged stale. */
  onNote?: (message: string) => void;
  /** Test seams: the host and pid written, and the liveness probe (kill(pid, 0)). */
  host?: string;
  pid?: number;
  isAlive?: (pid: number) => boolean;
}

export type LockResult<T> =
  | { acquired: true; value: T; tookOver?: LockHolder }
  /** A live holder kept it for the whole wait; `holder` is undefined when its file could not be read. */
  | { acquired: false; holder: LockHolder | undefined };

export const DEFAULT_STALE_AFTER_MS = 30 * 60_000;
export const DEFAULT_REFRESH_MS = 5 * 60_000;
/** A lock file that cannot be parsed is a writer that died between create and write, once this old. */
const UNREADABLE_STALE_MS = 60_000;
/** The take-over guard is held for a few file operations; older than this, its owner died. */
const GUARD_STALE_MS = 30_000;

/** `kill(pid, 0)`: ESRCH means gone; EPERM means alive under another user. */
export const processAlive = (pid: number): boolean => {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** A readable, collision-free file name for any key: the key's safe characters plus a hash of all of it. */
export const lockFileName = (key: string): string => {
  const readable = key.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 16);
  return `${readable}.${hash}.lock`;
};

export const lockPath = (stateDir: string, key: string): string =>
  path.join(stateDir, 'locks', lockFileName(key));

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;

const parseHolder = (text: string): LockHolder | undefined => {
  try {
    const v = JSON.parse(text) as Partial<LockHolder>;
    if (
      typeof v.pid === 'number' &&
      typeof v.host === 'string' &&
      typeof v.job === 'string' &&
      typeof v.key === 'string' &&
      typeof v.started === 'string' &&
      typeof v.token === 'string'
    )
      return v as LockHolder;
  } catch {
    // Unparsable: judged by age below.
  }
  return undefined;
};

interface Found {
  raw: string;
  holder: LockHolder | undefined;
  ageMs: number;
}

/** The current lock file, or undefined when there is none. */
const readLock = async (file: string): Promise<Found | undefined> => {
  try {
    const [raw, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    return { raw, holder: parseHolder(raw), ageMs: Date.now() - info.mtimeMs };
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
};

interface Settings {
  host: string;
  pid: number;
  isAlive: (pid: number) => boolean;
  staleAfterMs: number;
}

/** Why a lock may be taken over, or undefined while its holder may still be working. */
const staleBecause = (found: Found, s: Settings): string | undefined => {
  const { holder, ageMs } = found;
  if (!holder)
    return ageMs > UNREADABLE_STALE_MS ? 'its file is unreadable and not being written' : undefined;
  if (holder.host === s.host && !s.isAlive(holder.pid)) return `process ${holder.pid} is gone`;
  if (ageMs > s.staleAfterMs) return `not refreshed for ${formatDuration(ageMs / 1000)}`;
  return undefined;
};

const describe = (h: LockHolder | undefined) =>
  h ? `pid ${h.pid} on ${quote(h.host)} (job ${quote(h.job)}, started ${h.started})` : 'an unknown holder';

/** Create the lock file, failing with EEXIST when it is there. */
const create = async (file: string, holder: LockHolder): Promise<boolean> => {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(file, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY, 0o644);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(`${JSON.stringify(holder)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
};

/**
 * Remove a stale lock under a guard file, so two processes judging the same stale lock cannot both
 * remove it and then each remove the other's fresh one. Re-reads under the guard: only the very file
 * judged stale goes.
 */
const removeStale = async (file: string, judged: Found): Promise<boolean> => {
  const guard = `${file}.takeover`;
  try {
    await (await open(guard, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY, 0o644)).close();
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    const info = await stat(guard).catch(() => undefined);
    // A guard left by a process that died mid take-over; the next try takes the guard itself.
    if (info && Date.now() - info.mtimeMs > GUARD_STALE_MS) await unlink(guard).catch(() => undefined);
    return false;
  }
  try {
    const now = await readLock(file);
    if (!now || now.raw !== judged.raw) return false;
    await unlink(file).catch((error) => {
      if (errorCode(error) !== 'ENOENT') throw error;
    });
    return true;
  } finally {
    await unlink(guard).catch(() => undefined);
  }
};

export interface HeldLock {
  release: () => Promise<void>;
  tookOver?: LockHolder;
}

type Attempt = { acquired: true; lock: HeldLock } | { acquired: false; holder: LockHolder | undefined };

const tryOnce = async (
  file: string,
  key: string,
  options: RepositoryLockOptions,
  s: Settings,
): Promise<Attempt> => {
  const me: LockHolder = {
    pid: s.pid,
    host: s.host,
    job: options.job,
    key,
    started: new Date().toISOString(),
    token: randomUUID(),
  };
  let removed: { holder: LockHolder | undefined; why: string } | undefined;
  // Two rounds: a stale lock removed in the first frees the create of the second.
  for (let round = 0; round < 2; round++) {
    if (await create(file, me)) {
      if (removed)
        options.onNote?.(
          `took over the stale lock of repository ${quote(key)} held by ${describe(removed.holder)}: ${removed.why}`,
        );
      return { acquired: true, lock: hold(file, me, options, removed?.holder) };
    }
    const found = await readLock(file);
    if (!found) continue; // released between our create and read
    const why = staleBecause(found, s);
    if (!why) return { acquired: false, holder: found.holder };
    if (await removeStale(file, found)) removed = { holder: found.holder, why };
  }
  return { acquired: false, holder: (await readLock(file))?.holder };
};

/** Keep the file's time fresh while held, and remove it on release if it is still ours. */
const hold = (
  file: string,
  me: LockHolder,
  options: RepositoryLockOptions,
  tookOver: LockHolder | undefined,
): HeldLock => {
  const ours = async () => (await readLock(file).catch(() => undefined))?.holder?.token === me.token;
  const timer = setInterval(() => {
    void ours()
      .then((yes) => (yes ? utimes(file, new Date(), new Date()) : undefined))
      .catch(() => undefined);
  }, options.refreshMs ?? DEFAULT_REFRESH_MS);
  // A held lock must not keep the process alive on its own.
  timer.unref();
  let released = false;
  return {
    ...(tookOver ? { tookOver } : {}),
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(timer);
      // Another process took it over (judged stale): its file is not ours to delete.
      if (await ours()) await unlink(file).catch(() => undefined);
    },
  };
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Take the lock of a repository, waiting up to `waitMs` for a live holder; release it when done. */
export const acquireRepositoryLock = async (
  key: string,
  options: RepositoryLockOptions,
): Promise<Attempt> => {
  const file = lockPath(options.stateDir, key);
  try {
    await mkdir(path.dirname(file), { recursive: true });
  } catch (error) {
    throw new Error(
      `cannot create the lock directory ${quote(path.dirname(file), 200)}: ${errorCode(error) ?? String(error)}`,
    );
  }
  const s: Settings = {
    host: options.host ?? hostname(),
    pid: options.pid ?? process.pid,
    isAlive: options.isAlive ?? processAlive,
    staleAfterMs: options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS,
  };
  const deadline = Date.now() + (options.waitMs ?? 0);
  for (;;) {
    const attempt = await tryOnce(file, key, options, s);
    if (attempt.acquired || Date.now() >= deadline) return attempt;
    await sleep(Math.min(options.pollMs ?? 1_000, Math.max(0, deadline - Date.now())));
  }
};

/** In this process, jobs on one repository queue here, so they never poll against each other's lock. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Run `fn` holding the repository's lock, released in `finally` whatever `fn` does. Jobs of this process
 * on the same repository run one after another; other repositories overlap freely; another process's
 * live lock is waited for up to `waitMs`, then reported as not acquired.
 */
export const withRepositoryLock = async <T>(
  key: string,
  fn: () => Promise<T>,
  options: RepositoryLockOptions,
): Promise<LockResult<T>> => {
  const file = lockPath(options.stateDir, key);
  const previous = queues.get(file) ?? Promise.resolve();
  const run = previous.then(async (): Promise<LockResult<T>> => {
    const attempt = await acquireRepositoryLock(key, options);
    if (!attempt.acquired) return { acquired: false, holder: attempt.holder };
    try {
      const value = await fn();
      return { acquired: true, value, ...(attempt.lock.tookOver ? { tookOver: attempt.lock.tookOver } : {}) };
    } finally {
      await attempt.lock.release();
    }
  });
  // The queue continues after a failure: the next job must not inherit this one's error.
  const settled = run.catch(() => undefined);
  queues.set(file, settled);
  try {
    return await run;
  } finally {
    if (queues.get(file) === settled) queues.delete(file);
  }
};
