import { PARTCLONE_CHECKSUM_MODES } from '@lifeboat/core';
// Which partclone runs here, and which checksum modes (-aN) it can write and read back: an image made
// with a mode the restoring partclone does not know cannot be restored.
import { exec } from '../../exec/exec.js';

export interface PartcloneVersion {
  /** e.g. `0.3.23`. */
  text: string;
  major: number;
  minor: number;
  patch: number;
}

/** `partclone.ext4 -v` → `Partclone : v0.3.23 (cff71700…)`; the banner `Partclone v0.3.23 http://partclone.org` also works. */
export const parsePartcloneVersion = (text: string): PartcloneVersion | undefined => {
  const m = /Partclone(?: :)? v(\d+)\.(\d+)\.(\d+)/i.exec(text);
  if (!m) return undefined;
  return { text: `${m[1]}.${m[2]}.${m[3]}`, major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
};

export interface ChecksumModes {
  modes: readonly number[];
  /** false: the version is not in lifeboat's table; 0 and 1 (in every 0.3.x) are assumed. */
  verified: boolean;
}

export const checksumModes = (version: PartcloneVersion | undefined): ChecksumModes => {
  const known = version ? PARTCLONE_CHECKSUM_MODES.get(version.text) : undefined;
  return known ? { modes: known, verified: true } : { modes: [0, 1], verified: false };
};

const cache = new Map<string, Promise<PartcloneVersion | undefined>>();

/** Runs `BINARY -v` once per binary; undefined when it does not run or says something else. */
export const detectPartcloneVersion = (binary = 'partclone.ext4'): Promise<PartcloneVersion | undefined> => {
  let found = cache.get(binary);
  if (!found) {
    found = exec(binary, ['-v'], { timeoutMs: 15_000 }).then((r) =>
      r.exitCode === 0 ? parsePartcloneVersion(`${r.stdout}\n${r.stderr}`) : undefined,
    );
    cache.set(binary, found);
  }
  return found;
};
