// Which restic is installed decides how its exit codes read and which flags exist: detect once per binary.

import { quote } from '@lifeboat/core';
import { exec } from '../../exec/exec.js';
import type { ToolError } from '../result.js';

export interface ResticVersion {
  /** `0.14.0`, or `0.17.3-dev` for development builds. */
  version: string;
  major: number;
  minor: number;
  patch: number;
  /** Go version restic was compiled with, when printed. */
  go?: string;
  /** `linux/amd64`, when printed. */
  platform?: string;
}

/** What this restic can do beyond 0.14 (Debian 12). */
export interface ResticFeatures {
  /** Exit 10 = repository missing, 11 = lock failure (0.17.0). */
  exitCodes: boolean;
  /** Exit 12 = wrong password (0.17.1; 0.17.0 still exits 1). */
  wrongPasswordExitCode: boolean;
  /** `--retry-lock <duration>` (0.16.0). */
  retryLock: boolean;
  /** `restore --json` status/summary lines (0.17.0). */
  restoreJson: boolean;
  /** `restore --dry-run` (0.17.0). */
  restoreDryRun: boolean;
  /** Exit 130 on SIGINT documented (0.19.0). 0.14 also exits 130 (verified); 0.17–0.18 often exit 1. */
  interruptExitCode: boolean;
  /** A missing backup source exits 3 instead of 0 (0.19.0). */
  missingSourceExitCode: boolean;
}

const atLeast = (v: ResticVersion, major: number, minor: number, patch = 0): boolean =>
  v.major !== major ? v.major > major : v.minor !== minor ? v.minor > minor : v.patch >= patch;

export const resticFeatures = (v: ResticVersion): ResticFeatures => ({
  exitCodes: atLeast(v, 0, 17),
  wrongPasswordExitCode: atLeast(v, 0, 17, 1),
  retryLock: atLeast(v, 0, 16),
  restoreJson: atLeast(v, 0, 17),
  restoreDryRun: atLeast(v, 0, 17),
  interruptExitCode: atLeast(v, 0, 19),
  missingSourceExitCode: atLeast(v, 0, 19),
});

// `restic 0.14.0 compiled with go1.19.8 on linux/amd64`; dev builds add `-dev (compiled manually)` or a git describe.
const VERSION_LINE =
  /^restic (\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(?: \([^)]*\))? compiled with (go[\w.]+) on ([\w/-]+)\s*$/;
const LOOSE_VERSION = /^restic (\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?/;

/** Parses `restic version` output; undefined when it is not restic's version line. */
export const parseResticVersion = (stdout: string): ResticVersion | undefined => {
  for (const line of stdout.split(/\r?\n/)) {
    const full = VERSION_LINE.exec(line.trim());
    const m = full ?? LOOSE_VERSION.exec(line.trim());
    if (!m) continue;
    const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return {
      version: `${major}.${minor}.${patch}${m[4] ?? ''}`,
      major,
      minor,
      patch,
      ...(full ? { go: full[5], platform: full[6] } : {}),
    };
  }
  return undefined;
};

export interface ResticInfo {
  binary: string;
  version: ResticVersion;
  features: ResticFeatures;
}

export type DetectResult = { ok: true; info: ResticInfo } | { ok: false; error: ToolError };

const cache = new Map<string, Promise<DetectResult>>();

/**
 * Runs `<binary> version` once per binary path and caches the answer (failures are not cached, so
 * installing restic while a runner is up takes effect on the next job).
 */
export const detectRestic = (
  binary = 'restic',
  options: { timeoutMs?: number } = {},
): Promise<DetectResult> => {
  const cached = cache.get(binary);
  if (cached) return cached;
  const pending = probe(binary, options.timeoutMs ?? 15_000);
  cache.set(binary, pending);
  void pending.then((r) => {
    if (!r.ok) cache.delete(binary);
  });
  return pending;
};

/** Forgets cached versions (tests, or after upgrading restic under a running process). */
export const clearResticVersionCache = (): void => cache.clear();

const probe = async (binary: string, timeoutMs: number): Promise<DetectResult> => {
  const r = await exec(binary, ['version'], { timeoutMs });
  if (r.spawnFailed) {
    return {
      ok: false,
      error: { code: 'restic.not-installed', message: `restic could not be started (${quote(binary)})` },
    };
  }
  const version = r.exitCode === 0 ? parseResticVersion(r.stdout) : undefined;
  if (!version) {
    const seen = (r.stdout.trim() || r.stderr.trim()).split('\n')[0]?.slice(0, 80) ?? '';
    return {
      ok: false,
      error: {
        code: 'restic.version-unknown',
        message: `${quote(binary)} version did not print a restic version (exit ${r.exitCode ?? r.signal}): ${quote(seen)}`,
      },
    };
  }
  return { ok: true, info: { binary, version, features: resticFeatures(version) } };
};
