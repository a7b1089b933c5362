// The restic adapter: each function runs one restic command through the exec choke point and answers
// with a ToolResult — version-aware, lock conflicts retried, sources checked before a backup starts.

import { lstat } from 'node:fs/promises';
import { quote } from '@lifeboat/core';
import { type ExecResult, exec, PARSED_OUTPUT_LIMIT } from '../../exec/exec.js';
import { outputTooLarge, type ToolError, type ToolResult } from '../result.js';
import {
  type Argv,
  type BackupArgs,
  backupArgs,
  type CheckArgs,
  type CommonArgs,
  catConfigArgs,
  checkArgs,
  type ForgetArgs,
  forgetArgs,
  initArgs,
  type PruneArgs,
  pruneArgs,
  type RestoreArgs,
  restoreArgs,
  type SnapshotFilter,
  type StatsArgs,
  snapshotsArgs,
  statsArgs,
  unlockArgs,
} from './args.js';
import { type Classified, classifyRestic } from './outcome.js';
import {
  type BackupSummary,
  type CheckReport,
  type ForgetGroup,
  type PruneReport,
  parseBackupLine,
  parseBackupOutput,
  parseCheck,
  parseConfig,
  parseForget,
  parseInit,
  parsePrune,
  parseRestore,
  parseRestoreProgress,
  parseSnapshots,
  parseStats,
  type RepositoryConfig,
  type RepositoryStats,
  type ResticProgress,
  type RestoreReport,
  type Snapshot,
} from './parse.js';
import { detectRestic, type ResticInfo } from './version.js';

/** Secrets and backend credentials for one repository; exactly one RESTIC_PASSWORD* source. */
export interface ResticEnv {
  RESTIC_PASSWORD?: string;
  RESTIC_PASSWORD_FILE?: string;
  RESTIC_PASSWORD_COMMAND?: string;
  /** Backend credentials (AWS_ACCESS_KEY_ID, B2_ACCOUNT_KEY, …). */
  [name: string]: string | undefined;
}

export interface ResticTarget {
  /** `rest:http://…`, `s3:…`, `/srv/repo`, … Passed as RESTIC_REPOSITORY, never in argv (URLs may hold credentials). */
  repository: string;
  env: ResticEnv;
  /** restic binary; default `restic` on PATH. */
  binary?: string;
  /** restic's cache directory; default restic's own (~/.cache/restic). */
  cacheDir?: string;
}

export interface LockRetry {
  /** Total tries including the first (1 = no retry). Clamped to 1..20. */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Delay multiplier per retry. */
  factor: number;
}

/** 6 tries over ~2¼ min: enough for a concurrent backup's lock check to pass, bounded well under restic's 30 min stale age. */
export const DEFAULT_LOCK_RETRY: LockRetry = {
  attempts: 6,
  initialDelayMs: 5_000,
  maxDelayMs: 60_000,
  factor: 2,
};

export interface ResticRunOptions {
  signal?: AbortSignal;
  /** Limit for the whole call, lock retries included. */
  timeoutMs?: number;
  /** Backup progress (and restore progress on restic ≥ 0.17). */
  onProgress?: (progress: ResticProgress) => void;
  /** Lock conflict handling; `false` = fail at once with `locked`. */
  lockRetry?: Partial<LockRetry> | false;
  /** Told before each wait for a lock (for job logs). */
  onLockRetry?: (retry: { attempt: number; delayMs: number; message: string }) => void;
}

const TOOL = 'restic';
const MAX_ATTEMPTS = 20;
const MAX_DELAY_MS = 10 * 60_000;

const PASSWORD_VARS = ['RESTIC_PASSWORD', 'RESTIC_PASSWORD_FILE', 'RESTIC_PASSWORD_COMMAND'] as const;

/** Exactly one password source, non-empty; undefined when fine. */
export const passwordProblem = (env: ResticEnv): ToolError | undefined => {
  const given = PASSWORD_VARS.filter((k) => (env[k] ?? '') !== '');
  if (given.length === 1) return undefined;
  return {
    code: 'restic.no-password',
    message:
      given.length === 0
        ? 'no password source: set one of RESTIC_PASSWORD, RESTIC_PASSWORD_FILE, RESTIC_PASSWORD_COMMAND'
        : `more than one password source given (${given.join(', ')}): give exactly one`,
  };
};

/**
 * The child's environment: the target's variables, the repository, and the runner's own RESTIC_* password
 * and repository variables blanked, so a stray one in the runner's environment can never be used instead.
 */
export const resticEnvironment = (target: ResticTarget): Record<string, string | undefined> => ({
  RESTIC_PASSWORD: undefined,
  RESTIC_PASSWORD_FILE: undefined,
  RESTIC_PASSWORD_COMMAND: undefined,
  RESTIC_REPOSITORY_FILE: undefined,
  RESTIC_KEY_HINT: undefined,
  ...target.env,
  RESTIC_REPOSITORY: target.repository,
});

const lockRetryOf = (o: ResticRunOptions): LockRetry => {
  if (o.lockRetry === false) return { ...DEFAULT_LOCK_RETRY, attempts: 1 };
  const r = { ...DEFAULT_LOCK_RETRY, ...o.lockRetry };
  const clampMs = (ms: number) => Math.min(MAX_DELAY_MS, Math.max(0, Number.isFinite(ms) ? ms : 0));
  return {
    attempts: Math.min(MAX_ATTEMPTS, Math.max(1, Math.floor(Number.isFinite(r.attempts) ? r.attempts : 1))),
    initialDelayMs: clampMs(r.initialDelayMs),
    maxDelayMs: clampMs(r.maxDelayMs),
    factor: Math.min(10, Math.max(1, Number.isFinite(r.factor) ? r.factor : 1)),
  };
};

/** The waits between tries, in order. */
export const lockRetryDelays = (r: LockRetry): number[] => {
  const delays: number[] = [];
  let d = r.initialDelayMs;
  for (let i = 1; i < r.attempts; i++) {
    delays.push(Math.min(d, r.maxDelayMs));
    d *= r.factor;
  }
  return delays;
};

const sleep = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

interface Attempted {
  info: ResticInfo;
  features: string[];
  result: ExecResult;
  classified: Classified;
  durationMs: number;
}

type Prepared = { ok: true; info: ResticInfo } | { ok: false; failure: ToolResult<never> };

const failure = (
  error: ToolError,
  info: ResticInfo | undefined,
  extra: {
    features?: string[];
    exitCode?: number;
    durationMs?: number;
    outcome?: 'failed' | 'locked' | 'auth' | 'cancelled';
  } = {},
): ToolResult<never> => ({
  outcome: extra.outcome ?? 'failed',
  error,
  tool: TOOL,
  version: info?.version.version ?? 'unknown',
  features: extra.features ?? [],
  exitCode: extra.exitCode,
  durationMs: extra.durationMs ?? 0,
});

const prepare = async (target: ResticTarget): Promise<Prepared> => {
  const detected = await detectRestic(target.binary ?? 'restic');
  if (!detected.ok) return { ok: false, failure: failure(detected.error, undefined) };
  const problem = passwordProblem(target.env);
  if (problem) return { ok: false, failure: failure(problem, detected.info) };
  return { ok: true, info: detected.info };
};

/** Runs one command, retrying lock conflicts itself on restic < 0.16 (newer ones get --retry-lock). */
const attempt = async (
  info: ResticInfo,
  target: ResticTarget,
  options: ResticRunOptions,
  build: (c: CommonArgs) => Argv,
  lines: { onStdoutLine?: (line: string) => void; onStderrLine?: (line: string) => void } = {},
): Promise<Attempted | ToolResult<never>> => {
  const retry = lockRetryOf(options);
  const delays = lockRetryDelays(retry);
  const budgetMs = delays.reduce((a, b) => a + b, 0);
  const common: CommonArgs = {
    features: info.features,
    cacheDir: target.cacheDir,
    // restic's own wait must end well before our time limit, or a lock conflict would read as a timeout.
    retryLockSeconds:
      Math.min(budgetMs, options.timeoutMs === undefined ? budgetMs : options.timeoutMs / 2) / 1000,
  };
  const argv = build(common);
  if (!argv.ok) return failure(argv.error, info);
  const features = [...argv.features, ...(info.features.exitCodes ? ['exit-codes'] : [])];
  const started = performance.now();
  const deadline = options.timeoutMs === undefined ? undefined : started + options.timeoutMs;
  const env = resticEnvironment(target);
  for (let i = 0; ; i++) {
    const remaining = deadline === undefined ? undefined : Math.max(1, deadline - performance.now());
    const result = await exec(target.binary ?? 'restic', argv.argv, {
      env,
      signal: options.signal,
      timeoutMs: remaining,
      // On SIGINT restic removes its lock and exits 130; SIGTERM kills it with the lock left behind (verified on 0.14).
      killSignal: 'SIGINT',
      ...lines,
    });
    const classified = classifyRestic(result, info.features);
    const delay = delays[i];
    const ownRetry = !info.features.retryLock || !argv.features.includes('retry-lock');
    // A retry squeezed into the last second would end as a timeout and hide the real cause (the lock).
    const fitsDeadline = deadline === undefined || performance.now() + (delay ?? 0) + 1_000 < deadline;
    if (
      classified.outcome === 'locked' &&
      ownRetry &&
      delay !== undefined &&
      fitsDeadline &&
      !options.signal?.aborted
    ) {
      options.onLockRetry?.({ attempt: i + 1, delayMs: delay, message: classified.error?.message ?? '' });
      await sleep(delay, options.signal);
      if (!options.signal?.aborted) continue;
      return failure(
        { code: 'restic.cancelled', message: 'cancelled while waiting for a repository lock' },
        info,
        {
          outcome: 'cancelled',
          features,
          exitCode: result.exitCode,
          durationMs: performance.now() - started,
        },
      );
    }
    return { info, features, result, classified, durationMs: performance.now() - started };
  }
};

const isAttempted = (a: Attempted | ToolResult<never>): a is Attempted => 'classified' in a;

const done = <T>(a: Attempted, value: T): ToolResult<T> => ({
  outcome: 'ok',
  value,
  tool: TOOL,
  version: a.info.version.version,
  features: a.features,
  exitCode: a.result.exitCode,
  durationMs: a.durationMs,
});

const failed = <T>(
  a: Attempted,
  error: ToolError,
  outcome?: 'failed' | 'locked' | 'auth' | 'cancelled',
): ToolResult<T> =>
  failure(error, a.info, {
    outcome,
    features: a.features,
    exitCode: a.result.exitCode,
    durationMs: a.durationMs,
  });

/** The classified failure as a result (for every outcome that is not ok/partial). */
const fromClassified = <T>(a: Attempted): ToolResult<T> => {
  const { outcome, error } = a.classified;
  const e = error ?? { code: 'restic.failed', message: 'restic failed' };
  return failed(a, e, outcome === 'ok' || outcome === 'partial' ? 'failed' : outcome);
};

/** Runs a command whose success has a parsed value and whose failures carry no more than the classification. */
const simple = async <T>(
  target: ResticTarget,
  options: ResticRunOptions,
  build: (c: CommonArgs) => Argv,
  parse: (stdout: string) => { ok: true; value: T } | { ok: false; message: string },
): Promise<ToolResult<T>> => {
  const prepared = await prepare(target);
  if (!prepared.ok) return prepared.failure;
  const a = await attempt(prepared.info, target, options, build);
  if (!isAttempted(a)) return a;
  if (a.classified.outcome !== 'ok') return fromClassified(a);
  // Only the head and tail of a huge stdout are kept: a parse of that would fail with a misleading message.
  if (a.result.stdoutTruncated)
    return failed(a, outputTooLarge('restic.output-too-large', PARSED_OUTPUT_LIMIT));
  const parsed = parse(a.result.stdout);
  if (!parsed.ok) return failed(a, { code: 'restic.output-unparsable', message: parsed.message });
  return done(a, parsed.value);
};

export const init = (
  target: ResticTarget,
  options: ResticRunOptions = {},
): Promise<ToolResult<{ repositoryId?: string }>> =>
  simple(
    target,
    options,
    (c) => initArgs(c),
    (stdout) => ({ ok: true, value: parseInit(stdout) }),
  );

/** Which of the paths do not exist (lstat: a dangling symlink is still a thing restic can back up). */
export const missingPaths = async (paths: readonly string[]): Promise<string[]> => {
  const missing: string[] = [];
  for (const p of paths) {
    try {
      await lstat(p);
    } catch {
      missing.push(p);
    }
  }
  return missing;
};

const listQuoted = (items: readonly string[], max = 3): string =>
  items
    .slice(0, max)
    .map((i) => quote(i))
    .join(', ') + (items.length > max ? ` and ${items.length - max} more` : '');

export const backup = async (
  target: ResticTarget,
  args: BackupArgs,
  options: ResticRunOptions = {},
): Promise<ToolResult<BackupSummary>> => {
  const prepared = await prepare(target);
  if (!prepared.ok) return prepared.failure;
  // restic 0.14 skips a missing source and exits 0 with a snapshot of the rest: refuse before it runs.
  const missing = await missingPaths(args.paths.filter((p) => p.startsWith('/')));
  if (missing.length > 0) {
    return failure(
      { code: 'restic.source-missing', message: `source path does not exist: ${listQuoted(missing)}` },
      prepared.info,
    );
  }
  const a = await attempt(prepared.info, target, options, (c) => backupArgs(c, args), {
    onStdoutLine: (line) => {
      if (!options.onProgress) return;
      const parsed = parseBackupLine(line);
      if (parsed?.kind === 'status') options.onProgress(parsed.progress);
    },
  });
  if (!isAttempted(a)) return a;
  const out = parseBackupOutput(a.result.stdout, a.result.stderr);
  const { outcome } = a.classified;
  // A source that vanished after our check: 0.14 says "skipping" and exits 0 (≥ 0.19 exits 3).
  if (out.missingSources.length > 0 && outcome !== 'cancelled') {
    return failed(a, {
      code: 'restic.source-missing',
      message: `source path disappeared before restic read it: ${listQuoted(out.missingSources)}`,
    });
  }
  if (outcome !== 'ok' && outcome !== 'partial') return fromClassified(a);
  if (!out.summary) {
    return failed(a, {
      code: 'restic.output-unparsable',
      message: 'backup --json printed no summary with a snapshot id',
    });
  }
  if (outcome === 'partial') {
    const first = out.errors[0];
    const detail = first
      ? `: ${out.errors.length} unreadable, first ${quote(first.item)} (${first.message})`
      : '';
    return {
      outcome: 'partial',
      value: out.summary,
      tool: TOOL,
      version: a.info.version.version,
      features: a.features,
      exitCode: a.result.exitCode,
      durationMs: a.durationMs,
      error: {
        code: a.classified.error?.code ?? 'restic.source-unreadable',
        message: `snapshot ${out.summary.snapshotId} created, but some source files could not be read${detail}`,
      },
    };
  }
  return done(a, out.summary);
};

export const snapshots = (
  target: ResticTarget,
  filter: SnapshotFilter = {},
  options: ResticRunOptions = {},
): Promise<ToolResult<Snapshot[]>> =>
  simple(target, options, (c) => snapshotsArgs(c, filter), parseSnapshots);

/** `forget --json` (dry-run or not): what each group keeps, with reasons, and what it removes. */
export const forget = (
  target: ResticTarget,
  args: ForgetArgs,
  options: ResticRunOptions = {},
): Promise<ToolResult<ForgetGroup[]>> => simple(target, options, (c) => forgetArgs(c, args), parseForget);

export const prune = (
  target: ResticTarget,
  args: PruneArgs = {},
  options: ResticRunOptions = {},
): Promise<ToolResult<PruneReport>> =>
  simple(
    target,
    options,
    (c) => pruneArgs(c, args),
    (stdout) => ({ ok: true, value: parsePrune(stdout) }),
  );

export const check = async (
  target: ResticTarget,
  args: CheckArgs = {},
  options: ResticRunOptions = {},
): Promise<ToolResult<CheckReport>> => {
  const prepared = await prepare(target);
  if (!prepared.ok) return prepared.failure;
  const a = await attempt(prepared.info, target, options, (c) => checkArgs(c, args));
  if (!isAttempted(a)) return a;
  const report = parseCheck(a.result.stdout, a.result.stderr);
  if (a.classified.outcome === 'ok') return done(a, report);
  if (a.classified.error?.code === 'restic.check-errors') {
    const first = report.errors[0] ?? 'see restic output';
    return failed(a, {
      code: 'restic.check-errors',
      message: `repository check found ${report.errors.length || 'some'} error(s), first: ${quote(first, 200)}`,
    });
  }
  return fromClassified(a);
};

export const restore = async (
  target: ResticTarget,
  args: RestoreArgs,
  options: ResticRunOptions = {},
): Promise<ToolResult<RestoreReport>> => {
  const prepared = await prepare(target);
  if (!prepared.ok) return prepared.failure;
  const json = prepared.info.features.restoreJson;
  const a = await attempt(prepared.info, target, options, (c) => restoreArgs(c, args), {
    onStdoutLine: (line) => {
      if (!options.onProgress || !json) return;
      const progress = parseRestoreProgress(line);
      if (progress) options.onProgress(progress);
    },
  });
  if (!isAttempted(a)) return a;
  const report = parseRestore(a.result.stdout, a.result.stderr);
  const { outcome } = a.classified;
  if (outcome === 'ok') {
    // 0.14 prints the verified count; without it we cannot claim the files were verified.
    if (args.verify && !json && !args.dryRun && report.verifiedFiles === undefined) {
      return failed(a, {
        code: 'restic.output-unparsable',
        message: 'restore --verify printed no "finished verifying" line',
      });
    }
    return done(a, report);
  }
  if (outcome === 'failed' && report.errors.length > 0) {
    const first = report.errors[0];
    const what = first ? `, first ${quote(first.item)}: ${quote(first.message, 160)}` : '';
    if (report.errors.some((e) => /no space left on device/.test(e.message))) {
      return failed(a, { code: 'restic.no-space', message: `restore target ran out of space${what}` });
    }
    const verifying = /^verifying files in /m.test(a.result.stdout);
    return failed(a, {
      code: verifying ? 'restic.verify-failed' : 'restic.restore-errors',
      message: `${report.errors.length} ${verifying ? 'verification' : 'restore'} error(s)${what}`,
    });
  }
  return fromClassified(a);
};

/** Removes stale locks only (never `--remove-all`). */
export const unlock = (
  target: ResticTarget,
  options: ResticRunOptions = {},
): Promise<ToolResult<Record<string, never>>> =>
  simple(
    target,
    { ...options, lockRetry: false },
    (c) => unlockArgs(c),
    () => ({ ok: true, value: {} }),
  );

export const stats = (
  target: ResticTarget,
  args: StatsArgs = {},
  options: ResticRunOptions = {},
): Promise<ToolResult<RepositoryStats>> => simple(target, options, (c) => statsArgs(c, args), parseStats);

/** `cat config`: the cheapest proof that the repository exists and the password opens it. */
export const catConfig = (
  target: ResticTarget,
  options: ResticRunOptions = {},
): Promise<ToolResult<RepositoryConfig>> => simple(target, options, (c) => catConfigArgs(c), parseConfig);
