// Read-only filesystem checks after a restore (e2fsck -fn, fsck.fat -n) as a typed result: a drill or
// image restore is only verified when the restored filesystem is clean.
import { quote } from '@lifeboat/core';
import { exec } from '../../exec/exec.js';
import type { ToolResult, ToolRun } from '../result.js';
import type { DiskCode } from './codes.js';
import { type FilesystemType, isExt, isFat } from './filesystem.js';

export interface FsckReport {
  filesystem: FilesystemType;
  clean: boolean;
  /** The checker's closing line, e.g. `fs.img: 13/4096 files (0.0% non-contiguous), 5256/16384 blocks`. */
  summary: string | undefined;
  /** What it would have fixed (lines answered "no" under -n, or reported). */
  problems: string[];
}

/** The check's result, with the report also when the filesystem is not clean (outcome failed, disk.fsck-errors). */
export type FsckResult = ToolResult<FsckReport> & { report: FsckReport | undefined };

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');

/** e2fsck -fn output (stdout) → problems and summary. */
export const parseE2fsck = (stdout: string): { summary: string | undefined; problems: string[] } => {
  const all = lines(stdout);
  const summary = [...all].reverse().find((l) => /: \d+\/\d+ files \(/.test(l));
  const problems = all.filter(
    (l) => /\? no$/.test(l) || /IGNORED\.$/.test(l) || /WARNING: Filesystem still has errors/.test(l),
  );
  return { summary, problems };
};

/** fsck.fat -n output (stdout) → problems (everything it reports between its banner and its verdict) and summary. */
export const parseFsckFat = (stdout: string): { summary: string | undefined; problems: string[] } => {
  const all = lines(stdout);
  const summary = [...all].reverse().find((l) => /: \d+ files, \d+\/\d+ clusters$/.test(l));
  const problems = all.filter(
    (l) =>
      !/^fsck\.fat \d/.test(l) &&
      l !== summary &&
      l !== 'Leaving filesystem unchanged.' &&
      !/^Checking we can access the last sector/.test(l),
  );
  return { summary, problems };
};

/** `e2fsck 1.47.0 (5-Feb-2023)` / `fsck.fat 4.2 (2021-01-31)`, printed at the top of every run. */
export const parseFsckVersion = (text: string): string | undefined =>
  /^(?:e2fsck|fsck\.fat) (\d+\.\d+(?:\.\d+)?)/m.exec(text)?.[1];

export interface FsckOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export const checkFilesystem = async (
  fs: FilesystemType,
  target: string,
  options: FsckOptions = {},
): Promise<FsckResult> => {
  const ext = isExt(fs);
  const tool = ext ? 'e2fsck' : isFat(fs) ? 'fsck.fat' : `fsck.${fs}`;
  const base = {
    tool,
    version: 'unknown',
    features: [],
    exitCode: undefined,
    durationMs: 0,
  } satisfies ToolRun;
  const failed = (code: DiskCode, message: string, run: ToolRun = base): FsckResult => ({
    outcome: 'failed',
    error: { code, message },
    ...run,
    report: undefined,
  });
  if (!target.startsWith('/'))
    return failed('disk.invalid-argument', 'the filesystem to check must be an absolute path');
  if (!ext && !isFat(fs)) return failed('disk.fsck-unsupported', `no read-only check for ${fs} filesystems`);

  const r = await exec(tool, ext ? ['-fn', target] : ['-n', target], {
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? 3_600_000,
  });
  const run: ToolRun = {
    tool,
    version: parseFsckVersion(`${r.stderr}\n${r.stdout}`) ?? 'unknown',
    features: [],
    exitCode: r.exitCode,
    durationMs: r.durationMs,
  };
  if (r.cancelled)
    return {
      outcome: 'cancelled',
      error: { code: 'disk.cancelled', message: `${tool} was cancelled` },
      ...run,
      report: undefined,
    };
  if (r.timedOut) return failed('disk.timeout', `${tool} timed out`, run);
  if (r.spawnFailed)
    return failed('disk.not-installed', `${tool} could not be started (is it installed?)`, run);

  const parsed = ext ? parseE2fsck(r.stdout) : parseFsckFat(r.stdout);
  const report: FsckReport = { filesystem: fs, clean: r.exitCode === 0, ...parsed };
  // e2fsck: 0 clean, 4 errors left uncorrected (all of them, under -n); 8 and up: could not check.
  // fsck.fat: 0 clean, 1 errors found; 2 usage, 6 cannot open.
  const errorsFound = ext ? r.exitCode === 4 : r.exitCode === 1;
  if (r.exitCode === 0) return { outcome: 'ok', value: report, ...run, report };
  if (errorsFound) {
    const first = report.problems[0];
    const message = `${tool} found ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} on ${quote(target, 200)}${first ? `: ${first.trim()}` : ''}`;
    return { outcome: 'failed', error: { code: 'disk.fsck-errors', message }, ...run, report };
  }
  const said = lines(`${r.stderr}\n${r.stdout}`).find((l) => !/^(e2fsck|fsck\.fat) \d/.test(l)) ?? '';
  return failed(
    'disk.fsck-failed',
    `${tool} could not check ${quote(target, 200)} (exit ${r.exitCode}): ${said.trim()}`,
    run,
  );
};
