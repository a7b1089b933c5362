import type { RunRecord } from '@lifeboat/core';
import type { BotRequest } from '../requests/types.js';

// One interface for "make this restore happen": on a site runner via GitHub Actions, or on this machine.

export type RunPhase = 'started' | 'progress' | 'verified' | 'failed';

export interface RunUpdate {
  phase: RunPhase;
  percent?: number;
  message: string;
  record?: RunRecord;
}

export type PreflightResult = { ok: true } | { ok: false; code: string; message: string };

export type DispatchResult =
  | { ok: true; runId?: string; runUrl?: string }
  | { ok: false; code: string; message: string };

export interface Dispatcher {
  readonly name: 'github' | 'local';
  /** Checked before the request is marked dispatched: runner online and free, site here, lock free. */
  preflight(request: BotRequest): Promise<PreflightResult>;
  /**
   * Starts the run. The local dispatcher resolves after the run ended (updates carry the record);
   * the GitHub one resolves once the workflow run exists (the runner posts the result to Slack itself).
   */
  dispatch(request: BotRequest, onUpdate: (update: RunUpdate) => void): Promise<DispatchResult>;
}
