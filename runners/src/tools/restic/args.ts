// Pure argv builders: every restic command line lifeboat runs is decided here, checked, and testable
// without restic. The repository and the password never appear: they travel in the environment.

import { quote } from '@lifeboat/core';
import type { ToolError } from '../result.js';
import type { ResticFeatures } from './version.js';

export type Argv = { ok: true; argv: string[]; features: string[] } | { ok: false; error: ToolError };

export interface CommonArgs {
  features: ResticFeatures;
  /** How long restic itself may wait for a lock (`--retry-lock`, restic ≥ 0.16 only); 0 or unset: no wait. */
  retryLockSeconds?: number;
  /** `--cache-dir`; unset: restic's default (~/.cache/restic). */
  cacheDir?: string;
}

export interface BackupArgs {
  /** Absolute source paths (relative ones are refused: they would land in the snapshot tree relative). */
  paths: readonly string[];
  host?: string;
  tags?: readonly string[];
  excludes?: readonly string[];
  oneFileSystem?: boolean;
}

export interface SnapshotFilter {
  host?: string;
  /** Each tag is one alternative (`--tag a --tag b` = a or b). */
  tags?: readonly string[];
  paths?: readonly string[];
}

export interface KeepRules {
  last?: number;
  hourly?: number;
  daily?: number;
  weekly?: number;
  monthly?: number;
  yearly?: number;
  /** restic duration, e.g. `30d`, `1y6m`, `2d12h`. */
  within?: string;
}

export type GroupByField = 'host' | 'paths' | 'tags';

export interface ForgetArgs extends SnapshotFilter {
  keep: KeepRules;
  /** Default in restic: host,paths. An empty list groups all selected snapshots together. */
  groupBy?: readonly GroupByField[];
  dryRun?: boolean;
  /**
   * `--no-lock`, only with `dryRun`: restic 0.14 takes an exclusive lock even for a dry run, which fails
   * while a backup runs and would make a running backup's lock check fail. A real forget always locks.
   */
  noLock?: boolean;
  /** The repository is shared: refuse unless `host` or `tags` limits what this forget may touch. */
  scoped?: boolean;
}

export interface PruneArgs {
  dryRun?: boolean;
  /** `--max-unused`, e.g. `5%`, `0`, `100M`, `unlimited`. */
  maxUnused?: string;
}

export interface CheckArgs {
  readData?: boolean;
  /** `n/t` (rotate n over t runs), `x%` or a size such as `500M`. */
  readDataSubset?: string;
}

export interface RestoreArgs {
  /** A snapshot id (8–64 hex digits) or `latest` (then host/paths/tags pick which latest). */
  snapshot: string;
  /** Absolute directory the snapshot is restored under. */
  target: string;
  include?: readonly string[];
  verify?: boolean;
  /** restic ≥ 0.17 only. */
  dryRun?: boolean;
  host?: string;
  paths?: readonly string[];
  tags?: readonly string[];
}

export type StatsMode = 'restore-size' | 'files-by-contents' | 'raw-data' | 'blobs-per-file';

export interface StatsArgs {
  mode?: StatsMode;
  host?: string;
}

const refuse = (code: string, message: string): Argv => ({ ok: false, error: { code, message } });

// restic's flag parser would read a value starting with `-` as another flag if it were a separate
// argument, so values are always joined (`--host=VALUE`) and positional paths follow `--`.
const flag = (name: string, value: string | number): string => `--${name}=${value}`;

// Control characters have no business in a host, tag or path and would corrupt logs and records.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

const badValue = (what: string, value: string): string | undefined => {
  if (value.trim() === '') return `${what} is empty`;
  if (CONTROL.test(value)) return `${what} ${quote(value)} contains a control character`;
  return undefined;
};

const badTag = (tag: string): string | undefined =>
  badValue('tag', tag) ??
  (tag.includes(',') ? `tag ${quote(tag)} contains a comma (restic splits tags on commas)` : undefined);

const badAbsolutePath = (what: string, p: string): string | undefined =>
  badValue(what, p) ?? (p.startsWith('/') ? undefined : `${what} ${quote(p)} is not an absolute path`);

const first = (...problems: (string | undefined)[]): string | undefined =>
  problems.find((p) => p !== undefined);

const common = (c: CommonArgs, locks: boolean): { argv: string[]; features: string[] } => {
  const argv: string[] = [];
  const features: string[] = [];
  if (c.cacheDir !== undefined) argv.push(flag('cache-dir', c.cacheDir));
  if (locks && c.features.retryLock && c.retryLockSeconds !== undefined && c.retryLockSeconds > 0) {
    argv.push(flag('retry-lock', `${Math.ceil(c.retryLockSeconds)}s`));
    features.push('retry-lock');
  }
  return { argv, features };
};

const filterProblems = (f: SnapshotFilter): string | undefined =>
  first(
    f.host === undefined ? undefined : badValue('host', f.host),
    ...(f.tags ?? []).map(badTag),
    ...(f.paths ?? []).map((p) => badAbsolutePath('path filter', p)),
  );

const filterArgs = (f: SnapshotFilter): string[] => [
  ...(f.host === undefined ? [] : [flag('host', f.host)]),
  ...(f.tags ?? []).map((t) => flag('tag', t)),
  ...(f.paths ?? []).map((p) => flag('path', p)),
];

const build = (
  c: CommonArgs,
  locks: boolean,
  command: string[],
  rest: string[],
  extra: string[] = [],
): Argv => {
  const g = common(c, locks);
  return { ok: true, argv: [...g.argv, ...command, ...rest], features: [...g.features, ...extra] };
};

export const versionArgs = (): string[] => ['version'];

export const initArgs = (c: CommonArgs): Argv => build(c, false, ['init'], []);

export const backupArgs = (c: CommonArgs, a: BackupArgs): Argv => {
  if (a.paths.length === 0) return refuse('restic.bad-option', 'backup needs at least one source path');
  const problem = first(
    ...a.paths.map((p) => badAbsolutePath('source path', p)),
    a.host === undefined ? undefined : badValue('host', a.host),
    ...(a.tags ?? []).map(badTag),
    ...(a.excludes ?? []).map((e) => badValue('exclude pattern', e)),
  );
  if (problem) return refuse('restic.bad-option', problem);
  return build(
    c,
    true,
    ['backup'],
    [
      '--json',
      ...(a.host === undefined ? [] : [flag('host', a.host)]),
      ...(a.tags ?? []).map((t) => flag('tag', t)),
      ...(a.excludes ?? []).map((e) => flag('exclude', e)),
      ...(a.oneFileSystem ? ['--one-file-system'] : []),
      '--',
      ...a.paths,
    ],
  );
};

export const snapshotsArgs = (c: CommonArgs, f: SnapshotFilter = {}): Argv => {
  const problem = filterProblems(f);
  if (problem) return refuse('restic.bad-option', problem);
  return build(c, true, ['snapshots'], ['--json', ...filterArgs(f)]);
};

const KEEP_COUNTS = [
  ['last', 'keep-last'],
  ['hourly', 'keep-hourly'],
  ['daily', 'keep-daily'],
  ['weekly', 'keep-weekly'],
  ['monthly', 'keep-monthly'],
  ['yearly', 'keep-yearly'],
] as const;

const WITHIN = /^(\d+[ymdh])+$/;

/** True when the rules keep something: forget with no rule at all would delete every snapshot it selects. */
export const hasKeepRule = (k: KeepRules): boolean =>
  KEEP_COUNTS.some(([key]) => (k[key] ?? 0) > 0) || (k.within !== undefined && /[1-9]/.test(k.within));

export const forgetArgs = (c: CommonArgs, a: ForgetArgs): Argv => {
  for (const [key, name] of KEEP_COUNTS) {
    const n = a.keep[key];
    if (n !== undefined && (!Number.isSafeInteger(n) || n < 1)) {
      return refuse('restic.bad-option', `--${name} must be a whole number of at least 1, got ${String(n)}`);
    }
  }
  if (a.keep.within !== undefined && !WITHIN.test(a.keep.within)) {
    return refuse(
      'restic.bad-option',
      `--keep-within ${quote(a.keep.within)} is not a restic duration such as 30d or 1y6m`,
    );
  }
  if (!hasKeepRule(a.keep)) {
    return refuse(
      'restic.forget-no-rule',
      'forget without a keep rule would remove every snapshot it selects',
    );
  }
  if (a.scoped && a.host === undefined && (a.tags ?? []).length === 0) {
    return refuse(
      'restic.forget-unscoped',
      'forget on a shared repository must be limited by host or tag, or it removes other machines’ snapshots',
    );
  }
  if (a.noLock && !a.dryRun) {
    return refuse('restic.bad-option', '--no-lock goes only with a dry run: a forget that deletes must lock');
  }
  const problem = filterProblems(a);
  if (problem) return refuse('restic.bad-option', problem);
  const keep: string[] = [];
  for (const [key, name] of KEEP_COUNTS) {
    const n = a.keep[key];
    if (n !== undefined) keep.push(flag(name, n));
  }
  if (a.keep.within !== undefined) keep.push(flag('keep-within', a.keep.within));
  return build(
    c,
    !a.noLock,
    ['forget'],
    [
      '--json',
      ...keep,
      ...filterArgs(a),
      ...(a.groupBy === undefined ? [] : [flag('group-by', a.groupBy.join(','))]),
      ...(a.dryRun ? ['--dry-run'] : []),
      ...(a.noLock ? ['--no-lock'] : []),
    ],
  );
};

const MAX_UNUSED = /^(\d+(\.\d+)?%|\d+[kKmMgGtT]?|unlimited)$/;

export const pruneArgs = (c: CommonArgs, a: PruneArgs = {}): Argv => {
  if (a.maxUnused !== undefined && !MAX_UNUSED.test(a.maxUnused)) {
    return refuse(
      'restic.bad-option',
      `--max-unused ${quote(a.maxUnused)} is not a percentage, a size or "unlimited"`,
    );
  }
  return build(
    c,
    true,
    ['prune'],
    [
      ...(a.maxUnused === undefined ? [] : [flag('max-unused', a.maxUnused)]),
      ...(a.dryRun ? ['--dry-run'] : []),
    ],
  );
};

/** Checks a `--read-data-subset` value the way restic does; undefined when valid. */
export const badReadDataSubset = (subset: string): string | undefined => {
  const part = /^(\d+)\/(\d+)$/.exec(subset);
  if (part) {
    const [n, t] = [Number(part[1]), Number(part[2])];
    return n >= 1 && t >= 1 && n <= t ? undefined : `read-data-subset ${quote(subset)} needs 1 <= n <= t`;
  }
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(subset);
  if (percent) {
    const p = Number(percent[1]);
    return p > 0 && p <= 100
      ? undefined
      : `read-data-subset ${quote(subset)} must be above 0% and at most 100%`;
  }
  if (/^[1-9]\d*[kKmMgGtT]?$/.test(subset)) return undefined;
  return `read-data-subset ${quote(subset)} is not n/t, a percentage or a size`;
};

export const checkArgs = (c: CommonArgs, a: CheckArgs = {}): Argv => {
  if (a.readData && a.readDataSubset !== undefined) {
    return refuse('restic.bad-option', 'check takes either readData or readDataSubset, not both');
  }
  if (a.readDataSubset !== undefined) {
    const problem = badReadDataSubset(a.readDataSubset);
    if (problem) return refuse('restic.bad-option', problem);
  }
  return build(
    c,
    true,
    ['check'],
    [
      ...(a.readData ? ['--read-data'] : []),
      ...(a.readDataSubset === undefined ? [] : [flag('read-data-subset', a.readDataSubset)]),
    ],
  );
};

const SNAPSHOT_ID = /^[0-9a-f]{8,64}$/;

export const restoreArgs = (c: CommonArgs, a: RestoreArgs): Argv => {
  if (a.snapshot !== 'latest' && !SNAPSHOT_ID.test(a.snapshot)) {
    return refuse(
      'restic.bad-option',
      `snapshot ${quote(a.snapshot)} is neither a hex snapshot id nor "latest"`,
    );
  }
  const filters: SnapshotFilter = { host: a.host, tags: a.tags, paths: a.paths };
  if (a.snapshot !== 'latest' && filterArgs(filters).length > 0) {
    return refuse(
      'restic.bad-option',
      'host, path and tag filters only choose which snapshot "latest" means',
    );
  }
  const problem = first(
    badAbsolutePath('restore target', a.target),
    ...(a.include ?? []).map((p) => badValue('include pattern', p)),
    filterProblems(filters),
  );
  if (problem) return refuse('restic.bad-option', problem);
  if (a.dryRun && !c.features.restoreDryRun) {
    return refuse('restic.unsupported', 'restore --dry-run needs restic 0.17 or newer');
  }
  const extra: string[] = [];
  if (c.features.restoreJson) extra.push('restore-json');
  if (a.dryRun) extra.push('restore-dry-run');
  return build(
    c,
    true,
    ['restore'],
    [
      a.snapshot,
      flag('target', a.target),
      ...(a.include ?? []).map((p) => flag('include', p)),
      ...filterArgs(filters),
      ...(a.verify ? ['--verify'] : []),
      ...(a.dryRun ? ['--dry-run'] : []),
      ...(c.features.restoreJson ? ['--json'] : []),
    ],
    extra,
  );
};

/** Removes stale locks only: `--remove-all` is never built, whatever the caller wants. */
export const unlockArgs = (c: CommonArgs): Argv => build(c, false, ['unlock'], []);

export const statsArgs = (c: CommonArgs, a: StatsArgs = {}): Argv => {
  const problem = a.host === undefined ? undefined : badValue('host', a.host);
  if (problem) return refuse('restic.bad-option', problem);
  return build(
    c,
    true,
    ['stats'],
    [
      '--json',
      ...(a.mode === undefined ? [] : [flag('mode', a.mode)]),
      ...(a.host === undefined ? [] : [flag('host', a.host)]),
    ],
  );
};

export const catConfigArgs = (c: CommonArgs): Argv => build(c, false, ['cat', 'config'], []);

// `rest:https://user:secret@host/` → `rest:https://host/`; `sftp:user@host:/srv` keeps its user (not a secret).
const USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi;

/** A repository location (or any text holding one) with URL credentials removed, for logs and messages. */
export const redactRepository = (text: string): string => text.replace(USERINFO, '$1');
