// Which rclone runs here: Debian ships 1.60; exit-code meanings and flags moved in later releases.
import { exec } from '../../exec/exec.js';

export interface RcloneVersion {
  /** As rclone prints it without the `v`, e.g. `1.60.1-DEV`. */
  text: string;
  major: number;
  minor: number;
  patch: number;
}

/** `rclone version` → its first line, `rclone v1.60.1-DEV`. */
export const parseRcloneVersion = (stdout: string): RcloneVersion | undefined => {
  const m = /^rclone v(\d+)\.(\d+)\.(\d+)(\S*)/m.exec(stdout);
  if (!m) return undefined;
  return {
    text: `${m[1]}.${m[2]}.${m[3]}${m[4]}`,
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
  };
};

export const atLeast = (v: RcloneVersion, major: number, minor: number): boolean =>
  v.major > major || (v.major === major && v.minor >= minor);

/**
 * Exit status of a usage error: 1 up to 1.68, 2 from 1.69 (rclone swapped "usage" and "uncategorised",
 * lib/exitcode). Both are failures; the code only decides which message we show.
 */
export const usageExitCode = (v: RcloneVersion | undefined): number => (v && atLeast(v, 1, 69) ? 2 : 1);

const cache = new Map<string, Promise<RcloneVersion | undefined>>();

/** Runs `rclone version` once per binary; undefined when it does not run or prints something else. */
export const detectRcloneVersion = (binary = 'rclone'): Promise<RcloneVersion | undefined> => {
  let found = cache.get(binary);
  if (!found) {
    found = exec(binary, ['version'], { timeoutMs: 15_000 }).then((r) =>
      r.exitCode === 0 ? parseRcloneVersion(r.stdout) : undefined,
    );
    cache.set(binary, found);
  }
  return found;
};
