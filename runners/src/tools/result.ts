// Every tool adapter answers with one of these: outcomes are data the scheduler, records and bot branch on.

export type Outcome = 'ok' | 'partial' | 'failed' | 'locked' | 'auth' | 'cancelled';

export interface ToolError {
  /** Catalogue code, e.g. `restic.repository-missing`, `partclone.no-success-line`. */
  code: string;
  /** One line, secrets never included. */
  message: string;
}

export interface ToolRun {
  tool: string;
  version: string;
  /** Newer-version features this run used (e.g. `--retry-lock`), for the run record. */
  features: string[];
  exitCode: number | undefined;
  durationMs: number;
}

export type ToolResult<T> =
  | ({ outcome: 'ok'; value: T } & ToolRun)
  | ({ outcome: 'partial'; value: T; error: ToolError } & ToolRun)
  | ({ outcome: 'failed' | 'locked' | 'auth' | 'cancelled'; error: ToolError } & ToolRun);
