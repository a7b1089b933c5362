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

/** The error for a whole-output answer past exec's limit: only its head and tail were kept, so it cannot be read. */
export const outputTooLarge = (
  code: 'restic.output-too-large' | 'rclone.output-too-large',
  limitBytes: number,
): ToolError => ({
  code,
  message: `${code.split('.')[0]} printed more than ${Math.round(limitBytes / 1024 / 1024)} MiB of output; lifeboat keeps only its first and last MiB, so the answer cannot be read`,
});
