import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunRecord } from '@lifeboat/core';
import { newRunId } from '../run-id.js';

// Records and state directories for ledger, report and CLI tests.

export interface RecordSpec extends Partial<RunRecord> {
  /** Start time; endedAt follows after durationSeconds (default 60 s). */
  startedAt: string;
}

/** A valid record: a backup of lisle-finance-share that ended ok, unless told otherwise. */
export const makeRecord = (spec: RecordSpec): RunRecord => {
  const duration = spec.durationSeconds ?? 60;
  const started = new Date(spec.startedAt);
  return {
    apiVersion: 'lifeboat/v1',
    kind: 'RunRecord',
    id: newRunId(started),
    job: 'backup',
    site: 'lisle',
    policy: 'lisle-finance-share',
    endedAt: new Date(started.getTime() + duration * 1000).toISOString(),
    durationSeconds: duration,
    tool: { name: 'restic', version: '0.14.0' },
    outcome: 'ok',
    ...spec,
  };
};

/** A fresh temp state directory and its cleanup. */
export const tempStateDir = async (): Promise<{ dir: string; cleanup: () => Promise<void> }> => {
  const dir = await mkdtemp(path.join(tmpdir(), 'lifeboat-state-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
};
