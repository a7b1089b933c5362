import type { Entry, Inventory, RunRecord, Site } from '@lifeboat/core';
import type { PlannedJob } from '../scheduler/index.js';

// The contract between `lifeboat run` and each job: a job does its work with the tool adapters and answers
// with a complete RunRecord; the caller writes it to the ledger, holds the repository lock, and reports.

export interface JobEvent {
  type: 'start' | 'progress' | 'log' | 'end';
  /** `backup`, `image-capture`, … */
  job: string;
  /** Policy or image name. */
  subject: string;
  /** 0–100 for progress events. */
  percent?: number;
  bytesDone?: number;
  bytesTotal?: number;
  message?: string;
}

export interface JobContext {
  inventory: Inventory;
  site: Entry<Site>;
  /** Run records and locks live here. */
  stateDir: string;
  /** Drills restore here; default restores of files go under the policy's alternate target instead. */
  sandboxDir: string;
  /** Where credentials come from (passwordEnv names, envFrom names): the runner's environment. */
  env: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  now: () => Date;
  onEvent?: (event: JobEvent) => void;
  /** Extra run-record fields for on-demand jobs (restore requests from the bot). */
  requester?: string;
  approver?: string;
  links?: { workflowRun?: string; slackThread?: string };
}

/** Never throws for a tool or data failure: that is an outcome in the record. Throws only on programming errors. */
export type JobFn = (planned: PlannedJob, context: JobContext) => Promise<RunRecord>;
