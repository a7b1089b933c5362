// Snapshots with chosen times for retention tests: `restic backup --time` (the backup adapter has no such
// option, on purpose), started through the exec choke point like every tool process.

import { exec } from '../../exec/exec.js';

export interface TimedBackup {
  /** RESTIC_REPOSITORY. */
  repository: string;
  password: string;
  cacheDir: string;
  host: string;
  tags: readonly string[];
  /** UTC, `YYYY-MM-DD HH:MM:SS`. */
  time: string;
  source: string;
}

export const backupAt = async (b: TimedBackup): Promise<void> => {
  const result = await exec(
    'restic',
    [
      'backup',
      '--json',
      `--host=${b.host}`,
      ...b.tags.map((t) => `--tag=${t}`),
      `--time=${b.time}`,
      '--',
      b.source,
    ],
    {
      env: {
        TZ: 'UTC',
        RESTIC_REPOSITORY: b.repository,
        RESTIC_PASSWORD: b.password,
        RESTIC_CACHE_DIR: b.cacheDir,
      },
      timeoutMs: 60_000,
    },
  );
  if (result.exitCode !== 0)
    throw new Error(`restic backup --time=${b.time} failed: ${result.stderr.trim()}`);
};
